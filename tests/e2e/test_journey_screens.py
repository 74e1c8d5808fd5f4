"""Journey: the case screens as an HR office works them (issue 10 §5).

A refused form keeps what HR typed; the main leader returns a motion with a comment, HR corrects it and the
main leader approves it; a checklist link opens the exact form; on a phone the case list is a list of cards.
"""

from playwright.sync_api import expect

from ..workflow import open_motion, to_recommendation
from .pages import alert

PHONE = {"width": 390, "height": 844}


def test_a_refused_round_keeps_what_hr_typed(page, live_server, login, world):
    to_recommendation(world)
    login("hr")
    page.goto(f"{live_server.url}{world.case.get_absolute_url()}")
    page.get_by_text("录入推荐结果", exact=True).click()
    form = page.locator("#round-form")
    form.get_by_label("推荐方式").select_option(label="谈话调研推荐")
    form.get_by_label("推荐日期").fill("2026-11-26")
    form.get_by_label("参加范围").fill("中层以上干部和下属单位负责人")
    form.get_by_label("应参加人数").fill("20")
    form.get_by_label("实参加人数").fill("10")
    form.get_by_label("有效票数").fill("10")
    form.get_by_label("陈晓明").fill("11")  # more votes than valid ballots: the service refuses
    form.get_by_role("button", name="保存推荐结果").click()

    expect(alert(page)).to_contain_text("个人得票数不能多于有效票数")
    form = page.locator("#round-form")
    expect(form).to_have_attribute("open", "")
    expect(form.get_by_label("参加范围")).to_have_value("中层以上干部和下属单位负责人")
    expect(form.get_by_label("陈晓明")).to_have_value("11")
    expect(form.locator(".alert-danger")).to_contain_text("个人得票数不能多于有效票数")


def test_the_motion_is_returned_corrected_and_then_approved(page, live_server, login, switch_user, world):
    case = open_motion(world)
    url = f"{live_server.url}{case.get_absolute_url()}"
    login("hr")
    page.goto(url)
    expect(page.locator("#stage-motion")).to_contain_text("等待党组主要领导")

    switch_user("pg0")  # the main leader
    page.goto(url)
    page.get_by_text("退回修改或不同意").click()
    page.get_by_label("主要领导意见").fill("请补充班子结构分析")
    page.get_by_role("button", name="退回修改").click()
    expect(alert(page)).to_contain_text("已退回人事部门修改")
    expect(page.locator("#motion-review")).to_contain_text("退回修改：请补充班子结构分析")

    switch_user("hr")
    page.locator(".list-group-item").filter(has_text="修改动议").click()  # from 我的待办
    expect(page.get_by_role("status")).to_contain_text("请补充班子结构分析")
    page.get_by_label("分析研判情况").fill("待遇保障科科长空缺；班子现有正职二名、副职三名，结构合理。")
    page.get_by_role("button", name="保存修改并重新报批").click()
    expect(alert(page)).to_contain_text("已修改动议，并重新报主要领导审批")
    expect(page.locator("#stage-motion")).to_contain_text("班子现有正职二名")
    expect(page.locator("#stage-motion")).to_contain_text("前次退回意见")

    switch_user("pg0")
    page.goto(url)
    page.get_by_role("button", name="同意启动（主要领导）").click()
    expect(alert(page)).to_contain_text("已同意启动该选拔任用工作")
    expect(page.locator("#motion-review")).to_contain_text("同意")
    expect(page.get_by_role("link", name="修改动议")).to_have_count(0)


def test_a_checklist_link_opens_the_form_that_fixes_it(page, live_server, login, world):
    to_recommendation(world)
    login("hr")
    page.goto(f"{live_server.url}{world.case.get_absolute_url()}")
    expect(page.locator("#round-form")).not_to_have_attribute("open", "")
    checklist = page.locator("#next-step")
    expect(checklist).to_contain_text("人事干部")
    checklist.get_by_role("link", name="去填写：录入推荐结果").first.click()
    expect(page.locator("#round-form")).to_have_attribute("open", "")
    expect(page.get_by_role("button", name="保存推荐结果")).to_be_in_viewport()

    # A candidate's own check opens that person's page at the form.
    page.goto(f"{live_server.url}{world.case.get_absolute_url()}")
    page.locator("#candidates").get_by_role("link", name="陈晓明").click()
    checks = page.locator("section[aria-labelledby=checks-h]")
    checks.get_by_role("link", name="去填写：负面清单核查").first.click()
    expect(page.locator("#negative").get_by_role("button", name="保存核查结果")).to_be_in_viewport()


def test_the_case_list_on_a_phone_is_a_list_of_cards(page, live_server, login, world):
    open_motion(world)
    page.set_viewport_size(PHONE)
    login("hr")
    page.goto(f"{live_server.url}/cases/")
    cards = page.locator(".case-cards")
    expect(cards).to_be_visible()
    expect(page.locator("table")).to_be_hidden()
    card = cards.locator(".card").filter(has_text=world.case.title)
    expect(card).to_contain_text("等待：")
    expect(card).to_contain_text("党组主要领导")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"
    card.get_by_role("link", name=world.case.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.case.title)
