"""Journey (issue 7): staff cast recommendation ballots, one through their account and one with a printed
slip code, and check their receipts before and after the count."""

import re

from playwright.sync_api import expect

from selection.services import voting

from ..workflow import to_recommendation
from .pages import alert, pick

TODAY = "2026-11-26"


def cast(page, name: str) -> str:
    """Pick `name` on the open ballot, confirm, and return the receipt code shown."""
    page.get_by_text(name, exact=True).click()
    page.get_by_role("button", name="提交选票").click()
    dialog = page.get_by_role("dialog", name="确认提交选票？")
    expect(dialog).to_contain_text("提交成功后将显示回执码")
    dialog.get_by_role("button", name="确认提交").click()
    expect(page.get_by_role("heading", name="选票已提交")).to_be_visible()
    return page.locator(".user-select-all").inner_text().strip()


def check_receipt(page, live_server, receipt: str) -> None:
    page.goto(f"{live_server.url}/vote/receipt/")
    page.get_by_label("回执码").fill(receipt)
    page.get_by_role("button", name="查询").click()


def test_staff_vote_by_account_and_by_slip_and_find_their_receipts_counted(
    page, live_server, login, switch_user, logout, world, staff
):
    to_recommendation(world)
    login("hr")
    page.goto(f"{live_server.url}{world.case.get_absolute_url()}")
    page.get_by_role("link", name="会议推荐、民主测评投票箱").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("会议推荐和民主测评投票")
    page.get_by_label("类别").select_option(label="会议推荐")
    page.get_by_label("名称").fill("待遇保障科科长会议推荐")
    page.get_by_label("日期").fill(TODAY)
    page.get_by_label("参加范围").fill("全体在职干部职工")
    page.get_by_role("button", name="设置").click()
    expect(alert(page)).to_contain_text("已设置投票")
    box_url = page.url

    # One colleague with an account is invited; one slip is printed for a colleague without one.
    invite = page.locator("form").filter(has_text="邀请有账号的人员")
    invite.get_by_label("人员类别").select_option(label="其他干部职工")
    pick(invite, "人员", "王晓", "王晓峰")
    invite.get_by_role("button", name="邀请").click()
    expect(alert(page)).to_contain_text("已邀请 1 人。")
    slips = page.locator("form").filter(has_text="为无账号人员打印投票条")
    slips.get_by_label("人员类别").select_option(label="其他干部职工")
    slips.get_by_label("张数").fill("1")
    slips.get_by_role("button", name="生成并打印").click()
    expect(page.locator("main")).to_contain_text("投票码只显示这一次")
    code = page.locator(".card .fs-3.font-monospace").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{6,}", code), code
    page.goto(box_url)
    expect(page.locator("main")).to_contain_text("应参加 2 人（账号 1 人，投票条 1 张）")
    page.get_by_role("button", name="开始网上投票").click()
    expect(alert(page)).to_contain_text("投票已开始。")

    # The invited colleague votes from 我的待办.
    switch_user("staff")
    page.locator(".list-group-item").filter(has_text="会议推荐投票：待遇保障科科长会议推荐").click()
    expect(page.locator("main")).to_contain_text("选票上没有您的姓名")
    account_receipt = cast(page, "陈晓明")
    page.goto(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text("暂无待办事项")

    # The slip holder votes without an account.
    logout()
    page.goto(f"{live_server.url}/vote/")
    page.get_by_label("投票条上的投票码").fill(code)
    page.get_by_role("button", name="下一步").click()
    slip_receipt = cast(page, "林静")
    assert slip_receipt != account_receipt

    # The same slip cannot vote twice.
    page.goto(f"{live_server.url}/vote/")
    page.get_by_label("投票条上的投票码").fill(code)
    page.get_by_role("button", name="下一步").click()
    expect(alert(page)).to_contain_text(voting.BAD_CODE)
    expect(page.get_by_role("heading", name="凭投票码投票")).to_be_visible()

    # Before the count, a receipt is in the box but not yet counted.
    check_receipt(page, live_server, slip_receipt)
    expect(page.get_by_role("status")).to_contain_text("投票结束后计入计票结果")

    # HR closes the vote; both receipts are now counted; a made-up one is not found.
    login("hr")
    page.goto(box_url)
    page.get_by_role("button", name="结束投票并计票").click()
    page.get_by_role("dialog", name="结束投票并计票？").get_by_role(
        "button", name="确认结束投票并计票"
    ).click()
    expect(alert(page)).to_contain_text("投票已结束并完成计票。")
    tally = page.get_by_role("table")
    expect(tally.get_by_role("row").filter(has_text="实参加人数")).to_contain_text("2")
    expect(tally.get_by_role("row").filter(has_text="陈晓明")).to_contain_text("1")
    expect(tally.get_by_role("row").filter(has_text="林静")).to_contain_text("1")
    for receipt in (account_receipt, slip_receipt):
        check_receipt(page, live_server, receipt)
        expect(page.get_by_role("status")).to_contain_text("已计入计票结果")
    check_receipt(page, live_server, "NOT-A-RECEIPT")
    expect(page.get_by_role("status")).to_contain_text("没有找到该回执码对应的选票")
