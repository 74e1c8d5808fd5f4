"""预警提醒: what an HR office must act on soon, computed from the registry and the cases (never stored).

Each alert is a count and the link to the list behind it. A cadre alert is a condition on the cadre
list's queryset (`cadre_condition`), used both to count here and to filter the list there, so the number on
the dashboard is the number of rows the link shows. One count query per alert; the
whole dashboard takes a fixed number of queries however many cadres and cases there are.
"""

import calendar as month_calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from hashlib import sha256

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import gates
from .models import (
    OPEN_CASE_STATES,
    Cadre,
    CaseStatus,
    Organization,
    Post,
    PostHolding,
    PublicNotice,
    Quota,
    Sanction,
    SelectionCase,
)
from .rules import DEFAULT_SETTINGS, RuleSettings, SanctionType, add_months
from .structure import annotate_facts, facts_in, registry_cached, scope_key, years_before

NOTICE_WARNING_DAYS = 3  # a notice ending within this many days (or already ended) needs closing
URGENT_ITEMS = 5


def month_range(on: date, offset: int = 0) -> tuple[date, date]:
    first = add_months(on.replace(day=1), offset)
    return first, first.replace(day=month_calendar.monthrange(first.year, first.month)[1])


def settings_for_user(user) -> RuleSettings:
    organization = getattr(user, "organization", None)
    return gates.settings_for(organization) if organization is not None else DEFAULT_SETTINGS


def organizations_in_scope(user) -> QuerySet[Organization]:
    """The user's organization and its subordinate institutions (everything for a superuser)."""
    if user.is_superuser:
        return Organization.objects.all()
    if not user.organization_id:
        return Organization.objects.none()
    return Organization.objects.filter(Q(pk=user.organization_id) | Q(parent_id=user.organization_id))


# ---- cadre conditions (shared with the cadre list filters) -----------------------------------------------


PROBATION_MONTHS = {"this_month": 0, "next_month": 1}


def probations_ending(organizations, on: date, which: str) -> QuerySet[PostHolding]:
    """R-PRB-2 / R-APP-3: running, undecided probations in posts of the organizations (None: any) ending
    this month or next (`which`) — what the dashboard counts and the 试用期 page lists behind its link."""
    from .services.probation import probations_pending

    first, last = month_range(on, PROBATION_MONTHS[which])
    return probations_pending(organizations).filter(probation_ends_on__range=(first, last))


def probation_condition(cadres: QuerySet[Cadre], on: date, which: str) -> Q:
    """The cadre list's `?probation=…`: the cadres of those probations."""
    ending = probations_ending(None, on, which).filter(cadre__in=cadres.values("pk"))
    return Q(pk__in=ending.values("cadre_id"))


def retirement_condition(on: date, year_offset: int, settings: RuleSettings) -> Q:
    """Active cadres who reach the retirement age for their sex and current rank in the year.

    Reads the `current_rank` fact of `structure.annotate_facts`. A rank missing from the setting falls
    back to the sex's 一般干部 age.
    """
    year = on.year + year_offset
    q = Q(pk__in=[])
    for sex in ("男", "女"):
        general = settings.retirement_ages.get(f"{sex}/")
        for rank in ("chief", "deputy", ""):
            age = settings.retirement_ages.get(f"{sex}/{rank}", general)
            if age is None:
                continue
            rank_q = Q(current_rank=rank) if rank else Q(current_rank__isnull=True)
            born = (date(year - age, 1, 1), date(year - age, 12, 31))
            q |= Q(sex=sex, birth_date__range=born) & rank_q
    return Q(is_active=True) & q


def rotation_condition(on: date, which: str, settings: RuleSettings) -> Q:
    """R-REQ-2: in the same post ≥ 5 years ('due': and < 10), ≥ 10 years ('overdue'), or either — the
    post being the current one (`Cadre.current_holding`, the `current_since` fact), as `Cadre.rotation_status`
    counts it."""
    due = years_before(on, settings.rotation_due_years)
    overdue = years_before(on, settings.rotation_overdue_years)
    if which == "overdue":
        return Q(current_since__lte=overdue)
    if which == "due":
        return Q(current_since__lte=due, current_since__gt=overdue)
    return Q(current_since__lte=due)


def effect_end(
    kind: str, effective_on: date, restored_on: date | None, settings: RuleSettings
) -> date | None:
    """R-INS-9: the last day of a sanction's effect period (None: open-ended or not started), with the
    longer no-promotion period where there is one — the day `Sanction.in_effect_on` turns false after."""
    months = settings.effect_periods.get(kind)
    if months is None:
        return None
    months = max(months, settings.no_promotion_periods.get(kind, 0))
    if kind == SanctionType.PARTY_PROBATION:
        if restored_on is None:
            return None
        return add_months(restored_on, months)
    return add_months(effective_on, months)


def sanction_window(on: date) -> tuple[date, date]:
    """Effect periods ending from today to the end of next month."""
    return on, month_range(on, 1)[1]


def sanctions_ending(cadres: QuerySet[Cadre], on: date, settings: RuleSettings) -> set[int]:
    """Ids of active cadres with a sanction whose effect period ends in `sanction_window` (one query)."""
    start, end = sanction_window(on)
    finite = [m for m in settings.effect_periods.values() if m is not None]
    finite += list(settings.no_promotion_periods.values())
    earliest = add_months(start, -(max(finite, default=0) + 1))
    rows = Sanction.objects.filter(cadre__in=cadres.filter(is_active=True).values("pk")).filter(
        Q(effective_on__gte=earliest) | Q(rights_restored_on__gte=earliest)
    )
    ids = set()
    for cadre_id, kind, effective_on, restored_on in rows.values_list(
        "cadre_id", "kind", "effective_on", "rights_restored_on"
    ):
        last_day = effect_end(kind, effective_on, restored_on, settings)
        if last_day is not None and start <= last_day <= end:
            ids.add(cadre_id)
    return ids


def cadre_condition(
    name: str, value: str, cadres: QuerySet[Cadre], on: date, settings: RuleSettings
) -> Q | None:
    """The list filter for an alert (`?probation=this_month`, …); None for an unknown value."""
    if name == "probation" and value in PROBATION_MONTHS:
        return probation_condition(cadres, on, value)
    if name == "retirement" and value in ("this_year", "next_year"):
        return retirement_condition(on, 0 if value == "this_year" else 1, settings)
    if name == "rotation" and value in ("due", "overdue", "due_or_overdue"):
        return rotation_condition(on, value, settings)
    if name == "sanction" and value == "ending":
        return Q(pk__in=sanctions_ending(cadres, on, settings))
    return None


# ---- the dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    key: str
    label: str
    count: int
    url: str
    rule: str = ""
    note: str = ""

    @property
    def level(self) -> str:
        return "warning" if self.count else "light"


@dataclass(frozen=True)
class StageCount:
    status: str
    label: str
    count: int
    url: str


@dataclass
class Dashboard:
    alerts: list[Alert] = field(default_factory=list)
    stages: list[StageCount] = field(default_factory=list)
    urgent: list[SelectionCase] = field(default_factory=list)
    open_cases: int = 0


PROBATION_ALERTS = (("this_month", "试用期本月到期"), ("next_month", "试用期下月到期"))
CADRE_ALERTS = (
    ("retirement", "this_year", "今年到龄退休", ""),
    ("retirement", "next_year", "明年到龄退休", ""),
    ("rotation", "due", "应交流轮岗（满5年）", "R-REQ-2"),
    ("rotation", "overdue", "交流轮岗超期（满10年）", "R-REQ-2"),
)


def _cadre_url(name: str, value: str) -> str:
    return f"{reverse('cadre_list')}?{name}={value}"


def probation_url(which: str) -> str:
    return f"{reverse('probation_list')}?ends={which}"


def cadre_alerts(user, on: date, settings: RuleSettings) -> list[Alert]:
    """The registry alerts: one count query each, plus one for the sanctions."""
    cadres = Cadre.objects.visible_to(user)
    scope = organizations_in_scope(user)
    alerts = [  # probations link to the 试用期 page, where they are decided
        Alert(
            f"probation_{which}",
            label,
            probations_ending(scope, on, which).count(),
            probation_url(which),
            "R-PRB-2",
        )
        for which, label in PROBATION_ALERTS
    ]
    # One count per alert, each joining only the facts it reads, so the database applies the cheap,
    # indexed conditions (birth dates, probation dates) first.
    counts = {}
    for name, value, _label, _rule in CADRE_ALERTS:
        condition = cadre_condition(name, value, cadres, on, settings)
        facts = annotate_facts(cadres.order_by(), on, facts_in(condition))
        counts[f"{name}__{value}"] = facts.filter(condition).count()
    for name, value, label, rule in CADRE_ALERTS:
        if name == "rotation":
            years = settings.rotation_due_years if value == "due" else settings.rotation_overdue_years
            label = label.replace("5" if value == "due" else "10", str(years))
        alerts.append(
            Alert(f"{name}_{value}", label, counts[f"{name}__{value}"], _cadre_url(name, value), rule)
        )
    ending = sanctions_ending(cadres, on, settings)
    alerts.append(
        Alert(
            "sanction_ending",
            "处分影响期即将届满",
            len(ending),
            _cadre_url("sanction", "ending"),
            "R-INS-9",
            "今日至下月底届满",
        )
    )
    return alerts


def vacant_posts(user, on: date, settings: RuleSettings) -> QuerySet[Post]:
    """Posts nobody holds on the date, vacant for more than N months (or never filled)."""
    cutoff = add_months(on, -settings.vacant_post_months)
    running = PostHolding.objects.filter(post=OuterRef("pk"), started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on)
    )
    return (
        Post.objects.filter(organization__in=organizations_in_scope(user), is_leadership=True)
        .alias(running=Exists(running))
        .filter(running=False)
        .annotate(vacant_since=Max("holdings__ended_on"))
        .filter(Q(vacant_since__isnull=True) | Q(vacant_since__lt=cutoff))
    )


@dataclass(frozen=True)
class QuotaLine:
    organization: str
    rank: str
    approved: int
    filled: int

    @property
    def difference(self) -> int:
        return self.filled - self.approved


def quota_lines(user, on: date) -> list[QuotaLine]:
    """R-REG-2: 核定 vs 现配 per organization and rank, the lines over or under only (the quota page's
    count, `services.registry.filled_counts`)."""
    from .services.registry import filled_counts

    rows = list(
        Quota.objects.filter(organization__in=organizations_in_scope(user))
        .select_related("organization")
        .order_by("organization", "rank")
    )
    filled = filled_counts({q.organization_id for q in rows})
    lines = [
        QuotaLine(
            q.organization.name, q.get_rank_display(), q.approved, filled.get((q.organization_id, q.rank), 0)
        )
        for q in rows
    ]
    return [line for line in lines if line.filled != line.approved]


def open_cases(user) -> QuerySet[SelectionCase]:
    """Open cases with `waiting_since`: the time of their last recorded step (or their creation), the
    case's indexed copy `last_step_at`."""
    return (
        SelectionCase.objects.visible_to(user)
        .filter(status__in=OPEN_CASE_STATES)
        .annotate(waiting_since=F("last_step_at"))
    )


def stale_cases(user, now: datetime, settings: RuleSettings) -> QuerySet[SelectionCase]:
    return open_cases(user).filter(waiting_since__lt=now - timedelta(days=settings.stale_case_days))


def notices_ending(user, on: date) -> QuerySet[PublicNotice]:
    """任职前公示 of open cases ending within 3 days or already ended (the case must be moved on)."""
    return PublicNotice.objects.filter(
        case__in=SelectionCase.objects.visible_to(user).filter(status=CaseStatus.PUBLIC_NOTICE),
        ends_on__lte=on + timedelta(days=NOTICE_WARNING_DAYS),
    ).select_related("case")


def holiday_schedule_missing(on: date) -> bool:
    """R-CAL-3: next year's schedule is neither in chinese_calendar nor entered by an administrator."""
    return not gates.calendar().covers(on.year + 1)


def _first_url(*names: str) -> str:
    """The first of these pages that exists (the holiday page is added by other work)."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _detail_url(kind: str) -> str:
    return reverse("supervision_detail", args=[kind])


def case_alerts(user, on: date, now: datetime, settings: RuleSettings) -> list[Alert]:
    return [
        Alert(
            "stale_cases",
            f"选拔任用工作在同一环节超过{settings.stale_case_days}天",
            stale_cases(user, now, settings).count(),
            _detail_url("stale_cases"),
        ),
        Alert(
            "notices_ending",
            "任职前公示即将期满",
            notices_ending(user, on).count(),
            _detail_url("notices_ending"),
            "R-NOT-2",
            f"{NOTICE_WARNING_DAYS}日内期满或已期满",
        ),
    ]


def post_alerts(user, on: date, settings: RuleSettings) -> list[Alert]:
    lines = quota_lines(user, on)
    return [
        Alert(
            "vacant_posts",
            f"职位空缺超过{settings.vacant_post_months}个月",
            vacant_posts(user, on, settings).count(),
            _detail_url("vacant_posts"),
        ),
        Alert(
            "quota_over",
            "超职数配备",
            sum(1 for x in lines if x.difference > 0),
            _detail_url("quotas"),
            "R-REG-2",
        ),
        Alert(
            "quota_under",
            "职数未配满",
            sum(1 for x in lines if x.difference < 0),
            _detail_url("quotas"),
            "R-REG-2",
        ),
    ]


def dashboard(
    user, can_registry: bool, can_cases: bool, on: date | None = None, now: datetime | None = None
) -> Dashboard:
    """Everything 我的待办 shows above the personal tasks, in a fixed number of queries."""
    on = on or timezone.localdate()
    now = now or timezone.now()
    settings = settings_for_user(user)
    board = Dashboard()
    if can_registry:
        # The registry's counts, kept while the registry is unchanged (the settings are part of the key).
        key = f"alerts:{scope_key(user)}:{on.isoformat()}:{sha256(repr(settings).encode()).hexdigest()[:16]}"
        board.alerts += registry_cached(
            key, lambda: cadre_alerts(user, on, settings) + post_alerts(user, on, settings)
        )
    if can_cases:
        board.alerts += case_alerts(user, on, now, settings)
        per_status = dict(
            SelectionCase.objects.visible_to(user)
            .filter(status__in=OPEN_CASE_STATES)
            .order_by()
            .values_list("status")
            .annotate(n=Count("*"))  # COUNT(*): read from the (status, …, organization) index alone
        )
        base = reverse("case_list")
        board.stages = [
            StageCount(
                status, str(CaseStatus(status).label), per_status.get(status, 0), f"{base}?status={status}"
            )
            for status in OPEN_CASE_STATES
        ]
        board.open_cases = sum(per_status.values())
        board.urgent = list(open_cases(user).order_by("waiting_since", "pk")[:URGENT_ITEMS])
    if can_registry and holiday_schedule_missing(on):
        board.alerts.append(
            Alert(
                "holiday_schedule",
                f"{on.year + 1}年节假日安排未录入",
                1,
                _first_url("holiday_list"),
                "R-CAL-3",
                "录入后才能计算公示期（工作日）",
            )
        )
    return board
