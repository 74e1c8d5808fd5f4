"""Journeys of 竞争上岗: an applicant registers online and later sees their score; an examiner scores on a
phone; HR takes a competitive case from the exam to 考察."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from selection.services import competitive as cmp

from ..competitive_workflow import at, build_contest, score_all, to_exam, to_registration, top_two
from ..workflow import TODAY


def alert(page):
    """The flash messages (not the holiday-schedule reminder that shares their role)."""
    return page.locator("main > .alert-dismissible[role=alert]")


PHONE = {"width": 390, "height": 844}
MIN_TOUCH = 44


@pytest.fixture
def contest(org, hr, clock):
    return build_contest(org, hr)


def test_an_applicant_registers_online_and_later_sees_their_score(page, live_server, login, contest, clock):
    to_registration(contest)
    me = contest.applicants[1]  # 孙悦, for 待遇保障科副科长
    login(me.account.username)
    page.get_by_role("link", name="竞争上岗").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("竞争上岗")
    offer = page.locator(f"#open-{contest.case.pk}")
    offer.get_by_label("待遇保障科副科长").check()
    offer.get_by_label("个人简要情况及竞岗优势").fill("从事待遇保障工作八年。")
    offer.get_by_role("button", name="提交报名").click()
    expect(alert(page)).to_contain_text("已报名")
    expect(page.locator("#mine-h").locator("..")).to_contain_text("结果尚未公布")

    # The others register; HR screens, the exam is held and the results are published.
    for index, cadre in enumerate(contest.applicants):
        if cadre != me:
            cmp.register(contest.case, by=cadre.account, vacancies=[contest.vacancy(0 if index < 3 else 1)])
    contest.registrations = list(contest.case.registrations.order_by("cadre__pk"))
    clock.move_to(at(TODAY + timedelta(days=5)))
    cmp.close_registration(contest.case, by=contest.hr)
    cmp.run_screening(contest.case, by=contest.hr)
    cmp.publish_screening(contest.case, by=contest.hr)
    cmp.start_exam(contest.case, by=contest.hr)
    score_all(contest)
    login(me.account.username)  # days later: a new session (sessions end after 30 idle minutes)
    page.get_by_role("link", name="竞争上岗").first.click()
    expect(page.get_by_text("符合条件")).to_be_visible()
    expect(page.get_by_text("考试成绩尚未公布")).to_be_visible()
    cmp.fix_advancing(
        contest.case, by=contest.hr, decided_on=TODAY + timedelta(days=5), chosen=top_two(contest)
    )
    cmp.publish_results(contest.case, by=contest.hr)
    page.reload()
    scores = page.locator("[id^=my-scores-]")
    expect(scores).to_contain_text("综合 84.80")
    expect(scores).to_contain_text("待遇保障科副科长：第 1 名（共 3 人）")
    expect(scores).to_contain_text("已确定为“待遇保障科副科长”民主测评和考察人选")


def test_an_examiner_enters_scores_on_a_phone(page, live_server, login, contest, clock):
    to_exam(contest, clock)
    cmp.set_examiners(contest.case, by=contest.hr, users=contest.examiners)
    cmp.record_written_scores(
        contest.case, by=contest.hr, scores={r.pk: "80" for r in contest.registrations[:5]}
    )
    page.set_viewport_size(PHONE)
    login(contest.examiners[0].username)
    duty = page.get_by_role("link", name=f"面试评分：{contest.case.title}")  # 我的待办 after logging in
    assert duty.bounding_box()["height"] >= MIN_TOUCH
    duty.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("面试评分")
    page.wait_for_load_state()  # the fields' sizes below with the stylesheet applied
    expect(page.get_by_text("已评 0/5 人")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for name, score in zip(
        ("钱进", "孙悦", "李想", "周全", "吴迪"), ("80", "88.5", "75", "82", "86"), strict=True
    ):
        box = page.get_by_label(name)
        assert box.bounding_box()["height"] >= MIN_TOUCH
        box.fill(score)
    page.get_by_label("钱进").fill("120")  # a slip of the finger: refused, nothing saved
    page.get_by_role("button", name="保存评分").click()
    expect(alert(page)).to_contain_text("成绩须在 0 至 100 之间")
    expect(page.get_by_text("已评 0/5 人")).to_be_visible()
    page.get_by_label("钱进").fill("80")
    for name, score in zip(("孙悦", "李想", "周全", "吴迪"), ("88.5", "75", "82", "86"), strict=True):
        page.get_by_label(name).fill(score)
    page.get_by_role("button", name="保存评分").click()
    expect(alert(page)).to_contain_text("已保存 5 人的面试评分")
    expect(page.get_by_text("已评 5/5 人")).to_be_visible()
    expect(page.get_by_label("孙悦")).to_have_value("88.50")


def test_hr_takes_a_competitive_case_to_inspection(page, live_server, login, contest, clock):
    to_exam(contest, clock)
    score_all(contest)
    login("hr")
    page.goto(f"{live_server.url}{contest.case.get_absolute_url()}")
    page.get_by_role("link", name="实施方案、报名、资格审查、笔试面试").click()
    expect(page.locator("#next-step")).to_contain_text("R-CMP-6")  # the list is not fixed yet
    scores = page.locator("#scores")
    expect(scores).to_contain_text("第 1 名 孙悦：84.80")
    expect(scores.get_by_label("第 2 名 钱进：82.00（笔试 85.00，面试 80.00）")).to_be_checked()
    expect(scores.get_by_label("第 3 名 李想：73.00（笔试 70.00，面试 75.00）")).not_to_be_checked()
    scores.get_by_label("党组会议研究日期").fill((TODAY + timedelta(days=5)).isoformat())
    scores.get_by_role("button", name="党组研究确定考察人选").click()
    expect(alert(page)).to_contain_text("已确定进入民主测评和考察的人选")
    page.get_by_role("button", name="向报名人公布成绩和考察人选").click()
    expect(alert(page)).to_contain_text("已公布考试成绩和考察人选")
    page.get_by_role("button", name="进入民主测评和考察").click()
    expect(alert(page)).to_contain_text("已进入民主测评和考察")
    expect(page.get_by_role("heading", level=1)).to_contain_text("考察")
    expect(page.locator("#candidates")).to_contain_text("孙悦")
