"""干部结构: the registry's dimensions (age band, education, political status, rank, years in post, …) as
database conditions, one definition shared by the cadre list filters, the 干部结构分析 statistics, the
情况统计表 and the yearly snapshots — so a chart's bar and the list it links to count the same people.

Every condition reads the facts `annotate_facts` adds "as of" a date (current rank, since when, highest
education); each dimension's buckets partition the cadres (every cadre falls in exactly one).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import Exact, GreaterThan

from .models import EducationLevel, EducationRecord, Post, PostHolding, Rank, Sex
from .rules import add_months


def registry_version() -> str:
    """Changes with every write to the registry: the newest row of each table the counts read and of
    their change histories (one query of index lookups)."""
    from django.db import connection

    sql = _VERSION_SQL.get(connection.vendor)
    if sql is None:  # built once per process: naming each history model builds its manager
        sql = _VERSION_SQL[connection.vendor] = _registry_version_sql(connection.ops.quote_name)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return ".".join(str(value or 0) for value in cursor.fetchone())


_VERSION_SQL: dict[str, str] = {}


def _registry_version_sql(quote: Callable[[str], str]) -> str:
    from .models import Cadre, Department, Quota, ResumeEntry, Sanction

    tracked = (Cadre, PostHolding, EducationRecord, ResumeEntry, Sanction, Post, Quota)  # ResumeEntry: search
    tables = [*tracked, Department, *(model.history.model for model in tracked)]
    newest = ", ".join(
        f"(SELECT MAX({quote(m._meta.pk.column)}) FROM {quote(m._meta.db_table)})" for m in tables
    )
    return f"SELECT {newest}"


def registry_cached[T](key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept for XUANBA_REGISTRY_CACHE_SECONDS while the registry does not change.

    The counts stay computed (never stored as truth): a write to the registry changes the key, and an
    edit that bypasses the change history (a bulk `update()`) is seen within the cache's lifetime.
    """
    from django.conf import settings
    from django.core.cache import cache

    seconds = getattr(settings, "XUANBA_REGISTRY_CACHE_SECONDS", 0)
    if not seconds:
        return compute()
    full_key = f"registry:{registry_version()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, seconds)
    return value


def register_count(user, name: str, query: str, count: Callable[[], int]) -> int:
    """`count()` of the register list `name` as `user` sees it today under `query` (its filters as a query
    string), kept while the register is unchanged. The key holds everything the filters read: who asks
    (their scope), the day, the query and the organization's settings."""
    from hashlib import sha256

    from django.utils import timezone

    from .supervision import settings_for_user

    digest = sha256(f"{query}|{settings_for_user(user)!r}".encode()).hexdigest()[:24]
    return registry_cached(f"{name}:{scope_key(user)}:{timezone.localdate().isoformat()}:{digest}", count)


def scope_key(user) -> str:
    """Who sees which cadres (`Cadre.objects.visible_to`): everyone, one organization's tree, nobody."""
    return "all" if user.is_superuser else str(user.organization_id or "none")


def years_before(on: date, years: int) -> date:
    """The same day `years` earlier; 29 February falls back to the 28th."""
    return add_months(on, -12 * years)


def _running(prefix: str, on: date) -> Q:
    """A holding (at `prefix`) running on the date."""
    return Q(**{f"{prefix}started_on__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": on})
    )


def _current_holding(on: date) -> FilteredRelation:
    """The cadre's current holding as a join — the same choice as `Cadre.current_holding`: of the holdings
    running on the date the 实职 one before a 兼任 one (R-REG-3), then the latest, then the newest row.

    A join (at most one row per cadre: no running holding is preferred to it) rather than a correlated
    subquery, so that every count over it reads columns: PostgreSQL evaluates a subquery once per
    reference per row, and the statistics refer to each fact in many buckets. The "preferred" test names
    the holding's own cadre, not the outer cadre's key (the same value): then it depends on the holding
    alone, PostgreSQL applies it while scanning the holdings, and a filter on the fact (满5年应交流) looks
    up only the matching cadres instead of hashing them all.
    """
    mine = "fact_holding__"
    preferred = PostHolding.objects.filter(_running("", on), cadre=OuterRef(f"{mine}cadre_id")).filter(
        Q(is_concurrent__lt=OuterRef(f"{mine}is_concurrent"))  # 实职 (false) before 兼任 (true)
        | Q(is_concurrent=OuterRef(f"{mine}is_concurrent"))
        & (
            Q(started_on__gt=OuterRef(f"{mine}started_on"))
            | Q(started_on=OuterRef(f"{mine}started_on"), pk__gt=OuterRef(f"{mine}pk"))
        )
    )
    return FilteredRelation("holdings", condition=_running("holdings__", on) & ~Q(Exists(preferred)))


def _rank_start(on: date) -> FilteredRelation:
    """The first holding (started by the date) at the rank of the current one: since when at this rank."""
    mine = "fact_rank_start__"
    same_rank = Post.objects.filter(pk=OuterRef(f"{mine}post_id"), rank=OuterRef("fact_holding__post__rank"))
    earlier = PostHolding.objects.filter(
        cadre=OuterRef(f"{mine}cadre_id"), started_on__lte=on, post__rank=OuterRef("fact_holding__post__rank")
    ).filter(
        Q(started_on__lt=OuterRef(f"{mine}started_on"))
        | Q(started_on=OuterRef(f"{mine}started_on"), pk__lt=OuterRef(f"{mine}pk"))
    )
    return FilteredRelation(
        "holdings",
        condition=Q(holdings__started_on__lte=on) & Q(Exists(same_rank)) & ~Q(Exists(earlier)),
    )


def _level_rank(level) -> Case:
    return Case(
        *[When(Exact(level, value.value), then=Value(value.rank)) for value in EducationLevel],
        default=Value(0),
        output_field=IntegerField(),
    )


def _highest_education(relation: str, kind: str) -> FilteredRelation:
    """The cadre's highest record of the kind (the first one among equals), as a join."""
    mine = OuterRef(f"{relation}__level")
    higher = (
        EducationRecord.objects.filter(cadre=OuterRef(f"{relation}__cadre_id"), kind=kind)
        .alias(level_rank=_level_rank(F("level")))
        .filter(
            Q(level_rank__gt=_level_rank(mine))
            | Q(level_rank=_level_rank(mine), pk__lt=OuterRef(f"{relation}__pk"))
        )
    )
    return FilteredRelation("education", condition=Q(education__kind=kind) & ~Q(Exists(higher)))


# Each fact, the join it reads and the joins that one needs first.
FACTS = {
    "current_rank": ("fact_holding__post__rank", ("fact_holding",)),
    "current_since": ("fact_holding__started_on", ("fact_holding",)),
    "rank_since": ("fact_rank_start__started_on", ("fact_holding", "fact_rank_start")),
    "full_time_level": ("fact_full_time__level", ("fact_full_time",)),
    "in_service_level": ("fact_in_service__level", ("fact_in_service",)),
}


def _relations(on: date) -> dict[str, Callable[[], FilteredRelation]]:
    return {
        "fact_holding": lambda: _current_holding(on),
        "fact_rank_start": lambda: _rank_start(on),
        "fact_full_time": lambda: _highest_education("fact_full_time", EducationRecord.Kind.FULL_TIME),
        "fact_in_service": lambda: _highest_education("fact_in_service", EducationRecord.Kind.IN_SERVICE),
    }


def facts_in(*conditions: object) -> set[str]:
    """The facts (`FACTS` keys) that these filter conditions or orderings read."""
    found: set[str] = set()
    for condition in conditions:
        if isinstance(condition, str):
            found |= {condition.lstrip("-").split("__")[0]} & FACTS.keys()
        elif isinstance(condition, tuple):  # a Q child: (lookup, value)
            found |= facts_in(condition[0])
        elif isinstance(condition, Q):
            found |= facts_in(*condition.children)
        elif isinstance(condition, F):
            found |= facts_in(condition.name)
        elif hasattr(condition, "get_source_expressions"):  # F(…).asc(), Exact(F(…), …)
            found |= facts_in(*condition.get_source_expressions())
    return found


def annotate_facts(cadres: QuerySet, on: date, needed: Iterable[str] | None = None) -> QuerySet:
    """Add the facts the dimensions read "as of" the date (aliases: not selected, usable in filters and
    aggregates) — all of them, or only `needed` (each fact is a LEFT JOIN: a count that reads none of them
    should not pay for them). The joins give at most one row per cadre, so counts stay exact."""
    names = list(FACTS) if needed is None else [name for name in FACTS if name in set(needed)]
    if not names:
        return cadres
    relations = _relations(on)
    joined: list[str] = []
    for name in names:
        for relation in FACTS[name][1]:
            if relation not in joined:
                joined.append(relation)
    for relation in joined:  # one at a time: a later join's condition refers to an earlier one
        cadres = cadres.annotate(**{relation: relations[relation]()})
    return cadres.alias(**{name: F(FACTS[name][0]) for name in names})


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    condition: Callable[[date], Q]


@dataclass(frozen=True)
class Dimension:
    key: str  # also the cadre list's query parameter
    label: str
    buckets: tuple[Bucket, ...]

    def bucket(self, key: str) -> Bucket | None:
        return next((b for b in self.buckets if b.key == key), None)

    def choices(self, everything: str) -> list[tuple[str, str]]:
        return [("", everything), *((b.key, b.label) for b in self.buckets)]


def _age(low: int | None, high: int | None) -> Callable[[date], Q]:
    """Age in full years in [low, high]: born on or before `on` minus low years, after `on` minus high+1."""

    def condition(on: date) -> Q:
        q = Q()
        if low is not None:
            q &= Q(birth_date__lte=years_before(on, low))
        if high is not None:
            q &= Q(birth_date__gt=years_before(on, high + 1))
        return q

    return condition


def _since(field: str, low: int | None, high: int | None) -> Callable[[date], Q]:
    """Full years since the date in `field` in [low, high) (None: open); no date → not in any band."""

    def condition(on: date) -> Q:
        q = Q(**{f"{field}__isnull": False})
        if low is not None:
            q &= Q(**{f"{field}__lte": years_before(on, low)})
        if high is not None:
            q &= Q(**{f"{field}__gt": years_before(on, high)})
        return q

    return condition


def _constant(q: Q) -> Callable[[date], Q]:
    return lambda on: q


def _education(field: str) -> tuple[Bucket, ...]:
    below = [EducationLevel.TECHNICAL, EducationLevel.HIGH_SCHOOL, EducationLevel.BELOW]
    return (
        Bucket("postgraduate", "研究生", _constant(Q(**{field: EducationLevel.POSTGRADUATE}))),
        Bucket("undergraduate", "大学本科", _constant(Q(**{field: EducationLevel.UNDERGRADUATE}))),
        Bucket("college", "大学专科", _constant(Q(**{field: EducationLevel.COLLEGE}))),
        Bucket("below", "中专及以下", _constant(Q(**{f"{field}__in": below}))),
        Bucket("none", "无记录", _constant(Q(**{f"{field}__isnull": True}))),
    )


_NOT_CPC = Q(party_joined_on__isnull=True)
_NONPARTY_NOTE = Q(party_note__contains="无党派")
_MASSES_NOTE = Q(party_note="") | Q(party_note__contains="群众")

AGE_BUCKETS = (
    Bucket("lt35", "35岁以下", _age(None, 34)),
    Bucket("35-39", "35–39岁", _age(35, 39)),
    Bucket("40-44", "40–44岁", _age(40, 44)),
    Bucket("45-49", "45–49岁", _age(45, 49)),
    Bucket("ge50", "50岁及以上", _age(50, None)),
)
TENURE_BANDS = (
    ("lt3", "不满3年", None, 3),
    ("3-5", "3–5年", 3, 5),
    ("5-10", "5–10年", 5, 10),
    ("ge10", "10年及以上", 10, None),
)

DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("sex", "性别", tuple(Bucket(s.value, s.label, _constant(Q(sex=s.value))) for s in Sex)),
    Dimension("age", "年龄", AGE_BUCKETS),
    Dimension("education", "全日制学历", _education("full_time_level")),
    Dimension("in_service", "在职学历", _education("in_service_level")),
    Dimension(
        "political",
        "政治面貌",
        (
            Bucket("cpc", "中共党员", _constant(Q(party_joined_on__isnull=False))),
            Bucket("democratic", "民主党派", _constant(_NOT_CPC & ~_NONPARTY_NOTE & ~_MASSES_NOTE)),
            Bucket("nonparty", "无党派人士", _constant(_NOT_CPC & _NONPARTY_NOTE)),
            Bucket("masses", "群众", _constant(_NOT_CPC & ~_NONPARTY_NOTE & _MASSES_NOTE)),
        ),
    ),
    Dimension(
        "ethnicity",
        "民族",
        (
            Bucket("han", "汉族", _constant(Q(ethnicity="汉族"))),
            Bucket("minority", "少数民族", _constant(~Q(ethnicity="汉族"))),
        ),
    ),
    Dimension(
        "rank",
        "职级",
        (
            Bucket(Rank.CHIEF.value, "中层正职", _constant(Q(current_rank=Rank.CHIEF))),
            Bucket(Rank.DEPUTY.value, "中层副职", _constant(Q(current_rank=Rank.DEPUTY))),
            Bucket("none", "一般干部", _constant(Q(current_rank__isnull=True))),
        ),
    ),
    Dimension(
        "in_post",
        "任现职年限",
        (
            *(Bucket(k, label, _since("current_since", lo, hi)) for k, label, lo, hi in TENURE_BANDS),
            Bucket("none", "无现任职务", _constant(Q(current_since__isnull=True))),
        ),
    ),
    Dimension(
        "at_rank",
        "任现职级年限",
        (
            *(Bucket(k, label, _since("rank_since", lo, hi)) for k, label, lo, hi in TENURE_BANDS),
            Bucket("none", "无职级", _constant(Q(rank_since__isnull=True))),
        ),
    ),
)
DIMENSION_BY_KEY = {d.key: d for d in DIMENSIONS}


def dimension_filter(key: str, bucket_key: str, on: date) -> Q | None:
    """The condition for `?<dimension>=<bucket>` in the cadre list, or None for an unknown value."""
    dimension = DIMENSION_BY_KEY.get(key)
    bucket = dimension.bucket(bucket_key) if dimension else None
    return bucket.condition(on) if bucket else None


def age_expression(on: date) -> ExpressionWrapper:
    """Age in full years on the date, in SQL (the same arithmetic as `rules.age_in_full_years`)."""
    month, day = ExtractMonth("birth_date"), ExtractDay("birth_date")
    later_this_year = Q(GreaterThan(month, on.month)) | (
        Q(Exact(month, on.month)) & Q(GreaterThan(day, on.day))
    )
    not_yet = Case(When(later_this_year, then=Value(1)), default=Value(0), output_field=IntegerField())
    return ExpressionWrapper(
        Value(on.year) - ExtractYear("birth_date") - not_yet, output_field=IntegerField()
    )


def _counts(on: date) -> dict:
    counts = {"total": Count("pk"), "age_sum": Sum(age_expression(on))}
    for dimension in DIMENSIONS:
        for bucket in dimension.buckets:
            counts[f"{dimension.key}__{bucket.key}"] = Count("pk", filter=bucket.condition(on))
    return counts


@dataclass(frozen=True)
class Table:
    """One scope's counts: {dimension: {bucket: n}} with the total and the average age."""

    scope: str  # "" for the whole, else the department's id as text
    label: str
    total: int
    average_age: float | None
    counts: dict[str, dict[str, int]]


def _table(scope: str, label: str, row: dict) -> Table:
    counts = {d.key: {b.key: row[f"{d.key}__{b.key}"] for b in d.buckets} for d in DIMENSIONS}
    total = row["total"]
    average = round(float(row["age_sum"]) / total, 1) if total else None
    return Table(scope, label, total, average, counts)


def structure_tables(cadres: QuerySet, on: date) -> list[Table]:
    """The whole population first, then one table per department — one grouped query whatever the size:
    the whole is the departments added up (every cadre is in exactly one row), the average age the sum
    of ages over the count."""
    base = annotate_facts(cadres.order_by(), on)
    keys = list(_counts(on))
    rows = list(
        base.values("department", "department__name", "organization__short_name", "organization__name")
        .annotate(**_counts(on))
        .order_by("organization", "department__order", "department")
    )
    whole = {key: sum(row[key] or 0 for row in rows) for key in keys}
    tables = [_table("", "全部", whole)]
    for row in rows:
        org = row["organization__short_name"] or row["organization__name"]
        name = row["department__name"] or "未分科室"
        scope = str(row["department"]) if row["department"] is not None else "none"
        tables.append(_table(scope, f"{org} · {name}", row))
    return tables


@dataclass(frozen=True)
class TeamRow:
    """领导班子结构 (the organization's middle-level post holders): young, female and non-CPC counts."""

    organization: str
    total: int
    young: int
    female: int
    non_party: int


def team_structure(cadres: QuerySet, on: date, young_age: int) -> list[TeamRow]:
    base = annotate_facts(cadres.order_by(), on, ["current_rank"]).filter(current_rank__isnull=False)
    rows = (
        base.values("organization", "organization__name")
        .annotate(
            total=Count("pk"),
            young=Count("pk", filter=Q(birth_date__gt=years_before(on, young_age))),
            female=Count("pk", filter=Q(sex=Sex.FEMALE)),
            non_party=Count("pk", filter=Q(party_joined_on__isnull=True)),
        )
        .order_by("organization")
    )
    return [
        TeamRow(r["organization__name"], r["total"], r["young"], r["female"], r["non_party"]) for r in rows
    ]


def population(user) -> QuerySet:
    """The cadres the statistics count: the active ones the user may see."""
    from .models import Cadre

    return Cadre.objects.visible_to(user).filter(is_active=True)


def user_structure(user, on: date, young_age: int) -> tuple[list[Table], list[TeamRow]]:
    """The statistics page's tables and leadership-team rows for the user (cached while the registry
    is unchanged: three queries when computed, one when not)."""

    def compute() -> tuple[list[Table], list[TeamRow]]:
        cadres = population(user)
        return structure_tables(cadres, on), team_structure(cadres, on, young_age)

    return registry_cached(f"structure:{scope_key(user)}:{on.isoformat()}:{young_age}", compute)


# ---- snapshots and the 情况统计表 --------------------------------------------------------------------


def table_to_json(table: Table) -> dict:
    return {
        "scope": table.scope,
        "label": table.label,
        "total": table.total,
        "average_age": table.average_age,
        "counts": table.counts,
    }


def table_from_json(data: dict) -> Table:
    return Table(data["scope"], data["label"], data["total"], data["average_age"], data["counts"])


def team_to_json(row: TeamRow) -> dict:
    return {
        "organization": row.organization,
        "total": row.total,
        "young": row.young,
        "female": row.female,
        "non_party": row.non_party,
    }


def statistics_workbook(tables: list[Table], team: list[TeamRow], title: str) -> bytes:
    """干部队伍结构情况统计表 (openpyxl): one row per scope, a column group per dimension."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "情况统计表"
    width = 3 + sum(len(d.buckets) for d in DIMENSIONS)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1, title).font = Font(size=16, bold=True)
    sheet.cell(1, 1).alignment = center
    for column, header in enumerate(("范围", "人数", "平均年龄"), start=1):
        sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
        sheet.cell(2, column, header)
    column = 4
    for dimension in DIMENSIONS:
        sheet.merge_cells(
            start_row=2, start_column=column, end_row=2, end_column=column + len(dimension.buckets) - 1
        )
        sheet.cell(2, column, dimension.label)
        for offset, bucket in enumerate(dimension.buckets):
            sheet.cell(3, column + offset, bucket.label)
        column += len(dimension.buckets)
    for row_index, table in enumerate(tables, start=4):
        values = [table.label, table.total, table.average_age if table.average_age is not None else "—"]
        for dimension in DIMENSIONS:
            values += [table.counts[dimension.key][b.key] for b in dimension.buckets]
        for column_index, value in enumerate(values, start=1):
            sheet.cell(row_index, column_index, value)
    for row in sheet.iter_rows(min_row=2, max_row=3 + len(tables), max_col=width):
        for cell in row:
            cell.border = border
            cell.alignment = center
    sheet.column_dimensions["A"].width = 24
    for column_index in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(column_index)].width = 9
    sheet.freeze_panes = "B4"

    teams = book.create_sheet("领导班子结构")
    headers = ("单位", "中层干部人数", "年轻干部", "女干部", "非中共党员")
    for column_index, header in enumerate(headers, start=1):
        teams.cell(1, column_index, header).font = Font(bold=True)
    for row_index, row in enumerate(team, start=2):
        for column_index, value in enumerate(
            (row.organization, row.total, row.young, row.female, row.non_party), start=1
        ):
            teams.cell(row_index, column_index, value)
    teams.column_dimensions["A"].width = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
