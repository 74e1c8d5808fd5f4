"""The motion's review and correction, the simple steps between stages, and termination."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ...forms_cases import MotionForm, MotionReviewForm, TerminateForm, justifications_from, motion_initial
from ...permissions import Action, get_case_for, may_correct_motion
from ...services import cases as svc
from ...services.base import ServiceError
from .common import (
    FIX_ERRORS,
    _actor,
    _anchored,
    _ask_justifications,
    _case_queryset,
    _perform,
    ask_confirmation,
    confirmed,
)
from .lists import organization_quota
from .page import SIMPLE_STEPS, _invalid, _submit

# ---- POST: one service each ---------------------------------------------------------------------------


@require_POST
def case_approve_motion(request: HttpRequest, pk: int) -> HttpResponse:
    """The main leader decides or approves the motion (R-MOT-2)."""
    case = get_case_for(request.user, pk, Action.APPROVE_MOTION)
    _perform(request, lambda: svc.approve_motion(case, by=_actor(request)), ok="已同意启动该选拔任用工作。")
    return redirect(_anchored(case, "stage-motion"))


def _review(request: HttpRequest, pk: int, service, ok: str, *, confirm: str = "") -> HttpResponse:
    """退回修改 / 不同意: the main leader's comment is required and recorded."""
    case = get_case_for(request.user, pk, Action.APPROVE_MOTION, queryset=_case_queryset())
    form = MotionReviewForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "review_form", form)
    comment = form.cleaned_data["comment"]
    if confirm and not confirmed(request):
        return ask_confirmation(
            request,
            title="不同意启动该选拔任用工作？",
            text=f"{confirm}意见：{comment}",
            button="确认不同意",
            back=_anchored(case, "stage-motion"),
        )
    return _submit(
        request,
        case,
        "review_form",
        form,
        lambda: service(case, by=_actor(request), comment=comment),
        ok=ok,
        anchor="stage-motion",
    )


@require_POST
def case_return_motion(request: HttpRequest, pk: int) -> HttpResponse:
    """The main leader returns the motion to HR with what to correct (R-MOT-2)."""
    return _review(request, pk, svc.return_motion, "已退回人事部门修改，修改后会重新报您审批。")


@require_POST
def case_reject_motion(request: HttpRequest, pk: int) -> HttpResponse:
    """The main leader does not agree: the motion is refused and the case ends (R-MOT-2)."""
    return _review(
        request,
        pk,
        svc.reject_motion,
        "已记录不同意启动，该选拔任用工作终止。",
        confirm="不同意后该批次即终止，不能恢复。",
    )


@require_http_methods(["GET", "POST"])
def case_edit_motion(request: HttpRequest, pk: int) -> HttpResponse:
    """HR corrects the motion until the main leader approves it; a returned motion goes back for review."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    if not may_correct_motion(request.user, case):
        messages.error(request, "主要领导已审批该动议，不能再修改。")
        return redirect(_anchored(case, "stage-motion"))
    form = MotionForm(request.POST or None, organization=case.organization, initial=motion_initial(case))
    if request.method == "POST":
        if form.is_valid():
            returned = case.motion_review == case.MotionReview.RETURNED
            try:
                svc.correct_motion(case, by=_actor(request), **form.service_kwargs())
            except ServiceError as error:
                messages.error(request, error.message)
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, "已修改动议，并重新报主要领导审批。" if returned else "已修改动议。"
                )
                return redirect(_anchored(case, "stage-motion"))
        else:
            messages.error(request, FIX_ERRORS)
    return render(
        request,
        "selection/cases/case_form.html",
        {
            "form": form,
            "editing": case,
            "quota": organization_quota(case.organization),
            "breadcrumbs": [
                ("选拔任用", reverse("case_list")),
                (case.title, case.get_absolute_url()),
                ("修改动议", None),
            ],
        },
    )


@require_POST
def case_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """进入民主推荐 / 进入考察 / 提交党组讨论决定, with a justification per warning."""
    spec = SIMPLE_STEPS.get(step)
    if spec is None:
        raise Http404("没有这个步骤。")
    case = get_case_for(request.user, pk, Action.MANAGE_CASES)
    justifications = justifications_from(request.POST)
    refused = _perform(
        request,
        lambda: spec.service(case, by=_actor(request), justifications=justifications),
        ok=f"已{spec.label}。",
    )
    if refused is not None:
        return _ask_justifications(request, case, refused)
    return redirect(_anchored(case, "next-step"))


@require_POST
def case_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = TerminateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "terminate_form", form)
    reason = form.cleaned_data["reason"]
    return _submit(
        request,
        case,
        "terminate_form",
        form,
        lambda: svc.terminate_case(case, by=_actor(request), reason=reason),
        ok="已终止该选拔任用工作。",
        anchor="next-step",
    )
