"""试用期 (R-PRB-1..3): tasks before a probation ends, appraisal and assessment, the party group's decision.

Every function is the only code path for its action. A decision that passes changes the registry (the
holdings, hence the quota counts) and the 简历 in the same transaction as the meeting record; one that
does not pass is recorded and changes nothing. When the holding came from a selection case, each action
also appends an event to that case's record, so the 纪实表 shows it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet

from selection import gates, rules
from selection.models import (
    Appointment,
    Meeting,
    Post,
    PostHolding,
    ProbationMeeting,
    ProbationMeetingMember,
    ProbationOutcome,
    ProbationReview,
    ResumeEntry,
    VoteChoice,
)
from selection.rules import Finding, Level

from . import registry
from .base import ServiceError, as_actor, check_findings, lock_case, record_event

PROBATION_HOWS = (PostHolding.How.PROMOTION, PostHolding.How.COMPETITION)


# ---- R-PRB-1: who serves a probation, until when ---------------------------------------------------


def probation_end_for(organization, tenure_starts_on: date) -> date:
    """R-PRB-1: a new promotion's probation runs from the tenure start for the organization's setting."""
    return rules.probation_end(tenure_starts_on, gates.settings_for(organization))


def in_probation(holding: PostHolding) -> bool:
    """R-PRB-1: a newly promoted (not elected) cadre whose probation is still undecided."""
    return (
        holding.ended_on is None
        and holding.how in PROBATION_HOWS
        and holding.probation_ends_on is not None
        and holding.probation_result == PostHolding.Probation.PENDING
    )


# ---- R-PRB-2: the task list -------------------------------------------------------------------------


def task_opens_on(holding: PostHolding, organization) -> date:
    days = gates.settings_for(organization).probation_task_days
    return holding.probation_ends_on - timedelta(days=days)


def _pending(organization) -> QuerySet[PostHolding]:
    return probations_pending([organization])


def probations_pending(organizations=None) -> QuerySet[PostHolding]:
    """Running, undecided probations (R-PRB-1) in posts of these organizations (None: of any), the
    soonest end first — to be narrowed by the end date (`probation_ends_on__…`), as every caller does,
    which leaves out a holding without one. (An explicit `probation_ends_on IS NOT NULL` beside that
    made PostgreSQL misjudge the rows and sort every due probation instead of reading the first ten from
    the index.)"""
    holdings = PostHolding.objects.all()
    if organizations is not None:
        holdings = holdings.filter(post__organization__in=organizations)
    return (
        holdings.filter(
            ended_on__isnull=True,
            how__in=PROBATION_HOWS,
            probation_result=PostHolding.Probation.PENDING,
        )
        .select_related("cadre", "post__department", "probation_review")
        .order_by("probation_ends_on", "pk")
    )


def probations_due(organization, today: date) -> QuerySet[PostHolding]:
    """R-PRB-2: probations ending within the setting's days (30) from today, or already ended and undecided.

    The 预警提醒 dashboard counts these and links to the task list (`probation_list`)."""
    days = gates.settings_for(organization).probation_task_days
    return _pending(organization).filter(probation_ends_on__lte=today + timedelta(days=days))


def probations_running(organization, today: date) -> QuerySet[PostHolding]:
    days = gates.settings_for(organization).probation_task_days
    return _pending(organization).filter(probation_ends_on__gt=today + timedelta(days=days))


def task_findings(holding: PostHolding, organization, today: date) -> list[Finding]:
    """R-PRB-1/2: may HR record the appraisal and assessment of this holding today?"""
    if not in_probation(holding):
        if holding.probation_result in (PostHolding.Probation.PASSED, PostHolding.Probation.FAILED):
            return [Finding("R-PRB-1", Level.BLOCK, "R-PRB-1：该试用期已有党组决定，不能再录入。")]
        return [Finding("R-PRB-1", Level.BLOCK, "R-PRB-1：该任职不是新提拔任职（或已免职），不实行试用期。")]
    opens = task_opens_on(holding, organization)
    if today < opens:
        return [
            Finding(
                "R-PRB-2",
                Level.BLOCK,
                f"R-PRB-2：试用期至{holding.probation_ends_on:%Y年%-m月%-d日}期满，"
                f"自{opens:%Y年%-m月%-d日}起进行民主测评和考核，目前尚未到期。",
            )
        ]
    return [
        Finding(
            "R-PRB-2",
            Level.OK,
            f"R-PRB-2：试用期至{holding.probation_ends_on:%Y年%-m月%-d日}期满，请进行民主测评和考核。",
        )
    ]


# ---- helpers ----------------------------------------------------------------------------------------


def _appointment_of(holding: PostHolding) -> Appointment | None:
    return (
        Appointment.objects.filter(
            candidate__cadre_id=holding.cadre_id,
            candidate__vacancy__post_id=holding.post_id,
            tenure_starts_on=holding.started_on,
        )
        .select_related("candidate__case")
        .first()
    )


def _lock(holding: PostHolding, organization) -> tuple[PostHolding, ProbationReview]:
    """Lock the holding (404-safe: it must belong to the organization) and its review, creating it."""
    try:
        locked = (
            PostHolding.objects.select_for_update(of=("self",))
            .select_related("cadre", "post")
            .get(pk=holding.pk, post__organization=organization)
        )
    except PostHolding.DoesNotExist:
        raise ServiceError("没有找到该任职记录。") from None
    review = ProbationReview.objects.select_for_update().filter(holding=locked).first()
    if review is None:
        appointment = _appointment_of(locked)
        review = ProbationReview.objects.create(
            holding=locked,
            organization=organization,
            candidate=appointment.candidate if appointment else None,
        )
    return locked, review


def _record(review: ProbationReview, actor, action: str, summary: str, payload: dict, findings=()) -> None:
    """Append to the originating case's record, when there is one (R-REQ-1 全程纪实)."""
    if review.candidate_id is None:
        return
    case = lock_case(review.candidate.case)
    record_event(
        case,
        by=actor,
        action=action,
        candidate=review.candidate,
        summary=summary,
        findings=findings,
        payload=payload,
    )


def get_review(holding: PostHolding) -> ProbationReview | None:
    return ProbationReview.objects.filter(holding=holding).first()


# ---- R-PRB-2: appraisal and assessment ------------------------------------------------------------


def record_appraisal(
    holding: PostHolding,
    *,
    by,
    organization,
    on: date,
    expected: int,
    actual: int,
    competent: int,
    basically: int,
    incompetent: int,
    today: date,
) -> ProbationReview:
    """民主测评 of the probationary cadre: participants expected/actual and the count per rating."""
    actor = as_actor(by)
    numbers = (expected, actual, competent, basically, incompetent)
    if any(n is None or n < 0 for n in numbers):
        raise ServiceError("人数和票数须为非负整数。")
    if actual > expected:
        raise ServiceError("实参加测评人数不能多于应参加人数。")
    if competent + basically + incompetent > actual:
        raise ServiceError("各等次票数之和不能多于实参加测评人数。")
    if on > today:
        raise ServiceError("民主测评日期不能晚于今天。")
    with transaction.atomic():
        locked, review = _lock(holding, organization)
        findings = task_findings(locked, organization, today)
        check_findings(findings, None)
        if on < task_opens_on(locked, organization):
            raise ServiceError("R-PRB-2：民主测评应在试用期满前 30 日内进行，请核对测评日期。")
        review.appraisal_on = on
        review.appraisal_expected = expected
        review.appraisal_actual = actual
        review.appraisal_competent = competent
        review.appraisal_basically = basically
        review.appraisal_incompetent = incompetent
        review.updated_by = actor.user
        review.save()
        _record(
            review,
            actor,
            "probation_appraisal",
            f"试用期满民主测评：应参加 {expected} 人，实参加 {actual} 人，胜任 {competent}、基本胜任 "
            f"{basically}、不胜任 {incompetent}",
            {"on": on, "expected": expected, "actual": actual, "votes": [competent, basically, incompetent]},
            findings,
        )
    return review


def record_assessment(
    holding: PostHolding, *, by, organization, on: date, result: str, text: str, today: date
) -> ProbationReview:
    """考核: the conclusion (胜任/不胜任) and what it rests on."""
    actor = as_actor(by)
    if result not in ProbationReview.Assessment.values:
        raise ServiceError("请选择考核结论：胜任或不胜任。")
    if not text.strip():
        raise ServiceError("R-PRB-2：请填写考核情况。")
    if on > today:
        raise ServiceError("考核日期不能晚于今天。")
    with transaction.atomic():
        locked, review = _lock(holding, organization)
        findings = task_findings(locked, organization, today)
        check_findings(findings, None)
        if not review.appraisal_recorded:
            raise ServiceError("R-PRB-2：请先录入民主测评结果，再录入考核结论。")
        review.assessment_on = on
        review.assessment = result
        review.assessment_text = text.strip()
        review.updated_by = actor.user
        review.save()
        _record(
            review,
            actor,
            "probation_assessment",
            f"试用期满考核：{review.get_assessment_display()}",
            {"on": on, "result": result, "text": text.strip()},
            findings,
        )
    return review


# ---- R-PRB-3: the party group's decision ----------------------------------------------------------


@dataclass(frozen=True)
class DecisionResult:
    meeting: ProbationMeeting
    findings: list[Finding]

    @property
    def passed(self) -> bool:
        return self.meeting.passed


def former_rank(holding: PostHolding) -> str:
    """The rank the cadre held before the probationary post ('' = 一般干部)."""
    before = (
        PostHolding.objects.filter(cadre_id=holding.cadre_id, started_on__lt=holding.started_on)
        .exclude(pk=holding.pk)
        .select_related("post")
        .order_by("-started_on", "-pk")
        .first()
    )
    return before.post.rank if before else ""


def return_findings(holding: PostHolding, organization, return_post: Post | None) -> list[Finding]:
    """R-PRB-3 (不胜任): back to a post of the former rank, with a free seat and within the quota."""
    rank = former_rank(holding)
    if not rank:
        if return_post is not None:
            return [
                Finding(
                    "R-PRB-3",
                    Level.BLOCK,
                    "R-PRB-3：该同志试用前为一般干部，免去试用职务后不安排中层职务，请不要选择职位。",
                )
            ]
        return [Finding("R-PRB-3", Level.OK, "R-PRB-3：免去试用职务后按一般干部安排。")]
    label = rules.RANK_LABEL.get(rank, rank)
    if return_post is None or return_post.organization_id != organization.pk:
        return [
            Finding(
                "R-PRB-3", Level.BLOCK, f"R-PRB-3：免去试用职务后应安排原职级（{label}）职位，请选择职位。"
            )
        ]
    if return_post.rank != rank:
        return [
            Finding(
                "R-PRB-3",
                Level.BLOCK,
                f"R-PRB-3：{return_post}不是原职级（{label}）职位，请选择原职级的职位。",
            )
        ]
    return [Finding("R-PRB-3", Level.OK, f"R-PRB-3：免去试用职务后任{return_post}（{label}）。")]


def _write_holdings(
    holding: PostHolding, outcome: str, decided_on: date, return_post: Post | None, organization, user
) -> PostHolding | None:
    """The only place probation changes the registry — through the registry service (R-REG-1..3) — and
    the 简历, in one transaction with the decision. Returns the new holding after a removal."""
    from .cases import _append_resume

    reason = f"试用期满党组会议决定{ProbationOutcome(outcome).label}"
    if outcome == ProbationOutcome.CONFIRM:
        registry.update_holding(
            holding, by=user, reason=reason, probation_result=PostHolding.Probation.PASSED
        )
        return None
    holding.probation_result = PostHolding.Probation.FAILED
    holding.ended_on = decided_on
    planned = [holding]
    new = None
    if return_post is not None:
        new = PostHolding(
            cadre_id=holding.cadre_id,
            post=return_post,
            started_on=decided_on,
            how=PostHolding.How.OTHER,
            probation_result=PostHolding.Probation.NONE,
        )
        planned.append(new)
    registry.apply_holdings(planned, by=user, reason=reason)
    if new is not None:
        _append_resume(holding.cadre, return_post, decided_on)
    else:
        ResumeEntry.objects.filter(
            cadre_id=holding.cadre_id, started_on=holding.started_on, ended_on__isnull=True, is_note=False
        ).update(ended_on=decided_on)
    return new


def decide(
    holding: PostHolding,
    *,
    by,
    organization,
    held_on: date,
    method: str,
    chair,
    members: list,
    present: list,
    votes: dict[int, str],
    basis: str,
    return_post: Post | None = None,
    minutes: str = "",
    today: date,
) -> DecisionResult:
    """党组会议 on a probation (R-PRB-3 through R-DEC-1/2/5/6): 转正 if competent, else 免去试用职务.

    The meeting is recorded either way; the registry changes only when agree > N/2 of all members."""
    actor = as_actor(by)
    if method not in (Meeting.Method.HANDS, Meeting.Method.ORAL):
        raise ServiceError("请选择表决方式：举手表决或口头表决。")
    if held_on > today:
        raise ServiceError("会议日期不能晚于今天。")
    if not basis.strip():
        raise ServiceError("R-PRB-3：请填写决定依据（如考核结论、民主测评情况）。")
    member_ids = {m.pk for m in members}
    present_ids = {m.pk for m in present}
    if not members:
        raise ServiceError("请选择应到的党组成员。")
    if not present_ids <= member_ids:
        raise ServiceError("出席人员必须是应到的党组成员。")
    if chair.pk not in present_ids:
        raise ServiceError("主持人（主要领导）必须出席。")
    if any(choice not in VoteChoice.values for choice in votes.values()):
        raise ServiceError("表决意见须为同意、不同意或缓议。")
    if set(votes) - present_ids:
        raise ServiceError("R-DEC-3：只有出席成员可以表决。")
    with transaction.atomic():
        locked, review = _lock(holding, organization)
        if not in_probation(locked):
            check_findings(task_findings(locked, organization, today), None)
        if not (review.appraisal_recorded and review.assessment_recorded):
            raise ServiceError("R-PRB-3：请先录入民主测评和考核结论，再提交党组会议决定。")
        if held_on < review.assessment_on:
            raise ServiceError("R-PRB-3：党组会议日期不能早于考核日期。")
        proposal = review.proposal
        recused = {u.pk for u in gates.related_users(locked.cadre, members)}
        voted_recused = recused & set(votes)
        if voted_recused:
            names = "、".join(m.get_full_name() for m in members if m.pk in voted_recused)
            raise ServiceError(f"R-DEC-6：{names}与{locked.cadre.name}有亲属关系，应当回避，不能表决。")
        voters = present_ids - recused
        missing = voters - set(votes)
        if missing:
            names = "、".join(m.get_full_name() for m in members if m.pk in missing)
            raise ServiceError(f"R-DEC-3：请录入每名出席成员的表决意见，尚缺：{names}。")
        findings = rules.meeting_quorum(len(member_ids), len(present_ids))
        check_findings(findings, None)
        settings = gates.settings_for(organization)
        expected = len(member_ids) if settings.recused_stay_in_n else len(member_ids - recused)  # R-DEC-6
        agree = sum(1 for c in votes.values() if c == VoteChoice.AGREE)
        majority = rules.approval_majority(agree, expected)
        findings += majority
        passed = majority[0].ok
        if passed and proposal == ProbationOutcome.REMOVE:
            placement = return_findings(locked, organization, return_post)
            check_findings(placement, None)
            findings += placement
        meeting = ProbationMeeting.objects.create(
            review=review,
            held_on=held_on,
            method=method,
            chair=chair,
            proposal=proposal,
            passed=passed,
            agree=agree,
            expected=len(member_ids),
            present=len(present_ids),
            minutes=minutes,
            recorded_by=actor.user,
        )
        ProbationMeetingMember.objects.bulk_create(
            [
                ProbationMeetingMember(
                    meeting=meeting,
                    member=m,
                    present=m.pk in present_ids,
                    recused=m.pk in recused,
                    choice=votes.get(m.pk, ""),
                )
                for m in members
            ]
        )
        label = ProbationOutcome(proposal).label
        if passed:
            new = _write_holdings(locked, proposal, held_on, return_post, organization, actor.user)
            review.outcome = proposal
            review.decided_on = held_on
            review.basis = basis.strip()
            review.returned_to = new
        review.updated_by = actor.user
        review.save()
        _record(
            review,
            actor,
            "probation_decision",
            f"党组会议（{held_on:%Y年%-m月%-d日}）表决{label}：同意 {agree} 票，"
            f"{'通过' if passed else '未通过，试用期结果未变更'}",
            {
                "held_on": held_on,
                "proposal": proposal,
                "passed": passed,
                "agree": agree,
                "expected": len(member_ids),
                "present": len(present_ids),
                "basis": basis.strip(),
                "return_post": str(return_post) if return_post else "",
            },
            findings,
        )
    return DecisionResult(meeting, findings)
