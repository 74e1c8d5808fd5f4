"""Staff ballots for 会议推荐 and 民主测评: invitations, slips, casting, the count, the paper tally, receipts (R-REC-6, R-REC-8, R-INS-5)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from selection import gates, rules, sealing
from selection.models import (
    AppraisalRating,
    BallotBox,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Inspection,
    Invitation,
    ParticipantCategory,
    PromotionOpinion,
    SelectionCase,
    StaffBallot,
)
from selection.models.ballot import box_scope
from selection.permissions import ballot_invitees

from .. import cases
from ..ballots import (
    RECEIPT_LENGTH,
    SLIP_CODE_LENGTH,
    code_hash,
    destroy_key,
    find_invitation,
    new_code,
    open_ballots,
    receipt_hash,
    seal_ballot,
    write_ballot,
)
from ..base import ServiceError, as_actor, lock_case, record_event
from .common import ALREADY_VOTED, BAD_CODE, BOX_NOT_OPEN, MAX_COUNT

# ---- 会议推荐、民主测评 ------------------------------------------------------------------------------


def _lock_box(box: BallotBox) -> BallotBox:
    """Casting and closing take the same row lock, so they queue in arrival order: a ballot either goes in
    before the close (and is counted) or after it (and is refused). A shared lock for casting would let a
    steady stream of ballots starve the close in PostgreSQL."""
    return BallotBox.objects.select_for_update(of=("self",)).select_related("case").get(pk=box.pk)


def create_ballot_box(
    case: SelectionCase,
    *,
    by,
    kind: str,
    title: str,
    held_on: date,
    scope: str = "",
    candidates: list[Candidate] | None = None,
) -> BallotBox:
    """HR sets up a 会议推荐 (reference candidates) or a 民主测评 (inspection targets)."""
    actor = as_actor(by)
    if kind not in BallotBox.Kind.values:
        raise ServiceError("请选择会议推荐或民主测评。")
    with transaction.atomic():
        case = lock_case(case)
        if kind == BallotBox.Kind.RECOMMENDATION:
            if case.status != CaseStatus.RECOMMENDATION:
                raise ServiceError("会议推荐只能在民主推荐阶段进行。")
            pool = case.candidates.filter(status=CandidateStatus.NOMINATED)
        else:
            if case.status != CaseStatus.INSPECTION:
                raise ServiceError("民主测评只能在考察阶段进行。")
            pool = case.candidates.filter(status=CandidateStatus.TARGET)
        chosen = list(pool.filter(pk__in=[c.pk for c in candidates]) if candidates is not None else pool)
        if not chosen:
            raise ServiceError("没有可以列入选票的人选。")
        box = BallotBox.objects.create(
            case=case,
            kind=kind,
            title=title.strip() or str(BallotBox.Kind(kind).label),
            held_on=held_on,
            scope=scope,
            created_by=actor.user,
        )
        box.candidates.set(chosen)
        record_event(
            case,
            by=actor,
            action="create_ballot_box",
            summary=f"设置{box.get_kind_display()}投票：{box.title}（人选 {len(chosen)} 名）",
            payload={"box": box.pk, "kind": kind, "candidates": [c.cadre.name for c in chosen]},
        )
    return box


def _require_preparing_or_open(box: BallotBox) -> None:
    if box.phase == BallotBox.Phase.CLOSED:
        raise ServiceError("本次投票已经计票，不能再邀请。")


def invite_accounts(box: BallotBox, *, by, users: list, category: str) -> int:
    """Invite staff with accounts; each may cast one ballot. Returns how many were newly invited."""
    actor = as_actor(by)
    if category not in ParticipantCategory.values:
        raise ServiceError("请选择人员类别。")
    if not users:
        raise ServiceError("请选择要邀请的人员（须为本单位账号）。")
    with transaction.atomic():
        box = _lock_box(box)
        lock_case(box.case)
        _require_preparing_or_open(box)
        allowed = set(ballot_invitees(box).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
        if refused := [u for u in users if u.pk not in allowed]:
            raise ServiceError(
                "不能邀请："
                + "、".join(u.get_full_name() or u.username for u in refused)
                + "（人选本人、系统管理员和其他单位的人员不参加本次投票）。"
            )
        known = set(box.invitations.filter(user__isnull=False).values_list("user_id", flat=True))
        new = [Invitation(box=box, user=u, category=category) for u in users if u.pk not in known]
        Invitation.objects.bulk_create(new)
        record_event(
            box.case,
            by=actor,
            action="invite_accounts",
            summary=f"{box.title}：邀请 {len(new)} 人参加（{ParticipantCategory(category).label}）",
            payload={"box": box.pk, "category": category, "count": len(new)},
        )
    return len(new)


def issue_slips(box: BallotBox, *, by, count: int, category: str) -> list[str]:
    """One-time codes for staff without accounts, printed as slips. Returned once; only a keyed hash is
    stored, and nothing ties a code to the person it is handed to."""
    actor = as_actor(by)
    if category not in ParticipantCategory.values:
        raise ServiceError("请选择人员类别。")
    if not 0 < count <= 500:
        raise ServiceError("每次可生成 1 至 500 张投票条。")
    codes = [new_code(SLIP_CODE_LENGTH) for _ in range(count)]
    with transaction.atomic():
        box = _lock_box(box)
        lock_case(box.case)
        _require_preparing_or_open(box)
        Invitation.objects.bulk_create(
            [Invitation(box=box, category=category, code_hash=code_hash(c)) for c in codes]
        )
        record_event(
            box.case,
            by=actor,
            action="issue_slips",
            summary=f"{box.title}：生成投票条 {count} 张（{ParticipantCategory(category).label}）",
            payload={"box": box.pk, "category": category, "count": count},
        )
    return codes


def open_box(box: BallotBox, *, by) -> BallotBox:
    actor = as_actor(by)
    with transaction.atomic():
        box = _lock_box(box)
        lock_case(box.case)
        if box.phase != BallotBox.Phase.PREPARING:
            raise ServiceError("投票已经开始或已经结束。")
        if box.source:
            raise ServiceError("本次投票已录入纸质计票结果。")
        expected = box.invitations.count()
        if not expected:
            raise ServiceError("请先邀请参加人员或生成投票条。")
        box.phase = BallotBox.Phase.OPEN
        box.save(update_fields=["phase"])
        sealing.create_key(box_scope(box))
        record_event(
            box.case,
            by=actor,
            action="open_box",
            summary=f"{box.title}：开始投票，应参加 {expected} 人",
            payload={"box": box.pk, "expected": expected},
        )
    return box


@dataclass(frozen=True)
class PostSection:
    """One post on a recommendation ballot: choose at most `limit` of the candidates."""

    label: str
    limit: int
    candidates: list[Candidate]


def ballot_sections(box: BallotBox) -> list[PostSection]:
    """The recommendation ballot: per post, up to as many names as the post has vacancies."""
    vacancies = Counter(box.case.vacancies.values_list("post_id", flat=True))
    by_post: dict[int, list[Candidate]] = defaultdict(list)
    labels: dict[int, str] = {}
    for candidate in box.candidates.select_related("cadre", "vacancy__post__department").order_by("pk"):
        post = candidate.vacancy.post
        by_post[post.pk].append(candidate)
        labels[post.pk] = str(post)
    return [PostSection(labels[pk], vacancies[pk], people) for pk, people in by_post.items()]


def _validate_choices(box: BallotBox, choices: dict) -> dict:
    """The canonical content of a valid ballot, or a Chinese refusal."""
    if box.kind == BallotBox.Kind.RECOMMENDATION:
        picked = {int(pk) for pk in choices.get("candidates", [])}
        known = set()
        for section in ballot_sections(box):
            ids = {c.pk for c in section.candidates}
            known |= ids
            if len(picked & ids) > section.limit:
                raise ServiceError(f"“{section.label}”最多推荐 {section.limit} 人，请减少勾选。")
        if not picked <= known:
            raise ServiceError("选票上没有该人选，请重新打开投票页面。")
        return {"candidates": sorted(picked)}
    ratings = choices.get("ratings", {})
    promotion = choices.get("promotion", {})
    out = {}
    for candidate in box.candidates.select_related("cadre"):
        rating = ratings.get(str(candidate.pk)) or ratings.get(candidate.pk)
        opinion = promotion.get(str(candidate.pk)) or promotion.get(candidate.pk)
        if rating not in AppraisalRating.values or opinion not in PromotionOpinion.values:
            raise ServiceError(f"请对{candidate.cadre.name}选择测评等次，并选择是否同意提拔。")
        out[str(candidate.pk)] = {"rating": rating, "promotion": opinion}
    return {"appraisal": out}


def ballot_size(box: BallotBox) -> int:
    """The fixed length every sealed ballot of this box is padded to: that of the longest possible
    content (every name ticked, the longest marks), so a blob's length reveals nothing."""
    ids = sorted(box.candidates.values_list("pk", flat=True))
    longest_category = max(ParticipantCategory.values, key=len)
    if box.kind == BallotBox.Kind.RECOMMENDATION:
        widest = {"candidates": ids}
    else:
        mark = {
            "rating": max(AppraisalRating.values, key=len),
            "promotion": max(PromotionOpinion.values, key=len),
        }
        widest = {"appraisal": {str(pk): mark for pk in ids}}
    return sealing.fixed_size({"category": longest_category, **widest})


def cast_staff_ballot(box: BallotBox, *, choices: dict, user=None, code: str = "") -> str:
    """One ballot per invitation, all or nothing; returns the receipt code (shown once, stored hashed).
    Validation and sealing happen before the box's lock; under it, the invitation is marked used and the
    sealed ballot written, with nothing linking them."""
    if (user is None) == (not code):
        raise ServiceError("请登录或输入投票码后投票。")
    box = BallotBox.objects.select_related("case").get(pk=box.pk)
    if box.phase != BallotBox.Phase.OPEN:
        raise ServiceError(BOX_NOT_OPEN)
    content = _validate_choices(box, choices)
    invitation = find_invitation(
        Invitation.objects.filter(box=box), user=user, code=code, fields=("pk", "category", "used")
    )
    if invitation is None:
        raise ServiceError(BAD_CODE if code else "您不在本次投票的参加人员之中。")
    refused = BAD_CODE if code else ALREADY_VOTED
    if invitation["used"]:
        raise ServiceError(refused)
    content = {"category": invitation["category"], **content}
    blob = seal_ballot(box_scope(box), content, ballot_size(box), refused=BOX_NOT_OPEN)
    receipt = new_code(RECEIPT_LENGTH)
    with transaction.atomic():
        box = _lock_box(box)
        if box.phase != BallotBox.Phase.OPEN:
            raise ServiceError(BOX_NOT_OPEN)
        ballot = StaffBallot(box=box, sealed=blob, receipt_hash=receipt_hash(receipt))
        write_ballot(Invitation.objects.all(), invitation["pk"], ballot, refused=refused)
    return receipt


def box_for_code(code: str) -> BallotBox | None:
    """The open box an unused code belongs to, else None."""
    row = (
        Invitation.objects.filter(code_hash=code_hash(code), used=False, box__phase=BallotBox.Phase.OPEN)
        .select_related("box")
        .first()
    )
    return row.box if row else None


@dataclass
class CategoryCount:
    expected: int = 0
    actual: int = 0
    valid: int = 0
    votes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"expected": self.expected, "actual": self.actual, "valid": self.valid, "votes": self.votes}


def vote_keys(box: BallotBox) -> list[tuple[str, str]]:
    """(key, label) of every count the tally holds, in ballot order."""
    keys = []
    for candidate in box.candidates.select_related("cadre").order_by("pk"):
        name = candidate.cadre.name
        if box.kind == BallotBox.Kind.RECOMMENDATION:
            keys.append((str(candidate.pk), name))
        else:
            keys += [(f"{candidate.pk}:{r.value}", f"{name} {r.label}") for r in AppraisalRating]
            keys += [(f"{candidate.pk}:{p.value}", f"{name} {p.label}") for p in PromotionOpinion]
    return keys


def _online_counts(box: BallotBox, contents: list[dict]) -> dict[str, CategoryCount]:
    """Counts by category from the opened ballots (in random order; nothing else is kept of them)."""
    counts = {c.value: CategoryCount() for c in ParticipantCategory}
    for category, used in box.invitations.values_list("category", "used"):
        counts[category].expected += 1
        counts[category].actual += int(used)
    keys = [k for k, _ in vote_keys(box)]
    for c in counts.values():
        c.votes = dict.fromkeys(keys, 0)
    for content in contents:
        bucket = counts[content["category"]]
        bucket.valid += 1
        for pk in content.get("candidates", []):
            bucket.votes[str(pk)] += 1
        for pk, marks in content.get("appraisal", {}).items():
            bucket.votes[f"{pk}:{marks['rating']}"] += 1
            bucket.votes[f"{pk}:{marks['promotion']}"] += 1
    return counts


def _apply_tally(box: BallotBox, counts: dict[str, CategoryCount], actor, source: str) -> None:
    """Both paths end here: the same RoundResult rows / Inspection counts, and the same rules (R-REC-6,
    R-REC-8, R-INS-5). The category breakdown stays on the box."""
    total = CategoryCount()
    for c in counts.values():
        total.expected += c.expected
        total.actual += c.actual
        total.valid += c.valid
        for key, n in c.votes.items():
            total.votes[key] = total.votes.get(key, 0) + n
    if total.actual > total.expected:
        raise ServiceError("实参加人数不能多于应参加人数。")
    if total.valid > total.actual:
        raise ServiceError("有效票数不能多于实参加人数。")
    candidates = list(box.candidates.select_related("cadre", "vacancy").order_by("pk"))
    if box.kind == BallotBox.Kind.RECOMMENDATION:
        box.round = cases.record_round(
            box.case,
            by=actor,
            kind="meeting",
            held_on=box.held_on,
            expected=total.expected,
            actual=total.actual,
            valid_ballots=total.valid,
            scope=box.scope,
            results=[(c.vacancy, c.cadre, total.votes.get(str(c.pk), 0)) for c in candidates],
        )
    else:
        # Figures already on a record (a paper appraisal, another box) are never overwritten by this box.
        recorded = set(
            Inspection.objects.filter(candidate__in=candidates, appraisal_actual__isnull=False).values_list(
                "candidate_id", flat=True
            )
        )
        kept = [c.cadre.name for c in candidates if c.pk in recorded]
        for c in candidates:
            if c.pk in recorded:
                continue
            v = total.votes
            cases.update_candidate_record(
                c,
                by=actor,
                appraisal_expected=total.expected,
                appraisal_actual=total.actual,
                rated_excellent=v.get(f"{c.pk}:excellent", 0),
                rated_competent=v.get(f"{c.pk}:competent", 0),
                rated_basic=v.get(f"{c.pk}:basic", 0),
                rated_incompetent=v.get(f"{c.pk}:incompetent", 0),
                agree_promotion=v.get(f"{c.pk}:agree", 0),
                disagree_promotion=v.get(f"{c.pk}:disagree", 0),
            )
    box.tally = {
        "categories": {k: c.as_dict() for k, c in counts.items()},
        "total": total.as_dict(),
    }
    if box.kind != BallotBox.Kind.RECOMMENDATION and kept:
        box.tally["kept_records"] = kept  # whose recorded figures this tally did not replace
    box.source = source
    box.phase = BallotBox.Phase.CLOSED
    box.save(update_fields=["tally", "source", "phase", "round"])
    record_event(
        box.case,
        by=actor,
        action="count_ballot_box",
        summary=f"{box.title}：计票（{BallotBox.Source(source).label}），应参加 {total.expected} 人，"
        f"实参加 {total.actual} 人，有效票 {total.valid} 张",
        findings=rules.recommendation_attendance(total.expected, total.actual)
        if box.kind == BallotBox.Kind.RECOMMENDATION
        else rules.appraisal_attendance(
            total.expected, total.actual, gates.settings_for(box.case.organization)
        ),
        payload={"box": box.pk, "source": source, "tally": box.tally},
    )


def close_box(box: BallotBox, *, by) -> BallotBox:
    """Close online voting and count: every ballot cast before this is counted, any later one refused."""
    actor = as_actor(by)
    with transaction.atomic():
        box = _lock_box(box)
        lock_case(box.case)
        if box.phase != BallotBox.Phase.OPEN:
            raise ServiceError("投票尚未开始或已经计票。")
        key, contents = open_ballots(box_scope(box), box.ballots.values_list("sealed", flat=True))
        counts = _online_counts(box, contents)
        del contents
        _apply_tally(box, counts, actor, BallotBox.Source.ONLINE)
        sealing.destroy(key)
    return box


def enter_paper_tally(box: BallotBox, *, by, counts: dict[str, CategoryCount]) -> BallotBox:
    """Paper fallback: HR enters the counted paper ballots by category; they feed the same tally."""
    actor = as_actor(by)
    keys = {k for k, _ in vote_keys(box)}
    for category, c in counts.items():
        if category not in ParticipantCategory.values or not set(c.votes) <= keys:
            raise ServiceError("计票表格与选票不符，请重新打开页面。")
        numbers = [c.expected, c.actual, c.valid, *c.votes.values()]
        if any(not isinstance(n, int) or not 0 <= n <= MAX_COUNT for n in numbers):
            raise ServiceError(f"人数和票数须为 0 至 {MAX_COUNT:,} 之间的整数。")
        if c.actual > c.expected or c.valid > c.actual or any(n > c.valid for n in c.votes.values()):
            raise ServiceError(
                f"{ParticipantCategory(category).label}：实参加人数不能多于应参加人数，有效票和得票数不能多于实参加人数。"
            )
    with transaction.atomic():
        box = _lock_box(box)
        lock_case(box.case)
        if box.phase == BallotBox.Phase.CLOSED:
            raise ServiceError("本次投票已经计票。")
        if box.ballots.exists():
            raise ServiceError("已有网上投票，不能再录入纸质计票结果；请结束网上投票后计票。")
        _apply_tally(box, counts, actor, BallotBox.Source.PAPER)
        destroy_key(box_scope(box))
    return box


@dataclass(frozen=True)
class ReceiptCheck:
    """What a receipt proves: its ballot is in this box or evaluation (`title`), counted once closed."""

    found: bool
    title: str = ""
    counted: bool = False


def check_receipt(receipt: str) -> ReceiptCheck:
    """Whether the ballot with this receipt is in its box or yearly evaluation (and counted); never what it
    says. Staff ballots and 一报告两评议 ballots share the receipt machinery (services/ballots.py)."""
    from selection.models.annual import AnnualEvaluation, EvaluationBallot

    digest = receipt_hash(receipt)
    ballot = StaffBallot.objects.filter(receipt_hash=digest).select_related("box").first()
    if ballot is not None:
        return ReceiptCheck(True, ballot.box.title, ballot.box.phase == BallotBox.Phase.CLOSED)
    vote = EvaluationBallot.objects.filter(receipt_hash=digest).select_related("evaluation__report").first()
    if vote is not None:
        evaluation = vote.evaluation
        return ReceiptCheck(True, str(evaluation), evaluation.phase == AnnualEvaluation.Phase.CLOSED)
    return ReceiptCheck(False)
