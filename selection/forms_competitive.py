"""Forms of the 竞争上岗 screens: validation only; selection/services/competitive/ checks the rules."""

from typing import Any

from django import forms

from .forms_cases import StyledForm, people_of
from .models import Cadre, CompetitionPlan, EducationLevel, Vacancy
from .services.competitive import PLAN_FIELDS

MAX_FORM_BYTES = 10 * 1024 * 1024


class PlanForm(StyledForm):
    decided_on = forms.DateField(label="党组会议研究日期", required=False)
    decision_note = forms.CharField(label="党组会议研究情况", max_length=200, required=False)
    publish_scope = forms.CharField(
        label="公布范围", max_length=100, required=False, initial="局机关全体干部职工"
    )
    registration_opens = forms.DateField(label="报名开始日期", required=False)
    registration_closes = forms.DateField(label="报名截止日期", required=False)
    written_on = forms.DateField(label="笔试日期", required=False)
    interview_on = forms.DateField(label="面试日期", required=False)
    exam_order = forms.ChoiceField(label="笔试面试顺序", choices=CompetitionPlan.ExamOrder.choices)
    written_weight = forms.IntegerField(label="笔试权重（%）", min_value=0, max_value=100, initial=40)
    interview_weight = forms.IntegerField(label="面试权重（%）", min_value=0, max_value=100, initial=60)
    advance_ratio = forms.IntegerField(
        label="每个职位进入考察人数（1:n）", min_value=1, max_value=10, initial=2
    )
    max_posts_per_applicant = forms.IntegerField(
        label="每人最多报名职位数", min_value=1, max_value=10, initial=1
    )
    tie_rule = forms.ChoiceField(label="同分排序规则", choices=CompetitionPlan.TieRule.choices)
    max_age = forms.IntegerField(
        label="年龄上限（周岁以下，可空）", min_value=18, max_value=65, required=False
    )
    min_education = forms.ChoiceField(
        label="最低学历（可空）", choices=[("", "不另作规定"), *EducationLevel.choices], required=False
    )
    min_work_years = forms.IntegerField(
        label="最少工作年限（年，可空）", min_value=0, max_value=40, required=False
    )
    conditions = forms.CharField(
        label="其他资格条件说明", widget=forms.Textarea, max_length=2000, required=False
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in PLAN_FIELDS}


def _vacancy_field(case, max_posts: int) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=f"报名职位（最多 {max_posts} 个）",
        queryset=Vacancy.objects.filter(case=case).select_related("post__department"),
        widget=forms.CheckboxSelectMultiple,
    )


class ApplyForm(StyledForm):
    statement = forms.CharField(
        label="个人简要情况及竞岗优势", widget=forms.Textarea, max_length=2000, required=False
    )

    def __init__(self, *args, case, max_posts: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"vacancies": _vacancy_field(case, max_posts), **self.fields}
        self.fields["vacancies"].widget.attrs["class"] = "form-check-input"


class PaperRegistrationForm(ApplyForm):
    signed_form = forms.FileField(label="本人签字的报名表（PDF 或图片）")

    def __init__(self, *args, case, max_posts: int, **kwargs) -> None:
        super().__init__(*args, case=case, max_posts=max_posts, **kwargs)
        self.fields = {
            "cadre": forms.ModelChoiceField(
                label="报名人",
                queryset=Cadre.objects.filter(organization=case.organization, is_active=True).order_by(
                    "name"
                ),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            ),
            **self.fields,
        }
        self.fields["signed_form"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"

    def clean_signed_form(self):
        upload = self.cleaned_data["signed_form"]
        if upload.size > MAX_FORM_BYTES:
            raise forms.ValidationError("报名表文件不能超过 10 MB。")
        if not upload.name.lower().endswith((".pdf", ".jpg", ".jpeg", ".png")):
            raise forms.ValidationError("报名表只能是 PDF、JPG 或 PNG 文件。")
        return upload


class ReviewRequestForm(StyledForm):
    text = forms.CharField(label="申请复核的理由", widget=forms.Textarea, max_length=2000)


class ReviewAnswerForm(StyledForm):
    answer = forms.CharField(label="复核答复意见", widget=forms.Textarea, max_length=2000)
    overturned = forms.TypedChoiceField(
        label="复核结论",
        choices=[("0", "维持原审查结果"), ("1", "经复核符合条件")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class WithdrawPostForm(StyledForm):
    """R-CMP-4: withdraw a post without effective competition from the competition."""

    vacancy = forms.ModelChoiceField(label="调整出竞争的职位", queryset=Vacancy.objects.none())
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=200)

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = case.vacancies.select_related("post__department")


class ReopenRegistrationForm(StyledForm):
    """R-CMP-4: reopen registration until a new closing date."""

    closes_on = forms.DateField(label="新的报名截止日期")
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=200)


class ExaminersForm(StyledForm):
    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"] = forms.ModelMultipleChoiceField(
            label="面试考官（5 人以上单数）",
            queryset=people_of(organization),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        )


SCORE_MAX_LENGTH = 20


class ScoresForm(StyledForm):
    """One score per applicant, `<key><registration pk>` (written_ / score_), typed as text: empty is "not
    yet scored"; the service parses each value and checks its range."""

    def __init__(self, *args, key: str, registrations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        for pk in registrations:
            self.fields[f"{key}{pk}"] = forms.CharField(
                label="成绩", required=False, max_length=SCORE_MAX_LENGTH
            )

    def scores(self) -> dict[int, str]:
        return {int(name.removeprefix(self.key)): value for name, value in self.cleaned_data.items() if value}

    def first_error(self) -> str:
        return f"成绩：{next(iter(self.errors.values()))[0]}"


class AdvancingForm(StyledForm):
    """The advancing list: each ticked `<vacancy pk>:<registration pk>` of this case, in the order sent."""

    decided_on = forms.DateField(label="党组会议研究日期")
    advance = forms.MultipleChoiceField(label="进入民主测评和考察的人选", required=False, choices=())

    def __init__(self, *args, case=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if case is not None:
            vacancies = case.vacancies.values_list("pk", flat=True)
            registrations = case.registrations.values_list("pk", flat=True)
            self.fields["advance"].choices = [(f"{v}:{r}", "") for v in vacancies for r in registrations]

    def chosen(self) -> dict[int, list[int]]:
        chosen: dict[int, list[int]] = {}
        for value in self.cleaned_data["advance"]:
            vacancy, _, registration = value.partition(":")
            if int(registration) not in chosen.get(int(vacancy), []):
                chosen.setdefault(int(vacancy), []).append(int(registration))
        return chosen
