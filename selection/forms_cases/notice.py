"""公示 and 任职: the notice, complaints, the appointment, the meeting-recommendation waiver, steps not applicable."""

from typing import Any

from django import forms
from django.utils import timezone

from ..models import (
    Candidate,
    CandidateStatus,
    Complaint,
    SelectionCase,
)
from ..validators import Bounded
from .common import StyledForm

# ---- 公示、任职 ---------------------------------------------------------------------------------------


class NoticeForm(StyledForm):
    published_on = forms.DateField(label="公示开始日期")
    scope = forms.CharField(label="公示范围", max_length=200)
    channels = forms.CharField(
        label="监督举报方式", max_length=200, help_text="如：电话0572-5123456、12380，来信来访地址。"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["published_on"].initial = timezone.localdate()
        self.fields["published_on"].widget.attrs["id"] = "id_published_on"

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ComplaintForm(StyledForm):
    candidate = forms.ModelChoiceField(label="反映对象", queryset=Candidate.objects.none())
    received_on = forms.DateField(label="收到日期")
    summary = forms.CharField(label="反映内容", widget=forms.Textarea)

    def __init__(self, *args, case: SelectionCase, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidate"]
        field.queryset = case.candidates.filter(status=CandidateStatus.APPROVED).select_related("cadre")
        field.label_from_instance = lambda c: c.cadre.name
        self.fields["received_on"].initial = timezone.localdate()

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ConcludeComplaintForm(StyledForm):
    investigation = forms.CharField(label="调查核实情况", widget=forms.Textarea)
    conclusion = forms.ChoiceField(
        label="结论",
        choices=[(c.value, c.label) for c in (Complaint.Conclusion.NO_EFFECT, Complaint.Conclusion.AFFECTS)],
    )
    concluded_on = forms.DateField(label="办结日期")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concluded_on"].initial = timezone.localdate()

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AppointForm(StyledForm):
    notice_number = forms.CharField(label="任职通知文号", max_length=100)
    notice_date = forms.DateField(label="任职通知日期")
    talk_on = forms.DateField(label="任职谈话日期", required=False)
    talk_by = forms.CharField(label="谈话人", max_length=50, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notice_date"].initial = timezone.localdate()

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MeetingSkipForm(Bounded, forms.Form):
    """R-REC-4: all three conditions affirmed, with a reason, to skip the meeting round."""

    small_unit = forms.BooleanField(label="单位人数较少", required=False)
    same_scope = forms.BooleanField(
        label="参加会议推荐人员范围与谈话调研推荐人员范围基本相同", required=False
    )
    concentrated = forms.BooleanField(label="谈话调研推荐意见集中", required=False)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class NotApplicableForm(Bounded, forms.Form):
    """R-REQ-1: why a 纪实表 row does not apply to this person."""

    row = forms.ChoiceField(label="纪实表栏目")
    reason = forms.CharField(label="不适用的理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["row"].choices = [(r.key, r.label) for r in rows]
