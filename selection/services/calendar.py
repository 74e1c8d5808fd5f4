"""节假日安排: the only code that writes an administrator's holiday schedule (R-CAL-3).

The page and `manage.py import_holidays` both come here: the notice text is parsed (selection.holidays), the
year's rest and make-up days are stored beside the text they came from, and django-simple-history keeps every
version with who saved it, so that a 公示 end date can always be traced to the schedule it was computed from.
"""

from calendar import Calendar
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from selection.holidays import NoticeError, ParsedNotice, parse_notice
from selection.models import HolidaySchedule
from selection.workdays import PACKAGE_YEARS, YearSchedule

from .base import ServiceError

# From this month on, next year's schedule is due (the State Council publishes it in October–December).
REMINDER_FROM_MONTH = 11
YEARS_ACCEPTED = range(2000, 2100)


@dataclass(frozen=True)
class MonthPreview:
    year: int
    month: int
    weeks: list[list[tuple[date | None, str]]]  # (day, kind): kind is workday / rest / holiday / makeup
    workdays: int


def read_notice(year: int, text: str) -> ParsedNotice:
    if year not in YEARS_ACCEPTED:
        raise ServiceError(f"年度 {year} 不在 {YEARS_ACCEPTED.start}–{YEARS_ACCEPTED.stop - 1} 之间。")
    try:
        return parse_notice(text, year)
    except NoticeError as exc:
        raise ServiceError(str(exc)) from exc


def preview(parsed: ParsedNotice) -> list[MonthPreview]:
    """Month-by-month working days as they will be counted once the schedule is saved."""
    schedule = YearSchedule(parsed.year, parsed.holidays, parsed.makeup_workdays)
    months = []
    for month in range(1, 13):
        weeks = []
        count = 0
        for week in Calendar(firstweekday=0).monthdatescalendar(parsed.year, month):
            row = []
            for day in week:
                if day.month != month:
                    row.append((None, ""))
                    continue
                if day in parsed.makeup_workdays:
                    kind = "makeup"
                elif day in parsed.holidays:
                    kind = "holiday"
                elif day.weekday() >= 5:
                    kind = "rest"
                else:
                    kind = "workday"
                count += schedule.is_workday(day)
                row.append((day, kind))
            weeks.append(row)
        months.append(MonthPreview(parsed.year, month, weeks, count))
    return months


@transaction.atomic
def save_schedule(actor, year: int, text: str, source: str = "") -> HolidaySchedule:
    """Store the year's schedule from the notice text; every save is a new history version."""
    parsed = read_notice(year, text)
    schedule = HolidaySchedule.objects.select_for_update().filter(year=year).first() or HolidaySchedule(
        year=year
    )
    schedule.notice_text = text.strip()
    schedule.source = source.strip()[:200]
    schedule.holidays = "\n".join(d.isoformat() for d in sorted(parsed.holidays))
    schedule.makeup_workdays = "\n".join(d.isoformat() for d in sorted(parsed.makeup_workdays))
    user = getattr(actor, "user", actor)
    schedule.updated_by = user if getattr(user, "pk", None) else None
    schedule._history_user = schedule.updated_by
    schedule._change_reason = "录入节假日安排" if schedule.pk is None else "修改节假日安排"
    schedule.full_clean()
    schedule.save()
    return schedule


def covered_years() -> set[int]:
    return set(PACKAGE_YEARS) | set(HolidaySchedule.objects.values_list("year", flat=True))


def missing_next_year(today: date) -> int | None:
    """Next year, when its schedule is due (from 1 November) and neither the package nor an administrator has it.

    Asked on every page HR and administrators open, so the answer is cached until a schedule is saved or deleted
    (the signal below), keeping each page's queries constant.
    """
    if today.month < REMINDER_FROM_MONTH:
        return None
    year = today.year + 1
    if year in PACKAGE_YEARS:
        return None
    entered = cache.get_or_set(
        _cache_key(year), lambda: HolidaySchedule.objects.filter(year=year).exists(), 3600
    )
    return None if entered else year


def _cache_key(year: int) -> str:
    return f"xuanba:holiday-schedule-entered:{year}"


@receiver([post_save, post_delete], sender=HolidaySchedule)
def _forget_cached_answer(sender, instance, **kwargs) -> None:
    cache.delete(_cache_key(instance.year))
