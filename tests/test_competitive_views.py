"""竞争上岗 screens: HR's page, the applicant's page, the examiner's page and the PDFs — permissions,
refusals in Chinese with nothing written, and query counts that stay flat as registrations grow."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from selection.models import CaseStatus, InterviewScore, Registration
from selection.services import competitive as cmp

from .competitive_workflow import (
    applicant,
    at,
    build_contest,
    register_all,
    score_all,
    to_exam,
    to_inspection,
    to_registration,
    to_screening,
    top_two,
)
from .factories import UserFactory
from .workflow import TODAY


@pytest.fixture
def clock():
    with time_machine.travel(at(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def contest(org, hr, clock):
    return build_contest(org, hr)


def login(client, user):
    client.force_login(user)
    return client


def hub(contest):
    return reverse("competitive_case", args=[contest.case.pk])


# ---- HR's page -----------------------------------------------------------------------------------------


def test_hr_writes_the_plan_and_publishes_it_through_the_page(client, contest):
    from .competitive_workflow import open_contest

    open_contest(contest)
    login(client, contest.hr)
    page = client.get(hub(contest))
    assert page.status_code == 200 and "公布实施方案，开始报名" in page.content.decode()
    bad = client.post(reverse("competitive_plan", args=[contest.case.pk]), {"written_weight": "abc"})
    assert bad.status_code == 200 and "提交失败" in bad.content.decode()
    response = client.post(reverse("competitive_step", args=[contest.case.pk, "publish_plan"]), follow=True)
    assert "已公布实施方案" in response.content.decode()
    contest.case.refresh_from_db()
    assert contest.case.status == CaseStatus.REGISTRATION


def test_daily_case_page_shows_the_competitive_panel_and_no_daily_step(client, contest):
    to_registration(contest)
    login(client, contest.hr)
    page = client.get(contest.case.get_absolute_url()).content.decode()
    assert "实施方案、报名、资格审查、笔试面试" in page
    assert "进入民主推荐" not in page
    assert "报名" in page  # the progress bar names the competitive stages


def test_staff_and_other_organizations_cannot_use_hr_pages(client, contest, staff, outsider):
    to_registration(contest)
    login(client, staff)
    assert client.get(hub(contest)).status_code == 403
    assert (
        client.post(reverse("competitive_step", args=[contest.case.pk, "close_registration"])).status_code
        == 403
    )
    login(client, outsider)
    assert client.get(hub(contest)).status_code == 404


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_hr_page_queries_stay_flat(client, contest, clock, django_assert_max_num_queries):
    to_exam(contest, clock)
    score_all(contest)
    login(client, contest.hr)
    with django_assert_max_num_queries(40):
        page = client.get(hub(contest))
    assert "综合成绩排名" in page.content.decode()
    before = _queries(client, hub(contest))
    for i in range(6):  # more qualified applicants with scores: the same number of queries
        cadre = applicant(
            contest.org, contest.posts[0].department, f"增补{i}", TODAY.replace(year=1992), username=f"x{i}"
        )
        reg = Registration.objects.create(
            case=contest.case,
            cadre=cadre,
            channel="online",
            submitted_by=contest.hr,
            eligible=True,
            written_score=80,
        )
        reg.vacancies.set([contest.vacancy(0)])
        for examiner in contest.case.examiners.all():
            InterviewScore.objects.create(registration=reg, examiner=examiner, value=70 + i)
    assert _queries(client, hub(contest)) == before


def test_hr_enters_written_scores_and_bad_input_changes_nothing(client, contest, clock):
    to_exam(contest, clock)
    cmp.set_examiners(contest.case, by=contest.hr, users=contest.examiners)
    login(client, contest.hr)
    reg = contest.registrations[0]
    url = reverse("competitive_written", args=[contest.case.pk])
    response = client.post(url, {f"written_{reg.pk}": "120"}, follow=True)
    assert "成绩须在 0 至 100 之间" in response.content.decode()
    assert Registration.objects.get(pk=reg.pk).written_score is None
    client.post(url, {f"written_{reg.pk}": "88.5"})
    assert str(Registration.objects.get(pk=reg.pk).written_score) == "88.50"


def test_scores_and_the_advancing_list_go_through_forms_that_refuse_what_is_not_a_value(
    client, contest, clock
):
    """A NUL byte or an over-long score, and an advancing pair of another case, get a Chinese message and
    write nothing (they were read from the raw POST before)."""
    to_exam(contest, clock)
    cmp.set_examiners(contest.case, by=contest.hr, users=contest.examiners)
    login(client, contest.hr)
    reg = contest.registrations[0]
    url = reverse("competitive_written", args=[contest.case.pk])
    for hostile in ("8\x008", "8" * 21):
        page = client.post(url, {f"written_{reg.pk}": hostile}, follow=True).content.decode()
        assert "成绩：" in page
        assert Registration.objects.get(pk=reg.pk).written_score is None
    score_all(contest)
    advance = [f"{v}:{r}" for v, regs in top_two(contest).items() for r in regs]
    page = client.post(
        reverse("competitive_advancing", args=[contest.case.pk]),
        {"decided_on": (TODAY + timedelta(days=5)).isoformat(), "advance": [*advance, "999999:1"]},
        follow=True,
    ).content.decode()
    assert "不属于本次竞争上岗" in page
    assert not contest.case.advancements.exists()


def test_hr_takes_a_case_to_inspection_and_lands_on_the_daily_page(client, contest, clock):
    to_exam(contest, clock)
    score_all(contest)
    login(client, contest.hr)
    advance = [f"{v}:{r}" for v, regs in top_two(contest).items() for r in regs]
    client.post(
        reverse("competitive_advancing", args=[contest.case.pk]),
        {"decided_on": (TODAY + timedelta(days=5)).isoformat(), "advance": advance},
    )
    client.post(reverse("competitive_screening", args=[contest.case.pk, "results"]))
    response = client.post(reverse("competitive_step", args=[contest.case.pk, "advance_to_inspection"]))
    assert response.status_code == 302 and response.url == contest.case.get_absolute_url()
    contest.case.refresh_from_db()
    assert contest.case.status == CaseStatus.INSPECTION


def test_skip_in_rank_order_asks_for_the_reason(client, contest, clock):
    to_exam(contest, clock)
    score_all(contest)
    login(client, contest.hr)
    r = contest.registrations
    advance = [f"{contest.vacancy(0).pk}:{r[1].pk}", f"{contest.vacancy(0).pk}:{r[2].pk}"]
    advance += [f"{contest.vacancy(1).pk}:{x}" for x in top_two(contest)[contest.vacancy(1).pk]]
    page = client.post(
        reverse("competitive_advancing", args=[contest.case.pk]),
        {"decided_on": (TODAY + timedelta(days=5)).isoformat(), "advance": advance},
    )
    assert (
        page.status_code == 200
        and "填写预警说明" in page.content.decode()
        and "R-CMP-6" in page.content.decode()
    )
    assert not contest.case.advancements.exists()


# ---- the applicant -------------------------------------------------------------------------------------


def test_applicant_registers_online_and_sees_the_result_once_published(client, contest, clock):
    to_registration(contest)
    me = contest.applicants[0]
    login(client, me.account)
    page = client.get(reverse("competitive_home")).content.decode()
    assert "正在报名" in page and "提交报名" in page
    client.post(reverse("competitive_apply", args=[contest.case.pk]), {"vacancies": [contest.vacancy(0).pk]})
    assert Registration.objects.filter(cadre=me, channel="online").exists()
    page = client.get(reverse("competitive_home")).content.decode()
    assert "已报名" in page and "结果尚未公布" in page
    # the others register, the exam is held, results published
    for cadre in contest.applicants[1:]:
        index = contest.applicants.index(cadre)
        cmp.register(contest.case, by=cadre.account, vacancies=[contest.vacancy(0 if index < 3 else 1)])
    contest.registrations = list(contest.case.registrations.order_by("pk"))
    clock.move_to(at(TODAY + timedelta(days=5)))
    cmp.close_registration(contest.case, by=contest.hr)
    cmp.run_screening(contest.case, by=contest.hr)
    cmp.publish_screening(contest.case, by=contest.hr)
    cmp.start_exam(contest.case, by=contest.hr)
    score_all(contest)
    login(client, me.account)  # days later: a new session (sessions end after 30 idle minutes)
    page = client.get(reverse("competitive_home")).content.decode()
    assert "考试成绩尚未公布" in page and "综合 <b>" not in page
    cmp.fix_advancing(
        contest.case, by=contest.hr, decided_on=TODAY + timedelta(days=5), chosen=top_two(contest)
    )
    cmp.publish_results(contest.case, by=contest.hr)
    page = client.get(reverse("competitive_home")).content.decode()
    assert "综合 <b>82.00</b>" in page and "第 2 名（共 3 人）" in page and "民主测评和考察人选" in page


def test_applicant_outside_the_window_is_refused_in_chinese(client, contest, clock):
    to_registration(contest)
    clock.move_to(at(TODAY + timedelta(days=5)))
    login(client, contest.applicants[0].account)
    response = client.post(
        reverse("competitive_apply", args=[contest.case.pk]),
        {"vacancies": [contest.vacancy(0).pk]},
        follow=True,
    )
    assert "截止" in response.content.decode()
    assert not Registration.objects.exists()


def test_refused_applicant_requests_a_review(client, contest, clock):
    to_screening(contest, clock)
    cmp.run_screening(contest.case, by=contest.hr)
    cmp.publish_screening(contest.case, by=contest.hr)
    login(client, contest.old.account)
    page = client.get(reverse("competitive_home")).content.decode()
    assert "不符合条件" in page and "R-ELIG-5" in page and "申请复核" in page
    reg = Registration.objects.get(cadre=contest.old)
    client.post(reverse("competitive_review", args=[reg.pk]), {"text": "请复核年龄"})
    assert Registration.objects.get(pk=reg.pk).review_request == "请复核年龄"
    login(client, contest.applicants[0].account)  # not their registration: 404
    assert client.post(reverse("competitive_review", args=[reg.pk]), {"text": "x"}).status_code == 404


def test_applicant_page_queries_pinned(client, contest, clock, django_assert_max_num_queries):
    to_inspection(contest, clock)
    login(client, contest.applicants[0].account)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("competitive_home"))
    assert "综合 <b>" in page.content.decode()


# ---- the examiner --------------------------------------------------------------------------------------


def test_examiner_scores_on_the_scoring_page(client, contest, clock):
    to_exam(contest, clock)
    cmp.set_examiners(contest.case, by=contest.hr, users=contest.examiners)
    cmp.record_written_scores(
        contest.case, by=contest.hr, scores={r.pk: "80" for r in contest.registrations[:5]}
    )
    examiner = contest.examiners[0]
    login(client, examiner)
    url = reverse("competitive_examine", args=[contest.case.pk])
    page = client.get(url).content.decode()
    assert "已评 0/5 人" in page and contest.applicants[0].name in page and contest.old.name not in page
    reg = contest.registrations[0]
    client.post(url, {f"score_{reg.pk}": "91.5"})
    assert str(InterviewScore.objects.get(registration=reg, examiner__user=examiner).value) == "91.50"
    response = client.post(url, {f"score_{reg.pk}": "-3"}, follow=True)
    assert "成绩须在 0 至 100 之间" in response.content.decode()
    assert str(InterviewScore.objects.get(registration=reg, examiner__user=examiner).value) == "91.50"


def test_non_examiner_cannot_score(client, contest, clock, org):
    to_exam(contest, clock)
    cmp.set_examiners(contest.case, by=contest.hr, users=contest.examiners)
    stranger = UserFactory(username="nobody", organization=org, roles=[Role.STAFF])
    login(client, stranger)
    assert client.get(reverse("competitive_examine", args=[contest.case.pk])).status_code == 403


def test_examiner_page_queries_stay_flat(client, contest, clock, django_assert_max_num_queries):
    to_exam(contest, clock)
    score_all(contest)
    login(client, contest.examiners[0])
    with django_assert_max_num_queries(15):
        assert client.get(reverse("competitive_examine", args=[contest.case.pk])).status_code == 200


# ---- PDFs ----------------------------------------------------------------------------------------------


def test_the_four_documents_are_pdfs(client, contest, clock):
    to_exam(contest, clock)
    score_all(contest)
    login(client, contest.hr)
    for kind in ("plan-notice", "eligibility-notice", "score-sheet"):
        response = client.get(reverse("competitive_document", args=[contest.case.pk, kind]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", kind
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    reg = contest.registrations[0]
    response = client.get(reverse("competitive_registration_form", args=[reg.pk]))
    assert response.status_code == 200
    login(client, contest.applicants[1].account)  # someone else's form
    assert client.get(reverse("competitive_registration_form", args=[reg.pk])).status_code == 404
    _ = register_all


def test_r_cmp_7_record_form_and_case_file_hold_the_competition(contest, clock):
    """R-CMP-7: the 纪实表 has a 竞争上岗 section instead of 民主推荐; the case file holds every sheet."""
    from selection.pdf.case_file import competitive_parts
    from selection.pdf.record_form import record_form_data

    case = to_inspection(contest, clock)
    candidate = case.candidates.get(cadre=contest.applicants[1])  # 孙悦, first for post 1
    data = record_form_data(candidate)
    section = next(s for s in data.sections if s.number == "三")
    assert section.title == "竞争上岗"
    values = {row.key: row for row in section.rows}
    assert all(row.filled for row in section.rows)
    assert values["competition.scores"].value.rows[0][2:4] == ("84.80", "1/3")
    titles = [part.title for part in competitive_parts(case)]
    assert titles[0] == "竞争上岗实施方案" and titles[-2:] == ["资格审查结果", "成绩汇总表"]
    assert sum(1 for t in titles if t.startswith("竞争上岗报名表")) == 6


def test_my_tasks_list_the_interview_to_score_and_the_open_registration(client, contest, clock):
    to_registration(contest)
    login(client, contest.applicants[0].account)
    assert "竞争上岗报名：" in client.get(reverse("home")).content.decode()
    register_all(contest)
    assert "竞争上岗报名：" not in client.get(reverse("home")).content.decode()  # done: no longer a task
    clock.move_to(at(TODAY + timedelta(days=5)))
    cmp.close_registration(contest.case, by=contest.hr)
    cmp.run_screening(contest.case, by=contest.hr)
    cmp.publish_screening(contest.case, by=contest.hr)
    cmp.start_exam(contest.case, by=contest.hr)
    cmp.set_examiners(contest.case, by=contest.hr, users=contest.examiners)
    login(client, contest.examiners[0])
    page = client.get(reverse("home")).content.decode()
    assert f"面试评分：{contest.case.title}" in page
    assert reverse("competitive_examine", args=[contest.case.pk]) in page


def test_r_cmp_4_hr_withdraws_a_post_without_competition_on_the_page(client, contest, clock):
    to_screening(contest, clock)
    cmp.run_screening(contest.case, by=contest.hr)
    login(client, contest.hr)
    assert "未形成有效竞争" not in client.get(hub(contest)).content.decode()  # 3 and 2 qualified
    Registration.objects.filter(cadre=contest.applicants[4]).delete()
    page = client.get(hub(contest)).content.decode()
    assert "未形成有效竞争（R-CMP-4）" in page and "将职位调整出竞争上岗" in page
    url = reverse("competitive_effective", args=[contest.case.pk, "withdraw"])
    post2 = contest.vacancy(1)
    empty = client.post(url, {"vacancy": post2.pk, "reason": ""})
    assert empty.status_code == 200 and contest.case.vacancies.filter(pk=post2.pk).exists()
    done = client.post(url, {"vacancy": post2.pk, "reason": "合格人数不足"}, follow=True)
    assert "已将该职位调整出竞争上岗" in done.content.decode()
    assert not contest.case.vacancies.filter(pk=post2.pk).exists()
    assert "未形成有效竞争" not in client.get(hub(contest)).content.decode()


def test_r_cmp_4_reopening_registration_on_the_page_is_refused_while_competition_is_effective(
    client, contest, clock
):
    to_screening(contest, clock)
    cmp.run_screening(contest.case, by=contest.hr)
    login(client, contest.hr)
    url = reverse("competitive_effective", args=[contest.case.pk, "reopen"])
    later = (TODAY + timedelta(days=9)).isoformat()
    refused = client.post(url, {"closes_on": later, "reason": "扩大范围"}, follow=True)
    assert "不需要重新组织报名" in refused.content.decode()
    Registration.objects.filter(cadre=contest.applicants[4]).delete()
    client.post(url, {"closes_on": later, "reason": "合格人数不足"})
    assert Registration.objects.filter(case=contest.case).first().case.status == CaseStatus.REGISTRATION


def test_r_cmp_2_the_case_file_index_lists_each_signed_paper_form_with_its_digest(contest, clock):
    """The 报名表 HR entered from a signed paper form is in the 一批一档 (index and pages), checked against
    the digest its registration recorded."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from selection.pdf.case_file import _index, case_file_parts

    to_registration(contest)
    signed = b"%PDF-1.4\n% signed by the applicant\n"
    form = SimpleUploadedFile("报名表.pdf", signed, content_type="application/pdf")
    cadre = contest.applicants[2]
    reg = cmp.register(
        contest.case, by=contest.hr, cadre=cadre, vacancies=[contest.vacancy(0)], signed_form=form
    )
    cmp.register(contest.case, by=contest.applicants[0].account, vacancies=[contest.vacancy(0)])
    parts = case_file_parts(contest.case)
    titles = [row["title"] for row in _index(parts, 3)]
    assert f"本人签字的报名表（{cadre.name}）" in titles
    assert (
        titles.index(f"本人签字的报名表（{cadre.name}）")
        == titles.index(f"竞争上岗报名表（{cadre.name}）") + 1
    )
    assert f"本人签字的报名表（{contest.applicants[0].name}）" not in titles  # online: nothing signed
    part = next(p for p in parts if p.title.startswith("本人签字的报名表"))
    assert part.intact is True and part.recorded == part.digest
    # A file changed behind the record's back is named as such.
    with reg.signed_form.open("wb") as handle:
        handle.write(b"%PDF-1.4\n% altered\n")
    part = next(p for p in case_file_parts(contest.case) if p.title.startswith("本人签字的报名表"))
    assert part.intact is False
