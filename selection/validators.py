"""Bounds every form field has (issue 13): length, range and characters.

`bound_fields(form)` is called by the forms' base classes after their fields are built (static and
dynamic ones): a text field without its own limit gets one (a line 200 characters, a text area 2,000 —
the text areas say so in their help text), every text field refuses control characters (NUL and the
other C0 controls but tab and line breaks, which PostgreSQL, XML and PDFs cannot all hold), and an
integer field without a range counts from 0 to 100,000. Choice, date and id fields refuse such values by
their type already.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import Jinja2
from django.utils.deconstruct import deconstructible
from django.utils.http import url_has_allowed_host_and_scheme

from .widgets import SearchSelect

LINE_LIMIT = 200
TEXT_LIMIT = 2000
COUNT_MAX = 100_000

# C0 controls except \t \n \r, DEL, lone surrogates, the two non-characters XML forbids.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
CONTROL_MESSAGE = "不能包含控制字符或无法显示的字符（如 NUL），请删除后重新填写。"


@deconstructible
class NoControlCharacters:
    message = CONTROL_MESSAGE
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and _CONTROL.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, NoControlCharacters)


no_control_characters = NoControlCharacters()


def strip_control_characters(value: str) -> str:
    return _CONTROL.sub("", value or "")


def _limit_note(limit: int) -> str:
    return f"不超过 {limit} 字。"


def bound_field(field: forms.Field) -> None:
    if isinstance(field, forms.CharField):
        if field.max_length is None:
            textarea = isinstance(field.widget, forms.Textarea)
            field.max_length = TEXT_LIMIT if textarea else LINE_LIMIT
            field.validators.append(MaxLengthValidator(field.max_length))
            field.widget.attrs.setdefault("maxlength", str(field.max_length))
        if isinstance(field.widget, forms.Textarea) and "不超过" not in str(field.help_text or ""):
            note = _limit_note(field.max_length)
            field.help_text = f"{field.help_text}（{note.rstrip('。')}）" if field.help_text else note
        if no_control_characters not in field.validators:
            field.validators.append(no_control_characters)
    elif isinstance(field, forms.IntegerField):
        if field.max_value is None:
            field.max_value = COUNT_MAX
            field.validators.append(MaxValueValidator(COUNT_MAX))
            field.widget.attrs.setdefault("max", str(COUNT_MAX))
        if field.min_value is None:
            field.min_value = 0
            field.validators.append(MinValueValidator(0))
            field.widget.attrs.setdefault("min", "0")


def bound_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        bound_field(field)


# Django's widget templates rendered by Jinja2 (Django's own copies in django/forms/jinja2): the action
# forms of a case page render in a fraction of the time the Django template language takes. The admin
# keeps Django's renderer (its widgets have templates for that language only). One instance: its engine
# compiles each template once per process.
RENDERER = Jinja2()


class ListedChoices(ModelChoiceIterator):
    """A form's few choices (a case's vacancies, candidates, party-group members, departments) read by
    one ordinary query. Django's own iterator streams them through `QuerySet.iterator()`, which on
    PostgreSQL outside a transaction declares a server-side cursor: DECLARE, FETCH and CLOSE, three round
    trips per select. (Choices among every cadre or user are searched on the server instead:
    `widgets.SearchSelect` renders the chosen ones only.)"""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


def list_choices(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field.widget, SearchSelect):
            field.iterator = ListedChoices
            field.widget.choices = field.choices  # the widget keeps the iterator made with the queryset


class Bounded:
    """Mixin for a form (or model form) whose every field is bounded, those added after __init__ too; its
    widgets render through `RENDERER`, its model choices in one query each (`ListedChoices`)."""

    default_renderer = RENDERER

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        bound_fields(self)
        list_choices(self)

    def full_clean(self) -> None:
        bound_fields(self)  # fields a subclass added after __init__ (votes per candidate, reasons …)
        super().full_clean()


class NextForm(Bounded, forms.Form):
    """Where to go after a POST (`next`): a path of this site, bounded, without control characters."""

    next = forms.CharField(max_length=2000, required=False)

    def target(self, host: str) -> str:
        """The cleaned path, or "" for anything else (another site, a view name, a hostile value)."""
        if not self.is_valid():
            return ""
        target = self.cleaned_data["next"]
        # A path only: `redirect()` would read any other word as a view name (NoReverseMatch).
        if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={host}):
            return target
        return ""
