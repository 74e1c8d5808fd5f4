"""干部结构分析: charts (ECharts) whose bars open the cadre list, the 情况统计表 download, yearly snapshots."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from ..forms import departments_of
from ..models import StructureSnapshot
from ..permissions import Action, can, require
from ..services.statistics import save_snapshot
from ..structure import (
    DIMENSIONS,
    Table,
    statistics_workbook,
    table_from_json,
    user_structure,
)
from ..supervision import settings_for_user

PIE_DIMENSIONS = {"sex", "political", "ethnicity"}


def _bucket_queries() -> dict[tuple[str, str], str]:
    return {(d.key, b.key): urlencode({"active": "1", d.key: b.key}) for d in DIMENSIONS for b in d.buckets}


def cadre_link(dimension: str, bucket: str, scope: str = "", *, base: str | None = None) -> str:
    """The cadre list of exactly the cadres a bar counts: active, the bucket, the department."""
    query = urlencode({"active": "1", dimension: bucket})
    if scope and scope != "none":
        query += "&" + urlencode({"department": scope})
    return f"{base or reverse('cadre_list')}?{query}"


def chart_data(table: Table) -> list[dict]:
    base = reverse("cadre_list")
    return [
        {
            "key": dimension.key,
            "label": dimension.label,
            "kind": "pie" if dimension.key in PIE_DIMENSIONS else "bar",
            "items": [
                {
                    "name": bucket.label,
                    "value": table.counts[dimension.key][bucket.key],
                    "url": cadre_link(dimension.key, bucket.key, table.scope, base=base),
                }
                for bucket in dimension.buckets
            ],
        }
        for dimension in DIMENSIONS
    ]


def _rows(tables: list[Table]) -> list[dict]:
    """Table rows for the template: each row's count cells as HTML, a count linking to its cadres (none
    for 未分科室, which has no filter). Built here, the links from one base URL and one query string per
    bucket: a province has some 50 departments × 40 buckets, too many for a template loop."""
    base = reverse("cadre_list")
    queries = _bucket_queries()
    rows = []
    for table in tables:
        scope = "" if table.scope in ("", "none") else "&" + urlencode({"department": table.scope})
        cells = []
        for dimension in DIMENSIONS:
            for bucket in dimension.buckets:
                count = int(table.counts[dimension.key][bucket.key])
                if count and table.scope != "none":
                    link = escape(f"{base}?{queries[dimension.key, bucket.key]}{scope}")
                    cells.append(f'<td><a href="{link}">{count}</a></td>')
                else:
                    cells.append(f"<td>{count}</td>")
        rows.append({"table": table, "cells": mark_safe("".join(cells))})  # links escaped above
    return rows


@require_GET
def structure(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_REGISTRY)
    user, on = request.user, timezone.localdate()
    young_age = settings_for_user(user).young_cadre_age
    tables, team = user_structure(user, on, young_age)
    scope = request.GET.get("department", "")
    shown = next((t for t in tables if t.scope == scope and scope != "none"), tables[0])
    snapshots = list(StructureSnapshot.objects.filter(organization=user.organization_id).order_by("-year"))
    compare = None
    if (year := request.GET.get("compare", "")).isdigit():
        chosen = next((s for s in snapshots if s.year == int(year)), None)
        if chosen is not None:
            before = next((table_from_json(t) for t in chosen.tables if t["scope"] == ""), None)
            if before is not None:
                compare = {"snapshot": chosen, "rows": _comparison(before, tables[0])}
    return render(
        request,
        "selection/registry/structure.html",
        {
            "today": on,
            "tables": tables,
            "rows": _rows(tables),
            "shown": shown,
            "charts": chart_data(shown),
            "dimensions": DIMENSIONS,
            "departments": departments_of(user),
            "scope": shown.scope,
            "team": team,
            "young_age": young_age,
            "snapshots": snapshots,
            "compare": compare,
            "can_snapshot": can(user, Action.EDIT_REGISTRY) and user.organization_id is not None,
            "breadcrumbs": [("干部信息", reverse("cadre_list")), ("干部结构分析", None)],
        },
    )


def _comparison(before: Table, now: Table) -> list[dict]:
    rows = [{"label": "人数", "before": before.total, "now": now.total}]
    rows.append({"label": "平均年龄", "before": before.average_age, "now": now.average_age})
    for dimension in DIMENSIONS:
        for bucket in dimension.buckets:
            rows.append(
                {
                    "label": f"{dimension.label} · {bucket.label}",
                    "before": before.counts.get(dimension.key, {}).get(bucket.key, 0),
                    "now": now.counts[dimension.key][bucket.key],
                }
            )
    return rows


@require_GET
def structure_export(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_REGISTRY)
    user, on = request.user, timezone.localdate()
    tables, team = user_structure(user, on, settings_for_user(user).young_cadre_age)
    org = user.organization.name if user.organization_id else "全部单位"
    title = f"{org}干部队伍结构情况统计表（{on.year}年{on.month}月{on.day}日）"
    response = HttpResponse(
        statistics_workbook(tables, team, title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''structure-{on:%Y%m%d}.xlsx"
    return response


@require_POST
def structure_snapshot(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.EDIT_REGISTRY)
    if request.user.organization_id is None:
        messages.error(request, "系统管理员账号不属于任何单位，不能保存年度快照。")
        return redirect("cadre_structure")
    on: date = timezone.localdate()
    snapshot = save_snapshot(request.user, on)
    messages.success(
        request, f"已保存{snapshot.year}年干部结构快照（统计日期{on.year}年{on.month}月{on.day}日）。"
    )
    return redirect(f"{reverse('cadre_structure')}?compare={snapshot.year}")


urlpatterns = [
    path("cadres/structure/", structure, name="cadre_structure"),
    path("cadres/structure.xlsx", structure_export, name="cadre_structure_export"),
    path("cadres/structure/snapshot/", structure_snapshot, name="cadre_structure_snapshot"),
]
