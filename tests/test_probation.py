"""试用期 (R-PRB-1..3): tasks 30 days before the end, appraisal and assessment, the party group's decision."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from selection import supervision
from selection.models import (
    Candidate,
    PostHolding,
    ProbationMeeting,
    ProbationReview,
    RecordEvent,
    ResumeEntry,
)
from selection.models.post import Rank
from selection.pdf.record_form import record_form_data
from selection.services import cases as case_svc
from selection.services import probation as svc
from selection.services.base import ServiceError, TransitionRefused

from .factories import (
    CadreFactory,
    KinshipFactory,
    PostFactory,
    PostHoldingFactory,
    ResumeEntryFactory,
)
from .workflow import TODAY, to_notice

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


def probationary(world, *, ends_in_days: int = 10, how=PostHolding.How.PROMOTION, name="钱多多"):
    """A cadre promoted from a deputy post to the chief post; the probation ends in `ends_in_days`."""
    cadre = CadreFactory(organization=world.org, department=world.department, name=name)
    old_post = PostFactory(organization=world.org, title=f"{name}原副科长", rank=Rank.DEPUTY)
    ends = TODAY + timedelta(days=ends_in_days)
    started = ends.replace(year=ends.year - 1)
    PostHoldingFactory(cadre=cadre, post=old_post, started_on=date(2020, 3, 1), ended_on=started)
    ResumeEntryFactory(cadre=cadre, started_on=date(2020, 3, 1), ended_on=started, text="原副科长")
    ResumeEntryFactory(cadre=cadre, started_on=started, text="安吉县医疗保障局待遇保障科科长")
    holding = PostHoldingFactory(
        cadre=cadre,
        post=world.post,
        started_on=started,
        how=how,
        probation_ends_on=ends if how == PostHolding.How.PROMOTION else None,
        probation_result=PostHolding.Probation.PENDING
        if how == PostHolding.How.PROMOTION
        else PostHolding.Probation.NONE,
    )
    return holding, old_post


def appraise_and_assess(world, holding, result="competent"):
    svc.record_appraisal(
        holding,
        by=world.hr,
        organization=world.org,
        on=TODAY,
        expected=30,
        actual=28,
        competent=25,
        basically=2,
        incompetent=1,
        today=TODAY,
    )
    svc.record_assessment(
        holding,
        by=world.hr,
        organization=world.org,
        on=TODAY,
        result=result,
        text="履职尽责，群众认可。",
        today=TODAY,
    )


def decide(world, holding, *, present=None, agree=None, **extra):
    present = world.members if present is None else present
    agree = present if agree is None else agree
    votes = {m.pk: ("agree" if m in agree else "disagree") for m in present}
    return svc.decide(
        holding,
        by=world.hr,
        organization=world.org,
        held_on=TODAY,
        method="hands",
        chair=world.secretary,
        members=world.members,
        present=present,
        votes=votes,
        basis="试用期满考核胜任，民主测评胜任率89%。",
        today=TODAY,
        **extra,
    )


# ---- R-PRB-1 -------------------------------------------------------------------------------------


def test_r_prb_1_probation_runs_the_organizations_setting_from_the_tenure_start(world):
    assert svc.probation_end_for(world.org, date(2026, 9, 30)) == date(2027, 9, 30)
    world.org.rule_overrides = {"probation_months": 6}
    world.org.save()
    assert svc.probation_end_for(world.org, date(2026, 9, 30)) == date(2027, 3, 30)


def test_r_prb_1_a_transfer_has_no_probation_and_no_review_refused(world):
    holding, _ = probationary(world, how=PostHolding.How.TRANSFER)
    assert holding not in svc.probations_due(world.org, TODAY)
    with pytest.raises(TransitionRefused, match="R-PRB-1") as refused:
        appraise_and_assess(world, holding)
    assert {f.rule for f in refused.value.blocking} == {"R-PRB-1"}
    assert not ProbationReview.objects.exists()


def test_r_prb_1_a_promotion_appointed_through_a_case_gets_its_probation(world):
    case = to_notice(world)
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        case_svc.appoint(
            case,
            by=world.hr,
            notice_number="安医保党〔2026〕12号",
            notice_date=date(2026, 12, 3),
            talk_on=date(2026, 12, 3),
            talk_by="王建国",
        )
    holding = PostHolding.objects.get(cadre=world.cadres[0], ended_on__isnull=True)
    assert svc.in_probation(holding)
    assert holding.probation_ends_on == svc.probation_end_for(world.org, holding.started_on)


# ---- R-PRB-2 -------------------------------------------------------------------------------------


def test_r_prb_2_the_task_appears_thirty_days_before_the_end(world):
    on_day, _ = probationary(world, ends_in_days=30, name="甲")
    too_early, _ = probationary(world, ends_in_days=31, name="乙")
    overdue, _ = probationary(world, ends_in_days=-5, name="丙")
    due = list(svc.probations_due(world.org, TODAY))
    assert on_day in due and overdue in due
    assert too_early not in due
    assert too_early in list(svc.probations_running(world.org, TODAY))


def test_r_prb_2_appraisal_refused_before_the_window_and_allowed_inside_it(world):
    early, _ = probationary(world, ends_in_days=31, name="乙")
    with pytest.raises(TransitionRefused, match="R-PRB-2"):
        appraise_and_assess(world, early)
    assert not ProbationReview.objects.filter(appraisal_on__isnull=False).exists()
    holding, _ = probationary(world, ends_in_days=30, name="甲")
    appraise_and_assess(world, holding)
    review = ProbationReview.objects.get(holding=holding)
    assert (review.appraisal_actual, review.appraisal_competent, review.assessment) == (28, 25, "competent")


def test_r_prb_2_appraisal_numbers_that_do_not_add_up_are_refused(world):
    holding, _ = probationary(world)
    with pytest.raises(ServiceError, match="不能多于实参加测评人数"):
        svc.record_appraisal(
            holding,
            by=world.hr,
            organization=world.org,
            on=TODAY,
            expected=30,
            actual=10,
            competent=9,
            basically=2,
            incompetent=0,
            today=TODAY,
        )
    assert not ProbationReview.objects.filter(appraisal_on__isnull=False).exists()


def test_r_prb_2_assessment_refused_before_the_appraisal(world):
    holding, _ = probationary(world)
    with pytest.raises(ServiceError, match="请先录入民主测评"):
        svc.record_assessment(
            holding, by=world.hr, organization=world.org, on=TODAY, result="competent", text="好", today=TODAY
        )


# ---- R-PRB-3 -------------------------------------------------------------------------------------


def test_r_prb_3_decision_refused_without_appraisal_and_assessment(world):
    holding, _ = probationary(world)
    with pytest.raises(ServiceError, match="R-PRB-3"):
        decide(world, holding)
    assert PostHolding.objects.get(pk=holding.pk).probation_result == PostHolding.Probation.PENDING


def test_r_prb_3_r_dec_2_four_of_seven_present_refused_five_allowed(world):
    holding, _ = probationary(world)
    appraise_and_assess(world, holding)
    with pytest.raises(TransitionRefused, match="R-DEC-2"):
        decide(world, holding, present=world.members[:4])
    assert not ProbationMeeting.objects.exists()
    result = decide(world, holding, present=world.members[:5])
    assert result.passed
    holding.refresh_from_db()
    assert holding.probation_result == PostHolding.Probation.PASSED  # 转正
    assert holding.ended_on is None
    review = ProbationReview.objects.get(holding=holding)
    assert review.outcome == "confirm" and review.decided_on == TODAY


def test_r_prb_3_r_dec_5_three_agree_of_seven_does_not_confirm(world):
    holding, _ = probationary(world)
    appraise_and_assess(world, holding)
    result = decide(world, holding, present=world.members[:6], agree=world.members[:3])
    assert not result.passed
    assert ProbationMeeting.objects.get().agree == 3  # the meeting stays on record
    holding.refresh_from_db()
    assert holding.probation_result == PostHolding.Probation.PENDING  # nothing changed
    result = decide(world, holding, present=world.members[:6], agree=world.members[:4])
    assert result.passed  # 4 > 7/2
    holding.refresh_from_db()
    assert holding.probation_result == PostHolding.Probation.PASSED


def test_r_prb_3_r_dec_6_a_related_member_cannot_vote(world):
    holding, _ = probationary(world)
    appraise_and_assess(world, holding)
    relative = world.members[3]
    relative.cadre = CadreFactory(organization=world.org, name=relative.full_name)
    relative.save()
    KinshipFactory(cadre=holding.cadre, other=relative.cadre)
    with pytest.raises(ServiceError, match="R-DEC-6"):
        decide(world, holding)
    present_others = [m for m in world.members if m != relative]
    votes = {m.pk: "agree" for m in present_others}
    result = svc.decide(
        holding,
        by=world.hr,
        organization=world.org,
        held_on=TODAY,
        method="hands",
        chair=world.secretary,
        members=world.members,
        present=world.members,
        votes=votes,
        basis="考核胜任",
        today=TODAY,
    )
    assert result.passed
    assert result.meeting.members.get(member=relative).recused


def test_r_prb_3_removal_returns_to_a_post_of_the_former_rank_atomically(world):
    holding, old_post = probationary(world)
    appraise_and_assess(world, holding, result="incompetent")
    wrong = PostFactory(organization=world.org, title="另一科长", rank=Rank.CHIEF)
    with pytest.raises(TransitionRefused, match="原职级"):
        decide(world, holding, return_post=wrong)
    holding.refresh_from_db()
    assert holding.ended_on is None and not ProbationMeeting.objects.exists()
    result = decide(world, holding, return_post=old_post)
    assert result.passed
    holding.refresh_from_db()
    assert holding.probation_result == PostHolding.Probation.FAILED
    assert holding.ended_on == TODAY
    current = PostHolding.objects.get(cadre=holding.cadre, ended_on__isnull=True)
    assert current.post == old_post and current.started_on == TODAY
    assert holding.cadre.rank_on(TODAY + timedelta(days=1)) == Rank.DEPUTY  # the quota counts a deputy again
    resume = list(ResumeEntry.objects.filter(cadre=holding.cadre).order_by("order", "pk"))
    assert resume[-2].ended_on == TODAY
    assert resume[-1].text.endswith(str(old_post)) and resume[-1].started_on == TODAY


def test_r_prb_3_r_reg_1_removal_refused_when_the_return_post_is_taken(world):
    holding, old_post = probationary(world)
    PostHoldingFactory(cadre=CadreFactory(organization=world.org), post=old_post, started_on=date(2026, 1, 1))
    appraise_and_assess(world, holding, result="incompetent")
    with pytest.raises(ServiceError, match="R-REG-1"):
        decide(world, holding, return_post=old_post)
    holding.refresh_from_db()
    assert holding.ended_on is None


def test_r_prb_3_the_case_record_and_the_record_form_show_the_probation(world):
    case = to_notice(world)
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        case_svc.appoint(
            case,
            by=world.hr,
            notice_number="安医保党〔2026〕12号",
            notice_date=date(2026, 12, 3),
            talk_on=date(2026, 12, 3),
            talk_by="王建国",
        )
    holding = PostHolding.objects.get(cadre=world.cadres[0], ended_on__isnull=True)
    end = holding.probation_ends_on
    with time_machine.travel(datetime(end.year, end.month, end.day, 9, 0, tzinfo=SHANGHAI), tick=False):
        svc.record_appraisal(
            holding,
            by=world.hr,
            organization=world.org,
            on=end,
            expected=30,
            actual=29,
            competent=27,
            basically=2,
            incompetent=0,
            today=end,
        )
        svc.record_assessment(
            holding, by=world.hr, organization=world.org, on=end, result="competent", text="胜任", today=end
        )
        svc.decide(
            holding,
            by=world.hr,
            organization=world.org,
            held_on=end,
            method="hands",
            chair=world.secretary,
            members=world.members,
            present=world.members,
            votes={m.pk: "agree" for m in world.members},
            basis="考核胜任",
            today=end,
        )
    actions = list(RecordEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions[-3:] == ["probation_appraisal", "probation_assessment", "probation_decision"]
    candidate = Candidate.objects.get(case=case, cadre=world.cadres[0])
    rows = {row.key: row for row in record_form_data(candidate).rows}
    text = rows["appointment.probation_result"].value
    assert "民主测评" in text and "党组会议决定转正" in text


# ---- screens -------------------------------------------------------------------------------------


@pytest.fixture
def hr_client(client, world):
    client.force_login(world.hr)
    return client


def test_r_prb_2_task_list_shows_due_probations_in_constant_queries(
    hr_client, world, django_assert_max_num_queries
):
    for i in range(3):
        probationary(world, ends_in_days=5 + i, name=f"到期{i}")
    probationary(world, ends_in_days=200, name="未到期")
    with django_assert_max_num_queries(12):
        response = hr_client.get(reverse("probation_list"))
    for i in range(5):
        probationary(world, ends_in_days=5 + i, name=f"再到期{i}")
    with django_assert_max_num_queries(12):
        response = hr_client.get(reverse("probation_list"))
    body = response.content.decode()
    assert "到期0" in body and "再到期4" in body and "未到期" in body
    assert body.index("再到期4") < body.index("未到期")  # the due table comes first
    home = hr_client.get(reverse("home")).content.decode()
    assert "试用期满考核：到期0" in home


def test_r_prb_2_home_lists_the_ten_soonest_probations_and_links_to_the_rest(hr_client, world):
    for i in range(12):
        probationary(world, ends_in_days=1 + i, name=f"到期{i:02d}")
    home = hr_client.get(reverse("home"))
    titles = [item.title for item in home.context["pending"] if item.title.startswith("试用期满考核")]
    assert titles[:10] == [t for t in titles if "：到期" in t][:10]
    assert "到期09" in titles[9] and not any("到期10" in t or "到期11" in t for t in titles)
    more = next(item for item in home.context["pending"] if "另有2项（共12项）" in item.title)
    assert more.url == reverse("probation_list")
    body = hr_client.get(more.url).content.decode()
    assert all(f"到期{i:02d}" in body for i in range(12))


def test_r_prb_2_a_pending_probation_without_an_end_date_is_in_no_list(world):
    holding, _ = probationary(world, ends_in_days=5)
    assert list(svc.probations_due(world.org, TODAY)) == [holding]
    PostHolding.objects.filter(pk=holding.pk).update(probation_ends_on=None)
    assert not svc.probations_due(world.org, TODAY).exists()
    assert not svc.probations_running(world.org, TODAY).exists()
    for which in supervision.PROBATION_MONTHS:
        assert not supervision.probations_ending(None, TODAY, which).exists()


def test_r_prb_3_detail_page_and_decision_through_the_screens(
    hr_client, world, django_assert_max_num_queries
):
    holding, _ = probationary(world)
    url = reverse("probation_detail", args=[holding.pk])
    hr_client.post(
        reverse("probation_appraisal", args=[holding.pk]),
        {"on": "2026-11-26", "expected": 30, "actual": 28, "competent": 25, "basically": 2, "incompetent": 1},
    )
    hr_client.post(
        reverse("probation_assessment", args=[holding.pk]),
        {"on": "2026-11-26", "result": "competent", "text": "胜任"},
    )
    with django_assert_max_num_queries(25):
        page = hr_client.get(url)
    assert "待党组" not in page.content.decode() and "表决事项：<strong>转正" in page.content.decode()
    data = {
        "held_on": "2026-11-26",
        "method": "hands",
        "chair": world.secretary.pk,
        "members": [m.pk for m in world.members],
        "present": [m.pk for m in world.members[:4]],
        "basis": "考核胜任",
        **{f"vote_{m.pk}": "agree" for m in world.members[:4]},
    }
    refused = hr_client.post(reverse("probation_decide", args=[holding.pk]), data)
    assert refused.status_code == 200 and "R-DEC-2" in refused.content.decode()
    holding.refresh_from_db()
    assert holding.probation_result == PostHolding.Probation.PENDING
    data["present"] = [m.pk for m in world.members]
    data.update({f"vote_{m.pk}": "agree" for m in world.members})
    assert hr_client.post(reverse("probation_decide", args=[holding.pk]), data).status_code == 302
    holding.refresh_from_db()
    assert holding.probation_result == PostHolding.Probation.PASSED


def test_r_prb_2_auditor_reads_but_cannot_record_and_outsiders_get_404(client, world, auditor, outsider):
    holding, _ = probationary(world)
    client.force_login(auditor)
    assert client.get(reverse("probation_detail", args=[holding.pk])).status_code == 200
    post = client.post(
        reverse("probation_appraisal", args=[holding.pk]),
        {"on": "2026-11-26", "expected": 3, "actual": 3, "competent": 3, "basically": 0, "incompetent": 0},
    )
    assert post.status_code == 403
    client.logout()
    client.force_login(outsider)
    assert client.get(reverse("probation_detail", args=[holding.pk])).status_code == 404
    assert not ProbationReview.objects.exists()
