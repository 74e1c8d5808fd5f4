"""The motion's approval, the simple steps between stages, and termination."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ...forms_cases import TerminateForm, justifications_from
from ...permissions import Action, get_case_for
from ...services import cases as svc
from .common import _actor, _anchored, _ask_justifications, _case_queryset, _perform
from .page import SIMPLE_STEPS, _invalid

# ---- POST: one service each ---------------------------------------------------------------------------


@require_POST
def case_approve_motion(request: HttpRequest, pk: int) -> HttpResponse:
    """The main leader decides or approves the motion (R-MOT-2)."""
    case = get_case_for(request.user, pk, Action.APPROVE_MOTION)
    _perform(request, lambda: svc.approve_motion(case, by=_actor(request)), ok="已同意启动该选拔任用工作。")
    return redirect(_anchored(case, "stage-motion"))


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
    _perform(
        request,
        lambda: svc.terminate_case(case, by=_actor(request), reason=reason),
        ok="已终止该选拔任用工作。",
    )
    return redirect(case)
