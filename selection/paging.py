"""List pages at province scale (issue 11): a capped count, numbered pages up to the cap, keyset (seek)
pages beyond it.

- The count stops at `COUNT_CAP` rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`): a list of 100,000 cadres
  reads 5,001 index entries for its total, not 100,000; the page then says "5000 多".
- `?page=N` is an OFFSET page while it lies within the counted rows (so at most `COUNT_CAP` rows are
  skipped); `?page=last` reads the list backwards (an index scan from the end) when the count was capped.
- Past the counted rows the links carry the boundary row's sort key (`?after=…` / `?before=…`): the
  next page is `WHERE (keys) > (boundary) ORDER BY keys LIMIT n`, served by the list's index at any depth.

`keys` are the list's full ordering (unique: ending with the primary key), e.g. `("-created_at", "-pk")`;
the queryset is ordered by them here. A list without such keys (an ordering on an annotation) gets the
plain `Paginator` (exact count, OFFSET).
"""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

COUNT_CAP = 5000


@dataclass
class Page:
    """What the pagination bar and the list show."""

    object_list: list
    count: int  # exact unless `capped`
    capped: bool = False  # more rows than COUNT_CAP
    number: int | None = None  # None on a page reached by a cursor (past the numbered pages)
    num_pages: int | None = None  # None when the count was capped
    previous_query: str = ""  # "page=3", "before=…", or "" on the first page
    next_query: str = ""
    paginator: Any = field(default=None, repr=False)  # the templates read page.paginator.count

    def __post_init__(self) -> None:
        if self.paginator is None:
            self.paginator = self

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_query)

    @property
    def has_next(self) -> bool:
        return bool(self.next_query)

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def count_label(self) -> str:
        return f"{COUNT_CAP} 多" if self.capped else str(self.count)

    @property
    def position_label(self) -> str:
        if self.number is not None and self.num_pages is not None:
            return f"第 {self.number} / {self.num_pages} 页"
        if self.number is not None:
            return f"第 {self.number} 页"
        return "末页" if not self.next_query else "后续页"


def _field(model, name: str):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _attname(model, name: str) -> str:
    return _field(model, name).attname


def encode_cursor(obj, keys: tuple[str, ...]) -> str:
    model = type(obj)
    values = []
    for key in keys:
        value = getattr(obj, _attname(model, key.lstrip("-")))
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    raw = json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(model, token: str, keys: tuple[str, ...]) -> list | None:
    """The boundary row's key values, or None for a token that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        return [_field(model, key.lstrip("-")).to_python(v) for key, v in zip(keys, values, strict=True)]
    except (ValueError, TypeError, ValidationError):  # a hand-edited or stale link: start afresh
        return None


def _beyond(keys: tuple[str, ...], values: list, *, forward: bool) -> Q:
    """Rows strictly after (forward) or before the boundary in the `keys` order."""
    descending = [key.startswith("-") for key in keys]
    names = [key.lstrip("-") for key in keys]
    if all(descending) or not any(descending):
        # one row comparison: an index condition on PostgreSQL, so the scan starts at the boundary
        greater = forward != descending[0]
        lookup = TupleGreaterThan if greater else TupleLessThan
        return Q(lookup(Tuple(*(F(n) for n in names)), tuple(values)))
    condition = Q()
    for i in reversed(range(len(names))):  # a > x OR (a = x AND (b > y OR …)), per column's direction
        greater = forward != descending[i]
        strict = Q(**{f"{names[i]}__{'gt' if greater else 'lt'}": values[i]})
        condition = strict if i == len(names) - 1 else strict | (Q(**{names[i]: values[i]}) & condition)
    return condition


def _reverse(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(key[1:] if key.startswith("-") else f"-{key}" for key in keys)


def capped_count(queryset: QuerySet) -> int:
    return queryset.order_by()[: COUNT_CAP + 1].count()


def paginate(
    queryset: QuerySet,
    params,
    *,
    keys: tuple[str, ...] | None,
    per_page: int,
    count: Callable[[], int] | None = None,
) -> Page:
    """The page `params` (request.GET) asks for: `page` (a number or "last"), `after` or `before`.
    `count`: the capped count when the caller keeps one (`capped_count(queryset)` otherwise)."""
    if keys is None:
        django_page = Paginator(queryset, per_page).get_page(params.get("page"))
        paginator = django_page.paginator
        return Page(
            list(django_page.object_list),
            paginator.count,
            number=django_page.number,
            num_pages=paginator.num_pages,
            previous_query=f"page={django_page.previous_page_number()}" if django_page.has_previous() else "",
            next_query=f"page={django_page.next_page_number()}" if django_page.has_next() else "",
        )
    model = queryset.model
    ordered = queryset.order_by(*keys)
    count = count() if count is not None else capped_count(queryset)
    capped = count > COUNT_CAP
    numbered = ceil(min(count, COUNT_CAP) / per_page) or 1  # pages reachable by number

    def cursor_page(rows: list, *, more_before: bool, more_after: bool) -> Page:
        return Page(
            rows,
            count,
            capped,
            previous_query=f"before={encode_cursor(rows[0], keys)}" if rows and more_before else "",
            next_query=f"after={encode_cursor(rows[-1], keys)}" if rows and more_after else "",
        )

    for direction in ("after", "before"):
        if (token := params.get(direction)) and capped:
            values = decode_cursor(model, token, keys)
            if values is None:
                break
            if direction == "after":
                rows = list(ordered.filter(_beyond(keys, values, forward=True))[: per_page + 1])
                return cursor_page(rows[:per_page], more_before=True, more_after=len(rows) > per_page)
            backwards = queryset.order_by(*_reverse(keys)).filter(_beyond(keys, values, forward=False))
            rows = list(backwards[: per_page + 1])
            more = len(rows) > per_page
            rows = rows[:per_page][::-1]
            return cursor_page(rows, more_before=more, more_after=True)
    wanted = params.get("page")
    if wanted == "last" and capped:
        rows = list(queryset.order_by(*_reverse(keys))[:per_page])[::-1]
        return cursor_page(rows, more_before=True, more_after=False)
    try:
        number = numbered if wanted == "last" else max(1, min(int(wanted or 1), numbered))
    except (TypeError, ValueError):
        number = 1
    rows = list(ordered[(number - 1) * per_page : number * per_page])
    if number < numbered:
        next_query = f"page={number + 1}"
    elif capped and rows:
        next_query = f"after={encode_cursor(rows[-1], keys)}"
    else:
        next_query = ""
    return Page(
        rows,
        count,
        capped,
        number=number,
        num_pages=None if capped else numbered,
        previous_query=f"page={number - 1}" if number > 1 else "",
        next_query=next_query,
    )
