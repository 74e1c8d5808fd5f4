"""民主推荐: nominations, rounds, the meeting-round skip and the inspection targets (R-REC, R-INS-1)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from ...forms_cases import MeetingSkipForm, NominateForm, RoundForm, TargetsForm, justifications_from
from ...models import CandidateStatus
from ...permissions import Action, get_case_for
from ...services import cases as svc
from .common import _actor, _case_queryset
from .page import _invalid, _submit


@require_POST
def case_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = NominateForm(request.POST, case=case)
    if not form.is_valid():
        return _invalid(request, case, "nominate_form", form)
    kwargs = form.service_kwargs()
    return _submit(
        request,
        case,
        "nominate_form",
        form,
        lambda: svc.nominate(case, by=_actor(request), **kwargs),
        ok=f"已将{kwargs['cadre'].name}列为“{kwargs['vacancy'].post}”的人选。",
        anchor="candidates",
    )


@require_POST
def case_round(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    nominated = list(
        case.candidates.filter(status=CandidateStatus.NOMINATED).select_related(
            "cadre", "vacancy__post__department"
        )
    )
    form = RoundForm(request.POST, candidates=nominated)
    if not form.is_valid():
        return _invalid(request, case, "round_form", form)
    kwargs = form.service_kwargs()
    return _submit(
        request,
        case,
        "round_form",
        form,
        lambda: svc.record_round(case, by=_actor(request), **kwargs),
        ok="已录入推荐结果。",
        anchor="stage-recommendation",
    )


@require_POST
def case_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """The party group's collective decision on the inspection targets (R-INS-1)."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = TargetsForm(request.POST, case=case)
    if not form.is_valid():
        return _invalid(request, case, "targets_form", form)
    kwargs = form.service_kwargs()
    justifications = justifications_from(request.POST)
    return _submit(
        request,
        case,
        "targets_form",
        form,
        lambda: svc.fix_targets(case, by=_actor(request), justifications=justifications, **kwargs),
        ok="已录入党组集体研究确定的考察对象。",
        anchor="stage-recommendation",
    )


@require_POST
def case_meeting_skip(request: HttpRequest, pk: int) -> HttpResponse:
    """Why the meeting round is not held (R-REC-4)."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = MeetingSkipForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "skip_form", form)
    return _submit(
        request,
        case,
        "skip_form",
        form,
        lambda: svc.record_meeting_skip(case, by=_actor(request), **form.service_kwargs()),
        ok="已记录不再进行会议推荐的情形和理由。",
        anchor="stage-recommendation",
    )
