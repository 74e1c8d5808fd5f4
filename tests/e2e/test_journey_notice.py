"""Journey 3: the notice (公示) runs its working days, a complaint is investigated and concluded, and the
cadre is appointed; their cadre page's post history shows the new post.

The case is seeded at 公示 on Thursday 26 November 2026 (five working days: to Wednesday 2 December);
the test moves the server's clock on as the days pass.
"""

from datetime import datetime

from playwright.sync_api import expect

from ..workflow import to_notice
from .conftest import SHANGHAI
from .pages import alert


def test_after_the_notice_and_a_concluded_complaint_the_cadre_is_appointed_and_their_post_history_shows_it(
    page, live_server, login, clock, world
):
    to_notice(world)
    case_url = f"{live_server.url}{world.case.get_absolute_url()}"

    # Monday 30 November: three working days left, counting today.
    clock.move_to(datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI))
    login("hr")
    page.goto(case_url)
    notice = page.locator("#stage-notice")
    expect(notice).to_contain_text("2026年11月26日 至 2026年12月2日")
    expect(notice).to_contain_text("3 个工作日（含今天）")

    # A letter about the candidate arrives; HR registers it.
    notice.get_by_text("登记信访举报", exact=True).click()
    notice.get_by_label("反映对象").select_option(label="陈晓明")
    notice.get_by_label("收到日期").fill("2026-11-30")
    notice.get_by_label("反映内容").fill("反映陈晓明在项目验收中把关不严。")
    notice.get_by_role("button", name="登记").click()
    expect(alert(page)).to_contain_text("已登记信访举报。")
    expect(page.locator("#stage-notice")).to_contain_text("调查中")

    # Appointing now is refused: the notice has not run out and the complaint is open.
    step = page.locator("#next-step")
    step.get_by_label("任职通知文号").fill("医保党〔2026〕31号")
    step.get_by_role("button", name="办理任职").click()
    expect(alert(page)).to_contain_text("R-APP-1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("公示")

    # Tuesday 1 December: the investigation concludes, no effect on the appointment (concluded today, never
    # dated ahead: R-REG-4).
    clock.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    login("hr")  # a day later: a fresh sign-in (sessions end after 30 idle minutes)
    page.goto(case_url)
    notice = page.locator("#stage-notice")
    notice.get_by_text("办结", exact=True).click()
    notice.get_by_label("调查核实情况").fill("经核实，该项目验收符合规定程序，反映问题不属实。")
    notice.get_by_label("结论").select_option(label="不影响任职")
    notice.get_by_label("办结日期").fill("2026-12-01")
    notice.get_by_role("button", name="保存调查结论").click()
    expect(alert(page)).to_contain_text("信访举报已办结。")
    expect(page.locator("#stage-notice")).to_contain_text("不影响任职")
    expect(page.locator("#stage-notice")).to_contain_text("2026年12月1日办结")

    # Thursday 3 December: the notice has run out; HR appoints.
    clock.move_to(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI))
    login("hr")
    page.goto(case_url)
    expect(page.locator("#stage-notice")).to_contain_text("公示期已满")
    step = page.locator("#next-step")
    step.get_by_label("任职通知文号").fill("医保党〔2026〕31号")
    expect(step.get_by_label("任职通知日期")).to_have_value("2026-12-03")
    step.get_by_label("任职谈话日期").fill("2026-12-03")
    step.get_by_label("谈话人").fill("王建国")
    step.get_by_role("button", name="办理任职").click()
    expect(alert(page)).to_contain_text("已办理任职")
    expect(page.get_by_role("heading", level=1)).to_contain_text("任职")
    expect(page.locator("#stage-appointment")).to_contain_text("陈晓明 任待遇保障科科长：医保党〔2026〕31号")

    # The cadre's page: the new post is current, the old deputy post has ended.
    page.locator("#candidates").get_by_role("link", name="陈晓明").click()
    page.locator("main").get_by_role("link", name="干部信息").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("陈晓明")
    history = page.get_by_role("region", name="任职经历")
    new_post = history.get_by_role("row").filter(has_text="待遇保障科科长")
    expect(new_post).to_contain_text("正职")
    expect(new_post).to_contain_text("2026年11月26日")  # tenure counts from the meeting (R-APP-2)
    expect(new_post).to_contain_text("现任")
    old_post = history.get_by_role("row").filter(has_text="副科长")
    expect(old_post).to_have_count(1)
    expect(old_post).not_to_contain_text("现任")
    expect(page.get_by_role("row", name="现任职务")).to_contain_text("待遇保障科科长（正职")
