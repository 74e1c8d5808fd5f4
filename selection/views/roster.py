"""花名册: pick the columns and the format; the cadre list's filters decide who is in it."""

from datetime import date
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..permissions import Action, require
from ..roster import (
    COLUMNS,
    DEFAULT_COLUMNS,
    pick_columns,
    render_roster_pdf,
    render_roster_xlsx,
    roster_title,
)
from .registry import _filtered

# Rendered inside the request up to this size; larger rosters need the background export (or a filter).
MAX_DIRECT_ROWS = 3000


class RosterForm(forms.Form):
    columns = forms.MultipleChoiceField(
        label="列",
        choices=[(c.key, c.label) for c in COLUMNS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    format = forms.ChoiceField(
        label="格式", choices=[("pdf", "PDF（A4横向，可直接打印）"), ("xlsx", "Excel")], initial="pdf"
    )


def _title(user) -> str:
    return roster_title(user.organization.name if user.organization_id else "全部单位")


def roster_file(user, cadres, keys, kind: str, on: date, progress=None) -> tuple[bytes, str, str]:
    """The roster's bytes, content type and file name (shared by the direct download and the job)."""
    columns = pick_columns(keys)
    title = _title(user)
    if kind == "xlsx":
        data = render_roster_xlsx(cadres, columns, title=title, on=on, progress=progress)
        return data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{title}.xlsx"
    data = render_roster_pdf(cadres, columns, title=title, on=on, progress=progress)
    return data, "application/pdf", f"{title}.pdf"


@require_GET
def roster(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_REGISTRY)
    filter_form, cadres = _filtered(request)
    query = request.GET.copy()
    for name in ("columns", "format", "download"):
        query.pop(name, None)
    form = RosterForm(
        request.GET if "download" in request.GET else None, initial={"columns": list(DEFAULT_COLUMNS)}
    )
    if "download" in request.GET and not form.is_valid():
        messages.error(request, "导出失败：请选择列和格式后重试。")
    if "download" in request.GET and form.is_valid():
        count = cadres.count()
        if count > MAX_DIRECT_ROWS:
            messages.error(
                request,
                f"本次花名册共 {count} 人，超过 {MAX_DIRECT_ROWS} 人，请先按科室等条件筛选后分批导出。",
            )
            return redirect(f"{reverse('cadre_roster')}?{query.urlencode()}")
        data, content_type, name = roster_file(
            request.user,
            cadres,
            form.cleaned_data["columns"],
            form.cleaned_data["format"],
            timezone.localdate(),
        )
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    return render(
        request,
        "selection/registry/roster.html",
        {
            "form": form,
            "filters": filter_form.active_labels() + _shown_filters(filter_form),
            "count": cadres.count(),
            "query": query,
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
