"""Forms of the voting pages whose fields depend on the meeting or the ballot (validation only).

Every field is bounded (selection/validators.py): reasons are one line of at most 100 characters without
control characters; counts are whole numbers from 0 to 100,000.
"""

from django import forms

from .models import ParticipantCategory
from .validators import Bounded

COUNT_FIELDS = ("expected", "actual", "valid")


class AttendanceForm(Bounded, forms.Form):
    """The chair's check-in: who is present, and why each absent member is absent."""

    def __init__(self, *args, rows, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        self.fields["present"] = forms.TypedMultipleChoiceField(
            label="出席", required=False, coerce=int, choices=[(str(r.member_id), "") for r in self.rows]
        )
        for row in self.rows:
            self.fields[f"reason_{row.member_id}"] = forms.CharField(
                label=f"{row.member.get_full_name()}缺席原因", required=False, max_length=100
            )

    def present_members(self) -> list:
        ids = set(self.cleaned_data["present"])
        return [row.member for row in self.rows if row.member_id in ids]

    def reasons(self) -> dict[int, str]:
        return {row.member_id: self.cleaned_data[f"reason_{row.member_id}"] for row in self.rows}


class PaperTallyForm(Bounded, forms.Form):
    """The counted paper ballots, per participant category: expected, actual, valid and each choice."""

    def __init__(self, *args, vote_keys, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.vote_keys = [key for key, _ in vote_keys]
        for category, label in ParticipantCategory.choices:
            for name in (*COUNT_FIELDS, *self.vote_keys):
                self.fields[f"{category}_{name}"] = forms.IntegerField(
                    label=f"{label}：{name}", required=False, min_value=0, max_value=100_000
                )

    def counts(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {
            category: {
                **{name: data[f"{category}_{name}"] or 0 for name in COUNT_FIELDS},
                "votes": {key: data[f"{category}_{key}"] or 0 for key in self.vote_keys},
            }
            for category in ParticipantCategory.values
        }


class SignOffForm(Bounded, forms.Form):
    password = forms.CharField(label="登录密码", max_length=128, strip=False)
    otp_token = forms.CharField(label="动态验证码", max_length=20, required=False)


def first_error(form: forms.BaseForm) -> str:
    """One Chinese sentence for a redirect message: the first field's label and its first error."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}：{errors[0]}" if label else errors[0]
    return "提交的内容有误，请检查后重新提交。"
