"""Journey 5: a party-group member votes on a phone (390 × 844): big buttons, a clear confirmation, and
no page wider than the screen. HR's case page stays usable on the same phone."""

import pytest
from playwright.sync_api import expect

from selection.services import voting

from ..workflow import TODAY, to_decision, to_notice
from .pages import alert

PHONE = {"width": 390, "height": 844}
MIN_TOUCH = 44  # CSS pixels: the smallest comfortable touch target


def assert_no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"


@pytest.fixture
def voting_open(world):
    """A case at 讨论决定 whose online meeting is voting by secret ballot, all seven present."""
    to_decision(world)
    meeting = voting.schedule_meeting(
        world.case, by=world.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )
    voting.record_attendance(meeting, by=world.secretary, present=world.members)
    voting.open_voting(meeting, by=world.secretary, method="secret")
    return world


def test_a_member_votes_on_a_phone_with_big_buttons_and_a_clear_confirmation(
    page, live_server, login, voting_open
):
    page.set_viewport_size(PHONE)
    login("pg1")
    assert_no_horizontal_scroll(page)
    page.locator(".list-group-item").filter(has_text="表决（无记名投票）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("党组会议")
    page.wait_for_load_state()  # sizes are measured with the stylesheet applied, not from the bare HTML
    assert_no_horizontal_scroll(page)

    ballot = page.get_by_role("group", name="陈晓明")
    for choice in ("同意", "不同意", "缓议"):
        box = ballot.get_by_text(choice, exact=True).bounding_box()
        assert box is not None and box["height"] >= MIN_TOUCH, f"{choice}: {box}"
        assert box["width"] >= 100, f"{choice}: {box}"
    submit = page.get_by_role("button", name="提交表决")
    assert submit.bounding_box()["height"] >= MIN_TOUCH
    assert submit.bounding_box()["width"] >= PHONE["width"] * 0.8

    ballot.get_by_text("同意", exact=True).click()
    submit.click()
    dialog = page.get_by_role("dialog", name="确认提交表决？")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("提交后不能修改")
    confirm = dialog.get_by_role("button", name="确认提交")
    back = dialog.get_by_role("button", name="返回修改")
    expect(back).to_be_visible()
    box = confirm.bounding_box()
    assert box["height"] >= MIN_TOUCH and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    confirm.click()

    expect(alert(page)).to_contain_text("表决已提交（1 名人选）")
    expect(page.get_by_role("status")).to_contain_text("您已完成表决")
    page.wait_for_load_state()
    assert_no_horizontal_scroll(page)


def test_hr_case_page_at_notice_stays_usable_on_a_phone(page, live_server, login, world):
    to_notice(world)
    page.set_viewport_size(PHONE)
    login("hr")
    page.goto(f"{live_server.url}{world.case.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("公示")
    assert_no_horizontal_scroll(page)
    # The navigation folds into a menu button that opens.
    page.get_by_role("button", name="展开导航").click()
    expect(page.locator("#main-nav").get_by_role("link", name="选拔任用")).to_be_visible()
    # The next step's form is reachable and its button is a full-width target.
    step_button = page.get_by_role("button", name="办理任职")
    step_button.scroll_into_view_if_needed()
    expect(step_button).to_be_visible()
    assert step_button.bounding_box()["width"] >= PHONE["width"] * 0.8
