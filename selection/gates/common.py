"""What every gate reads: the organization's rule settings, the working-day calendar, today."""

from dataclasses import fields
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from selection import rules
from selection.models import (
    HolidaySchedule,
    PostHolding,
)
from selection.rules import Finding
from selection.workdays import WorkdayCalendar, YearSchedule

# What the gates read of a candidate's cadre (eligibility, 破格, probation: the posts held, education,
# assessments): prefetched for all the candidates a gate checks, not three queries per candidate.
CADRE_FACTS = (
    Prefetch("cadre__holdings", queryset=PostHolding.objects.select_related("post")),
    "cadre__education",
    "cadre__assessments",
)


def settings_for(organization) -> rules.RuleSettings:
    """The organization's rule settings: RULES.md defaults overridden by its `rule_overrides`."""
    known = {f.name for f in fields(rules.RuleSettings)}
    overrides = {k: v for k, v in (organization.rule_overrides or {}).items() if k in known}
    return rules.RuleSettings(**overrides) if overrides else rules.DEFAULT_SETTINGS


def calendar() -> WorkdayCalendar:
    """chinese_calendar, overridden by the holiday schedules an administrator entered (R-CAL-3)."""
    schedules = [
        YearSchedule(s.year, s.holiday_dates(), s.makeup_dates()) for s in HolidaySchedule.objects.all()
    ]
    return WorkdayCalendar(schedules)


def _about(name: str, found: list[Finding]) -> list[Finding]:
    """Name the candidate in each message so a checklist over several people stays readable."""
    out = []
    for f in found:
        if name in f.message:
            out.append(f)
            continue
        # Messages start "R-INS-2：" or "R-INS-2①：": the name goes after that head.
        head, sep, rest = f.message.partition("：")
        if sep and head.startswith(f.rule):
            out.append(Finding(f.rule, f.level, f"{head}：{name}：{rest}"))
        else:
            out.append(Finding(f.rule, f.level, f"{name}：{f.message}"))
    return out


def prefetched(instance, name: str) -> list | None:
    """The rows of `instance.<name>` when the caller prefetched them (the case page holds them for its own
    tables), else None: the gate then asks the database as before."""
    rows = getattr(instance, "_prefetched_objects_cache", {}).get(name)
    return None if rows is None else list(rows)


def vacancy_ranks(case) -> list[str]:
    """The rank of each of the case's vacancies (from the prefetched rows when there are some)."""
    vacancies = prefetched(case, "vacancies")
    if vacancies is None:
        return list(case.vacancies.order_by().values_list("post__rank", flat=True))
    return [vacancy.post.rank for vacancy in vacancies]


def _today() -> date:
    return timezone.localdate()
