"""资格审查 (R-CMP-3) with its review requests, and 有效竞争 (R-CMP-4): withdrawing a post or reopening
registration when too few applicants qualify.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from selection import gates_competitive as cg
from selection.models import (
    CaseStatus,
    CompetitionPlan,
    Registration,
    SelectionCase,
    Vacancy,
)
from selection.rules import Level

from ..base import ServiceError, Step, as_actor, check_findings, lock_case, record_event, run_case_step
from ..cases import _require_state
from .common import _competitive

# ---- 资格审查 (R-CMP-3) ---------------------------------------------------------------------------


def run_screening(case: SelectionCase, *, by) -> int:
    """Compute every registration's result from the registry (never typed); until it is published."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.SCREENING, action="资格审查")
        plan = case.competition_plan
        if plan.screening_published_on:
            raise ServiceError("资格审查结果已经公布，不能重新审查；对结果有异议的，通过复核答复处理。")
        now = timezone.now()
        regs = list(
            case.registrations.select_for_update(of=("self",))
            .select_related("cadre", "case__organization")
            .prefetch_related("vacancies__post__department", "cadre__assessments", "cadre__holdings__post")
        )
        results = []
        for reg in regs:
            findings = cg.screen(reg, plan)
            refusals = [{"rule": f.rule, "message": f.message} for f in findings if f.level == Level.BLOCK]
            reg.eligible = not refusals
            reg.refusals = refusals
            reg.screened_at = now
            results.append({"cadre": reg.cadre.name, "eligible": reg.eligible, "refusals": refusals})
        Registration.objects.bulk_update(regs, ["eligible", "refusals", "screened_at"])
        passed = sum(1 for r in regs if r.eligible)
        record_event(
            case,
            by=actor,
            action="run_screening",
            summary=f"资格审查：{len(regs)} 人报名，{passed} 人符合条件，{len(regs) - passed} 人不符合",
            payload={"results": results},
        )
    return passed


def publish_screening(case: SelectionCase, *, by) -> CompetitionPlan:
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.SCREENING, action="公布资格审查结果")
        plan = case.competition_plan
        if case.registrations.filter(eligible__isnull=True).exists():
            raise ServiceError("还有报名人未进行资格审查，请先进行资格审查。")
        if plan.screening_published_on:
            raise ServiceError("资格审查结果已经公布。")
        plan.screening_published_on = timezone.localdate()
        plan.save(update_fields=["screening_published_on", "updated_at"])
        record_event(case, by=actor, action="publish_screening", summary="公布资格审查结果")
    return plan


def request_review(registration: Registration, *, by, text: str) -> Registration:
    """A refused applicant asks for a review, after the results are published and before the exam."""
    actor = as_actor(by)
    text = text.strip()
    if not text:
        raise ServiceError("请写明申请复核的理由。")
    with transaction.atomic():
        case = lock_case(registration.case)
        reg = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("cadre")
            .get(pk=registration.pk)
        )
        if reg.cadre.account_id != actor.user.pk:
            raise ServiceError("只能对本人的资格审查结果申请复核。")
        _require_state(case, CaseStatus.SCREENING, action="申请复核")
        if not case.competition_plan.screening_published_on:
            raise ServiceError("资格审查结果公布后才能申请复核。")
        if reg.qualified:
            raise ServiceError("您已通过资格审查，无需申请复核。")
        if not reg.vacancies.exists():  # R-CMP-4: the post was withdrawn, there is nothing to review
            raise ServiceError("您所报的职位已调整出竞争上岗，不能申请复核。")
        if reg.review_requested_at:
            raise ServiceError("已经申请过复核，请等待答复。")
        reg.review_request = text
        reg.review_requested_at = timezone.now()
        reg.save(update_fields=["review_request", "review_requested_at"])
        record_event(case, by=actor, action="request_review", summary=f"{reg.cadre.name}申请资格审查复核")
    return reg


def answer_review(registration: Registration, *, by, answer: str, overturned: bool) -> Registration:
    """HR answers a review request (before the exam, R-CMP-3); overturned: the applicant qualifies."""
    actor = as_actor(by)
    answer = answer.strip()
    if not answer:
        raise ServiceError("请填写复核答复意见。")
    with transaction.atomic():
        case = lock_case(registration.case)
        reg = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("cadre")
            .get(pk=registration.pk)
        )
        _require_state(case, CaseStatus.SCREENING, action="答复复核申请")
        if not reg.review_requested_at:
            raise ServiceError("该报名人没有申请复核。")
        if reg.review_answered_at:
            raise ServiceError("该复核申请已经答复。")
        reg.review_answer = answer
        reg.review_answered_at = timezone.now()
        reg.review_overturned = overturned
        reg.save(update_fields=["review_answer", "review_answered_at", "review_overturned"])
        outcome = "经复核符合条件" if overturned else "维持原审查结果"
        record_event(
            case,
            by=actor,
            action="answer_review",
            summary=f"答复{reg.cadre.name}的复核申请：{outcome}",
            payload={"answer": answer, "overturned": overturned},
        )
    return reg


def start_exam(case: SelectionCase, *, by, justifications=None) -> SelectionCase:
    """资格审查 → 笔试面试 (R-CMP-3 complete, R-CMP-4 effective competition, R-MET-2 order)."""
    step = Step("start_exam", "进入笔试面试", cg.screening_done)
    return run_case_step(case, step, by=by, justifications=justifications)


# ---- 有效竞争 (R-CMP-4) ---------------------------------------------------------------------------


def _reasoned(findings, reason: str) -> dict[str, dict]:
    """Refuse on a block; the reason given answers each R-CMP-4 warning it acts on, for the record."""
    return check_findings(findings, {f.key: reason for f in findings if f.level == Level.WARN})


def withdraw_post(case: SelectionCase, *, by, vacancy: Vacancy, reason: str) -> SelectionCase:
    """R-CMP-4: a post without effective competition is withdrawn from the competition (it can then be
    filled by the daily procedure). Its registrations lose that post; an applicant left without a post
    no longer qualifies, and their screening result says why."""
    actor = as_actor(by)
    reason = reason.strip()
    with transaction.atomic():
        case = lock_case(case)
        _competitive(case)
        _require_state(case, CaseStatus.SCREENING, action="调整出竞争职位")
        vacancy = case.vacancies.select_related("post__department").filter(pk=vacancy.pk).first()
        if vacancy is None:
            raise ServiceError("职位不属于该竞争上岗。")
        findings = cg.withdrawal(case, vacancy, reason)
        accepted = _reasoned(findings, reason)
        post = str(vacancy.post)
        affected = list(
            case.registrations.select_for_update(of=("self",))
            .filter(vacancies=vacancy)
            .select_related("cadre")
            .prefetch_related("vacancies")
        )
        left_without = []
        for reg in affected:
            if len(reg.vacancies.all()) == 1:
                withdrawn = {"rule": "R-CMP-4", "message": f"所报职位“{post}”已调整出竞争上岗（{reason}）。"}
                earlier = reg.refusals if reg.eligible is False else []  # an earlier refusal stays
                reg.eligible = False
                reg.review_overturned = False
                reg.refusals = [withdrawn, *earlier]
                reg.save(update_fields=["eligible", "review_overturned", "refusals"])
                left_without.append(reg.cadre.name)
        vacancy.delete()  # the post's registrations lose it (the many-to-many rows go with it)
        record_event(
            case,
            by=actor,
            action="withdraw_post",
            summary=f"调整出竞争职位：{post}（{reason}）"[:300],
            findings=findings,
            justification=accepted,
            payload={
                "post": post,
                "post_id": vacancy.post_id,
                "reason": reason,
                "applicants": [r.cadre.name for r in affected],
                "left_without_post": left_without,
            },
        )
    return case


def reopen_registration(case: SelectionCase, *, by, closes_on: date, reason: str) -> SelectionCase:
    """R-CMP-4: 资格审查 → 报名 again when a post lacks effective competition: the window reopens until the
    new closing date; the screening is done again after it (answered reviews stand)."""
    reason = reason.strip()

    def evaluate(locked: SelectionCase) -> list:
        return cg.reopening(locked, closes_on, reason)

    def reset(locked: SelectionCase) -> None:
        plan = locked.competition_plan
        plan.registration_closes = closes_on
        plan.screening_published_on = None
        plan.save(update_fields=["registration_closes", "screening_published_on", "updated_at"])
        locked.registrations.update(eligible=None, refusals=[], screened_at=None)

    step = Step("reopen_registration", "重新组织报名", evaluate)
    justifications = {f.key: reason for f in cg.ineffective_posts(case)} if reason else None
    return run_case_step(
        case,
        step,
        by=by,
        justifications=justifications,
        before_save=reset,
        payload={"closes_on": closes_on, "reason": reason},
    )
