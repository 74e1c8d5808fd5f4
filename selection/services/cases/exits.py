"""终止、退出: ending a case, a candidate withdrawing."""

from django.db import transaction

from selection.models import (
    Candidate,
    SelectionCase,
)

from ..base import ServiceError, Step, as_actor, lock_case, record_event, run_case_step

# ---- 终止、退出 -------------------------------------------------------------------------------------


def terminate_case(case: SelectionCase, *, by, reason: str) -> SelectionCase:
    """Stop the case from any open state; everything stays recorded."""
    if not reason.strip():
        raise ServiceError("请填写终止原因。")

    def keep_reason(locked: SelectionCase) -> None:
        locked.termination_reason = reason.strip()

    return run_case_step(
        case,
        Step("terminate", "终止选拔任用工作", lambda c: []),
        by=by,
        before_save=keep_reason,
        payload={"reason": reason},
    )


def _withdraw(case: SelectionCase, candidate: Candidate, actor, reason: str) -> None:
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if not candidate.is_open:
        raise ServiceError("该人选已退出或已任职。")
    from_state = candidate.status
    candidate.withdraw()
    candidate.withdrawal_reason = reason
    candidate.save()
    record_event(
        case,
        by=actor,
        action="withdraw_candidate",
        candidate=candidate,
        summary=f"人选退出：{candidate.cadre.name}（{reason}）",
        from_state=from_state,
        to_state=candidate.status,
    )


def withdraw_candidate(candidate: Candidate, *, by, reason: str) -> Candidate:
    """A candidate leaves the case with a reason; their record stays."""
    if not reason.strip():
        raise ServiceError("请填写退出原因。")
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(candidate.case)
        if not case.is_open:
            raise ServiceError("该批次已结束。")
        _withdraw(case, candidate, actor, reason.strip())
    return Candidate.objects.get(pk=candidate.pk)
