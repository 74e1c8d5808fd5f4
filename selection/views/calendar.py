"""节假日安排: the system administrator enters a year's holidays as the State Council notice words them (R-CAL-3).

A two-step form: 预览 shows the year month by month with the working days the notice yields; 保存 stores it
through `services.calendar.save_schedule` (the only writer), which keeps every version.
"""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..context_processors import holiday_reminder
from ..models import HolidaySchedule
from ..permissions import Action, require
from ..services import calendar as service
from ..services.base import ServiceError
from ..validators import Bounded
from ..workdays import PACKAGE_YEARS
from .record import request_actor


class HolidayNoticeForm(Bounded, forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=service.YEARS_ACCEPTED.start, max_value=service.YEARS_ACCEPTED.stop - 1
    )
    source = forms.CharField(
        label="依据（通知名称或文号）",
        max_length=200,
        required=False,
        help_text="如：国办发明电〔2026〕×号《国务院办公厅关于2027年部分节假日安排的通知》",
    )
    notice_text = forms.CharField(
        label="通知原文",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 9, "class": "font-monospace"}),
        help_text="逐行照录通知原文，如：二、春节：2月15日至23日放假调休，共9天。2月14日（周六）、2月28日（周六）上班。",
    )

    def clean_notice_text(self) -> str:
        text = self.cleaned_data["notice_text"]
        if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
            raise forms.ValidationError("通知原文含有不可见的控制字符，请重新粘贴。")
        return text


@require_GET
def holiday_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    today = timezone.localdate()
    entered = list(HolidaySchedule.objects.select_related("updated_by").order_by("-year"))
    return render(
        request,
        "selection/calendar/holiday_list.html",
        {
            "entered": entered,
            "package_years": f"{PACKAGE_YEARS.start}–{PACKAGE_YEARS.stop - 1}",
            "holiday_reminder": holiday_reminder(request.user),
            "next_year": today.year + 1,
            "breadcrumbs": [("节假日安排", None)],
        },
    )


class ButtonForm(forms.Form):
    """Which button sent the form: 预览 (preview) or 确认无误，保存 (save); anything else previews."""

    confirm = forms.ChoiceField(choices=[("preview", "预览"), ("save", "保存")], required=False)

    def saves(self) -> bool:
        return self.is_valid() and self.cleaned_data["confirm"] == "save"


@require_http_methods(["GET", "POST"])
def holiday_edit(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ADMINISTER)
    year = request.GET.get("year", "")
    initial = {"year": int(year) if year.isdigit() and len(year) == 4 else timezone.localdate().year + 1}
    existing = HolidaySchedule.objects.filter(year=initial["year"]).first()
    if existing:
        initial |= {"notice_text": existing.notice_text, "source": existing.source}
    form = HolidayNoticeForm(request.POST or None, initial=initial)
    context = {
        "form": form,
        "existing": existing,
        "breadcrumbs": [("节假日安排", reverse("holiday_list")), ("录入", None)],
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            parsed = service.read_notice(data["year"], data["notice_text"])
            if ButtonForm(request.POST).saves():
                service.save_schedule(
                    request_actor(request), data["year"], data["notice_text"], data["source"]
                )
                messages.success(request, f"{data['year']}年节假日安排已保存，公示期将按此计算工作日。")
                return redirect("holiday_list")
        except ServiceError as error:
            form.add_error("notice_text", error.message)
        else:
            months = service.preview(parsed)
            context |= {"parsed": parsed, "months": months, "workdays": sum(m.workdays for m in months)}
    return render(request, "selection/calendar/holiday_edit.html", context)


urlpatterns = [
    path("calendar/", holiday_list, name="holiday_list"),
    path("calendar/edit/", holiday_edit, name="holiday_edit"),
]
