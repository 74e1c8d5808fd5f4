"""The two evaluations (R-ANR-2/3) on the staff-ballot machinery (services/ballots.py, selection/sealing.py;
docs/SECURITY.md), with the same secrecy as every other ballot: opening creates the evaluation's key; a
ballot is validated and sealed at a fixed length before the evaluation's lock, then the invitation is
flipped to used and the sealed ballot written in one short transaction; closing opens the ballots in
memory, stores the tally and destroys the key in the same transaction, so a ballot paired with its
invitation by any database means (transaction id, physical order, dead row versions, the WAL) yields a
blob nobody can open.
"""

from collections import Counter
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from selection import gates, rules, sealing
from selection.models.annual import (
    AnnualEvaluation,
    CadreFollowUp,
    EvaluatedCadre,
    EvaluationBallot,
    EvaluationInvitation,
    evaluation_scope,
)

from ..ballots import (
    RECEIPT_LENGTH,
    SLIP_CODE_LENGTH,
    code_hash,
    find_invitation,
    new_code,
    open_ballots,
    receipt_hash,
    seal_ballot,
    write_ballot,
)
from ..base import ServiceError, as_actor

SUGGESTION_MAX = 500
MAX_SLIPS = 500
NOT_OPEN = "该评议不在评议期间。"
ALREADY = "您已参加本次评议，每人只能评议一次。"
BAD_CODE = "评议码无效或已使用。"


SEALED_BALLOT_FIELDS = {"id", "evaluation", "sealed", "receipt_hash"}


def ballots_name_voters() -> bool:
    """R-ANR-2: could a stored ballot be linked to its voter or read? A voter column, a time, an ordered
    key, or any field beside the sealed content, the receipt's hash and the evaluation it belongs to."""
    from django.db import models

    for model in (EvaluationBallot,):
        if not isinstance(model._meta.pk, models.UUIDField):
            return True
        for f in model._meta.get_fields():
            if f.name not in SEALED_BALLOT_FIELDS:
                return True
            if isinstance(f, models.ForeignKey) and f.related_model is not AnnualEvaluation:
                return True
            if isinstance(f, models.DateField | models.DateTimeField | models.AutoField):
                return True
    return False


# ---- R-ANR-2/3: the evaluations -------------------------------------------------------------------


def _lock(evaluation: AnnualEvaluation) -> AnnualEvaluation:
    return (
        AnnualEvaluation.objects.select_for_update(of=("self",))
        .select_related("report__organization")
        .get(pk=evaluation.pk)
    )


def invite_accounts(evaluation: AnnualEvaluation, *, by, users: list) -> int:
    """Invite accounts of the organization (and its institutions): each may fill one ballot."""
    if not users:
        raise ServiceError("请选择参加评议的人员。")
    with transaction.atomic():
        evaluation = _lock(evaluation)
        if evaluation.phase == AnnualEvaluation.Phase.CLOSED:
            raise ServiceError("该评议已经统计，不能再邀请。")
        org = evaluation.report.organization
        if any(
            u.organization_id != org.pk and getattr(u.organization, "parent_id", None) != org.pk
            for u in users
        ):
            raise ServiceError("R-ANR-2：参加评议的人员须为本单位（含下属事业单位）的干部职工。")
        known = set(evaluation.invitations.filter(user__isnull=False).values_list("user_id", flat=True))
        new = [EvaluationInvitation(evaluation=evaluation, user=u) for u in users if u.pk not in known]
        EvaluationInvitation.objects.bulk_create(new)
    return len(new)


def issue_slips(evaluation: AnnualEvaluation, *, by, count: int) -> list[str]:
    """One-time codes for participants without accounts; returned once, stored as keyed hashes only."""
    if not 1 <= count <= MAX_SLIPS:
        raise ServiceError(f"评议码数量须在 1 至 {MAX_SLIPS} 之间。")
    with transaction.atomic():
        evaluation = _lock(evaluation)
        if evaluation.phase == AnnualEvaluation.Phase.CLOSED:
            raise ServiceError("该评议已经统计，不能再发放评议码。")
        codes = [new_code(SLIP_CODE_LENGTH) for _ in range(count)]
        EvaluationInvitation.objects.bulk_create(
            [EvaluationInvitation(evaluation=evaluation, code_hash=code_hash(c)) for c in codes]
        )
    return codes


def open_evaluation(evaluation: AnnualEvaluation, *, by) -> AnnualEvaluation:
    with transaction.atomic():
        evaluation = _lock(evaluation)
        if evaluation.phase != AnnualEvaluation.Phase.PREPARING:
            raise ServiceError("该评议已经开始或已经统计。")
        if not evaluation.invitations.exists():
            raise ServiceError("R-ANR-2：请先邀请参加评议的人员或发放评议码。")
        if evaluation.kind == AnnualEvaluation.Kind.CADRE and not evaluation.cadres.exists():
            raise ServiceError("R-ANR-3：本年度没有新提拔任用的干部，无需开展评议。")
        if ballots_name_voters():
            raise ServiceError("R-ANR-2：评议票不得记录评议人或评议时间，不能开始评议。")
        if len({v for v, _ in evaluation.options}) < 2:
            raise ServiceError("R-REQ-3：评议须有两个以上互不相同的评价选项。")
        evaluation.phase = AnnualEvaluation.Phase.OPEN
        evaluation.opened_at, evaluation.opened_by = timezone.now(), as_actor(by).user
        evaluation.save(update_fields=["phase", "opened_at", "opened_by"])
        sealing.create_key(evaluation_scope(evaluation))
    return evaluation


def validate_choices(evaluation: AnnualEvaluation, choices: dict) -> dict:
    """The ballot as stored: every question (or cadre) rated with one of the options."""
    values = set(evaluation.option_labels)
    if evaluation.kind == AnnualEvaluation.Kind.WORK:
        answers = choices.get("answers") or {}
        clean = {}
        for index in range(len(evaluation.questions)):
            value = answers.get(str(index))
            if value not in values:
                raise ServiceError(f"请对第 {index + 1} 项作出评价。")
            clean[str(index)] = value
        ticked = choices.get("problems") or []
        try:
            ticked = sorted({int(i) for i in ticked})
        except (TypeError, ValueError):
            raise ServiceError("问题选项无效。") from None
        if any(not 0 <= i < len(evaluation.problems) for i in ticked):
            raise ServiceError("问题选项无效。")
        suggestion = str(choices.get("suggestion") or "").strip()
        if len(suggestion) > SUGGESTION_MAX:
            raise ServiceError(f"意见建议不能超过 {SUGGESTION_MAX} 字。")
        return {"answers": clean, "problems": ticked, "suggestion": suggestion}
    given = choices.get("cadres") or {}
    clean = {}
    for evaluated_id in evaluation.cadres.values_list("pk", flat=True):
        value = given.get(str(evaluated_id))
        if value not in values:
            raise ServiceError("请对每一名新提拔任用的干部作出评价。")
        clean[str(evaluated_id)] = value
    return {"cadres": clean}


def ballot_size(evaluation) -> int:
    """The fixed length every sealed ballot of this evaluation is padded to: that of its longest possible
    content (the longest option everywhere, every problem ticked, the longest suggestion in the widest
    encoding), so a blob's length tells nothing. Reads only the evaluation's own fields, so that the
    migration that sealed the plaintext ballots can call it on a historical model too."""
    values = [v for v, _ in evaluation.options] or [""]
    widest = max(values, key=lambda v: len(sealing.encoded({"v": v})))
    if evaluation.kind == AnnualEvaluation.Kind.WORK:
        return sealing.fixed_size(
            {
                "answers": {str(i): widest for i in range(len(evaluation.questions))},
                "problems": list(range(len(evaluation.problems))),
                "suggestion": "\U0010ffff" * SUGGESTION_MAX,  # 12 bytes each once escaped: the worst
            }
        )
    ids = evaluation.cadres.values_list("pk", flat=True)
    return sealing.fixed_size({"cadres": {str(pk): widest for pk in ids}})


def cast(evaluation: AnnualEvaluation, *, choices: dict, user=None, code: str = "") -> str:
    """One ballot per invitation, all or nothing; returns the receipt code (shown once, stored hashed).
    Validation and sealing happen before the evaluation's lock; under it, the invitation is marked used
    and the sealed ballot written, with nothing linking them (services/ballots.py)."""
    if (user is None) == (not code):
        raise ServiceError("请登录或输入评议码后评议。")
    evaluation = AnnualEvaluation.objects.select_related("report__organization").get(pk=evaluation.pk)
    if evaluation.phase != AnnualEvaluation.Phase.OPEN:
        raise ServiceError(NOT_OPEN)
    content = validate_choices(evaluation, choices)
    invitation = find_invitation(
        EvaluationInvitation.objects.filter(evaluation=evaluation), user=user, code=code
    )
    if invitation is None:
        raise ServiceError(BAD_CODE if code else "您不在本次评议的参加人员之中。")
    refused = BAD_CODE if code else ALREADY
    if invitation["used"]:
        raise ServiceError(refused)
    blob = seal_ballot(evaluation_scope(evaluation), content, ballot_size(evaluation), refused=NOT_OPEN)
    receipt = new_code(RECEIPT_LENGTH)
    with transaction.atomic():
        evaluation = _lock(evaluation)
        if evaluation.phase != AnnualEvaluation.Phase.OPEN:
            raise ServiceError(NOT_OPEN)
        ballot = EvaluationBallot(evaluation=evaluation, sealed=blob, receipt_hash=receipt_hash(receipt))
        write_ballot(EvaluationInvitation.objects.all(), invitation["pk"], ballot, refused=refused)
    return receipt


def evaluation_for_code(code: str) -> AnnualEvaluation | None:
    row = (
        EvaluationInvitation.objects.filter(
            code_hash=code_hash(code), used=False, evaluation__phase=AnnualEvaluation.Phase.OPEN
        )
        .select_related("evaluation__report")
        .first()
    )
    return row.evaluation if row else None


def rate(count: int, total: int) -> str:
    """A share as a percentage with one decimal, rounded half up in integers."""
    if total <= 0:
        return "—"
    tenths = (count * 2000 + total) // (2 * total)
    return f"{tenths // 10}.{tenths % 10}%"


def flagged(disagree: int, total: int, settings: rules.RuleSettings) -> bool:
    """R-ANR-3: the 不认同 share exceeds the threshold (1/3 by default), in integers."""
    return total > 0 and disagree * settings.annual_flag_denominator > total * settings.annual_flag_numerator


def compute_tally(evaluation: AnnualEvaluation, ballots: list[dict]) -> dict:
    """Counts and rates from the opened ballots (in random order; nothing else is kept of them)."""
    options = [v for v, _ in evaluation.options]
    total = len(ballots)
    if evaluation.kind == AnnualEvaluation.Kind.WORK:
        questions = []
        for index, text in enumerate(evaluation.questions):
            counts = Counter(b["answers"].get(str(index)) for b in ballots)
            questions.append(
                {
                    "text": text,
                    "counts": {o: counts[o] for o in options},
                    "rates": {o: rate(counts[o], total) for o in options},
                    "positive": rate(counts[options[0]] + counts[options[1]], total),
                    "positive_tenths": _tenths(counts[options[0]] + counts[options[1]], total),
                }
            )
        ticks = Counter(i for b in ballots for i in b.get("problems", []))
        problems = [
            {"text": text, "count": ticks[i], "rate": rate(ticks[i], total)}
            for i, text in enumerate(evaluation.problems)
        ]
        suggestions = sorted(s for b in ballots if (s := b.get("suggestion")))
        return {"ballots": total, "questions": questions, "problems": problems, "suggestions": suggestions}
    settings = gates.settings_for(evaluation.report.organization)
    cadres = []
    for evaluated in evaluation.cadres.select_related("cadre"):
        counts = Counter(b["cadres"].get(str(evaluated.pk)) for b in ballots)
        cadres.append(
            {
                "id": evaluated.pk,
                "name": evaluated.cadre.name,
                "post": evaluated.post,
                "counts": {o: counts[o] for o in options},
                "rates": {o: rate(counts[o], total) for o in options},
                "positive": rate(counts["agree"] + counts["basic"], total),
                "positive_tenths": _tenths(counts["agree"] + counts["basic"], total),
                "flagged": flagged(counts["disagree"], total, settings),
            }
        )
    return {"ballots": total, "cadres": cadres}


def _tenths(count: int, total: int) -> int:
    return (count * 2000 + total) // (2 * total) if total else 0


def close_evaluation(evaluation: AnnualEvaluation, *, by) -> AnnualEvaluation:
    """Stop the evaluation: open the sealed ballots in memory, store the tally, destroy the key (R-ANR-2/4).
    Every ballot cast before this is counted, any later one refused (both take the evaluation's lock)."""
    with transaction.atomic():
        evaluation = _lock(evaluation)
        if evaluation.phase != AnnualEvaluation.Phase.OPEN:
            raise ServiceError("该评议尚未开始或已经统计。")
        scope = evaluation_scope(evaluation)
        key, contents = open_ballots(scope, evaluation.ballots.values_list("sealed", flat=True))
        evaluation.tally = compute_tally(evaluation, contents)
        del contents
        evaluation.tally["invited"] = evaluation.invitations.count()
        evaluation.phase = AnnualEvaluation.Phase.CLOSED
        evaluation.closed_at, evaluation.closed_by = timezone.now(), as_actor(by).user
        evaluation.save(update_fields=["phase", "tally", "closed_at", "closed_by"])
        sealing.destroy(key)
    return evaluation


def record_follow_up(
    evaluated: EvaluatedCadre, *, by, investigated_on: date, findings: str, conclusion: str, today: date
) -> CadreFollowUp:
    """R-ANR-3: the 调查核实 of a flagged cadre."""
    actor = as_actor(by)
    if not findings.strip() or not conclusion.strip():
        raise ServiceError("R-ANR-3：请填写调查核实情况和处理意见。")
    if investigated_on > today:
        raise ServiceError("核实日期不能晚于今天。")
    with transaction.atomic():
        evaluation = _lock(evaluated.evaluation)
        row = next((c for c in evaluation.tally.get("cadres", []) if c["id"] == evaluated.pk), None)
        if evaluation.phase != AnnualEvaluation.Phase.CLOSED or row is None or not row["flagged"]:
            raise ServiceError("R-ANR-3：只有评议结果中不认同率超过规定比例的干部需要调查核实。")
        try:
            with transaction.atomic():
                return CadreFollowUp.objects.create(
                    evaluated=evaluated,
                    investigated_on=investigated_on,
                    findings=findings.strip(),
                    conclusion=conclusion.strip(),
                    recorded_by=actor.user,
                )
        except IntegrityError:
            raise ServiceError("该干部的调查核实情况已经记录。") from None
