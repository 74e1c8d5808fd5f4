"""A candidate's record (update_candidate_record): negative list, health, exceptional promotion, inspection; withdrawing and ending a case."""

from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import User

from ..models import (
    Candidate,
    Inspection,
)
from ..rules import DossierItem, NegativeItem
from ..services.cases import INSPECTION_FIELDS
from ..validators import Bounded
from ..widgets import SearchSelectMultiple
from .common import ANSWERED_NEGATIVE_ITEMS, StyledForm, UsersChoice, _style, people_of

# ---- a candidate's record (update_candidate_record) ---------------------------------------------------

YES_NO = [("no", "否"), ("yes", "是")]


class NegativeListForm(StyledForm):
    """R-INS-2 ①②④⑤⑦: an explicit answer each; the answering user's name is recorded with it."""

    special_post = forms.BooleanField(label="⑤ 拟任职位属于规定可以不受此限的特殊岗位", required=False)

    def __init__(self, *args, inspection: Inspection | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.old = dict((inspection.negative_list if inspection else {}) or {})
        for item in ANSWERED_NEGATIVE_ITEMS:
            old = self.old.get(item.value)
            self.fields[f"item_{item.value}"] = forms.ChoiceField(
                label=item.label,
                choices=YES_NO,
                widget=forms.RadioSelect,
                initial=("yes" if old.get("applies") else "no") if old else None,
            )
        self.fields["special_post"].initial = bool(
            self.old.get(NegativeItem.EMIGRATED, {}).get("special_post")
        )
        _style(self)

    def item_fields(self):
        return [self[f"item_{item.value}"] for item in ANSWERED_NEGATIVE_ITEMS]

    def service_kwargs(self, answered_by: str) -> dict[str, Any]:
        """Unchanged answers keep who answered and when; changed ones are stamped with this user."""
        answers = dict(self.old)
        now = timezone.now().isoformat(timespec="seconds")
        for item in ANSWERED_NEGATIVE_ITEMS:
            applies = self.cleaned_data[f"item_{item.value}"] == "yes"
            special = item == NegativeItem.EMIGRATED and self.cleaned_data["special_post"]
            old = answers.get(item.value)
            if old and bool(old.get("applies")) == applies and bool(old.get("special_post")) == special:
                continue
            answer = {"applies": applies, "by": answered_by, "at": now}
            if item == NegativeItem.EMIGRATED:
                answer["special_post"] = special
            answers[item.value] = answer
        return {"negative_list": answers}


class HealthForm(StyledForm):
    """R-ELIG-7: the recorded health attestation."""

    health = forms.ChoiceField(
        label="身体条件",
        choices=[("fit", "能够正常履行职责"), ("unfit", "不能正常履行职责"), ("", "尚未核实")],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, candidate: Candidate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fit = candidate.health_attested_fit
        self.fields["health"].initial = "" if fit is None else ("fit" if fit else "unfit")

    def service_kwargs(self) -> dict[str, Any]:
        value = self.cleaned_data["health"]
        return {"health_attested_fit": None if not value else value == "fit"}


class ExceptionalForm(StyledForm):
    """破格提拔 (R-EXC-1..5): type, reason and the county organisation department's consent."""

    exceptional = forms.BooleanField(label="破格提拔", required=False)
    exceptional_type = forms.ChoiceField(
        label="破格类型", choices=[("", "—"), *Candidate.ExceptionalType.choices], required=False
    )
    exceptional_reason = forms.CharField(label="破格理由", widget=forms.Textarea, required=False)
    county_consent_number = forms.CharField(label="县委组织部同意文号", max_length=100, required=False)
    county_consent_date = forms.DateField(label="县委组织部同意日期", required=False)

    def __init__(self, *args, candidate: Candidate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].initial = getattr(candidate, name)

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class TargetReasonForm(StyledForm):
    target_reason = forms.CharField(
        label="确定为考察对象的理由（非推荐第一名时）", widget=forms.Textarea, required=False
    )

    def __init__(self, *args, candidate: Candidate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_reason"].initial = candidate.target_reason

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# The inspection facts the service accepts, less the two recorded through their own forms.
INSPECTION_FORM_FIELDS = [f for f in INSPECTION_FIELDS if f not in ("negative_list", "dossier_items")]


class InspectionForm(Bounded, forms.ModelForm):
    """A target's inspection record (R-INS-3..10, R-DEC-8); the team only HR may change."""

    team = UsersChoice(
        label="考察组成员",
        queryset=User.objects.none(),
        widget=SearchSelectMultiple("users", placeholder="输入姓名搜索"),
        required=False,
    )
    discipline_clear = forms.NullBooleanField(
        label="廉政意见",
        widget=forms.NullBooleanSelect,
        required=False,
    )

    class Meta:
        model = Inspection
        fields = INSPECTION_FORM_FIELDS

    def __init__(self, *args, candidate: Candidate, may_assign_team: bool, **kwargs) -> None:
        # Not Inspection(candidate=...): that would cache an unsaved inspection on the candidate.
        inspection = getattr(candidate, "inspection", None) or Inspection()
        super().__init__(*args, instance=inspection, **kwargs)
        self.may_assign_team = may_assign_team
        self.old_team = {u.pk for u in inspection.team.all()} if inspection.pk else set()
        if may_assign_team:
            # R-INS-3: never the target themselves (the service refuses it too).
            self.fields["team"].queryset = people_of(candidate.case.organization_id).exclude(
                pk=candidate.cadre.account_id
            )
            self.fields["team"].initial = sorted(self.old_team)
        else:
            del self.fields["team"]
        checked = {k for k, v in (inspection.dossier_items or {}).items() if v.get("checked")}
        self.old_dossier = dict(inspection.dossier_items or {})
        for item in DossierItem:
            self.fields[f"dossier_{item.value}"] = forms.BooleanField(
                label=item.label, required=False, initial=item.value in checked
            )
        for name in INSPECTION_FORM_FIELDS:  # the record fills up over weeks: every field may wait
            self.fields[name].required = False
        self.fields["discipline_clear"].widget.choices = [
            ("unknown", "尚未出具"),
            ("true", "无影响"),
            ("false", "有影响"),
        ]
        _style(self)
        if "team" in self.fields:
            self.fields["team"].widget.attrs["class"] = "form-check-input"

    def dossier_fields(self):
        return [self[f"dossier_{item.value}"] for item in DossierItem]

    def _post_clean(self) -> None:
        # The service validates and saves; the form must not touch the instance.
        pass

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes = {name: data[name] for name in INSPECTION_FORM_FIELDS}
        for name in ("rated_excellent", "rated_competent", "rated_basic", "rated_incompetent"):
            changes[name] = changes[name] or 0
        for name in ("agree_promotion", "disagree_promotion"):
            changes[name] = changes[name] or 0
        dossier = {}
        for item in DossierItem:
            entry = dict(self.old_dossier.get(item.value, {}))
            entry["checked"] = bool(data[f"dossier_{item.value}"])
            dossier[item.value] = entry
        changes["dossier_items"] = dossier
        if self.may_assign_team and {u.pk for u in data["team"]} != self.old_team:
            changes["team"] = list(data["team"])
        return changes


class WithdrawForm(StyledForm):
    reason = forms.CharField(label="退出原因", widget=forms.Textarea, max_length=500)


class TerminateForm(StyledForm):
    reason = forms.CharField(label="终止原因", widget=forms.Textarea, max_length=1000)
