"""Journey: on 28 December 2026 a notice cannot be timed because 2027's holidays are missing; the refusal names
the administrator and links to the 节假日安排 page; the administrator enters 2027 as the State Council words it,
checks the month-by-month preview and saves; the notice then ends on Monday 4 January 2027 (R-CAL-3)."""

from datetime import datetime

from playwright.sync_api import expect

from selection.services import cases as svc

from ..workflow import TODAY, sign_all, to_decision, vote_all
from .conftest import SHANGHAI
from .pages import alert

NOTICE_2027 = (
    "一、元旦：1月1日至3日放假，共3天。\n二、春节：2月6日至12日放假调休，共7天。2月14日（周日）上班。"
)


def test_a_missing_years_holidays_are_entered_by_the_administrator_and_the_notice_then_ends_on_4_january(
    page, live_server, switch_user, login, clock, world, admin_user
):
    to_decision(world)
    meeting = svc.convene_meeting(
        world.case,
        by=world.hr,
        held_on=TODAY,
        method="hands",
        chair=world.secretary,
        members=world.members,
        present=world.members[:6],
    )
    vote_all(world, meeting)
    svc.close_meeting(meeting, by=world.secretary)
    sign_all(meeting)
    admin_user.full_name = "系统管理员李强"
    admin_user.save()

    clock.move_to(datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    login("hr")
    expect(page.locator("#holiday-reminder")).to_contain_text("2027年节假日安排尚未录入")
    page.goto(f"{live_server.url}{world.case.get_absolute_url()}")
    page.get_by_label("公示开始日期").fill("2026-12-28")
    page.get_by_label("公示开始日期").dispatch_event("change")
    end = page.locator("#notice-end")
    expect(end).to_contain_text("2027年的节假日安排尚未录入")
    expect(end).to_contain_text("系统管理员李强")
    expect(end.get_by_role("link", name="系统管理 › 节假日安排")).to_have_attribute("href", "/calendar/")

    switch_user(admin_user.username)
    page.get_by_role("link", name="现在录入").click()
    page.get_by_label("依据（通知名称或文号）").fill("国办发明电〔2026〕×号")
    page.get_by_label("通知原文").fill(NOTICE_2027)
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_role("heading", name="2027年预览")).to_be_visible()
    expect(page.locator('td[data-day="2027-01-01"]')).to_have_attribute("data-kind", "holiday")
    expect(page.locator('td[data-day="2027-02-14"]')).to_have_attribute("data-kind", "makeup")
    page.get_by_role("button", name="确认无误，保存").click()
    expect(alert(page)).to_contain_text("2027年节假日安排已保存")
    expect(page.locator("#holiday-reminder")).to_have_count(0)

    switch_user("hr")
    page.goto(f"{live_server.url}{world.case.get_absolute_url()}")
    page.get_by_label("公示开始日期").fill("2026-12-28")
    page.get_by_label("公示开始日期").dispatch_event("change")
    expect(page.locator("#notice-end")).to_contain_text("公示截止日期为 2027年1月4日")
