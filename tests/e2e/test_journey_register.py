"""Journey: HR opens 我的待办, follows "试用期本月到期" to the list, opens 干部结构分析, clicks a bar through
to the cadres it counts, and exports the 花名册 as a PDF (issue 15)."""

from datetime import date

from playwright.sync_api import expect

from selection.models import Cadre, PostHolding, Rank

from ..factories import PostFactory


def test_hr_follows_the_dashboard_and_a_chart_to_the_cadres_and_exports_the_roster(
    page, live_server, login, world
):
    lin = Cadre.objects.get(name="林静")
    PostHolding.objects.filter(cadre=lin).update(
        probation_ends_on=date(2026, 11, 30), probation_result=PostHolding.Probation.PENDING
    )
    chief = Cadre.objects.get(name="赵磊")
    PostHolding.objects.filter(cadre=chief).update(ended_on=date(2026, 1, 1))
    chief.holdings.create(
        post=PostFactory(organization=world.org, rank=Rank.CHIEF), started_on=date(2026, 1, 2)
    )

    page.set_default_timeout(60_000)  # the PDF and the charts take a while on a busy machine
    login("hr")
    card = page.locator('[data-alert="probation_this_month"]')
    expect(card).to_contain_text("试用期本月到期")
    expect(card).to_contain_text("1")
    card.click()
    # The card opens the 试用期 page, listing exactly that probation, each row linking to its page.
    expect(page.get_by_role("heading", name="试用期本月到期")).to_be_visible()
    expect(page.locator("#ending-count")).to_have_text("1")
    expect(page.get_by_role("table").get_by_role("link", name="林静")).to_be_visible()
    # The cadre list's filter of the same name shows the same person.
    page.goto(f"{live_server.url}/cadres/?probation=this_month")
    expect(page.get_by_role("heading", name="干部信息")).to_be_visible()
    expect(page.get_by_text("共 1 人")).to_be_visible()
    expect(page.get_by_text("试用期：试用期本月到期")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("link", name="林静")).to_be_visible()

    page.get_by_role("link", name="干部结构分析").click()
    expect(page.get_by_role("heading", name="干部结构分析")).to_be_visible()
    chart = page.locator("#chart-rank")
    expect(chart).to_have_attribute("data-chart-ready", "1")
    chart.scroll_into_view_if_needed()
    # The 中层副职 bar (林静 and 陈晓明): its pixel position from ECharts, clicked like a person would.
    x, y = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById('chart-rank'));
          return chart.convertToPixel({seriesIndex: 0}, [1, 1]);
        }"""
    )
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/cadres/?*rank=deputy*")
    expect(page.get_by_role("heading", name="干部信息")).to_be_visible()
    expect(page.get_by_text("共 2 人")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text="林静")).to_have_count(1)
    expect(rows.filter(has_text="陈晓明")).to_have_count(1)
    expect(rows.filter(has_text="赵磊")).to_have_count(0)

    page.get_by_role("link", name="花名册").click()
    expect(page.get_by_role("heading", name="导出花名册")).to_be_visible()
    expect(page.locator("#roster-count")).to_have_text("2")
    page.get_by_label("公民身份号码").check()
    page.get_by_role("button", name="导出花名册").click()
    # The worker builds it (inline in tests); the job page's progress bar runs to 100% and offers the file.
    expect(page.get_by_role("progressbar", name="生成进度")).to_have_attribute("aria-valuenow", "100")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith("干部花名册.pdf")
