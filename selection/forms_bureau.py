"""Forms of the 试用期, 下属事业单位 and 一报告两评议 screens. Validation only; the services check the rules."""

from typing import Any

from django import forms
from django.utils import timezone

from .forms_cases import StyledForm, UserChoice, UsersChoice, party_group_of, secretaries_of
from .models import BureauDeliberation, Meeting, Post, PostHolding, ProbationReview, VoteChoice
from .services.annual import SUGGESTION_MAX
from .services.base import ServiceError


class AppraisalForm(StyledForm):
    """民主测评 of a probationary cadre (R-PRB-2)."""

    on = forms.DateField(label="测评日期")
    expected = forms.IntegerField(label="应参加人数", min_value=0, max_value=9999)
    actual = forms.IntegerField(label="实参加人数", min_value=0, max_value=9999)
    competent = forms.IntegerField(label="胜任", min_value=0, max_value=9999)
    basically = forms.IntegerField(label="基本胜任", min_value=0, max_value=9999)
    incompetent = forms.IntegerField(label="不胜任", min_value=0, max_value=9999)

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AssessmentForm(StyledForm):
    """考核 of a probationary cadre (R-PRB-2)."""

    on = forms.DateField(label="考核日期")
    result = forms.ChoiceField(
        label="考核结论", choices=ProbationReview.Assessment.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label="考核情况", widget=forms.Textarea, max_length=2000)

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ProbationDecisionForm(StyledForm):
    """党组会议 on a probation (R-PRB-3): attendance, each present member's opinion, the basis."""

    held_on = forms.DateField(label="会议日期")
    method = forms.ChoiceField(
        label="表决方式", choices=[(m.value, m.label) for m in (Meeting.Method.HANDS, Meeting.Method.ORAL)]
    )
    chair = UserChoice(label="主持人（党组书记）", queryset=None)
    members = UsersChoice(label="应到党组成员", queryset=None, widget=forms.CheckboxSelectMultiple)
    present = UsersChoice(
        label="实到成员", queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    basis = forms.CharField(label="决定依据", widget=forms.Textarea, max_length=2000)
    return_post = forms.ModelChoiceField(
        label="免去试用职务后安排的职位（原职级）", queryset=None, required=False
    )
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea, required=False, max_length=5000)

    def __init__(self, *args, organization, holding: PostHolding, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        group = party_group_of(organization)
        self.group = list(group)
        self.fields["members"].queryset = group
        self.fields["present"].queryset = group
        self.fields["chair"].queryset = secretaries_of(organization)
        self.fields["return_post"].queryset = (
            Post.objects.filter(organization=organization)
            .exclude(pk=holding.post_id)
            .select_related("department")
        )
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["members"].initial = [m.pk for m in self.group]
        self.fields["present"].initial = [m.pk for m in self.group]
        chair = self.fields["chair"].queryset.first()
        if chair:
            self.fields["chair"].initial = chair.pk
        for name in ("members", "present"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        for member in self.group:
            self.fields[f"vote_{member.pk}"] = forms.ChoiceField(
                label=member.get_full_name(),
                choices=[("", "未表决（缺席或回避）"), *VoteChoice.choices],
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    @property
    def vote_fields(self):
        return [self[f"vote_{m.pk}"] for m in self.group]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        votes = {m.pk: data[f"vote_{m.pk}"] for m in self.group if data.get(f"vote_{m.pk}")}
        return {
            "held_on": data["held_on"],
            "method": data["method"],
            "chair": data["chair"],
            "members": list(data["members"]),
            "present": list(data["present"]),
            "votes": votes,
            "basis": data["basis"],
            "return_post": data["return_post"],
            "minutes": data["minutes"],
        }


class DeliberationForm(StyledForm):
    """局党组集体商议 of an institution's results (R-REQ-4)."""

    held_on = forms.DateField(label="局党组会议日期")
    expected = forms.IntegerField(label="应到人数", min_value=1, max_value=99)
    present = forms.IntegerField(label="实到人数", min_value=0, max_value=99)
    opinion = forms.ChoiceField(
        label="集体商议意见", choices=BureauDeliberation.Opinion.choices, widget=forms.RadioSelect
    )
    minutes = forms.CharField(label="商议情况", widget=forms.Textarea, max_length=5000)

    def __init__(self, *args, bureau=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        if bureau is not None:
            self.fields["expected"].initial = party_group_of(bureau).count()

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# ---- 一报告两评议 ------------------------------------------------------------------------------------


class OpenReportForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class SectionsForm(StyledForm):
    """HR's text sections; the numbers are never a form field (R-ANR-1)."""

    overall = forms.CharField(
        label="选人用人工作总体情况",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )
    rules_applied = forms.CharField(
        label="执行政策法规和制度情况",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )
    problems = forms.CharField(
        label="存在问题及整改措施", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )

    def extra_keys(self) -> set[str]:
        """Posted names that are not a section (a number beside the text), bounded in number."""
        names = [k for k in list(self.data)[:100] if k not in self.fields and k != "csrfmiddlewaretoken"]
        return {name[:100] for name in names}


class SlipsForm(StyledForm):
    count = forms.IntegerField(label="评议码数量", min_value=1, max_value=500)


class FollowUpForm(StyledForm):
    investigated_on = forms.DateField(label="核实日期")
    findings = forms.CharField(label="调查核实情况", widget=forms.Textarea, max_length=5000)
    conclusion = forms.CharField(label="处理意见", widget=forms.Textarea, max_length=2000)


class CodeForm(StyledForm):
    code = forms.CharField(label="评议码", max_length=40)
    submit_ballot = forms.BooleanField(required=False, widget=forms.HiddenInput)  # cast, not just show


class EvaluationBallotForm(StyledForm):
    """One 一报告两评议 ballot: an option per question (`q<i>`), the ticked problems, a suggestion; or an
    option per evaluated cadre (`c<pk>`). Which options are valid and complete is the service's check."""

    def __init__(self, *args, evaluation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.evaluation = evaluation
        option = {"max_length": 40, "required": False}
        if evaluation.kind == "work":
            self.questions = range(len(evaluation.questions))
            for index in self.questions:
                self.fields[f"q{index}"] = forms.CharField(label=f"第 {index + 1} 项", **option)
            self.fields["problems"] = forms.TypedMultipleChoiceField(
                label="存在的问题",
                coerce=int,
                choices=[(str(i), "") for i in range(len(evaluation.problems))],
                required=False,
                error_messages={"invalid_choice": "问题选项无效。"},
            )
            self.fields["suggestion"] = forms.CharField(
                label="意见建议", widget=forms.Textarea, max_length=SUGGESTION_MAX, required=False
            )
        else:
            self.cadre_ids = list(evaluation.cadres.values_list("pk", flat=True))
            for pk in self.cadre_ids:
                self.fields[f"c{pk}"] = forms.CharField(label="评价", **option)

    def choices(self) -> dict:
        data = self.cleaned_data
        if self.evaluation.kind == "work":
            return {
                "answers": {str(i): data[f"q{i}"] for i in self.questions},
                "problems": data["problems"],
                "suggestion": data["suggestion"],
            }
        return {"cadres": {str(pk): data[f"c{pk}"] for pk in self.cadre_ids}}


def evaluation_choices_from(evaluation, data) -> dict:
    """The POST of a ballot page → the choices the service validates (it refuses anything incomplete).
    Input that is not even a value (control characters, over-long text, unknown problems) is refused
    here, as a ServiceError the ballot views already show."""
    form = EvaluationBallotForm(data, evaluation=evaluation)
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else ""
        raise ServiceError(f"{label}：{errors[0]}" if label else errors[0])
    return form.choices()
