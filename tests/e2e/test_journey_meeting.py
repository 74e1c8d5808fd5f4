"""Journey 2: the party group decides. Seven members meet; one is related to the candidate and recuses;
the others vote by secret ballot online, the chair closes the vote, every present member signs the tally,
and HR publishes the notice (公示)."""

import pytest
from playwright.sync_api import expect

from selection.models import Kinship
from selection.services import voting

from ..factories import CadreFactory
from ..workflow import sign_all, to_decision
from .pages import alert

TODAY = "2026-11-26"


@pytest.fixture
def decision(world):
    """A case at 讨论决定 with 陈晓明 proposed; party-group member 陈志强 (pg3) is 陈晓明's cousin."""
    to_decision(world)
    relative = CadreFactory(organization=world.org, name="陈志强", account=world.members[3])
    Kinship.objects.create(
        cadre=world.candidates[0].cadre, other=relative, category=Kinship.Category.COLLATERAL
    )
    return world


def open_todo(page, title: str) -> None:
    """From 我的待办, open the item whose title contains `title`."""
    page.get_by_role("link", name="选拔通").click()
    page.locator(".list-group-item").filter(has_text=title).first.click()


def vote(page, candidate: str, choice: str) -> None:
    page.get_by_role("group", name=candidate).get_by_text(choice, exact=True).click()
    page.get_by_role("button", name="提交表决").click()
    dialog = page.get_by_role("dialog", name="确认提交表决？")
    expect(dialog).to_contain_text("提交后不能修改")
    dialog.get_by_role("button", name="确认提交").click()
    expect(alert(page)).to_contain_text("表决已提交（1 名人选）")


def test_the_party_group_votes_by_secret_ballot_with_one_member_recused_signs_and_the_case_moves_on(
    page, live_server, login, switch_user, decision
):
    world = decision
    case_url = f"{live_server.url}{world.case.get_absolute_url()}"
    members = {m.get_full_name(): m.username for m in world.members}

    # HR sets up the online meeting from the case page.
    login("hr")
    page.goto(case_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("讨论决定")
    page.get_by_role("link", name="安排党组会议在线表决").click()
    expect(page.get_by_role("heading", name="安排党组会议")).to_be_visible()
    page.get_by_label("会议日期").fill(TODAY)
    page.get_by_label("主持人（主要领导）").select_option(label="王建国")
    for name in members:
        expect(page.get_by_label(name, exact=True)).to_be_checked()
    page.get_by_role("button", name="安排会议").click()
    expect(alert(page)).to_contain_text("党组会议已安排")
    meeting_url = page.url
    expect(page.locator("main")).to_contain_text("会议尚未开始表决")

    # The chair checks everyone in and opens a secret ballot.
    switch_user("pg0")
    open_todo(page, "登记出席情况并开始表决")
    for name in members:
        page.get_by_role("checkbox", name=name).check()
    page.get_by_role("button", name="保存出席情况").click()
    expect(alert(page)).to_contain_text("出席情况已登记：实到 7 人。")
    page.get_by_text("无记名投票", exact=True).click()
    page.get_by_role("button", name="开始表决").click()
    expect(alert(page)).to_contain_text("表决已开始")
    expect(page.locator("main")).to_contain_text("已表决 0 / 6 人")  # seven present, one recused

    # The related member cannot vote on their relative.
    switch_user("pg3")
    page.goto(meeting_url)
    expect(page.locator("main")).to_contain_text("您与陈晓明有亲属关系，已回避，不参加对其的表决（R-DEC-6）")
    expect(page.get_by_role("group", name="陈晓明")).to_have_count(0)
    expect(page.get_by_role("button", name="提交表决")).to_have_count(0)

    # Five members vote, the chair last.
    for username in ("pg1", "pg2", "pg4", "pg5", "pg6", "pg0"):
        switch_user(username)
        open_todo(page, "表决（无记名投票）")
        expect(page.locator("main")).to_contain_text("系统只记录您已投票")
        vote(page, "陈晓明", "同意")
        expect(page.locator("main")).to_contain_text("您已完成表决")
    expect(page.locator("main")).to_contain_text("已表决 6 / 6 人")

    # The chair closes the vote: 6 of 7 agree (the recused member stays in the 7).
    page.get_by_role("button", name="结束表决并计票").click()
    dialog = page.get_by_role("dialog", name="结束表决？")
    dialog.get_by_role("button", name="确认结束").click()
    expect(alert(page)).to_contain_text("表决已结束，请出席成员签字确认表决结果。")
    row = page.get_by_role("row").filter(has_text="陈晓明")
    expect(row.get_by_role("cell").nth(1)).to_have_text("6")
    expect(row).to_contain_text("陈志强（回避）")
    expect(row).to_contain_text("通过")

    # HR cannot publish before the signatures are in.
    switch_user("hr")
    page.goto(case_url)
    page.locator("#next-step").get_by_label("公示范围").fill("局机关及医保中心")
    page.locator("#next-step").get_by_label("监督举报方式").fill("电话0572-5123456、12380")
    page.get_by_role("button", name="发布任职前公示").click()
    expect(alert(page)).to_contain_text("R-DEC-1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("讨论决定")

    # Every present member signs the tally with their password; the recused member too.
    for username in ("pg0", "pg1", "pg2", "pg3", "pg4", "pg5", "pg6"):
        switch_user(username)
        open_todo(page, "签字确认表决结果")
        page.get_by_label("请输入登录密码，确认以上表决结果").fill("pw-for-tests")
        page.get_by_role("button", name="签字确认").click()
        expect(alert(page)).to_contain_text("已签字确认表决结果。")
    expect(page.get_by_role("listitem").filter(has_text="已签字")).to_have_count(7)

    # Now HR publishes the notice and the case moves on to 公示.
    switch_user("hr")
    page.goto(case_url)
    step = page.locator("#next-step")
    expect(step).to_contain_text("公示截止日期为")
    step.get_by_label("公示范围").fill("局机关及医保中心")
    step.get_by_label("监督举报方式").fill("电话0572-5123456、12380")
    step.get_by_role("button", name="发布任职前公示").click()
    expect(alert(page)).to_contain_text("已发布任职前公示。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("公示")
    expect(page.locator("#candidates")).to_contain_text("通过")
    expect(page.locator("#stage-notice")).to_contain_text("2026年11月26日 至")


def test_hr_records_a_show_of_hands_from_the_minutes_with_the_chair_last_and_the_case_moves_on(
    page, live_server, login, decision
):
    world = decision
    login("hr")
    page.goto(f"{live_server.url}{world.case.get_absolute_url()}")
    panel = page.locator("#stage-decision")
    expect(panel).to_contain_text("尚未召开党组会议")
    panel.get_by_label("会议日期").fill(TODAY)
    panel.get_by_label("表决方式").select_option(label="举手表决")
    expect(panel.get_by_label("主持人（党组书记）")).to_have_value(str(world.secretary.pk))
    panel.get_by_role("button", name="录入会议并开始表决").click()
    expect(alert(page)).to_contain_text("已录入党组会议，请录入每位成员的表决意见。")
    panel = page.locator("#stage-decision")
    expect(panel).to_contain_text("回避：陈志强（陈晓明，与人选陈晓明有亲属关系）")
    opinions = panel.get_by_role("group", name="陈晓明")
    expect(opinions).to_contain_text("陈志强：回避")

    # The chair's opinion alone is refused: the main leader states last (R-DEC-3).
    opinions.get_by_label("王建国（主持人）").select_option(label="同意")
    panel.get_by_role("button", name="保存表决意见").click()
    expect(alert(page)).to_contain_text("王建国对陈晓明的意见未能录入")
    expect(alert(page)).to_contain_text("R-DEC-3")

    # The minutes, entered in full: five members, then the chair.
    opinions = page.locator("#stage-decision").get_by_role("group", name="陈晓明")
    for name in ("李红梅", "张卫东", "刘芳", "周明", "吴晓东"):
        opinions.get_by_label(name, exact=True).select_option(label="同意")
    opinions.get_by_label("王建国（主持人）").select_option(label="同意")
    page.get_by_role("button", name="保存表决意见").click()
    expect(alert(page)).to_contain_text("已录入 6 条表决意见。")
    votes = page.locator("#stage-decision").get_by_role("table")
    expect(votes.get_by_role("row")).to_have_count(7)  # a header and six named opinions
    expect(votes.get_by_role("row").last).to_contain_text("王建国")

    page.get_by_role("button", name="结束表决并计票").click()
    dialog = page.get_by_role("dialog", name="结束表决并计票？")  # an irreversible step asks first
    dialog.get_by_role("button", name="确认结束表决并计票").click()
    expect(alert(page)).to_contain_text("表决已结束，结果已记录。")
    expect(page.locator("#candidates")).to_contain_text("通过")

    # The members' sign-offs are the online journey's subject; here they are given through the service.
    sign_all(world.case.meetings.get())
    page.reload()
    step = page.locator("#next-step")
    step.get_by_label("公示范围").fill("局机关及医保中心")
    step.get_by_label("监督举报方式").fill("电话0572-5123456、12380")
    step.get_by_role("button", name="发布任职前公示").click()
    expect(alert(page)).to_contain_text("已发布任职前公示。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("公示")


def test_a_recused_member_has_nothing_to_vote_on(page, live_server, login, decision):
    world = decision
    meeting = voting.schedule_meeting(
        world.case, by=world.hr, held_on=world.case.motion_date, chair=world.secretary, members=world.members
    )
    voting.record_attendance(meeting, by=world.secretary, present=world.members)
    voting.open_voting(meeting, by=world.secretary, method="secret")
    login("pg3")
    expect(page.locator("main")).not_to_contain_text("待表决", timeout=2000)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.locator("main")).to_contain_text("您与陈晓明有亲属关系，已回避")
    expect(page.get_by_role("button", name="提交表决")).to_have_count(0, timeout=2000)
