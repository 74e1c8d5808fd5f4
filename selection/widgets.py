"""Pickers with server-side search (issue 11): a form that chooses a cadre or a user renders only the
chosen option(s); the browser (static/js/picker.js over Tom Select) asks `picker/<source>?q=` for about 20
matches as the user types. The field keeps its full queryset, which only validates the chosen id, so a page
costs the same with 100 or 100,000 cadres.

    cadre = CadreChoice(label="干部", queryset=..., widget=SearchSelect("cadres"))
    team = UsersChoice(label="考察组成员", queryset=..., widget=SearchSelectMultiple("users"))

The sources live in selection/views/pickers.py; each applies the same scope as the forms that use it.
"""

from django import forms
from django.urls import reverse


class SearchSelect(forms.Select):
    """A single choice over a ModelChoiceField, searched on the server."""

    def __init__(self, source: str, *, placeholder: str = "输入姓名或身份证号码搜索", attrs=None) -> None:
        super().__init__(attrs)
        self.source = source
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-picker-url"] = reverse("picker", args=[self.source])
        attrs["data-placeholder"] = self.placeholder
        return attrs

    def _chosen(self, value) -> list:
        """The chosen model instances, in the order given (one query; ids that are not numbers dropped)."""
        ids = [str(v) for v in value if v not in (None, "") and str(v).isascii() and str(v).isdigit()]
        if not ids or not hasattr(self.choices, "queryset"):
            return []
        found = {str(obj.pk): obj for obj in self.choices.queryset.filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]

    def optgroups(self, name, value, attrs=None):
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", not value or value == [""], 0, attrs=attrs))
        label = getattr(self.choices, "field", None)
        for index, obj in enumerate(self._chosen(value), start=1):
            text = label.label_from_instance(obj) if label is not None else str(obj)
            options.append(self.create_option(name, str(obj.pk), text, True, index, attrs=attrs))
        return [(None, options, 0)]


class SearchSelectMultiple(SearchSelect, forms.SelectMultiple):
    """Several choices over a ModelMultipleChoiceField, searched on the server."""

    allow_multiple_selected = True
