"""公示 and 任职: the notice, complaints, the appointment and what it writes to the register."""

from datetime import date

from django.db import transaction

from selection import gates
from selection.models import (
    Appointment,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Complaint,
    PostHolding,
    PublicNotice,
    ResumeEntry,
    SelectionCase,
)
from selection.workdays import CalendarUnavailable

from .. import registry
from ..base import ServiceError, Step, as_actor, lock_case, record_event, run_case_step
from .common import _check_dates, _require_state, _valid
from .exits import _withdraw


def publish_notice(
    case: SelectionCase,
    *,
    by,
    published_on: date,
    scope: str,
    channels: str,
    justifications: dict[str, str] | None = None,
) -> SelectionCase:
    """讨论决定 → 任职前公示, with the end date counted in working days (R-NOT-1/2, R-EXC-5, R-CAL)."""

    def create_notice(locked: SelectionCase) -> None:
        try:
            ends_on = gates.notice_end(locked, published_on)
        except CalendarUnavailable as exc:  # the gate reports R-CAL-3 first; this is belt and braces
            raise ServiceError(str(exc)) from exc
        PublicNotice.objects.create(
            case=locked,
            published_on=published_on,
            ends_on=ends_on,
            scope=scope,
            channels=channels,
            text=gates.notice_text(locked, published_on, ends_on, scope, channels),
        )

    step = Step(
        "publish_notice",
        "发布任职前公示",
        lambda locked: gates.decision(locked, published_on, scope, channels),
    )
    return run_case_step(
        case,
        step,
        by=by,
        justifications=justifications,
        before_save=create_notice,
        payload={"published_on": published_on, "scope": scope, "channels": channels},
    )


def extend_notice(case: SelectionCase, *, by, new_end: date) -> PublicNotice:
    """Users may only extend the computed end date (R-NOT-2)."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.PUBLIC_NOTICE, action="延长公示")
        notice = case.public_notice
        if new_end <= notice.ends_on:
            raise ServiceError(
                f"R-NOT-2：公示截止日期只能延长，不能早于或等于原截止日期 {notice.ends_on:%Y年%-m月%-d日}。"
            )
        old = notice.ends_on
        notice.ends_on = new_end
        notice.save(update_fields=["ends_on"])
        record_event(
            case,
            by=actor,
            action="extend_notice",
            summary=f"延长公示至 {new_end:%Y年%-m月%-d日}",
            payload={"old": old, "new": new_end},
        )
    return notice


def record_complaint(
    case: SelectionCase, *, by, candidate: Candidate, received_on: date, summary: str
) -> Complaint:
    actor = as_actor(by)
    _check_dates({"收到日期": received_on})
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.PUBLIC_NOTICE, action="登记信访举报")
        if candidate.case_id != case.pk:
            raise ServiceError("该人选不属于本批次。")
        complaint = Complaint.objects.create(
            notice=case.public_notice, candidate=candidate, received_on=received_on, summary=summary
        )
        record_event(
            case,
            by=actor,
            action="record_complaint",
            candidate=candidate,
            summary=f"登记公示期间信访举报：{candidate.cadre.name}",
        )
    return complaint


def conclude_complaint(
    complaint: Complaint, *, by, investigation: str, conclusion: str, concluded_on: date
) -> Complaint:
    """A written investigation and a conclusion; 影响任职 withdraws the candidate (R-NOT-3)."""
    actor = as_actor(by)
    if conclusion not in (Complaint.Conclusion.NO_EFFECT, Complaint.Conclusion.AFFECTS):
        raise ServiceError("请选择调查结论：不影响任职或影响任职。")
    if not investigation.strip():
        raise ServiceError("R-NOT-3：请填写调查核实情况。")
    with transaction.atomic():
        case = lock_case(complaint.notice.case)
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.conclusion:
            raise ServiceError("该信访举报已办结。")
        complaint.investigation = investigation
        complaint.conclusion = conclusion
        complaint.concluded_on = concluded_on
        _valid(complaint, exclude=["notice", "candidate"])  # R-REG-4: not before it was received
        complaint.save()
        record_event(
            case,
            by=actor,
            action="conclude_complaint",
            candidate=complaint.candidate,
            summary=f"信访举报办结：{complaint.get_conclusion_display()}",
            payload={"investigation": investigation, "conclusion": conclusion, "concluded_on": concluded_on},
        )
        if conclusion == Complaint.Conclusion.AFFECTS:
            _withdraw(case, complaint.candidate, actor, "公示期间信访举报经调查影响任职")
    return complaint


def appoint(
    case: SelectionCase,
    *,
    by,
    notice_number: str,
    notice_date: date,
    talk_on: date | None = None,
    talk_by: str = "",
    justifications: dict[str, str] | None = None,
) -> SelectionCase:
    """公示 → 任职: posts and staffing change atomically (R-APP-1..5)."""
    actor = as_actor(by)
    if not notice_number.strip():
        raise ServiceError("R-APP-2：请填写任职通知文号。")
    _check_dates({"任职通知日期": notice_date, "任职谈话日期": talk_on})

    def make_appointments(locked: SelectionCase) -> None:
        from ..probation import probation_end_for

        tenure_start = gates.decision_date(locked)
        planned: list[PostHolding] = []
        for candidate in (
            locked.candidates.select_for_update(of=("self",))
            .select_related("vacancy__post__organization", "vacancy__post__department", "cadre")
            .filter(status=CandidateStatus.APPROVED)
        ):
            promotion = gates.is_promotion(candidate)
            probation_end = (
                probation_end_for(locked.organization, tenure_start) if promotion else None
            )  # R-PRB-1
            appointment = Appointment(
                candidate=candidate,
                notice_number=notice_number,
                notice_date=notice_date,
                tenure_starts_on=tenure_start,
                probation_ends_on=probation_end,
                talk_on=talk_on,
                talk_by=talk_by,
                recorded_by=actor.user,
            )
            _valid(appointment, exclude=["candidate", "recorded_by"])
            appointment.save()
            for current in PostHolding.objects.filter(cadre=candidate.cadre, ended_on__isnull=True):
                current.ended_on = max(current.started_on, tenure_start)
                planned.append(current)
            planned.append(
                PostHolding(
                    cadre=candidate.cadre,
                    post=candidate.vacancy.post,
                    started_on=tenure_start,
                    how=PostHolding.How.PROMOTION if promotion else PostHolding.How.TRANSFER,
                    probation_ends_on=probation_end,
                    probation_result=(
                        PostHolding.Probation.PENDING if promotion else PostHolding.Probation.NONE
                    ),
                )
            )
            _append_resume(candidate.cadre, candidate.vacancy.post, tenure_start)
            candidate.appoint()
            candidate.save()
        # R-REG-1..3: the batch's moves are checked together (one may take the post another leaves).
        registry.apply_holdings(planned, by=actor.user, reason=f"任职（{notice_number}）")

    return run_case_step(
        case,
        Step(
            "appoint",
            "办理任职",
            lambda locked: gates.notice(
                locked, notice_number=notice_number, notice_date=notice_date, talk_on=talk_on, talk_by=talk_by
            ),
        ),
        by=actor,
        justifications=justifications,
        before_save=make_appointments,
        payload={"notice_number": notice_number, "notice_date": notice_date},
    )


def _append_resume(cadre, post, started_on: date) -> None:
    """The new post becomes the last line of the 简历; the open line before it ends that day."""
    entries = list(ResumeEntry.objects.filter(cadre=cadre))
    for entry in entries:
        if (
            entry.ended_on is None
            and entry.started_on
            and not entry.is_note
            and entry.started_on <= started_on
        ):
            entry.ended_on = started_on
            entry.save(update_fields=["ended_on"])
    ResumeEntry.objects.create(
        cadre=cadre,
        started_on=started_on,
        text=f"{post.organization.name}{post}",
        order=max((e.order for e in entries), default=0) + 1,
    )


def mark_not_applicable(
    case: SelectionCase, *, by, row: str, reason: str, candidate: Candidate | None = None
) -> None:
    """Record why a 纪实表 row does not apply (R-REQ-1), for one person or the whole batch."""
    actor = as_actor(by)
    if not reason.strip():
        raise ServiceError("R-REQ-1：请填写“不适用”的理由。")
    with transaction.atomic():
        case = lock_case(case)
        if candidate is not None and candidate.case_id != case.pk:
            raise ServiceError("该人选不属于本批次。")
        sample = candidate or case.candidates.first()
        rows = {r.key: r for r in gates.record_rows(sample)} if sample else {}
        if row not in rows:
            raise ServiceError("纪实表中没有这一栏。")
        record_event(
            case,
            by=actor,
            action="mark_not_applicable",
            candidate=candidate,
            summary=f"纪实表“{rows[row].label}”栏不适用：{reason.strip()}",
            payload={"row": row, "reason": reason.strip()},
        )
