"""Read-side queries for the registry screens (HackSoft "selectors"): filters as indexed date ranges."""

import calendar
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from .forms import AGE_BANDS, RANK_NONE
from .models import Cadre, PostHolding
from .models.cadre import ROTATION_DUE_YEARS, ROTATION_OVERDUE_YEARS


def years_before(on: date, years: int) -> date:
    """The same day `years` earlier; 29 February falls back to the 28th."""
    year = on.year - years
    return on.replace(year=year, day=min(on.day, calendar.monthrange(year, on.month)[1]))


def _current_holdings(on: date) -> QuerySet[PostHolding]:
    """Holdings running on the date, newest first — the same choice as `Cadre.current_holding`."""
    return (
        PostHolding.objects.filter(cadre=OuterRef("pk"), started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .order_by("-started_on", "-pk")
    )


def filter_cadres(queryset: QuerySet[Cadre], filters: dict, on: date) -> QuerySet[Cadre]:
    """Apply the list filters (see `CadreFilterForm`) as of a date.

    Age: full years ≥ N exactly when born on or before the date N years earlier, so each band is a
    birth-date range. Rotation (R-REQ-2): the current post started 5 (10) years ago or earlier.
    """
    if name := filters.get("q"):
        queryset = queryset.filter(name__icontains=name.strip())
    if department := filters.get("department"):
        queryset = queryset.filter(department=department)
    if rank := filters.get("rank"):
        if rank == RANK_NONE:
            queryset = queryset.exclude(Exists(_current_holdings(on)))
        else:
            current_rank = Subquery(_current_holdings(on).values("post__rank")[:1])
            queryset = queryset.alias(current_rank=current_rank).filter(current_rank=rank)
    if band := AGE_BANDS.get(filters.get("age", "")):
        youngest, oldest = band
        if youngest is not None:
            queryset = queryset.filter(birth_date__lte=years_before(on, youngest))
        if oldest is not None:
            queryset = queryset.filter(birth_date__gt=years_before(on, oldest + 1))
    if rotation := filters.get("rotation"):
        started = Subquery(_current_holdings(on).values("started_on")[:1])
        queryset = queryset.alias(current_since=started)
        due, overdue = years_before(on, ROTATION_DUE_YEARS), years_before(on, ROTATION_OVERDUE_YEARS)
        if rotation == "overdue":
            queryset = queryset.filter(current_since__lte=overdue)
        elif rotation == "due":
            queryset = queryset.filter(current_since__lte=due, current_since__gt=overdue)
        else:
            queryset = queryset.filter(current_since__lte=due)
    return queryset
