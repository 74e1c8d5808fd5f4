"""Online voting: the party group's meeting, secret ballots, sign-offs, reconsideration, and staff ballots
for 会议推荐 and 民主测评 (DESIGN.md "Votes and ballots"; R-DEC-2..7, R-REC-6, R-REC-8, R-INS-5).

Secrecy: nothing here logs, records or returns anything that joins a voter to a choice. A secret ballot is
sealed (selection/sealing.py) before anything is written; its participation row and its sealed row go in
one short transaction; at close the blobs are opened in memory, only counts are stored and the box's private
key is destroyed (docs/SECURITY.md). The record gets counts only, when voting closes.

Casting does its checks, validation and sealing before taking the meeting's or box's row lock, so only the
writes are serialised.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction

from selection import gates, rules, sealing
from selection.models import (
    AgendaItem,
    AppraisalRating,
    Attendance,
    BallotBox,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Inspection,
    Invitation,
    Meeting,
    MeetingReconsideration,
    ParticipantCategory,
    PromotionOpinion,
    Recusal,
    SecretBallot,
    SecretParticipation,
    SelectionCase,
    SignOff,
    StaffBallot,
    VoteChoice,
    meeting_agenda,
)
from selection.models.ballot import SECRET_BALLOT_SIZE, box_scope, meeting_scope, result_digest
from selection.permissions import assign_meeting_participants, ballot_invitees

from . import cases
from .ballots import (
    RECEIPT_LENGTH,
    SLIP_CODE_LENGTH,
    code_hash,
    destroy_key,
    find_invitation,
    new_code,
    normalise_code,  # noqa: F401 (views/voting.py reads it from here)
    open_ballots,
    receipt_hash,
    seal_ballot,
    write_ballot,
)
from .base import ServiceError, as_actor, check_findings, lock_case, record_event

ALREADY_VOTED = "您已经投过票了，每人只能投一次，不能重复投票。"
VOTING_NOT_OPEN = "表决尚未开始或已经结束。"
BOX_NOT_OPEN = "投票尚未开始或已经结束，本次提交未计入。"
BAD_CODE = "投票码无效或已使用，请核对投票条上的投票码。"
WRONG_PASSWORD = "密码不正确，签字确认未完成。"
MAX_COUNT = 100_000  # people or ballots of one category: far above any bureau, far below an overflow
WRONG_OTP = "动态验证码不正确或已过期，签字确认未完成。"


# ---- 党组会议 ---------------------------------------------------------------------------------------


def _require_chair(meeting: Meeting, user, action: str) -> None:
    if user is None or user.pk != meeting.chair_id:
        raise ServiceError(f"只有会议主持人（主要领导）可以{action}。")


def _lock_meeting(meeting: Meeting) -> tuple[SelectionCase, Meeting]:
    case = lock_case(meeting.case)
    return case, Meeting.objects.select_for_update().get(pk=meeting.pk)


def _open_meeting_exists(case: SelectionCase) -> bool:
    return case.meetings.filter(phase__in=[Meeting.Phase.PREPARING, Meeting.Phase.VOTING]).exists()


def schedule_meeting(
    case: SelectionCase, *, by, held_on: date, chair, members: list, minutes: str = ""
) -> Meeting:
    """Set up an online party-group meeting: who should attend (N) and who chairs it; attendance follows."""
    actor = as_actor(by)
    if chair.pk not in {m.pk for m in members}:
        raise ServiceError("主持人（主要领导）必须是应到的党组成员。")
    with transaction.atomic():
        case = lock_case(case)
        if case.status != CaseStatus.DECISION:
            raise ServiceError(
                f"只有讨论决定阶段才能召开党组会议，该批次当前处于“{case.get_status_display()}”阶段。"
            )
        if _open_meeting_exists(case):
            raise ServiceError("上一次会议尚未结束表决。")
        meeting = Meeting.objects.create(
            case=case, held_on=held_on, chair=chair, minutes=minutes, phase=Meeting.Phase.PREPARING
        )
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member=m) for m in members])
        record_event(
            case,
            by=actor,
            action="schedule_meeting",
            summary=f"安排党组会议：{held_on:%Y年%-m月%-d日}，应到 {len(members)} 人，主持人{chair.get_full_name()}",
            payload={"members": [m.get_full_name() for m in members], "chair": chair.get_full_name()},
        )
    return meeting


def record_attendance(
    meeting: Meeting, *, by, present: list, absence_reasons: dict[int, str] | None = None
) -> Meeting:
    """The chair checks in who is present (R-DEC-2 is checked when voting opens)."""
    actor = as_actor(by)
    present_ids = {m.pk for m in present}
    reasons = absence_reasons or {}
    with transaction.atomic():
        case, meeting = _lock_meeting(meeting)
        _require_chair(meeting, actor.user, "登记出席情况")
        if meeting.phase != Meeting.Phase.PREPARING:
            raise ServiceError("表决已经开始，出席情况不能再修改。")
        rows = list(meeting.attendance.select_related("member"))
        if not present_ids <= {a.member_id for a in rows}:
            raise ServiceError("出席人员必须是应到的党组成员。")
        if meeting.chair_id not in present_ids:
            raise ServiceError("主持人（主要领导）必须出席。")
        for row in rows:
            row.present = row.member_id in present_ids
            row.absence_reason = "" if row.present else reasons.get(row.member_id, "").strip()[:100]
        Attendance.objects.bulk_update(rows, ["present", "absence_reason"])
        record_event(
            case,
            by=actor,
            action="record_attendance",
            summary=f"登记出席：应到 {len(rows)} 人，实到 {len(present_ids)} 人",
            findings=gates.quorum(len(rows), len(present_ids)),
            payload={
                "present": [r.member.get_full_name() for r in rows if r.present],
                "absent": {r.member.get_full_name(): r.absence_reason for r in rows if not r.present},
            },
        )
    return meeting


def open_voting(meeting: Meeting, *, by, method: str) -> Meeting:
    """The chair chooses the method and opens voting: quorum (R-DEC-2), material on file (R-DEC-4, R-DEC-8),
    recusals (R-DEC-6), the agenda fixed."""
    actor = as_actor(by)
    if method not in Meeting.Method.values:
        raise ServiceError("请选择表决方式：口头表决、举手表决或无记名投票。")
    with transaction.atomic():
        case, meeting = _lock_meeting(meeting)
        _require_chair(meeting, actor.user, "开始表决")
        if meeting.phase != Meeting.Phase.PREPARING:
            raise ServiceError("表决已经开始或已经结束。")
        rows = list(meeting.attendance.select_related("member__cadre"))
        members = [a.member for a in rows]
        present = [a.member for a in rows if a.present]
        if meeting.is_reconsideration:
            agenda = list(Candidate.objects.filter(agenda_items__meeting=meeting).select_related("cadre"))
        else:
            agenda = list(case.candidates.filter(status=CandidateStatus.PROPOSED).select_related("cadre"))
        if not agenda:
            raise ServiceError("没有需要表决的人选。")
        findings = [*gates.quorum(len(members), len(present))]
        if not meeting.is_reconsideration:
            findings += gates.before_meeting(case)
        check_findings(findings, None)
        AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, candidate=c) for c in agenda], ignore_conflicts=True
        )
        on_agenda = {c.pk for c in agenda}
        recusals = [r for r in gates.required_recusals(case, members) if r[1].pk in on_agenda]
        Recusal.objects.bulk_create(
            [Recusal(meeting=meeting, member=m, candidate=c, reason=reason) for m, c, reason in recusals],
            ignore_conflicts=True,
        )
        meeting.method = method
        meeting.phase = Meeting.Phase.VOTING
        meeting.save(update_fields=["method", "phase"])
        if method == Meeting.Method.SECRET:
            sealing.create_key(meeting_scope(meeting))
        assign_meeting_participants(meeting, present)
        record_event(
            case,
            by=actor,
            action="open_voting",
            summary=f"开始表决：{meeting.get_method_display()}，应到 {len(members)} 人，实到 {len(present)} 人",
            findings=findings,
            payload={
                "method": method,
                "candidates": [c.cadre.name for c in agenda],
                "recusals": [
                    {"member": m.get_full_name(), "candidate": c.cadre.name, "reason": r}
                    for m, c, r in recusals
                ],
            },
        )
    return meeting


def ballot_items(meeting: Meeting, user) -> list[tuple[Candidate, str]]:
    """What the member still has to vote on: (candidate, "" or the reason they cannot vote now)."""
    out = []
    voted_open = set(meeting.open_votes.filter(member=user).values_list("candidate_id", flat=True))
    voted_secret = set(
        meeting.secret_participations.filter(member=user).values_list("candidate_id", flat=True)
    )
    recused = set(meeting.recusals.filter(member=user).values_list("candidate_id", flat=True))
    for candidate in meeting_agenda(meeting):
        # A recused member has nothing to vote on for that candidate (R-DEC-6): not a pending item.
        if candidate.pk in voted_open | voted_secret | recused:
            continue
        blocking = rules.blocking(gates.vote_allowed(meeting, candidate, user))
        out.append((candidate, blocking[0].message if blocking else ""))
    return out


def cast_votes(meeting: Meeting, *, by, choices: dict[int, str]) -> int:
    """A member's 同意/不同意/缓议 on one or more candidates, all or nothing (R-DEC-3, R-DEC-6).
    Open methods store the named vote; a secret meeting stores participation and ballot apart."""
    actor = as_actor(by)
    if not choices:
        raise ServiceError("请对每名人选选择同意、不同意或缓议。")
    if any(choice not in VoteChoice.values for choice in choices.values()):
        raise ServiceError("请选择同意、不同意或缓议。")
    meeting = Meeting.objects.get(pk=meeting.pk)  # the method is the one chosen when voting opened
    if meeting.method != Meeting.Method.SECRET:
        with transaction.atomic():
            for candidate_id, choice in choices.items():
                candidate = Candidate.objects.get(pk=candidate_id)
                cases.cast_open_vote(meeting, candidate, by=actor, choice=choice)
        return len(choices)
    # Checks and sealing first, without a lock: only the writes below are serialised.
    if meeting.phase != Meeting.Phase.VOTING:
        raise ServiceError(VOTING_NOT_OPEN)
    agenda = {c.pk: c for c in meeting_agenda(meeting)}
    key = sealing.key_for(meeting_scope(meeting))
    sealed = []
    for candidate_id, choice in choices.items():
        candidate = agenda.get(candidate_id)
        if candidate is None:
            raise ServiceError("该人选不在本次会议的表决事项中。")
        check_findings(gates.vote_allowed(meeting, candidate, actor.user), None)
        try:
            sealed.append(
                (candidate, sealing.seal(key, {"c": choice, "k": candidate.pk}, SECRET_BALLOT_SIZE))
            )
        except sealing.SealError as exc:
            raise ServiceError(VOTING_NOT_OPEN) from exc
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.phase != Meeting.Phase.VOTING:
            raise ServiceError(VOTING_NOT_OPEN)
        # No savepoint: participation and ballot rows share one transaction id, which joins nothing
        # once the ballot is sealed; a duplicate ends the whole transaction.
        try:
            SecretParticipation.objects.bulk_create(
                [SecretParticipation(meeting=meeting, candidate=c, member=actor.user) for c, _ in sealed]
            )
        except IntegrityError as exc:
            raise ServiceError(ALREADY_VOTED) from exc
        SecretBallot.objects.bulk_create(
            [SecretBallot(meeting=meeting, candidate=c, sealed=blob) for c, blob in sealed]
        )
    return len(choices)


def close_voting(meeting: Meeting, *, by) -> Meeting:
    """The chair closes online voting; the tally (gates.tally) moves each candidate on (R-DEC-3, R-DEC-5)."""
    actor = as_actor(by)
    _require_chair(meeting, actor.user, "结束表决")
    return cases.close_meeting(meeting, by=actor)


def current_digest(meeting: Meeting) -> str:
    """SHA-256 of the canonical tally as it computes now (gates.tally is the one computation)."""
    return result_digest(meeting, {k: t.as_dict() for k, t in gates.tally(meeting).items()})


def sign_off(meeting: Meeting, *, by, password: str, otp_token: str = "") -> SignOff:
    """签字确认: a present member re-enters their password (and their second factor, when they must use
    one: accounts.twofactor) and confirms the current tally."""
    from accounts import twofactor

    actor = as_actor(by)
    user = actor.user
    # The member is signed in already: check this account's password (not `authenticate`, whose
    # throttling backend needs the sign-in request).
    if not (user.is_active and password and user.check_password(password)):
        raise ServiceError(WRONG_PASSWORD)
    if twofactor.is_required(user):
        if not twofactor.has_device(user):
            raise ServiceError(twofactor.NOT_ENROLLED)
        if twofactor.check(user, otp_token) is None:
            raise ServiceError(WRONG_OTP)
    with transaction.atomic():
        case, meeting = _lock_meeting(meeting)
        if meeting.phase != Meeting.Phase.CLOSED:
            raise ServiceError("表决结束后才能签字确认。")
        if not meeting.attendance.filter(member=user, present=True).exists():
            raise ServiceError("只有出席会议的党组成员需要签字确认。")
        digest = current_digest(meeting)
        if SignOff.objects.filter(meeting=meeting, member=user, tally_sha256=digest).exists():
            raise ServiceError("您已签字确认本次表决结果。")
        signature = SignOff.objects.create(meeting=meeting, member=user, tally_sha256=digest)
        record_event(
            case,
            by=actor,
            action="sign_off",
            summary=f"{actor.name}签字确认{meeting.held_on:%Y年%-m月%-d日}党组会议表决结果",
            payload={"meeting": meeting.pk, "tally_sha256": digest},
        )
    return signature


def signature_status(meeting: Meeting) -> dict[int, str]:
    """member id → "valid" / "stale" / "missing" for every present member."""
    digest = current_digest(meeting)
    signed = dict(SignOff.objects.filter(meeting=meeting).values_list("member_id", "tally_sha256"))
    valid = set(
        SignOff.objects.filter(meeting=meeting, tally_sha256=digest).values_list("member_id", flat=True)
    )
    out = {}
    for member_id in meeting.attendance.filter(present=True).values_list("member_id", flat=True):
        out[member_id] = "valid" if member_id in valid else ("stale" if member_id in signed else "missing")
    return out


def reconsider(
    candidate: Candidate,
    *,
    by,
    agree_to_reopen: int,
    held_on: date,
    chair,
    members: list,
    reason: str = "",
) -> Meeting:
    """复议 (R-DEC-7): more than half of all members agree to reopen; a new meeting then votes again."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(candidate.case)
        candidate = (
            Candidate.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=candidate.pk)
        )
        if candidate.status == CandidateStatus.REJECTED:
            raise ServiceError(
                f"R-DEC-7：{candidate.cadre.name}已表决未通过，本系统暂不支持对未通过的人选复议，请重新启动选拔程序。"
            )
        previous = rules.Outcome.DEFERRED if candidate.status == CandidateStatus.DEFERRED else None
        findings = rules.reconsideration(agree_to_reopen, len(members), previous)
        check_findings(findings, None)
        if case.status != CaseStatus.DECISION:
            raise ServiceError("只有讨论决定阶段才能复议。")
        if _open_meeting_exists(case):
            raise ServiceError("上一次会议尚未结束表决。")
        if chair.pk not in {m.pk for m in members}:
            raise ServiceError("主持人（主要领导）必须是应到的党组成员。")
        meeting = Meeting.objects.create(
            case=case,
            held_on=held_on,
            chair=chair,
            phase=Meeting.Phase.PREPARING,
            is_reconsideration=True,
            reopen_agree=agree_to_reopen,
        )
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member=m) for m in members])
        AgendaItem.objects.create(meeting=meeting, candidate=candidate)
        MeetingReconsideration.objects.create(
            meeting=meeting, candidate=candidate, previous_outcome=str(previous), reason=reason.strip()
        )
        record_event(
            case,
            by=actor,
            action="reconsider",
            candidate=candidate,
            summary=f"复议{candidate.cadre.name}：{agree_to_reopen} 名成员同意复议（应到 {len(members)} 人）",
            findings=findings,
            payload={"agree_to_reopen": agree_to_reopen, "members": len(members), "reason": reason},
        )
    return meeting


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
