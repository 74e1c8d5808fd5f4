"""The case list's filters, a new case (动议) and the party group's review of the motion."""

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from ..models import (
    CaseStatus,
    Post,
    PostHolding,
    SelectionCase,
    Vacancy,
)
from .common import StyledForm

# ---- list and new case --------------------------------------------------------------------------------


class CaseFilterForm(StyledForm):
    status = forms.ChoiceField(
        label="当前阶段", required=False, choices=[("", "全部阶段"), *CaseStatus.choices]
    )
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    post = forms.CharField(label="拟任职位", required=False, max_length=50)
    POST_IDS = 1000  # more matching posts than this: a subquery instead of the list

    def filter(self, cases: QuerySet[SelectionCase]) -> QuerySet[SelectionCase]:
        if not self.is_valid():
            return cases
        data = self.cleaned_data
        if data["status"]:
            cases = cases.filter(status=data["status"])
        if data["year"]:
            cases = cases.filter(year=data["year"])
        if data["post"]:
            # A subquery keeps the list's vacancy and candidate counts over every vacancy of the case. The
            # matching posts are read first (few): PostgreSQL estimates `post_id IN (…)` from its
            # statistics, not a pattern inside the title, and so walks the list's index to the LIMIT
            # instead of sorting every matching case (issue 11).
            posts = Post.objects.filter(title__icontains=data["post"]).values_list("pk", flat=True)
            ids = list(posts[: self.POST_IDS + 1])
            matching = Vacancy.objects.filter(
                post__in=ids if len(ids) <= self.POST_IDS else posts, case=OuterRef("pk")
            )
            cases = cases.filter(Exists(matching))
        return cases


class PostChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Post) -> str:
        return f"{obj}（{obj.get_rank_display()}）"


class MotionForm(StyledForm):
    """动议: the batch, its vacancies and how the motion came about (R-MOT-1..3, R-MET-1)."""

    title = forms.CharField(label="批次名称", max_length=100)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    mode = forms.ChoiceField(
        label="选拔方式", choices=SelectionCase.Mode.choices, initial=SelectionCase.Mode.DAILY
    )
    posts = PostChoices(
        label="拟任职位", queryset=Post.objects.none(), widget=forms.CheckboxSelectMultiple, required=True
    )
    motion_origin = forms.ChoiceField(
        label="动议方式", choices=SelectionCase.MotionOrigin.choices, widget=forms.RadioSelect
    )
    motion_form = forms.ChoiceField(
        label="启动意见形式",
        choices=SelectionCase.MotionForm.choices,
        widget=forms.RadioSelect,
        initial=SelectionCase.MotionForm.ORAL,
    )
    motion_date = forms.DateField(label="动议日期")
    analysis = forms.CharField(
        max_length=5000,
        label="分析研判情况",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="职位空缺情况、班子结构、人选范围等分析研判意见（R-MOT-3）。",
    )
    method_reason = forms.CharField(
        label="采用该选拔方式的理由", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["posts"].queryset = Post.objects.filter(organization=organization).select_related(
            "department"
        )
        self.fields["posts"].widget.attrs["class"] = "form-check-input"
        holders = dict(
            PostHolding.objects.filter(post__organization=organization, ended_on__isnull=True).values_list(
                "post_id", "cadre__name"
            )
        )
        self.fields["posts"].label_from_instance = lambda post: (
            f"{post}（{post.get_rank_display()}）· "
            + (f"现任：{holders[post.pk]}" if post.pk in holders else "空缺")
        )
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["motion_date"].initial = today

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "year": data["year"],
            "mode": data["mode"],
            "posts": list(data["posts"]),
            "motion_origin": data["motion_origin"],
            "motion_form": data["motion_form"],
            "motion_date": data["motion_date"],
            "analysis": data["analysis"],
            "method_reason": data["method_reason"],
        }


def motion_initial(case: SelectionCase) -> dict[str, Any]:
    """The motion form filled with the case's current motion, for correcting it."""
    return {
        "title": case.title,
        "year": case.year,
        "mode": case.mode,
        "posts": [v.post_id for v in case.vacancies.all()],
        "motion_origin": case.motion_origin,
        "motion_form": case.motion_form,
        "motion_date": case.motion_date,
        "analysis": case.motion_analysis,
        "method_reason": case.method_reason,
    }


class MotionReviewForm(StyledForm):
    """The main leader's comment when returning or not agreeing to a motion (R-MOT-2)."""

    comment = forms.CharField(label="主要领导意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
