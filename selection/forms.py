"""Registry forms: the cadre record, its inline sections, kinship, photo and the list filters.

Forms validate only; the model's `full_clean` (run by every ModelForm) holds the rules and their Chinese
messages, so the admin, the import and these screens refuse the same things.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max, Q, QuerySet
from django.forms.models import BaseInlineFormSet, inlineformset_factory

from .models import (
    AnnualAssessment,
    Cadre,
    Department,
    EducationRecord,
    FamilyMember,
    Kinship,
    Organization,
    Post,
    PostHolding,
    ResumeEntry,
    Sanction,
)
from .models.cadre_records import KINSHIP_DUPLICATE_MESSAGE
from .photos import MAX_PHOTO_BYTES, crop_to_portrait
from .structure import DIMENSIONS
from .validators import Bounded, bound_field
from .widgets import SearchSelect


def organizations_of(user) -> QuerySet[Organization]:
    """The organizations whose cadres the user works with: their own and its subordinate institutions."""
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(Q(pk=user.organization_id) | Q(parent_id=user.organization_id))


class DepartmentChoiceField(forms.ModelChoiceField):
    """Departments labelled with their organization when the user sees more than one."""

    def label_from_instance(self, obj: Department) -> str:
        org = obj.organization
        return f"{org.short_name or org.name} · {obj.name}"


def departments_of(user) -> QuerySet[Department]:
    return Department.objects.filter(organization__in=organizations_of(user)).select_related("organization")


def _date_input() -> forms.DateInput:
    # The browser's date picker submits 2026-03-05, one of our DATE_INPUT_FORMATS.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _formfield(field, **kwargs):
    """Date pickers for every date field, Bootstrap classes for everything."""
    formfield = field.formfield(**kwargs)
    if formfield is None:
        return None
    if isinstance(formfield, forms.DateField):
        formfield.widget = _date_input()
    _style(formfield)
    bound_field(formfield)
    return formfield


BLANK_LABEL = "请选择"


def _style(field: forms.Field) -> None:
    # Django 6.1's blank choice "- Select an option -" has no Chinese translation yet.
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None and field.empty_label.startswith(("-", "—")):
            field.empty_label = BLANK_LABEL
    elif isinstance(field, forms.ChoiceField):
        field.choices = [
            (value, BLANK_LABEL if value == "" and str(label).startswith("-") else label)
            for value, label in field.choices
        ]
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        widget.attrs.setdefault("class", "form-check-input")
    elif isinstance(widget, forms.Select):
        widget.attrs.setdefault("class", "form-select form-select-sm")
    else:
        widget.attrs.setdefault("class", "form-control form-control-sm")


# ---- list filters ------------------------------------------------------------------------------------

RANK_NONE = "none"
ROTATION_CHOICES = [
    ("", "全部"),
    ("due_or_overdue", "应交流（同一职位满5年）"),
    ("due", "满5年不满10年"),
    ("overdue", "超期（满10年）"),
]
PROBATION_CHOICES = [("", "全部"), ("this_month", "试用期本月到期"), ("next_month", "试用期下月到期")]
RETIREMENT_CHOICES = [("", "全部"), ("this_year", "今年到龄退休"), ("next_year", "明年到龄退休")]
SANCTION_CHOICES = [("", "全部"), ("ending", "处分（处理）影响期即将届满")]
ACTIVE_CHOICES = [("", "全部"), ("1", "在职"), ("0", "不在职")]
SORT_CHOICES = [
    ("", "默认（按单位、科室）"),
    ("name", "姓名拼音"),
    ("age", "年龄从小到大"),
    ("-age", "年龄从大到小"),
    ("in_post", "任现职时间从早到晚"),
]


class CadreFilterForm(Bounded, forms.Form):
    """The cadre list's search, filters and sort; the 干部结构 dimensions come from `selection.structure`
    (so a statistics bar links to exactly the cadres it counts), the 预警提醒 ones from `supervision`."""

    q = forms.CharField(label="姓名", required=False, max_length=30)
    department = DepartmentChoiceField(label="科室", queryset=Department.objects.none(), required=False)
    rotation = forms.ChoiceField(label="交流轮岗", choices=ROTATION_CHOICES, required=False)
    probation = forms.ChoiceField(label="试用期", choices=PROBATION_CHOICES, required=False)
    retirement = forms.ChoiceField(label="退休", choices=RETIREMENT_CHOICES, required=False)
    sanction = forms.ChoiceField(label="处分", choices=SANCTION_CHOICES, required=False)
    active = forms.ChoiceField(label="在职状态", choices=ACTIVE_CHOICES, required=False)
    sort = forms.ChoiceField(label="排序", choices=SORT_CHOICES, required=False)

    # Shown in the filter bar; the other dimensions are applied from links (statistics, dashboard).
    MAIN_DIMENSIONS = ("rank", "age", "sex", "education", "political")

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for dimension in DIMENSIONS:
            self.fields[dimension.key] = forms.ChoiceField(
                label=dimension.label, choices=dimension.choices("全部"), required=False
            )
        self.fields["department"].queryset = departments_of(user)
        self.fields["department"].empty_label = "全部科室"
        self.fields["q"].widget.attrs["placeholder"] = "姓名、拼音或首字母、身份证号、曾任职务"
        for field in self.fields.values():
            _style(field)

    def main_fields(self) -> list:
        return [self[name] for name in ("department", *self.MAIN_DIMENSIONS)]

    def active_labels(self) -> list[str]:
        """ "试用期：试用期本月到期" for each filter applied from a link (not visible in the filter bar)."""
        labels = []
        for bound in self.extra_fields():
            value = self.filters().get(bound.name)
            if value:
                choice = dict(bound.field.choices).get(value, value)
                labels.append(f"{bound.label}：{choice}")
        return labels

    def extra_fields(self) -> list:
        """Filters applied from links: kept as hidden inputs so a new search does not drop them."""
        shown = {"q", "department", "sort", *self.MAIN_DIMENSIONS}
        return [self[name] for name in self.fields if name not in shown]

    def filters(self) -> dict:
        """The valid filters only: a tampered value is dropped rather than answered with an error."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}


# ---- the cadre record --------------------------------------------------------------------------------


class CadreForm(Bounded, forms.ModelForm):
    class Meta:
        model = Cadre
        fields = [
            "organization",
            "department",
            "name",
            "sex",
            "id_number",
            "birth_date",
            "ethnicity",
            "native_place",
            "birthplace",
            "party_joined_on",
            "party_note",
            "work_started_on",
            "health",
            "professional_title",
            "expertise",
            "rewards_and_punishments",
            "is_active",
        ]
        error_messages = {"id_number": {"unique": "该公民身份号码已登记，请勿重复录入。"}}
        help_texts = {
            "id_number": "18位，最后一位可为X；出生日期和性别须与号码一致。",
            "native_place": "省＋市/县，如“浙江安吉”。",
            "rewards_and_punishments": "没有填“无”。",
        }
        formfield_callback = _formfield
        widgets = {"rewards_and_punishments": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_of(user)
        department = DepartmentChoiceField(
            label="科室", queryset=departments_of(user), required=False, empty_label="（无）"
        )
        _style(department)
        self.fields["department"] = department
        self.fields["rewards_and_punishments"].widget.attrs["class"] = "form-control form-control-sm"

    def clean(self) -> dict:
        data = super().clean()
        organization, department = data.get("organization"), data.get("department")
        if organization and department and department.organization_id != organization.pk:
            self.add_error("department", f"所选科室不属于{organization.name}。")
        return data


class PhotoForm(Bounded, forms.Form):
    photo = forms.FileField(
        label="照片", help_text="JPG 或 PNG，不超过 2 MB；保存时居中裁切为宽:高＝4:5 的证件照。"
    )

    def clean_photo(self):
        upload = self.cleaned_data["photo"]
        if upload.size > MAX_PHOTO_BYTES:
            raise ValidationError("照片不能超过 2 MB。")
        return crop_to_portrait(upload.read(), upload.name)


class KinshipForm(Bounded, forms.ModelForm):
    """A relation with another cadre of the same organization; stored once, whichever side enters it."""

    class Meta:
        model = Kinship
        fields = ["other", "category", "adoptive_or_step", "description"]
        labels = {"other": "亲属（本单位干部）"}
        widgets = {"other": SearchSelect("cadres")}
        formfield_callback = _formfield

    def __init__(self, *args, cadre: Cadre, **kwargs) -> None:
        kwargs.setdefault("instance", Kinship(cadre=cadre))
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = (
            Cadre.objects.filter(organization_id=cadre.organization_id)
            .exclude(pk=cadre.pk)
            .select_related("department")
            .order_by("name")
        )
        self.fields["other"].label_from_instance = lambda c: (
            f"{c.name}（{c.department.name}）" if c.department_id else c.name
        )

    def clean(self) -> dict:
        # The pair's unique constraint involves `cadre`, which is not a form field: check it here.
        data = super().clean()
        cadre, other = self.instance.cadre, data.get("other")
        if (
            other
            and Kinship.objects.filter(Q(cadre=cadre, other=other) | Q(cadre=other, other=cadre)).exists()
        ):
            raise ValidationError(KINSHIP_DUPLICATE_MESSAGE)
        return data


# ---- inline sections ---------------------------------------------------------------------------------


class SectionFormSet(BaseInlineFormSet):
    """An inline section of the cadre record; `title` heads it on the edit page."""

    title = ""


class OrderedSectionFormSet(SectionFormSet):
    """Sections printed in a user-given order: a new row is offered at the end."""

    @property
    def next_order(self) -> int:
        if not self.instance.pk:
            return 1
        current = self.get_queryset().aggregate(top=Max("order"))["top"] or 0
        return current + 1

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i >= self.initial_form_count() and not form.initial.get("order"):
            form.initial["order"] = self.next_order + i - self.initial_form_count()
        return form


class HoldingSection(SectionFormSet):
    def __init__(self, *args, user=None, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if self.user is not None:
            form.fields["post"].queryset = Post.objects.filter(
                organization__in=organizations_of(self.user)
            ).select_related("department")

    def planned(self) -> tuple[list[PostHolding], list[PostHolding]]:
        """The holdings this section would save and delete (for selection.services.registry)."""
        removed = [form.instance for form in self.deleted_forms if form.instance.pk]
        planned = [
            form.instance
            for form in self.forms
            if form not in self.deleted_forms and form.has_changed() and form.is_valid()
        ]
        return planned, removed

    def clean(self) -> None:
        # R-REG-1..3 from the one service that changes holdings; it checks again when saving.
        from .services.registry import check_holdings

        super().clean()
        if any(form.errors for form in self.forms if form not in self.deleted_forms):
            return
        # R-REG-4 for the rows left as they were: a changed 参加工作时间 must not come after a post start.
        work_start = self.instance.work_started_on
        early = [
            form.instance
            for form in self.forms
            if form not in self.deleted_forms
            and form.instance.started_on
            and work_start
            and form.instance.started_on < work_start
        ]
        if early:
            raise ValidationError(
                [
                    f"R-REG-4：“{h.post}”的任职时间早于参加工作时间，请核对参加工作时间或任职时间。"
                    for h in early
                ]
            )
        if conflicts := check_holdings(*self.planned()):
            raise ValidationError(list(dict.fromkeys(c.message for c in conflicts)))


SECTION_MAX_ROWS = 60


def _section(model, formset, fields: list[str], title: str, extra: int = 1):
    factory = inlineformset_factory(
        Cadre,
        model,
        formset=formset,
        fields=fields,
        extra=extra,
        can_delete=True,
        formfield_callback=_formfield,
        # A tampered TOTAL_FORMS must not make the server build thousands of forms.
        max_num=SECTION_MAX_ROWS,
        absolute_max=SECTION_MAX_ROWS,
        validate_max=True,
    )
    factory.title = title
    return factory


EducationFormSet = _section(
    EducationRecord,
    SectionFormSet,
    ["kind", "level", "degree", "school_and_major", "graduated_on"],
    "学历学位",
)
ResumeFormSet = _section(
    ResumeEntry,
    OrderedSectionFormSet,
    ["order", "started_on", "ended_on", "text", "is_note"],
    "简历",
    extra=2,
)
HoldingFormSet = _section(
    PostHolding,
    HoldingSection,
    ["post", "started_on", "ended_on", "how", "is_concurrent", "probation_ends_on", "probation_result"],
    "任职经历（本系统职位）",
)
AssessmentFormSet = _section(AnnualAssessment, SectionFormSet, ["year", "result"], "年度考核")
FamilyFormSet = _section(
    FamilyMember,
    OrderedSectionFormSet,
    ["order", "relation", "name", "birth_date", "political_status", "unit_and_post", "deceased"],
    "家庭主要成员及重要社会关系",
    extra=2,
)
SanctionFormSet = _section(
    Sanction,
    SectionFormSet,
    ["kind", "effective_on", "rights_restored_on", "document", "note"],
    "处分、处理（诫勉、组织处理、党纪政务处分）",
)

SECTION_FORMSETS = {
    "education": EducationFormSet,
    "resume": ResumeFormSet,
    "holdings": HoldingFormSet,
    "assessments": AssessmentFormSet,
    "family": FamilyFormSet,
    "sanctions": SanctionFormSet,
}


def section_formsets(user, data=None, instance: Cadre | None = None) -> dict[str, BaseInlineFormSet]:
    """Every inline section of the edit page, bound to the POST data when there is some."""
    instance = instance if instance is not None else Cadre()
    formsets = {}
    for prefix, factory in SECTION_FORMSETS.items():
        kwargs = {"user": user} if factory is HoldingFormSet else {}
        formsets[prefix] = factory(data, instance=instance, prefix=prefix, **kwargs)
    return formsets
