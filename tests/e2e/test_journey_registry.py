"""Journey 6: HR finds a cadre, edits them with a mistyped ID number, is told why in Chinese, and nothing
is saved."""

from playwright.sync_api import expect

from selection.models import Cadre

from .pages import alert


def mistype_check_digit(number: str) -> str:
    """The same number with a wrong last (check) digit."""
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def test_hr_edits_a_cadre_with_a_bad_id_number_sees_the_chinese_error_and_nothing_is_saved(
    page, live_server, login, world
):
    cadre = Cadre.objects.get(name="林静")
    good_number = cadre.id_number

    login("hr")
    page.locator("nav.navbar").get_by_role("link", name="干部信息").click()
    expect(page.get_by_role("heading", name="干部信息")).to_be_visible()
    page.get_by_label("姓名").fill("林静")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("共 1 人")).to_be_visible()
    page.get_by_role("table").get_by_role("link", name="林静").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("林静")
    expect(page.get_by_role("cell", name=good_number)).to_be_visible()

    page.get_by_role("link", name="编辑").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("编辑干部信息：林静")
    id_field = page.get_by_label("公民身份号码")
    expect(id_field).to_have_value(good_number)
    id_field.fill(mistype_check_digit(good_number))
    page.get_by_label("健康状况").fill("良好")  # a second change in the same submission
    page.get_by_role("button", name="保存").click()

    expect(alert(page)).to_contain_text("保存失败：请按提示更正标红的内容，本次填写的内容尚未保存。")
    expect(page.get_by_text("公民身份号码无效：请检查位数（18位）和最后一位校验码。")).to_be_visible()
    expect(page.get_by_label("公民身份号码")).to_have_value(mistype_check_digit(good_number))  # kept to fix

    # Back on the cadre's page: both fields as they were.
    page.get_by_role("navigation", name="当前位置").get_by_role("link", name="林静").click()
    expect(page.get_by_role("cell", name=good_number)).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="健康状况")).to_contain_text("健康")
    expect(page.get_by_role("row").filter(has_text="健康状况")).not_to_contain_text("良好")
    cadre.refresh_from_db()
    assert (cadre.id_number, cadre.health) == (good_number, "健康")
