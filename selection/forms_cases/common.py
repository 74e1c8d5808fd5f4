"""What the case forms share: styling, date inputs, the people a form may choose."""

from django import forms
from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import Role

from ..rules import NegativeItem
from ..validators import TEXT_LIMIT, Bounded, strip_control_characters

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
