"""Forms of the case screens (选拔任用工作). They validate input only; the services check the rules.

Each form turns the POST into the keyword arguments of one service function (`service_kwargs()`), so a
view stays: authorize → validate → call one service → respond.
"""

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role

from .models import (
    Cadre,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Complaint,
    Inspection,
    Meeting,
    Post,
    PostHolding,
    RecommendationRound,
    SelectionCase,
    Vacancy,
    VoteChoice,
)
from .rules import DossierItem, NegativeItem
from .services.cases import INSPECTION_FIELDS
from .validators import TEXT_LIMIT, Bounded, strip_control_characters
from .widgets import SearchSelect, SearchSelectMultiple

JUSTIFY_PREFIX = "justify_"
# The negative-list items a person answers (③ and ⑥ are computed from the registry, R-INS-2).
ANSWERED_NEGATIVE_ITEMS = [
    item for item in NegativeItem if item not in (NegativeItem.ASSESSMENT, NegativeItem.SANCTION)
]


def _date_input() -> forms.DateInput:
    # The browser's date picker submits 2026-03-05, one of our DATE_INPUT_FORMATS.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget, date pickers on every date field."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(field, forms.DateField):
            field.widget = widget = _date_input()
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")
        if isinstance(widget, forms.Textarea) and str(widget.attrs.get("rows")) == "10":  # Django's default
            widget.attrs["rows"] = 2
        if isinstance(field, forms.ModelChoiceField) and not isinstance(
            field, forms.ModelMultipleChoiceField
        ):
            field.empty_label = "请选择"


class StyledForm(Bounded, forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


def justifications_from(data) -> dict[str, str]:
    """`justify_<finding.key>` textareas → {finding.key: text} for the service (empty ones dropped)."""
    # Free text written into the record: no control characters, at most TEXT_LIMIT characters each,
    # and no more entries than a step has findings.
    cleaned = {
        strip_control_characters(name.removeprefix(JUSTIFY_PREFIX))[:100]: strip_control_characters(
            value
        ).strip()[:TEXT_LIMIT]
        for name, value in list(data.items())[:1000]
        if name.startswith(JUSTIFY_PREFIX) and value.strip()
    }
    return {key: value for key, value in list(cleaned.items())[:50] if value}


def people_of(organization) -> QuerySet[User]:
    # The system administrator administers; they are never offered for a duty in a case.
    return User.objects.filter(organization=organization, is_active=True, is_superuser=False).order_by("pk")


def party_group_of(organization) -> QuerySet[User]:
    """The organization's party group (党组成员), the secretary first."""
    return people_of(organization).filter(groups__name=Role.PARTY_MEMBER.group_name).order_by("pk").distinct()


def secretaries_of(organization) -> QuerySet[User]:
    return people_of(organization).filter(groups__name=Role.SECRETARY.group_name).distinct()


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class UsersChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


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
