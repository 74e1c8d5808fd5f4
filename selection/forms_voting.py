"""Forms of the voting pages whose fields depend on the meeting or the ballot (validation only).

Every field is bounded (selection/validators.py): reasons are one line of at most 100 characters without
control characters; counts are whole numbers from 0 to 100,000.
"""

from django import forms

from accounts.models import User

from .models import AppraisalRating, BallotBox, Meeting, ParticipantCategory, PromotionOpinion, VoteChoice
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


# ---- the meeting, the ballot boxes, the ballots -------------------------------------------------------
# Choices the service checks again (state, agenda, who may be invited); the forms refuse what is not even
# a value of the right kind — control characters, unknown choices, non-numbers, over-long text — so no
# raw POST value reaches a service or a query.

CATEGORY = forms.ChoiceField(
    label="人员类别",
    choices=ParticipantCategory.choices,
    error_messages={"required": "请选择人员类别。", "invalid_choice": "请选择人员类别。"},
)


class MeetingOpenForm(Bounded, forms.Form):
    method = forms.ChoiceField(
        label="表决方式",
        choices=Meeting.Method.choices,
        error_messages={
            "required": "请选择表决方式：口头表决、举手表决或无记名投票。",
            "invalid_choice": "请选择表决方式：口头表决、举手表决或无记名投票。",
        },
    )


class MeetingVoteForm(Bounded, forms.Form):
    """A member's 同意/不同意/缓议 per candidate on the agenda (`c_<candidate pk>`); other keys are ignored."""

    def __init__(self, *args, agenda, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agenda = list(agenda)
        for candidate in self.agenda:
            self.fields[f"c_{candidate.pk}"] = forms.ChoiceField(
                label=candidate.cadre.name,
                choices=VoteChoice.choices,
                required=False,
                error_messages={"invalid_choice": "请选择同意、不同意或缓议。"},
            )

    def choices(self) -> dict[int, str]:
        data = self.cleaned_data
        return {c.pk: data[f"c_{c.pk}"] for c in self.agenda if data.get(f"c_{c.pk}")}


class InviteForm(Bounded, forms.Form):
    """Accounts to invite; the service refuses anyone not invitable (candidates, other organizations)."""

    users = forms.ModelMultipleChoiceField(
        label="邀请人员",
        queryset=User.objects.all(),
        required=False,
        error_messages={
            "invalid_choice": "所选人员不存在，请重新选择。",
            "invalid_pk_value": "所选人员不存在，请重新选择。",
        },
    )
    category = CATEGORY


class SlipsForm(Bounded, forms.Form):
    count = forms.IntegerField(
        label="张数",
        min_value=1,
        max_value=500,
        error_messages={
            "required": "请填写投票条张数。",
            "invalid": "请填写投票条张数。",
            "min_value": "每次可生成 1 至 500 张投票条。",
            "max_value": "每次可生成 1 至 500 张投票条。",
        },
    )
    category = CATEGORY


class BallotForm(Bounded, forms.Form):
    """A staff ballot: ticked names (`pick`, recommendation) or a rating and an opinion per candidate
    (`rating_<pk>`, `promotion_<pk>`, appraisal). Completeness and the per-post limits are the service's."""

    def __init__(self, *args, box: BallotBox, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.recommendation = box.kind == BallotBox.Kind.RECOMMENDATION
        self.ids = list(box.candidates.order_by("pk").values_list("pk", flat=True))
        invalid = {"invalid_choice": "选票上没有该选项，请重新打开投票页面。"}
        if self.recommendation:
            self.fields["pick"] = forms.TypedMultipleChoiceField(
                label="推荐人选",
                coerce=int,
                choices=[(str(pk), "") for pk in self.ids],
                required=False,
                error_messages=invalid,
            )
            return
        for pk in self.ids:
            self.fields[f"rating_{pk}"] = forms.ChoiceField(
                label="测评等次", choices=AppraisalRating.choices, required=False, error_messages=invalid
            )
            self.fields[f"promotion_{pk}"] = forms.ChoiceField(
                label="是否同意提拔", choices=PromotionOpinion.choices, required=False, error_messages=invalid
            )

    def choices(self) -> dict:
        data = self.cleaned_data
        if self.recommendation:
            return {"candidates": list(data["pick"])}
        return {
            "ratings": {str(pk): data[f"rating_{pk}"] for pk in self.ids},
            "promotion": {str(pk): data[f"promotion_{pk}"] for pk in self.ids},
        }


class SlipCodeForm(Bounded, forms.Form):
    code = forms.CharField(label="投票码", max_length=100, required=False)
    submit = forms.BooleanField(required=False)  # the ballot page's hidden "1": cast, not just show


class ConfirmedForm(forms.Form):
    """An irreversible POST carries `confirmed=1`, set by the page's dialog or by the confirm page."""

    confirmed = forms.TypedChoiceField(choices=[("1", "")], coerce=int, required=False, empty_value=0)

    def is_confirmed(self) -> bool:
        return self.is_valid() and self.cleaned_data["confirmed"] == 1


class ReceiptCheckForm(Bounded, forms.Form):
    receipt = forms.CharField(
        label="回执码",
        max_length=100,
        error_messages={"required": "请输入回执码。", "max_length": "回执码不超过 100 个字符。"},
    )
