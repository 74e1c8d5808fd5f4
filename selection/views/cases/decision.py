"""党组讨论决定: the meeting, the members' opinions and closing the vote (R-DEC)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from ...forms_cases import MeetingForm, OpinionsForm
from ...models import Attendance, CandidateStatus, Meeting
from ...permissions import Action, can, get_case_for
from ...services import cases as svc
from .common import _actor, _anchored, _case_queryset, _perform, ask_confirmation, confirmed
from .page import _invalid, _submit


@require_POST
def case_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """党组会议: attendance, chair and method; recusals are derived by the service (R-DEC-1/2/6)."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = MeetingForm(request.POST, organization=case.organization)
    if not form.is_valid():
        return _invalid(request, case, "meeting_form", form)
    kwargs = form.service_kwargs()
    return _submit(
        request,
        case,
        "meeting_form",
        form,
        lambda: svc.convene_meeting(case, by=_actor(request), **kwargs),
        ok="已录入党组会议，请录入每位成员的表决意见。",
        anchor="stage-decision",
    )


@require_POST
def case_opinions(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """HR records what each member said in the room (oral / show of hands), the chair last (R-DEC-3).

    Each opinion is cast as the member it belongs to; the service checks presence, recusal and order."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    meeting = get_object_or_404(
        Meeting.objects.prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("pk")),
            "recusals",
            "open_votes",
        ),
        case=case,
        pk=meeting_pk,
    )
    proposed = list(case.candidates.filter(status=CandidateStatus.PROPOSED).select_related("cadre"))
    form = OpinionsForm(request.POST, meeting=meeting, candidates=proposed)
    if not form.is_valid():
        return _invalid(request, case, "opinions_form", form)
    entered = form.entered()
    if not entered:
        messages.warning(request, "没有录入任何表决意见。")
        return redirect(_anchored(case, "stage-decision"))
    return _submit(
        request,
        case,
        "opinions_form",
        form,
        lambda: svc.record_open_votes(meeting, entered, by=_actor(request)),
        ok=f"已录入 {len(entered)} 条表决意见。",
        anchor="stage-decision",
    )


@require_POST
def case_close_meeting(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """End the vote and apply the tally (R-DEC-5); HR or the chairing main leader."""
    case = get_case_for(request.user, pk, Action.VIEW_CASES)
    if not (can(request.user, Action.MANAGE_CASES) or can(request.user, Action.CHAIR_MEETING)):
        raise PermissionDenied
    meeting = get_object_or_404(Meeting, case=case, pk=meeting_pk)
    if not confirmed(request):  # the page's dialog sets it; without JavaScript, ask here
        return ask_confirmation(
            request,
            title="结束表决并计票？",
            text="结束后不能再录入表决意见，系统将按 R-DEC-5（同意票超过应到人数的半数）计票。",
            button="确认结束表决",
            back=_anchored(case, "stage-decision"),
        )
    _perform(request, lambda: svc.close_meeting(meeting, by=_actor(request)), ok="表决已结束，结果已记录。")
    return redirect(_anchored(case, "stage-decision"))
