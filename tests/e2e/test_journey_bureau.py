"""Journeys (issue 14): a probation ends in 转正 through the party group's meeting; staff fill both
evaluations of the year; HR closes them, sees the results and downloads the report PDF.
"""

from datetime import date

from playwright.sync_api import expect

from selection.models import (
    AnnualEvaluation,
    EvaluatedCadre,
    EvaluationBallot,
    PostHolding,
    ProbationReview,
)
from selection.services import annual

from ..test_probation import probationary
from .pages import alert


def test_a_probation_ends_in_confirmation_through_the_party_groups_meeting(page, live_server, login, world):
    holding, _ = probationary(world, ends_in_days=12)
    login("hr")
    # The task is on 我的待办 from 30 days before the end (R-PRB-2).
    page.get_by_text("试用期满考核：钱多多").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("钱多多")

    appraisal = page.locator("#appraisal")
    for name, value in {
        "expected": "30",
        "actual": "28",
        "competent": "25",
        "basically": "3",
        "incompetent": "0",
    }.items():
        appraisal.locator(f"input[name={name}]").fill(value)
    appraisal.get_by_role("button", name="保存民主测评").click()
    expect(alert(page)).to_contain_text("民主测评结果已录入。")

    assessment = page.locator("#assessment")
    assessment.get_by_label("胜任", exact=True).check()
    assessment.locator("textarea[name=text]").fill("试用期间履职尽责，考核胜任。")
    assessment.get_by_role("button", name="保存考核结论").click()
    expect(alert(page)).to_contain_text("考核结论已录入。")

    decision = page.locator("#decision")
    expect(decision).to_contain_text("表决事项：转正")
    for member in world.members:
        decision.locator(f"select[name=vote_{member.pk}]").select_option(label="同意")
    decision.locator("textarea[name=basis]").fill("试用期满考核胜任，民主测评胜任率100%。")
    decision.get_by_role("button", name="记录党组会议决定").click()
    expect(alert(page)).to_contain_text("党组会议决定已记录")
    expect(page.locator("main")).to_contain_text("决定转正")
    holding.refresh_from_db()
    assert holding.probation_result == PostHolding.Probation.PASSED
    assert ProbationReview.objects.get(holding=holding).outcome == "confirm"


def test_staff_fill_both_evaluations_and_hr_downloads_the_report_pdf(
    page, live_server, login, switch_user, world, staff
):
    report = annual.open_report(world.org, 2026, by=world.hr, today=date(2026, 11, 26))
    cadre_eval = report.evaluations.get(kind="cadre")
    EvaluatedCadre.objects.create(
        evaluation=cadre_eval, cadre=world.cadres[0], post="待遇保障科科长", appointed_on=date(2026, 3, 2)
    )
    for evaluation in report.evaluations.all():
        annual.invite_accounts(evaluation, by=world.hr, users=[staff])
        annual.open_evaluation(evaluation, by=world.hr)

    login("staff")
    page.get_by_text("参加评议：2026年度干部选拔任用工作民主评议").click()
    for index in range(5):
        page.locator(f"#q{index}-{'good' if index else 'fair_good'}").check()
    page.get_by_label("超职数配备干部").check()
    page.get_by_label("意见建议（选填，不超过500字）").fill("进一步扩大民主推荐范围。")
    page.get_by_role("button", name="提交评议").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("评议已提交")
    expect(page.locator("main")).to_contain_text("回执码")

    page.goto(f"{live_server.url}/")
    page.get_by_text("参加评议：2026年度新提拔任用干部民主评议").click()
    page.get_by_label("基本认同").check()
    page.get_by_role("button", name="提交评议").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("评议已提交")
    page.goto(f"{live_server.url}/")
    expect(page.locator("main")).not_to_contain_text("参加评议：")
    assert EvaluationBallot.objects.count() == 2

    switch_user("hr")
    page.goto(f"{live_server.url}/annual/")
    page.get_by_role("link", name="2026年度选人用人工作报告").click()
    for section in ("#evaluation-work", "#evaluation-cadre"):
        page.locator(section).get_by_role("button", name="结束评议并统计").click()
        expect(alert(page)).to_contain_text("已结束并统计")
    assert set(AnnualEvaluation.objects.values_list("phase", flat=True)) == {"closed"}
    results = page.locator("#work-results")
    expect(results).to_contain_text("进一步扩大民主推荐范围。")
    expect(results.locator("#work-chart canvas")).to_have_count(1)  # ECharts drew it, served locally
    expect(page.locator("#cadre-results")).to_contain_text("陈晓明")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载报告（PDF）").click()
    download = info.value
    assert download.suggested_filename == "2026年度选人用人工作报告.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
