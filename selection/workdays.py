"""Working days in the Chinese calendar (R-CAL-1..3), used to time the public notice (R-NOT-2).

The source is the `chinese_calendar` package (statutory holidays, 调休 rest days and make-up working
days as announced by the State Council). An administrator's schedule for a year (节假日安排) takes
precedence over the package; a year covered by neither is refused, never guessed as Monday–Friday,
because a notice that ends a day early is a procedural defect (R-CAL-3).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

UNAVAILABLE_MESSAGE = (
    "{year}年的节假日安排尚未录入，无法按工作日计算公示期：请联系系统管理员在“节假日安排”页面录入该年度安排。"
)

# The package raises NotImplementedError outside the years it has data for; read the range once.
PACKAGE_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)

# A notice of 5 working days never spans more than a few weeks; this bound only stops a schedule that
# (by mistake) declares no working day at all from looping forever.
_MAX_SPAN_DAYS = 366


class CalendarUnavailable(Exception):
    """No holiday schedule for the year: neither the package nor an administrator covers it (R-CAL-3)."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(UNAVAILABLE_MESSAGE.format(year=year))


@dataclass(frozen=True)
class YearSchedule:
    """An administrator's schedule for one year: rest days on weekdays, and weekend days worked."""

    year: int
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]

    def __post_init__(self) -> None:
        strays = sorted(d for d in self.holidays | self.makeup_workdays if d.year != self.year)
        if strays:
            raise ValueError(f"{strays[0].isoformat()} 不属于 {self.year} 年。")
        both = sorted(self.holidays & self.makeup_workdays)
        if both:
            raise ValueError(f"{both[0].isoformat()} 不能既是休息日又是调休上班日。")

    def is_workday(self, day: date) -> bool:
        return day in self.makeup_workdays or (day.weekday() < 5 and day not in self.holidays)


class WorkdayCalendar:
    """Working days from `chinese_calendar`, with administrator schedules taking precedence per year."""

    def __init__(self, overrides: Iterable[YearSchedule] = ()) -> None:
        self._overrides = {schedule.year: schedule for schedule in overrides}

    def covers(self, year: int) -> bool:
        return year in self._overrides or year in PACKAGE_YEARS

    def is_workday(self, day: date) -> bool:
        """R-CAL-1: Monday–Friday that is not a holiday or 调休 rest day, or a make-up working weekend day."""
        schedule = self._overrides.get(day.year)
        if schedule is not None:
            return schedule.is_workday(day)
        if day.year not in PACKAGE_YEARS:
            raise CalendarUnavailable(day.year)
        return chinese_calendar.is_workday(day)

    def notice_end_date(self, start: date, days: int = 5, start_counts: bool = True) -> date:
        """The last day of a notice of `days` working days published on `start` (R-NOT-2, R-CAL-2).

        With `start_counts`, the publication day is day 1 when it is a working day; otherwise counting
        starts the next day. A notice published on a rest day starts counting at the next working day.
        """
        if days < 1:
            raise ValueError("公示期至少为 1 个工作日。")
        day = start if start_counts else start + timedelta(days=1)
        counted = 0
        for _ in range(_MAX_SPAN_DAYS):
            if self.is_workday(day):
                counted += 1
                if counted == days:
                    return day
            day += timedelta(days=1)
        raise ValueError(f"自 {start.isoformat()} 起一年内找不到 {days} 个工作日，请检查节假日安排。")

    def workdays_between(self, start: date, end: date) -> int:
        """Working days from start to end, both included; 0 when end is before start."""
        count = 0
        day = start
        while day <= end:
            count += self.is_workday(day)
            day += timedelta(days=1)
        return count

    def workdays_left(self, end: date, today: date) -> int:
        """Working days still to run from today to end, today included (0 once the period is over)."""
        return self.workdays_between(today, end)


# The package alone, for callers without administrator schedules (the service layer passes its own).
_PACKAGE_CALENDAR = WorkdayCalendar()


def is_workday(day: date) -> bool:
    return _PACKAGE_CALENDAR.is_workday(day)


def notice_end_date(start: date, days: int = 5, start_counts: bool = True) -> date:
    return _PACKAGE_CALENDAR.notice_end_date(start, days, start_counts)


def workdays_between(start: date, end: date) -> int:
    return _PACKAGE_CALENDAR.workdays_between(start, end)


def workdays_left(end: date, today: date) -> int:
    return _PACKAGE_CALENDAR.workdays_left(end, today)
