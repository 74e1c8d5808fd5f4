"""任职前公示 and 任职: the notice, complaints and the appointment (R-NOT, R-APP)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_POST

from ...forms_cases import AppointForm, ComplaintForm, ConcludeComplaintForm, NoticeForm, justifications_from
from ...models import Complaint
from ...permissions import Action, get_case_for
from ...services import cases as svc
from ...services.base import ServiceError
from ...workdays import CalendarUnavailable
from .common import _actor, _case_queryset
from .page import NoticeDates, _invalid, _submit, notice_dates


@require_GET
def case_notice_end(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the end date of a notice published on the chosen day (R-NOT-2, R-CAL)."""
    case = get_case_for(request.user, pk, Action.VIEW_CASES)
    try:
        published_on = parse_date(request.GET.get("published_on", ""))
    except ValueError:
        published_on = None
    dates = notice_dates(case, published_on) if published_on else NoticeDates(None, None)
    return render(request, "selection/cases/_notice_end.html", {"dates": dates, "published_on": published_on})


@require_POST
def case_publish_notice(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = NoticeForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "step_form", form)
    kwargs = form.service_kwargs()
    justifications = justifications_from(request.POST)

    def publish() -> None:
        try:
            svc.publish_notice(case, by=_actor(request), justifications=justifications, **kwargs)
        except CalendarUnavailable as error:  # R-CAL-3: an administrator must enter the year's holidays
            raise ServiceError(str(error)) from error

    return _submit(request, case, "step_form", form, publish, ok="已发布任职前公示。", anchor="stage-notice")


@require_POST
def case_complaint(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = ComplaintForm(request.POST, case=case)
    if not form.is_valid():
        return _invalid(request, case, "complaint_form", form)
    kwargs = form.service_kwargs()
    return _submit(
        request,
        case,
        "complaint_form",
        form,
        lambda: svc.record_complaint(case, by=_actor(request), **kwargs),
        ok="已登记信访举报。",
        anchor="stage-notice",
    )


@require_POST
def case_conclude_complaint(request: HttpRequest, pk: int, complaint_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    complaint = get_object_or_404(
        Complaint.objects.select_related("notice__case"), notice__case=case, pk=complaint_pk
    )
    form = ConcludeComplaintForm(request.POST)
    form.complaint_pk = complaint.pk  # the page opens this complaint's form with the input kept
    if not form.is_valid():
        return _invalid(request, case, "conclude_form", form)
    kwargs = form.service_kwargs()
    return _submit(
        request,
        case,
        "conclude_form",
        form,
        lambda: svc.conclude_complaint(complaint, by=_actor(request), **kwargs),
        ok="信访举报已办结。",
        anchor="stage-notice",
    )


@require_POST
def case_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    """公示 → 任职 (R-APP-1..5)."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = AppointForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "step_form", form)
    kwargs = form.service_kwargs()
    justifications = justifications_from(request.POST)
    return _submit(
        request,
        case,
        "step_form",
        form,
        lambda: svc.appoint(case, by=_actor(request), justifications=justifications, **kwargs),
        ok="已办理任职，干部任职信息和职数已同步更新。",
        anchor="stage-appointment",
    )
