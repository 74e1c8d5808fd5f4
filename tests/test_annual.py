"""一报告两评议 (R-ANR-1..4, R-REQ-3): computed numbers, HR's text, two anonymous evaluations, results, PDF."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from accounts.roles import Role
from selection.models import (
    AnnualEvaluation,
    AnnualReport,
    CadreFollowUp,
    EvaluatedCadre,
    EvaluationBallot,
    EvaluationInvitation,
)
from selection.pdf.annual import render_annual_report
from selection.services import annual as svc
from selection.services import cases as case_svc
from selection.services.base import ServiceError

from .factories import UserFactory
from .workflow import open_motion, to_notice

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 12, 3, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


DAY = date(2026, 12, 3)


@pytest.fixture
def closed_year(world):
    """2026: one case appointed (a promotion), one terminated."""
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        to_notice(world)
    appointed = case_svc.appoint(
        world.case,
        by=world.hr,
        notice_number="安医保党〔2026〕12号",
        notice_date=DAY,
        talk_on=DAY,
        talk_by="王建国",
    )
    other = open_motion(world)
    case_svc.terminate_case(other, by=world.hr, reason="岗位调整，暂缓选拔")
    return appointed


@pytest.fixture
def voters(org):
    return [
        UserFactory(username=f"voter{i}", full_name=f"职工{i}", organization=org, roles=[Role.STAFF])
        for i in range(3)
    ]


def work_choices(rating="good", problems=(), suggestion=""):
    return {
        "answers": {str(i): rating for i in range(5)},
        "problems": list(problems),
        "suggestion": suggestion,
    }


# ---- R-ANR-1 / R-REQ-3: the numbers -----------------------------------------------------------------


def test_r_anr_1_numbers_come_from_the_years_closed_cases(world, closed_year):
    f = svc.figures(world.org, 2026)
    assert (f.cases_closed, f.cases_appointed, f.cases_terminated) == (2, 1, 1)
    assert f.selected == 1 and f.by_rank == {"chief": 1} and f.by_mode == {"daily": 1}
    assert (f.promoted, f.exchanged, f.exceptional) == (1, 0, 0)
    assert f.complaints == 0
    assert svc.figures(world.org, 2025).selected == 0  # another year counts nothing of this one


def test_r_req_3_the_computed_numbers_are_consistent_by_stage_and_kind(world, closed_year):
    f = svc.figures(world.org, 2026)
    assert f.by_stage == {"recommended": 3, "inspected": 1, "decided": 1, "appointed": 1}
    assert [x.rule for x in f.consistency] == ["R-REQ-3"] and f.consistency[0].ok


def test_r_anr_1_a_typed_number_is_refused_and_the_text_is_saved(world, hr):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    with pytest.raises(ServiceError, match="R-ANR-1"):
        svc.update_sections(report, by=hr, sections={"overall": "总体良好", "selected": "9"})
    report.refresh_from_db()
    assert report.overall == ""
    svc.update_sections(report, by=hr, sections={"overall": "总体良好", "problems": "个别程序衔接不够紧凑"})
    report.refresh_from_db()
    assert report.overall == "总体良好"


def test_r_anr_1_the_sections_screen_refuses_a_posted_number(client, world, hr):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    client.force_login(hr)
    response = client.post(reverse("annual_sections", args=[report.pk]), {"overall": "好", "selected": "12"})
    assert "R-ANR-1" in response.content.decode()
    report.refresh_from_db()
    assert report.overall == ""


# ---- R-ANR-2: the work evaluation, anonymous ---------------------------------------------------------


def test_r_anr_2_one_ballot_per_invitation_and_none_for_the_uninvited(world, hr, voters, staff):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    svc.invite_accounts(work, by=hr, users=voters)
    svc.open_evaluation(work, by=hr)
    receipt = svc.cast(work, choices=work_choices(), user=voters[0])
    assert len(receipt) == 19
    with pytest.raises(ServiceError, match="只能评议一次"):
        svc.cast(work, choices=work_choices("poor"), user=voters[0])
    with pytest.raises(ServiceError, match="不在本次评议"):
        svc.cast(work, choices=work_choices(), user=staff)
    with pytest.raises(ServiceError, match="第 1 项"):
        svc.cast(work, choices={"answers": {}}, user=voters[1])
    assert EvaluationBallot.objects.count() == 1


def test_r_anr_2_a_ballot_cannot_be_linked_to_its_voter(world, hr, voters):
    """No voter column, no time, random keys, nothing in the clear; the invitations only say `used`.
    (The attacks themselves: tests/test_evaluation_secrecy.py, tests/test_evaluation_attacks_pg.py.)"""
    fields = EvaluationBallot._meta.get_fields()
    assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in fields)
    assert {f.name for f in fields if isinstance(f, models.ForeignKey)} == {"evaluation"}
    assert isinstance(EvaluationBallot._meta.pk, models.UUIDField)
    assert not svc.ballots_name_voters()
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    svc.invite_accounts(work, by=hr, users=voters)
    svc.open_evaluation(work, by=hr)
    svc.cast(work, choices=work_choices("good"), user=voters[0])
    svc.cast(work, choices=work_choices("poor", suggestion="多听取基层意见"), user=voters[1])
    stored = [bytes(b) for b in EvaluationBallot.objects.values_list("sealed", flat=True)]
    assert len({len(b) for b in stored}) == 1  # a suggestion makes no longer a ballot
    assert not any(b'"answers"' in b or b"poor" in b for b in stored)
    svc.close_evaluation(work, by=hr)
    work.refresh_from_db()
    assert work.tally["ballots"] == 2 and work.tally["suggestions"] == ["多听取基层意见"]
    assert EvaluationInvitation.objects.filter(used=True).count() == 2


def test_r_anr_2_an_evaluation_ballot_with_a_readable_or_linking_field_blocks_opening(
    world, hr, voters, monkeypatch
):
    """BLOCK on a linkable ballot: a ballot model with anything beside its sealed content and receipt
    (here a plaintext column) cannot open an evaluation."""
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    svc.invite_accounts(work, by=hr, users=voters)
    monkeypatch.setattr(svc.evaluations, "SEALED_BALLOT_FIELDS", {"id", "evaluation", "receipt_hash"})
    with pytest.raises(ServiceError, match="R-ANR-2"):
        svc.open_evaluation(work, by=hr)
    work.refresh_from_db()
    assert work.phase == AnnualEvaluation.Phase.PREPARING
    monkeypatch.undo()
    svc.open_evaluation(work, by=hr)
    work.refresh_from_db()
    assert work.phase == AnnualEvaluation.Phase.OPEN


def test_r_anr_2_participants_outside_the_unit_are_refused(world, hr, outsider):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    with pytest.raises(ServiceError, match="R-ANR-2"):
        svc.invite_accounts(report.evaluations.get(kind="work"), by=hr, users=[outsider])
    assert not EvaluationInvitation.objects.exists()


def test_r_anr_2_a_one_time_code_votes_once(world, hr):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    codes = svc.issue_slips(work, by=hr, count=2)
    svc.open_evaluation(work, by=hr)
    assert svc.evaluation_for_code(codes[0]) == work
    svc.cast(work, choices=work_choices(), code=codes[0])
    with pytest.raises(ServiceError, match="评议码无效"):
        svc.cast(work, choices=work_choices(), code=codes[0])
    assert svc.evaluation_for_code(codes[0]) is None


# ---- R-ANR-3: the cadre evaluation and the flag ------------------------------------------------------


def cadre_evaluation(world, hr, voters, ratings):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    evaluation = report.evaluations.get(kind="cadre")
    evaluated = evaluation.cadres.get()
    svc.invite_accounts(evaluation, by=hr, users=voters)
    svc.open_evaluation(evaluation, by=hr)
    for voter, rating in zip(voters, ratings, strict=True):
        svc.cast(evaluation, choices={"cadres": {str(evaluated.pk): rating}}, user=voter)
    svc.close_evaluation(evaluation, by=hr)
    evaluation.refresh_from_db()
    return report, evaluation, evaluated


def test_r_anr_3_the_years_promotions_are_evaluated(world, hr, closed_year):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    names = list(report.evaluations.get(kind="cadre").cadres.values_list("cadre__name", flat=True))
    assert names == [world.cadres[0].name]


def test_r_anr_3_exactly_one_third_disagreeing_is_not_flagged(world, hr, voters, closed_year):
    _, evaluation, evaluated = cadre_evaluation(world, hr, voters, ["disagree", "agree", "basic"])
    row = evaluation.tally["cadres"][0]
    assert row["rates"]["disagree"] == "33.3%" and not row["flagged"]
    with pytest.raises(ServiceError, match="R-ANR-3"):
        svc.record_follow_up(
            evaluated, by=hr, investigated_on=DAY, findings="核实", conclusion="无问题", today=DAY
        )
    assert not CadreFollowUp.objects.exists()


def test_r_anr_3_more_than_one_third_is_flagged_and_the_follow_up_recorded(world, hr, voters, closed_year):
    report, evaluation, evaluated = cadre_evaluation(world, hr, voters, ["disagree", "disagree", "agree"])
    assert evaluation.tally["cadres"][0]["flagged"]
    svc.record_follow_up(
        evaluated,
        by=hr,
        investigated_on=DAY,
        findings="经个别谈话核实，反映的问题系工作方法问题。",
        conclusion="对其进行提醒谈话。",
        today=DAY,
    )
    rows = svc.results(report).cadre_rows()
    assert rows[0]["follow_up"].conclusion == "对其进行提醒谈话。"


# ---- R-ANR-4: results, year-on-year, the page and the PDF ---------------------------------------------


def test_r_anr_4_rates_per_option_and_the_change_from_last_year(world, hr, voters):
    last = svc.open_report(world.org, 2025, by=hr, today=DAY)
    work = last.evaluations.get(kind="work")
    svc.invite_accounts(work, by=hr, users=voters[:2])
    svc.open_evaluation(work, by=hr)
    svc.cast(work, choices=work_choices("good"), user=voters[0])
    svc.cast(work, choices=work_choices("poor"), user=voters[1])
    svc.close_evaluation(work, by=hr)
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    svc.invite_accounts(work, by=hr, users=voters)
    svc.open_evaluation(work, by=hr)
    for voter, rating in zip(voters, ["good", "fair_good", "average"], strict=True):
        svc.cast(work, choices=work_choices(rating, problems=[1]), user=voter)
    svc.close_evaluation(work, by=hr)
    rows = svc.results(report).work_rows()
    assert rows[0]["rates"] == {"good": "33.3%", "fair_good": "33.3%", "average": "33.3%", "poor": "0.0%"}
    assert (rows[0]["positive"], rows[0]["previous"], rows[0]["delta"]) == ("66.7%", "50.0%", "+16.7")
    work.refresh_from_db()
    assert work.tally["problems"][1]["count"] == 3


def test_r_anr_4_before_any_result_there_is_no_change_to_show(world, hr):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    assert svc.results(report).work_rows() == []
    with pytest.raises(ServiceError, match="已经建立"):
        svc.open_report(world.org, 2026, by=hr, today=DAY)
    with pytest.raises(ServiceError, match="已开始的年度"):
        svc.open_report(world.org, 2027, by=hr, today=DAY)


def test_r_anr_4_the_pdf_report_carries_the_numbers_and_the_rates(world, hr, voters, closed_year):
    report, _, _ = cadre_evaluation(world, hr, voters, ["disagree", "disagree", "agree"])
    svc.update_sections(report, by=hr, sections={"overall": "全年严格执行选拔任用制度。"})
    report.refresh_from_db()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_annual_report(report))).pages)
    assert "2026年度选人用人工作情况报告" in "".join(text.split())
    assert "全年严格执行选拔任用制度" in text
    assert "66.7%" in text


def test_r_anr_4_report_page_in_constant_queries_and_the_pdf_download(
    client, world, hr, voters, auditor, staff, django_assert_max_num_queries
):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    client.force_login(hr)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("annual_detail", args=[report.pk]))
    assert page.status_code == 200 and "自动统计" in page.content.decode()
    for evaluation in report.evaluations.all():
        svc.invite_accounts(evaluation, by=hr, users=voters)
    EvaluatedCadre.objects.create(
        evaluation=report.evaluations.get(kind="cadre"),
        cadre=world.cadres[1],
        post="副科长",
        appointed_on=DAY,
    )
    for evaluation in report.evaluations.all():
        svc.open_evaluation(evaluation, by=hr)
    for voter in voters:
        svc.cast(
            report.evaluations.get(kind="work"),
            choices=work_choices("good", suggestion="加强培训"),
            user=voter,
        )
    for evaluation in report.evaluations.all():
        svc.close_evaluation(evaluation, by=hr)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("annual_detail", args=[report.pk]))
    body = page.content.decode()
    assert "work-chart" in body and "加强培训" in body and "echarts.min.js" in body
    pdf = client.get(reverse("annual_pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(auditor)
    assert client.get(reverse("annual_pdf", args=[report.pk])).status_code == 200
    client.force_login(staff)
    assert client.get(reverse("annual_pdf", args=[report.pk])).status_code == 403


def test_r_anr_2_staff_fill_the_evaluation_on_its_page(client, world, hr, voters):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    svc.invite_accounts(work, by=hr, users=voters)
    svc.open_evaluation(work, by=hr)
    client.force_login(voters[0])
    assert "参加评议" in client.get(reverse("home")).content.decode()
    incomplete = client.post(reverse("annual_vote", args=[work.pk]), {"q0": "good"})
    assert "请对第 2 项作出评价" in incomplete.content.decode()
    data = {f"q{i}": "fair_good" for i in range(5)} | {"problems": ["0", "2"], "suggestion": "公开更多信息"}
    done = client.post(reverse("annual_vote", args=[work.pk]), data)
    assert "回执码" in done.content.decode()
    assert EvaluationBallot.objects.count() == 1
    svc.close_evaluation(work, by=hr)
    work.refresh_from_db()
    assert [p["count"] for p in work.tally["problems"][:3]] == [1, 0, 1]
    again = client.get(reverse("annual_vote", args=[work.pk]))
    assert again.status_code == 302
    assert AnnualReport.objects.count() == 1 and AnnualEvaluation.objects.count() == 2


def test_r_req_3_an_evaluation_needs_two_distinct_rating_options(world, hr, voters):
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    svc.invite_accounts(work, by=hr, users=voters)
    work.options = [["good", "好"], ["good", "好"]]
    work.save()
    with pytest.raises(ServiceError, match="R-REQ-3"):
        svc.open_evaluation(work, by=hr)
    work.options = [["good", "好"], ["fair", "一般"], ["poor", "差"]]  # configurable (R-REQ-3)
    work.save()
    assert svc.open_evaluation(work, by=hr).phase == AnnualEvaluation.Phase.OPEN


def test_the_report_page_shows_who_opened_and_closed_each_evaluation_and_when(client, world, hr, voters):
    """The evaluation's own trail (the ballots keep neither voter nor time, R-ANR-2)."""
    report = svc.open_report(world.org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    svc.invite_accounts(work, by=hr, users=voters)
    client.force_login(hr)
    assert client.post(reverse("annual_evaluation", args=[work.pk, "open"])).status_code == 302
    svc.cast(work, choices=work_choices(), user=voters[0])
    with time_machine.travel(
        datetime(2026, 12, 3, 9, 50, tzinfo=SHANGHAI), tick=False
    ):  # within the idle timeout
        closed = client.post(reverse("annual_evaluation", args=[work.pk, "close"]), follow=True)
        assert "已结束并统计" in closed.content.decode(), [str(m) for m in closed.context["messages"]]
    work.refresh_from_db()
    assert (work.opened_by, work.closed_by) == (hr, hr)
    page = client.get(reverse("annual_detail", args=[report.pk])).content.decode()
    name = hr.get_full_name()
    assert f"{name}于2026年12月3日 09:30开始评议；{name}于2026年12月3日 09:50结束评议并统计。" in page
