"""民主推荐: 提名, a round's results and the 考察对象."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from ..models import (
    Cadre,
    Candidate,
    CandidateStatus,
    RecommendationRound,
    SelectionCase,
    Vacancy,
)
from ..widgets import SearchSelect
from .common import StyledForm, _style

# ---- 民主推荐 -----------------------------------------------------------------------------------------


class CadreChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cadre) -> str:
        return obj.name if not obj.department_id else f"{obj.name}（{obj.department.name}）"


class NominateForm(StyledForm):
    cadre = CadreChoice(label="干部", queryset=Cadre.objects.none(), widget=SearchSelect("cadres"))
    vacancy = forms.ModelChoiceField(label="拟任职位", queryset=Vacancy.objects.none())

    def __init__(self, *args, case: SelectionCase, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        org = case.organization_id
        self.fields["cadre"].queryset = (
            Cadre.objects.filter(Q(organization_id=org) | Q(organization__parent_id=org), is_active=True)
            .select_related("department")
            .order_by("name")
        )
        self.fields["vacancy"].queryset = case.vacancies.select_related("post__department")

    def service_kwargs(self) -> dict[str, Any]:
        return {"cadre": self.cleaned_data["cadre"], "vacancy": self.cleaned_data["vacancy"]}


class RoundForm(StyledForm):
    """One recommendation round and the votes of each nominated person (R-REC-5, R-REC-8)."""

    kind = forms.ChoiceField(label="推荐方式", choices=RecommendationRound.Kind.choices)
    held_on = forms.DateField(label="推荐日期")
    scope = forms.CharField(label="参加范围", max_length=200, required=False)
    expected = forms.IntegerField(label="应参加人数", min_value=0)
    actual = forms.IntegerField(label="实参加人数", min_value=0)
    valid_ballots = forms.IntegerField(label="有效票数", min_value=0, required=False)

    def __init__(self, *args, candidates: list[Candidate], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for candidate in candidates:
            self.fields[f"votes_{candidate.pk}"] = forms.IntegerField(
                label=f"{candidate.cadre.name}（{candidate.vacancy.post}）", min_value=0, required=False
            )
        _style(self)

    def vote_fields(self):
        return [self[f"votes_{c.pk}"] for c in self.candidates]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        results = [
            (c.vacancy, c.cadre, data[f"votes_{c.pk}"])
            for c in self.candidates
            if data.get(f"votes_{c.pk}") is not None
        ]
        return {
            "kind": data["kind"],
            "held_on": data["held_on"],
            "scope": data["scope"],
            "expected": data["expected"],
            "actual": data["actual"],
            "valid_ballots": data["valid_ballots"],
            "results": results,
        }


class TargetsForm(StyledForm):
    """The party group's collective decision on the inspection targets (R-INS-1)."""

    meeting_date = forms.DateField(label="党组会议日期")
    expected_members = forms.IntegerField(label="应到人数", min_value=1)
    present_members = forms.IntegerField(label="实到人数", min_value=0)
    targets = forms.ModelMultipleChoiceField(
        label="考察对象", queryset=Candidate.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    considerations = forms.CharField(label="综合考虑情况", widget=forms.Textarea, required=False)

    def __init__(self, *args, case: SelectionCase, group_size: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["targets"].queryset = case.candidates.filter(
            status=CandidateStatus.NOMINATED
        ).select_related("cadre", "vacancy__post__department")
        self.fields["targets"].label_from_instance = lambda c: f"{c.cadre.name}（拟任{c.vacancy.post}）"
        self.fields["targets"].widget.attrs["class"] = "form-check-input"
        if group_size:
            self.fields["expected_members"].initial = group_size
        self.fields["meeting_date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        expected, present = data.get("expected_members"), data.get("present_members")
        if expected is not None and present is not None and present > expected:
            self.add_error("present_members", "实到人数不能多于应到人数。")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "meeting_date": data["meeting_date"],
            "expected_members": data["expected_members"],
            "present_members": data["present_members"],
            "targets": list(data["targets"]),
            "considerations": data["considerations"],
        }
