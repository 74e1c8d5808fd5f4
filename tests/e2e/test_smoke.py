"""The first thing anyone does: log in and find their way."""

from playwright.sync_api import expect


def test_hr_logs_in_and_sees_the_registry_and_cases_in_the_navigation(page, live_server, login, hr):
    login("hr")
    nav = page.locator("nav.navbar")
    expect(nav).to_contain_text("我的待办")
    expect(nav).to_contain_text("干部信息")
    expect(page.locator("main")).to_contain_text("我的待办")


def test_a_wrong_password_is_refused_in_chinese(page, live_server, hr):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("hr")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("main")).to_contain_text("请输入一个正确的")
