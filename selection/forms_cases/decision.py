"""讨论决定: the party-group meeting and its members' opinions."""

from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import User

from ..models import (
    Candidate,
    Meeting,
    VoteChoice,
)
from .common import StyledForm, UserChoice, UsersChoice, _style, party_group_of, secretaries_of

# ---- 讨论决定 -----------------------------------------------------------------------------------------


class MeetingForm(StyledForm):
    """党组会议: who should attend (the party group), who is present, the chair, the voting method."""

    held_on = forms.DateField(label="会议日期")
    method = forms.ChoiceField(
        label="表决方式",
        choices=[(m.value, m.label) for m in (Meeting.Method.HANDS, Meeting.Method.ORAL)],
        help_text="无记名投票由成员本人在线投票，不在此录入。",
    )
    chair = UserChoice(label="主持人（党组书记）", queryset=User.objects.none())
    members = UsersChoice(
        label="应到党组成员", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    present = UsersChoice(
        label="实到成员", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea, required=False)

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        group = party_group_of(organization)
        self.fields["members"].queryset = group
        self.fields["present"].queryset = group
        self.fields["chair"].queryset = secretaries_of(organization)
        self.fields["held_on"].initial = timezone.localdate()
        members = list(group)
        self.fields["members"].initial = [m.pk for m in members]
        self.fields["present"].initial = [m.pk for m in members]
        chair = self.fields["chair"].queryset.first()
        if chair:
            self.fields["chair"].initial = chair.pk
        for name in ("members", "present"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "method": data["method"],
            "chair": data["chair"],
            "members": list(data["members"]),
            "present": list(data["present"]),
            "minutes": data["minutes"],
        }


class OpinionsForm(StyledForm):
    """HR enters what each present, non-recused member said, per candidate (oral or show-of-hands votes)."""

    def __init__(self, *args, meeting: Meeting, candidates: list[Candidate], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.rows: list[tuple[Candidate, list[tuple[User, Any, str | None]]]] = []
        present = [a.member for a in meeting.attendance.all() if a.present]
        # The chair states last (R-DEC-3): list them last, and the view casts in this order.
        present.sort(key=lambda m: m.pk == meeting.chair_id)
        recused = {(r.member_id, r.candidate_id) for r in meeting.recusals.all()}
        cast = {(v.member_id, v.candidate_id): v for v in meeting.open_votes.all()}
        for candidate in candidates:
            cells = []
            for member in present:
                if (member.pk, candidate.pk) in recused:
                    cells.append((member, None, "回避"))
                    continue
                vote = cast.get((member.pk, candidate.pk))
                if vote is not None:
                    cells.append((member, None, vote.get_choice_display()))
                    continue
                name = f"vote_{candidate.pk}_{member.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{member.get_full_name()}对{candidate.cadre.name}",
                    choices=[("", "—"), *VoteChoice.choices],
                    required=False,
                )
                cells.append((member, name, None))
            self.rows.append((candidate, cells))
        _style(self)

    def table(self):
        """[(candidate, [(member, bound field or None, recorded text or None)])] for the template."""
        return [
            (candidate, [(member, self[name] if name else None, text) for member, name, text in cells])
            for candidate, cells in self.rows
        ]

    def entered(self) -> list[tuple[Candidate, User, str]]:
        """The entered opinions in casting order: per candidate, members first, the chair last."""
        out = []
        for candidate, cells in self.rows:
            for member, name, _text in cells:
                if name and self.cleaned_data.get(name):
                    out.append((candidate, member, self.cleaned_data[name]))
        return out
