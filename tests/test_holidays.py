"""R-CAL-3: an administrator enters a year's holidays as the State Council notice words them — the parser, the
service that stores every version, the 节假日安排 page with its month-by-month preview, the command, and the
reminder banner from 1 November."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import Role
from selection import gates
from selection.holidays import NoticeError, parse_notice
from selection.models import HolidaySchedule
from selection.services import calendar as service
from selection.services.base import Actor, ServiceError
from selection.workdays import CalendarUnavailable, WorkdayCalendar, YearSchedule

from .factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")

# 《国务院办公厅关于2026年部分节假日安排的通知》, as an administrator would paste it.
NOTICE_2026 = """一、元旦：1月1日至3日放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日至23日放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日至6日放假，共3天。
四、劳动节：5月1日至5日放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日至21日放假，共3天。
六、中秋节：9月25日至27日放假，共3天。
七、国庆节：10月1日至7日放假调休，共7天。9月20日（周日）、10月10日（周六）上班。"""

# A 2027 schedule for the tests: New Year's Day is a Friday, the only weekday off that week.
NOTICE_2027 = (
    "一、元旦：1月1日至3日放假，共3天。\n二、春节：2月6日至12日放假调休，共7天。2月14日（周日）上班。"
)


def _all_days(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day = date.fromordinal(day.toordinal() + 1)


def test_r_cal_3_the_2026_notice_as_worded_gives_the_packages_working_days_for_every_day_of_the_year():
    parsed = parse_notice(NOTICE_2026, 2026)
    schedule = YearSchedule(2026, parsed.holidays, parsed.makeup_workdays)
    assert [d for d in _all_days(2026) if schedule.is_workday(d) != chinese_calendar.is_workday(d)] == []
    assert [f.name for f in parsed.festivals] == [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("二、春节：2月15日至23日放假调休，共8天。", "写明“共8天”，但日期范围是 9 天"),
        ("二、春节：2月15日至23日放假调休，共9天。2月14日（周日）上班。", "2月14日是周六，不是周日"),
        ("二、春节：2月15日至23日放假调休，共9天。2月13日上班。", "调休上班日应为周末"),
        ("二、春节：2月30日放假，共1天。", "2月30日不是有效日期"),
        ("元旦放假三天", "没有读到任何节假日安排"),
        ("二、春节：15日至23日放假，共9天。", "起始日期没有月份"),
    ],
)
def test_r_cal_3_a_notice_that_does_not_add_up_is_refused_with_its_line(text, message):
    with pytest.raises(NoticeError, match=message):
        parse_notice(text, 2026)


def test_r_cal_3_a_range_across_months_and_one_reaching_back_into_the_previous_year():
    parsed = parse_notice(
        "七、国庆节：9月30日至10月8日放假调休，共9天。\n一、元旦：12月31日至1月2日放假，共3天。", 2027
    )
    assert date(2027, 9, 30) in parsed.holidays and date(2027, 10, 8) in parsed.holidays
    assert date(2027, 1, 1) in parsed.holidays and date(2026, 12, 31) not in parsed.holidays
    assert any("2026年12月31日不属于 2027 年" in note for note in parsed.notes)


@pytest.mark.django_db
def test_r_cal_3_saving_keeps_every_version_with_who_entered_it(admin_user):
    first = service.save_schedule(
        Actor(admin_user), 2027, "一、元旦：1月1日放假，共1天。", "国办发明电〔2026〕1号"
    )
    assert first.holiday_dates() == {date(2027, 1, 1)}
    service.save_schedule(Actor(admin_user), 2027, NOTICE_2027, "国办发明电〔2026〕1号")
    row = HolidaySchedule.objects.get(year=2027)
    assert date(2027, 2, 14) in row.makeup_dates() and row.updated_by == admin_user
    versions = list(row.history.order_by("history_date"))
    assert [v.history_type for v in versions] == ["+", "~"]
    assert versions[0].holidays == "2027-01-01" and versions[0].history_user == admin_user


@pytest.mark.django_db
def test_r_cal_3_bad_notice_text_writes_nothing(admin_user):
    with pytest.raises(ServiceError, match="共2天"):
        service.save_schedule(Actor(admin_user), 2027, "一、元旦：1月1日至3日放假，共2天。")
    assert not HolidaySchedule.objects.exists()


@pytest.mark.django_db
def test_r_cal_3_without_2027_a_notice_crossing_new_year_is_refused_and_with_it_ends_on_4_january(admin_user):
    with pytest.raises(CalendarUnavailable):
        gates.calendar().notice_end_date(date(2026, 12, 28))
    service.save_schedule(Actor(admin_user), 2027, NOTICE_2027)
    # 12-28..12-31 are days 1–4; 1 January is a holiday, then the weekend; Monday 4 January is day 5.
    assert gates.calendar().notice_end_date(date(2026, 12, 28)) == date(2027, 1, 4)


# ---- the page --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r_cal_3_administrator_previews_the_year_month_by_month_then_saves(client, admin_user):
    client.force_login(admin_user)
    url = reverse("holiday_edit")
    data = {"year": 2027, "source": "国办发明电〔2026〕1号", "notice_text": NOTICE_2027}
    page = client.post(url, data | {"confirm": "preview"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2027年预览" in html and "确认无误，保存" in html
    assert 'data-day="2027-01-01" data-kind="holiday"' in html
    assert 'data-day="2027-02-14" data-kind="makeup"' in html
    months = page.context["months"]
    assert len(months) == 12
    assert months[0].workdays == sum(
        WorkdayCalendar([YearSchedule(2027, frozenset({date(2027, 1, 1)}), frozenset())]).is_workday(d)
        for d in _all_days(2027)
        if d.month == 1
    )
    assert not HolidaySchedule.objects.exists()  # a preview writes nothing

    saved = client.post(url, data | {"confirm": "save"})
    assert saved.status_code == 302
    assert HolidaySchedule.objects.get(year=2027).notice_text == NOTICE_2027
    listing = client.get(reverse("holiday_list")).content.decode()
    assert "2027年" in listing and "国办发明电〔2026〕1号" in listing


@pytest.mark.django_db
def test_r_cal_3_page_refuses_a_bad_notice_in_chinese_and_keeps_the_text(client, admin_user):
    client.force_login(admin_user)
    text = "一、元旦：1月1日至3日放假，共5天。"
    page = client.post(reverse("holiday_edit"), {"year": 2027, "notice_text": text, "confirm": "save"})
    assert page.status_code == 200
    assert "写明“共5天”，但日期范围是 3 天" in page.content.decode()
    assert page.context["form"]["notice_text"].value() == text
    assert not HolidaySchedule.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.HR, Role.SECRETARY, Role.AUDITOR, Role.STAFF])
def test_r_cal_3_only_administrators_enter_holidays(client, org, role):
    client.force_login(UserFactory(organization=org, roles=[role]))
    assert client.get(reverse("holiday_list")).status_code == 403
    assert (
        client.post(
            reverse("holiday_edit"), {"year": 2027, "notice_text": NOTICE_2027, "confirm": "save"}
        ).status_code
        == 403
    )
    assert not HolidaySchedule.objects.exists()


# ---- the reminder ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("when", "shown"),
    [
        (datetime(2026, 10, 31, 10, 0), False),
        (datetime(2026, 11, 1, 10, 0), True),
        (datetime(2026, 12, 28, 9, 0), True),
    ],
)
def test_r_cal_3_hr_is_reminded_from_1_november_while_next_years_schedule_is_missing(client, hr, when, shown):
    with time_machine.travel(when.replace(tzinfo=SHANGHAI), tick=False):
        client.force_login(hr)
        html = client.get(reverse("home")).content.decode()
    assert ('id="holiday-reminder"' in html) is shown
    if shown:
        assert "2027年节假日安排尚未录入" in html and "请联系系统管理员" in html


@pytest.mark.django_db
def test_r_cal_3_the_reminder_links_administrators_to_the_page_and_goes_once_entered(
    client, admin_user, staff
):
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(staff)
        assert 'id="holiday-reminder"' not in client.get(reverse("home")).content.decode()
        client.force_login(admin_user)
        html = client.get(reverse("holiday_list")).content.decode()
        assert f'href="{reverse("holiday_edit")}?year=2027"' in html and "现在录入" in html
        service.save_schedule(Actor(admin_user), 2027, NOTICE_2027)
        assert 'id="holiday-reminder"' not in client.get(reverse("holiday_list")).content.decode()


# ---- the command -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r_cal_3_import_holidays_command_enters_the_year(tmp_path, admin_user):
    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_holidays", "2027", str(notice), "--user", admin_user.username, "--source", "国办", stdout=out
    )
    assert "元旦：01-01 至 01-03 放假 3 天" in out.getvalue() and "已保存" in out.getvalue()
    row = HolidaySchedule.objects.get(year=2027)
    assert row.updated_by == admin_user and row.source == "国办"


@pytest.mark.django_db
def test_r_cal_3_import_holidays_refuses_a_bad_file_and_writes_nothing(tmp_path):
    notice = tmp_path / "2027.txt"
    notice.write_text("一、元旦：1月1日至3日放假，共4天。", encoding="utf-8")
    with pytest.raises(CommandError, match="共4天"):
        call_command("import_holidays", "2027", str(notice), stdout=io.StringIO())
    assert not HolidaySchedule.objects.exists()
