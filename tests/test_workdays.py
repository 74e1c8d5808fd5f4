"""Working days (R-CAL-1..3) and the public-notice end date they give (R-NOT-2). Pure: no database."""

from datetime import date

import pytest

from selection.models.calendar import HolidaySchedule
from selection.workdays import (
    PACKAGE_YEARS,
    CalendarUnavailable,
    WorkdayCalendar,
    YearSchedule,
    is_workday,
    notice_end_date,
    workdays_between,
    workdays_left,
)

# 2027 is not in chinese_calendar 1.11; these dates stand in for an administrator's entry.
SCHEDULE_2027 = YearSchedule(
    year=2027,
    holidays=frozenset({date(2027, 1, 1)}),
    makeup_workdays=frozenset({date(2027, 1, 9)}),
)


def test_package_covers_2004_to_2026():
    assert range(2004, 2027) == PACKAGE_YEARS


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 30), True),  # an ordinary Wednesday
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),  # a weekday made a rest day (调休)
        (date(2026, 10, 10), True),  # a Saturday made a working day
        (date(2026, 10, 11), False),  # an ordinary Sunday
        (date(2026, 10, 17), False),  # an ordinary Saturday
    ],
)
def test_workday_follows_holidays_and_makeup_days(day, expected):
    """R-CAL-1: Monday–Friday unless a holiday or 调休 rest day; a weekend day announced as a working day counts."""
    assert is_workday(day) is expected


def test_notice_published_before_national_day_2026_ends_on_october_12():
    """R-CAL-2 / R-NOT-2: 9-30 is day 1, then 10-08, 10-09, the make-up Saturday 10-10, and 10-12."""
    assert notice_end_date(date(2026, 9, 30)) == date(2026, 10, 12)
    assert workdays_between(date(2026, 9, 30), date(2026, 10, 12)) == 5


def test_notice_published_on_a_holiday_starts_counting_at_the_next_working_day():
    """R-CAL-2: only a working publication day counts as day 1."""
    assert notice_end_date(date(2026, 10, 1)) == date(2026, 10, 13)


def test_notice_where_the_publication_day_does_not_count_ends_a_working_day_later():
    """R-CAL-2 *(setting)*: counting from the next day."""
    assert notice_end_date(date(2026, 9, 30), start_counts=False) == date(2026, 10, 13)


def test_one_working_day_notice_ends_on_its_publication_day():
    assert notice_end_date(date(2026, 9, 30), days=1) == date(2026, 9, 30)


def test_notice_of_no_working_days_is_refused():
    with pytest.raises(ValueError, match="至少为 1 个工作日"):
        notice_end_date(date(2026, 9, 30), days=0)


def test_workdays_between_counts_both_ends_and_nothing_when_reversed():
    assert workdays_between(date(2026, 10, 8), date(2026, 10, 12)) == 4
    assert workdays_between(date(2026, 10, 12), date(2026, 10, 8)) == 0


def test_workdays_left_counts_today_and_reaches_zero_after_the_end():
    assert workdays_left(date(2026, 10, 12), date(2026, 10, 9)) == 3
    assert workdays_left(date(2026, 10, 12), date(2026, 10, 12)) == 1
    assert workdays_left(date(2026, 10, 12), date(2026, 10, 13)) == 0


def test_year_outside_the_package_is_refused_not_guessed_as_monday_to_friday():
    """R-CAL-3: 2027-01-04 is a Monday, yet without a schedule it is not called a working day."""
    with pytest.raises(CalendarUnavailable) as refused:
        is_workday(date(2027, 1, 4))
    assert refused.value.year == 2027
    assert str(refused.value) == (
        "2027年的节假日安排尚未录入，无法按工作日计算公示期：请联系系统管理员在“节假日安排”页面录入该年度安排。"
    )


def test_notice_running_into_an_uncovered_year_is_refused():
    """R-CAL-3: a notice published on 2026-12-29 needs 2027's schedule."""
    with pytest.raises(CalendarUnavailable):
        notice_end_date(date(2026, 12, 29))


def test_administrator_schedule_covers_a_year_the_package_does_not():
    """R-CAL-3: with the 2027 schedule entered, 2027 dates are counted from it."""
    calendar = WorkdayCalendar([SCHEDULE_2027])
    assert calendar.covers(2027)
    assert not WorkdayCalendar().covers(2027)
    assert calendar.is_workday(date(2027, 1, 1)) is False  # holiday (a Friday)
    assert calendar.is_workday(date(2027, 1, 9)) is True  # make-up Saturday
    assert calendar.is_workday(date(2027, 1, 10)) is False  # ordinary Sunday
    # 12-29, 12-30, 12-31 (2026, package), then 2027-01-04 and 01-05: 01-01 is a holiday.
    assert calendar.notice_end_date(date(2026, 12, 29)) == date(2027, 1, 5)


def test_administrator_schedule_takes_precedence_over_the_package():
    """R-CAL-3: an override for 2026 replaces the package's 2026 data entirely."""
    override = YearSchedule(2026, holidays=frozenset({date(2026, 10, 12)}), makeup_workdays=frozenset())
    calendar = WorkdayCalendar([override])
    assert calendar.is_workday(date(2026, 10, 12)) is False
    assert calendar.is_workday(date(2026, 10, 1)) is True  # the override does not list National Day


def test_schedule_rejects_dates_of_another_year_and_days_both_off_and_worked():
    with pytest.raises(ValueError, match="不属于 2027 年"):
        YearSchedule(2027, holidays=frozenset({date(2026, 12, 31)}), makeup_workdays=frozenset())
    with pytest.raises(ValueError, match="既是休息日又是调休上班日"):
        YearSchedule(
            2027, holidays=frozenset({date(2027, 1, 9)}), makeup_workdays=frozenset({date(2027, 1, 9)})
        )


def test_holiday_schedule_model_feeds_a_year_schedule():
    """R-CAL-3: the admin's 节假日安排 row (unsaved here) converts to the override this module reads."""
    row = HolidaySchedule(year=2027, holidays="2027-01-01\n2027-02-08", makeup_workdays="2027-02-07")
    schedule = YearSchedule(row.year, row.holiday_dates(), row.makeup_dates())
    calendar = WorkdayCalendar([schedule])
    assert calendar.is_workday(date(2027, 2, 7)) is True  # a Sunday worked
    assert calendar.is_workday(date(2027, 2, 8)) is False  # a Monday off
