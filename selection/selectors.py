"""Read-side queries for the registry screens (HackSoft "selectors"): search, filters and sort.

Filters are the `selection.structure` dimensions and the `selection.supervision` alerts, so a statistics
bar or a dashboard count links to a list with exactly the cadres it counted.
"""

from datetime import date

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from .models import Cadre, PostHolding, ResumeEntry
from .rules import DEFAULT_SETTINGS, RuleSettings
from .structure import DIMENSIONS, annotate_facts, dimension_filter, facts_in, years_before  # noqa: F401
from .supervision import cadre_condition

ALERT_FILTERS = ("probation", "retirement", "rotation", "sanction")
SORTS = {
    "name": ("name_pinyin", "pk"),
    "age": ("-birth_date", "pk"),
    "-age": ("birth_date", "pk"),
    "in_post": (F("current_since").asc(nulls_last=True), "pk"),
}

# The full, unique order of each sort the list can page by key (selection/paging.py); the 任现职时间 sort
# orders by an annotation and pages by number.
LIST_KEYS = {
    "": ("organization_id", "department_order", "pk"),
    "name": ("name_pinyin", "pk"),
    "age": ("-birth_date", "pk"),
    "-age": ("birth_date", "pk"),
}


def list_keys(filters: dict) -> tuple[str, ...] | None:
    return LIST_KEYS.get(filters.get("sort", ""))


def search(queryset: QuerySet[Cadre], text: str) -> QuerySet[Cadre]:
    """姓名 (or part of it), full pinyin or initials (prefix), ID number (prefix), or a former post."""
    text = text.strip()
    if not text:
        return queryset
    if text[:17].isdigit() and len(text) >= 6:
        return queryset.filter(id_number__startswith=text.upper())
    if text.isascii():
        key = "".join(ch for ch in text.lower() if ch.isalnum())
        if not key:
            return queryset.none()
        return queryset.filter(Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key))
    former = Q(Exists(PostHolding.objects.filter(cadre=OuterRef("pk"), post__title__contains=text))) | Q(
        Exists(ResumeEntry.objects.filter(cadre=OuterRef("pk"), text__contains=text))
    )
    return queryset.filter(Q(name__contains=text) | former)


def filter_cadres(
    queryset: QuerySet[Cadre], filters: dict, on: date, settings: RuleSettings = DEFAULT_SETTINGS
) -> QuerySet[Cadre]:
    """Apply the list's search, filters (see `CadreFilterForm`) and sort as of a date."""
    base = queryset
    conditions = []
    if active := filters.get("active"):
        conditions.append(Q(is_active=active == "1"))
    if department := filters.get("department"):
        conditions.append(Q(department=department))
    for dimension in DIMENSIONS:
        if value := filters.get(dimension.key):
            conditions.append(dimension_filter(dimension.key, value, on))
    for name in ALERT_FILTERS:
        if value := filters.get(name):
            conditions.append(cadre_condition(name, value, base, on, settings))
    conditions = [c for c in conditions if c is not None]
    order = SORTS.get(filters.get("sort", ""), ())
    # Only the facts a filter or the sort reads are joined: the plain list and its count stay plain.
    queryset = annotate_facts(search(queryset, filters.get("q", "")), on, facts_in(*conditions, *order))
    for condition in conditions:
        queryset = queryset.filter(condition)
    if order:
        queryset = queryset.order_by(*order)
    return queryset
