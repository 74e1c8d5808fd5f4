"""花名册: pick the columns and the format; the cadre list's filters decide who is in it. The file is built
by the background worker (export kind "roster"); the page then shows its progress bar and the download."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..permissions import Action, require
from ..roster import COLUMNS, DEFAULT_COLUMNS, roster_count
from ..services.base import ServiceError
from ..services.exports import request_export
from .registry import _filtered

FILTER_EXCLUDED = ("page",)


class RosterForm(forms.Form):
    columns = forms.MultipleChoiceField(
        label="列",
        choices=[(c.key, c.label) for c in COLUMNS],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    format = forms.ChoiceField(
        label="格式",
        choices=[("pdf", "PDF（A4横向，可直接打印）"), ("xlsx", "Excel")],
        initial="pdf",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, Action.VIEW_REGISTRY)
    filter_form, cadres = _filtered(request)
    query = request.GET.copy()
    for name in FILTER_EXCLUDED:
        query.pop(name, None)
    form = RosterForm(request.POST or None, initial={"columns": list(DEFAULT_COLUMNS)})
    if request.method == "POST":
        if form.is_valid():
            params = {
                "query": dict(query.lists()),
                "columns": form.cleaned_data["columns"] or list(DEFAULT_COLUMNS),
                "format": form.cleaned_data["format"],
                "on": timezone.localdate().isoformat(),
                # The file depends on what the requester sees: never shared across organizations.
                "scope": "all" if user.is_superuser else user.organization_id,
            }
            try:
                job = request_export(user, "roster", params=params)
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.info(request, "花名册正在后台生成，完成后即可在本页下载。")
                return redirect(job.get_absolute_url())
        else:
            messages.error(request, "导出失败：请选择列和格式后重试。")
    return render(
        request,
        "selection/registry/roster.html",
        {
            "form": form,
            "filters": filter_form.active_labels() + _shown_filters(filter_form),
            "count": roster_count(user, cadres, request.GET.urlencode()),
            "query": query.urlencode(),
            "breadcrumbs": [("干部信息", f"{reverse('cadre_list')}?{query.urlencode()}"), ("花名册", None)],
        },
    )


def _shown_filters(form) -> list[str]:
    labels = []
    for bound in [form["q"], *form.main_fields()]:
        value = form.filters().get(bound.name)
        if value:
            choices = dict(getattr(bound.field, "choices", []) or [])
            shown = choices.get(value, choices.get(getattr(value, "pk", None), value))
            labels.append(f"{bound.label}：{shown}")
    return labels


urlpatterns = [path("cadres/roster/", roster, name="cadre_roster")]
