"""竞争上岗 end to end through the services, each rule R-CMP-1..8 and R-MET-1/2 refused and allowed at its
boundary (the pure rules' arithmetic is pinned beside them)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from selection import gates_competitive as cg
from selection import rules
from selection.models import (
    CandidateStatus,
    CaseStatus,
    Examiner,
    RecordEvent,
    Registration,
    SelectionCase,
    verify_chain,
)
from selection.rules import Level
from selection.services import cases as svc
from selection.services import competitive as cmp
from selection.services.base import ServiceError, StaleState, TransitionRefused

from .competitive_workflow import (
    at,
    build_contest,
    open_contest,
    register_all,
    relate,
    score_all,
    to_exam,
    to_inspection,
    to_registration,
    to_screening,
    top_two,
)
from .factories import CadreFactory, PostHoldingFactory
from .workflow import TODAY, attach, complete_inspection


@pytest.fixture
def clock():
    with time_machine.travel(at(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def contest(org, hr, clock):
    return build_contest(org, hr)


def rule_of(refused: TransitionRefused | ServiceError, rule: str) -> bool:
    return rule in refused.message


# ---- R-MET-1 / R-MET-2 -----------------------------------------------------------------------------


def test_r_met_1_daily_procedure_for_three_posts_needs_a_reason(contest):
    case = svc.open_case(
        contest.org,
        by=contest.hr,
        title="日常",
        year=2026,
        posts=[
            *contest.posts,
            contest.posts[0].__class__.objects.create(
                organization=contest.org,
                department=contest.posts[0].department,
                title="科员岗",
                rank="deputy",
            ),
        ],
        motion_origin=SelectionCase.MotionOrigin.MAIN_LEADER,
        motion_date=TODAY,
        analysis="分析",
    )
    svc.approve_motion(case, by=contest.secretary)
    with pytest.raises(TransitionRefused) as refused:
        svc.start_recommendation(case, by=contest.hr)
    assert rule_of(refused.value, "R-MET-1")
    warning = next(f for f in refused.value.missing_justifications if f.rule == "R-MET-1")
    case = svc.start_recommendation(
        case, by=contest.hr, justifications={warning.key: "职位分属不同专业，无法形成竞争"}
    )
    assert case.status == CaseStatus.RECOMMENDATION


def test_r_met_1_two_daily_posts_need_no_reason(contest):
    case = svc.open_case(
        contest.org,
        by=contest.hr,
        title="日常",
        year=2026,
        posts=contest.posts,
        motion_origin=SelectionCase.MotionOrigin.MAIN_LEADER,
        motion_date=TODAY,
        analysis="分析",
    )
    svc.approve_motion(case, by=contest.secretary)
    assert svc.start_recommendation(case, by=contest.hr).status == CaseStatus.RECOMMENDATION


def test_r_met_2_chief_post_in_a_competition_warns_and_deputies_do_not(contest):
    open_contest(contest)
    findings = cg.plan(contest.case)
    assert next(f for f in findings if f.rule == "R-MET-2" and "副职" in f.message).level == Level.OK
    chief = contest.posts[0].__class__.objects.create(
        organization=contest.org, department=contest.posts[0].department, title="科长", rank="chief"
    )
    contest.case.vacancies.create(post=chief)
    warn = [f for f in cg.plan(contest.case) if f.rule == "R-MET-2" and f.level == Level.WARN]
    assert warn
    with pytest.raises(TransitionRefused):
        cmp.publish_plan(contest.case, by=contest.hr)
    case = cmp.publish_plan(contest.case, by=contest.hr, justifications={warn[0].key: "科长职位竞争人数多"})
    assert case.status == CaseStatus.REGISTRATION


def test_r_met_2_order_a_competitive_case_cannot_skip_to_recommendation_or_inspection(contest):
    open_contest(contest)
    with pytest.raises(StaleState):
        svc.start_recommendation(contest.case, by=contest.hr)
    with pytest.raises(StaleState):
        cmp.advance_to_inspection(contest.case, by=contest.hr)
    assert rules.competition_order(["plan"], "exam")[0].level == Level.BLOCK
    assert rules.competition_order(["plan", "registration"], "exam")[0].ok


def test_r_met_2_order_written_test_before_interview(contest, clock):
    to_exam(contest, clock)
    cmp.set_examiners(contest.case, by=contest.hr, users=contest.examiners)
    reg = contest.registrations[0]
    with pytest.raises(TransitionRefused) as refused:
        cmp.record_interview_scores(contest.case, by=contest.examiners[0], scores={reg.pk: "80"})
    assert "先完成笔试" in refused.value.message
    cmp.record_written_scores(
        contest.case, by=contest.hr, scores={r.pk: "80" for r in contest.registrations[:5]}
    )
    assert cmp.record_interview_scores(contest.case, by=contest.examiners[0], scores={reg.pk: "80"}) == 1


# ---- R-CMP-1: the plan -------------------------------------------------------------------------------


def test_r_cmp_1_plan_without_party_group_decision_is_refused(contest):
    open_contest(contest, decided_on=None)
    with pytest.raises(TransitionRefused) as refused:
        cmp.publish_plan(contest.case, by=contest.hr)
    assert rule_of(refused.value, "R-CMP-1") and "党组会议" in refused.value.message
    assert SelectionCase.objects.get(pk=contest.case.pk).competition_plan.published_on is None


def test_r_cmp_1_registration_may_not_open_before_the_plan_is_published(contest):
    open_contest(contest, registration_opens=TODAY - timedelta(days=1))
    with pytest.raises(TransitionRefused) as refused:
        cmp.publish_plan(contest.case, by=contest.hr)
    assert "方案须在报名前公布" in refused.value.message


def test_r_cmp_1_weights_must_total_one_hundred(contest):
    open_contest(contest, written_weight=50, interview_weight=60)
    with pytest.raises(TransitionRefused) as refused:
        cmp.publish_plan(contest.case, by=contest.hr)
    assert "110%" in refused.value.message


def test_r_cmp_1_complete_plan_is_published_on_its_day(contest):
    case = to_registration(contest)
    assert case.status == CaseStatus.REGISTRATION
    assert case.competition_plan.published_on == TODAY
    event = case.events.get(action="publish_plan")
    assert any(f["rule"] == "R-CMP-1" and f["level"] == "ok" for f in event.findings)


# ---- R-CMP-2: registration ---------------------------------------------------------------------------


def test_r_cmp_2_before_and_after_the_window_refused_inside_allowed(contest, clock):
    to_registration(contest, registration_opens=TODAY + timedelta(days=1))
    cadre = contest.applicants[0]
    with pytest.raises(TransitionRefused) as refused:
        cmp.register(contest.case, by=cadre.account, vacancies=[contest.vacancy(0)])
    assert "尚未开始报名" in refused.value.message
    clock.move_to(at(TODAY + timedelta(days=4)))  # the last day counts
    assert cmp.register(contest.case, by=cadre.account, vacancies=[contest.vacancy(0)]).cadre == cadre
    clock.move_to(at(TODAY + timedelta(days=5)))
    with pytest.raises(TransitionRefused) as refused:
        cmp.register(contest.case, by=contest.applicants[1].account, vacancies=[contest.vacancy(0)])
    assert "已于" in refused.value.message and "截止" in refused.value.message
    assert Registration.objects.filter(case=contest.case).count() == 1


def test_r_cmp_2_at_most_the_plans_number_of_posts(contest):
    to_registration(contest)
    account = contest.applicants[0].account
    with pytest.raises(TransitionRefused) as refused:
        cmp.register(contest.case, by=account, vacancies=[contest.vacancy(0), contest.vacancy(1)])
    assert "最多报名 1 个职位" in refused.value.message
    assert not Registration.objects.exists()
    cmp.register(contest.case, by=account, vacancies=[contest.vacancy(1)])
    with pytest.raises(ServiceError):
        cmp.register(contest.case, by=account, vacancies=[contest.vacancy(0)])  # once only


def test_r_cmp_2_hr_entry_needs_the_signed_form(contest):
    to_registration(contest)
    cadre = contest.applicants[2]
    with pytest.raises(TransitionRefused) as refused:
        cmp.register(contest.case, by=contest.hr, cadre=cadre, vacancies=[contest.vacancy(0)])
    assert "签字的报名表" in refused.value.message
    form = SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    reg = cmp.register(
        contest.case, by=contest.hr, cadre=cadre, vacancies=[contest.vacancy(0)], signed_form=form
    )
    assert reg.channel == Registration.Channel.PAPER and reg.signed_form


def test_r_cmp_2_registration_closes_only_after_the_window(contest, clock):
    to_registration(contest)
    register_all(contest)
    with pytest.raises(TransitionRefused) as refused:
        cmp.close_registration(contest.case, by=contest.hr)
    assert rule_of(refused.value, "R-CMP-2")
    clock.move_to(at(TODAY + timedelta(days=5)))
    assert cmp.close_registration(contest.case, by=contest.hr).status == CaseStatus.SCREENING


# ---- R-CMP-3: screening ------------------------------------------------------------------------------


def test_r_cmp_3_screening_refuses_naming_the_condition_and_passes_the_rest(contest, clock):
    to_screening(contest, clock)
    assert cmp.run_screening(contest.case, by=contest.hr) == 5
    old = Registration.objects.get(cadre=contest.old)
    assert old.eligible is False
    messages = " ".join(r["message"] for r in old.refusals)
    assert "R-ELIG-5" in messages and "40 周岁以下" in messages  # the registry rule and the plan's own
    assert all(r.eligible for r in Registration.objects.exclude(cadre=contest.old))


def test_r_cmp_3_plan_condition_at_its_boundary(contest, clock):
    """Education: 大学本科 required; 大学本科 passes, 大学专科 is refused with the condition named."""
    to_registration(contest, min_education="undergraduate", max_age=None)
    register_all(contest)
    contest.applicants[0].education.update(level="college")
    clock.move_to(at(TODAY + timedelta(days=5)))
    cmp.close_registration(contest.case, by=contest.hr)
    cmp.run_screening(contest.case, by=contest.hr)
    refused = Registration.objects.get(cadre=contest.applicants[0])
    assert refused.eligible is False and "大学本科及以上学历" in refused.refusals[0]["message"]
    assert Registration.objects.get(cadre=contest.applicants[1]).eligible is True


def test_r_cmp_3_exam_waits_for_publication_and_answered_reviews(contest, clock):
    to_screening(contest, clock)
    cmp.run_screening(contest.case, by=contest.hr)
    with pytest.raises(TransitionRefused) as refused:
        cmp.start_exam(contest.case, by=contest.hr)
    assert "尚未公布" in refused.value.message
    old = Registration.objects.get(cadre=contest.old)
    with pytest.raises(ServiceError):
        cmp.request_review(old, by=contest.old.account, text="我符合条件")  # not yet published
    cmp.publish_screening(contest.case, by=contest.hr)
    with pytest.raises(ServiceError):
        cmp.request_review(old, by=contest.applicants[0].account, text="代别人申请")  # only one's own
    cmp.request_review(old, by=contest.old.account, text="年龄计算有误")
    with pytest.raises(TransitionRefused) as refused:
        cmp.start_exam(contest.case, by=contest.hr)
    assert "复核申请尚未答复" in refused.value.message
    cmp.answer_review(old, by=contest.hr, answer="经核对出生日期，维持原结论。", overturned=False)
    assert cmp.start_exam(contest.case, by=contest.hr).status == CaseStatus.EXAM
    assert not Registration.objects.get(pk=old.pk).qualified


def test_r_cmp_3_overturned_review_qualifies(contest, clock):
    to_screening(contest, clock)
    cmp.run_screening(contest.case, by=contest.hr)
    cmp.publish_screening(contest.case, by=contest.hr)
    old = Registration.objects.get(cadre=contest.old)
    cmp.request_review(old, by=contest.old.account, text="请复核")
    cmp.answer_review(old, by=contest.hr, answer="经党组研究，同意参加考试。", overturned=True)
    assert Registration.objects.get(pk=old.pk).qualified
    with pytest.raises(ServiceError):
        cmp.run_screening(contest.case, by=contest.hr)  # published results are not recomputed


# ---- R-CMP-4: effective competition ------------------------------------------------------------------


def test_r_cmp_4_one_qualified_applicant_for_a_post_warns(contest, clock):
    to_screening(contest, clock)
    Registration.objects.filter(cadre=contest.applicants[4]).delete()  # post 2: 周全 and the refused 郑老
    cmp.run_screening(contest.case, by=contest.hr)
    cmp.publish_screening(contest.case, by=contest.hr)
    with pytest.raises(TransitionRefused) as refused:
        cmp.start_exam(contest.case, by=contest.hr)
    warning = next(f for f in refused.value.missing_justifications if f.rule == "R-CMP-4")
    assert "仅 1 人" in warning.message and "基金监管科副科长" in warning.message
    case = cmp.start_exam(
        contest.case, by=contest.hr, justifications={warning.key: "经党组研究，重新组织报名前先行考试"}
    )
    assert case.status == CaseStatus.EXAM


def test_r_cmp_4_a_post_with_two_qualified_stays_one_with_one_is_withdrawn_with_a_reason(contest, clock):
    """Refused at 2 qualified (effective competition), allowed at 1: the post leaves the competition, its
    only applicant no longer qualifies and is told why, the record keeps the reason."""
    to_screening(contest, clock)
    cmp.run_screening(contest.case, by=contest.hr)
    post2 = contest.vacancy(1)  # 周全 and 吴迪 qualified, 郑老 refused
    with pytest.raises(TransitionRefused) as refused:
        cmp.withdraw_post(contest.case, by=contest.hr, vacancy=post2, reason="合格人数不足")
    assert "R-CMP-4" in refused.value.message and "已形成有效竞争" in refused.value.message
    Registration.objects.filter(cadre=contest.applicants[4]).delete()  # now 周全 alone
    with pytest.raises(TransitionRefused, match="理由"):
        cmp.withdraw_post(contest.case, by=contest.hr, vacancy=post2, reason=" ")
    assert contest.case.vacancies.filter(pk=post2.pk).exists()
    cmp.withdraw_post(contest.case, by=contest.hr, vacancy=post2, reason="合格人数不足，按日常程序选拔")
    assert not contest.case.vacancies.filter(pk=post2.pk).exists()
    alone = Registration.objects.get(cadre=contest.applicants[3])
    assert not alone.qualified and "已调整出竞争上岗" in alone.refusals[0]["message"]
    event = contest.case.events.get(action="withdraw_post")
    assert event.payload["reason"] == "合格人数不足，按日常程序选拔"
    assert set(event.payload["left_without_post"]) == {contest.applicants[3].name, contest.old.name}
    old = Registration.objects.get(cadre=contest.old)  # refused for his age before: that stays
    assert old.refusals[0]["rule"] == "R-CMP-4" and len(old.refusals) > 1
    assert next(iter(event.justification.values()))["rule"] == "R-CMP-4"
    # The remaining post competes effectively: the exam starts without a warning to answer.
    cmp.publish_screening(contest.case, by=contest.hr)
    with pytest.raises(ServiceError, match="已调整出竞争上岗"):  # nothing left to review
        cmp.request_review(alone, by=contest.applicants[3].account, text="请求复核")
    assert cmp.start_exam(contest.case, by=contest.hr).status == CaseStatus.EXAM
    assert verify_chain(contest.case.events.order_by("seq")).ok


def test_r_cmp_4_the_last_post_is_not_withdrawn(contest, clock):
    to_screening(contest, clock)
    cmp.run_screening(contest.case, by=contest.hr)
    Registration.objects.filter(cadre__in=contest.applicants[1:]).delete()
    cmp.withdraw_post(contest.case, by=contest.hr, vacancy=contest.vacancy(1), reason="无人合格")
    with pytest.raises(TransitionRefused, match="唯一的职位"):
        cmp.withdraw_post(contest.case, by=contest.hr, vacancy=contest.vacancy(0), reason="仅 1 人")


def test_r_cmp_4_registration_reopens_only_when_a_post_lacks_competition(contest, clock):
    """Refused while every post has two qualified; allowed at one, with a reason and a later closing date:
    the window reopens, a new applicant registers, and the screening is done again."""
    to_screening(contest, clock)
    cmp.run_screening(contest.case, by=contest.hr)
    later = TODAY + timedelta(days=9)
    with pytest.raises(TransitionRefused, match="不需要重新组织报名"):
        cmp.reopen_registration(contest.case, by=contest.hr, closes_on=later, reason="扩大报名范围")
    Registration.objects.filter(cadre=contest.applicants[4]).delete()
    with pytest.raises(TransitionRefused, match="晚于今天"):
        cmp.reopen_registration(contest.case, by=contest.hr, closes_on=TODAY, reason="合格人数不足")
    with pytest.raises(TransitionRefused, match="理由"):
        cmp.reopen_registration(contest.case, by=contest.hr, closes_on=later, reason="")
    case = cmp.reopen_registration(contest.case, by=contest.hr, closes_on=later, reason="合格人数不足")
    assert case.status == CaseStatus.REGISTRATION
    assert case.competition_plan.registration_closes == later
    assert not case.registrations.filter(eligible__isnull=False).exists()  # to be screened again
    event = case.events.get(action="reopen_registration")
    assert event.payload["reason"] == "合格人数不足" and event.to_state == CaseStatus.REGISTRATION
    newcomer = applicant_in(contest, "冯新")
    cmp.register(case, by=newcomer.account, vacancies=[contest.vacancy(1)])
    clock.move_to(at(later + timedelta(days=1)))
    cmp.close_registration(case, by=contest.hr)
    cmp.run_screening(case, by=contest.hr)
    assert cg.qualified_per_post(case)[str(contest.vacancy(1).post)] == 2
    assert not cg.ineffective_posts(case)


def applicant_in(contest, name: str):
    from .competitive_workflow import applicant

    department = contest.posts[1].department
    return applicant(contest.org, department, name, contest.applicants[0].birth_date, username="newcomer")


def test_r_cmp_4_two_qualified_per_post_is_effective():
    found = rules.effective_competition({"甲": 2, "乙": 1})
    assert [f.level for f in found] == [Level.OK, Level.WARN]


# ---- R-CMP-5: panel, recusal, composite, ranking -----------------------------------------------------


def test_r_cmp_5_panel_of_four_refused_five_allowed(contest, clock):
    to_exam(contest, clock)
    cmp.set_examiners(contest.case, by=contest.hr, users=contest.examiners[:4])
    assert any(f.level == Level.BLOCK and f.rule == "R-CMP-5" for f in cg.exam(contest.case))
    cmp.set_examiners(contest.case, by=contest.hr, users=contest.examiners)
    assert next(f for f in cg.exam(contest.case) if f.rule == "R-CMP-5").ok


def test_r_cmp_5_even_panel_refused():
    assert rules.interview_panel(list("abcdef"), [])[0].level == Level.BLOCK
    assert rules.interview_panel(list("abcdefg"), [])[0].ok


def test_r_cmp_5_examiner_related_to_an_applicant_is_recused(contest, clock):
    to_exam(contest, clock)
    sixth = contest.examiners[0].__class__.objects.create(
        username="exam6", full_name="考官六", organization=contest.org
    )
    relative = CadreFactory(organization=contest.org, name="考官六", account=sixth)
    relate(contest.applicants[0], relative)
    examiners = cmp.set_examiners(contest.case, by=contest.hr, users=[*contest.examiners, sixth])
    recused = [e for e in examiners if e.recused]
    assert [e.user for e in recused] == [sixth] and "钱进" in recused[0].recusal_reason
    assert next(f for f in cg.exam(contest.case) if f.rule == "R-CMP-5").ok  # 5 sitting, the 6th out
    with pytest.raises(ServiceError):
        cmp.record_interview_scores(contest.case, by=sixth, scores={contest.registrations[0].pk: "90"})
    # A relation recorded after the panel was set blocks until the examiner is recused.
    relate(
        contest.applicants[1],
        CadreFactory(organization=contest.org, name="考官一", account=contest.examiners[0]),
    )
    assert any(f.rule == "R-KIN-3" and f.level == Level.BLOCK for f in cg.exam(contest.case))


def test_r_cmp_5_composite_by_weights_and_trim_from_seven():
    five = [Decimal(x) for x in ("70", "80", "80", "90", "95")]
    assert rules.interview_average(five) == Decimal("83.00")  # 5: no trim
    seven = [Decimal(x) for x in ("60", "80", "80", "80", "80", "80", "99")]
    assert rules.interview_average(seven) == Decimal("80.00")  # 7: highest and lowest dropped
    assert rules.composite_score(Decimal("85"), Decimal("80"), 40, 60) == Decimal("82.00")


def test_r_cmp_5_ties_broken_by_the_plans_rule():
    lines = [
        rules.ScoreLine(1, "甲", Decimal("90"), Decimal("70"), Decimal("80")),
        rules.ScoreLine(2, "乙", Decimal("70"), Decimal("90"), Decimal("80")),
        rules.ScoreLine(3, "丙", Decimal("70"), Decimal("90"), Decimal("80")),
    ]
    by_interview = rules.ranking(lines, "interview")
    assert [(line.name, line.rank) for line in by_interview] == [("乙", 1), ("丙", 1), ("甲", 3)]
    assert rules.ranking(lines, "written")[0].name == "甲"


def test_r_cmp_5_scores_incomplete_refused_and_bad_score_changes_nothing(contest, clock):
    to_exam(contest, clock)
    cmp.set_examiners(contest.case, by=contest.hr, users=contest.examiners)
    with pytest.raises(ServiceError):
        cmp.record_written_scores(contest.case, by=contest.hr, scores={contest.registrations[0].pk: "101"})
    with pytest.raises(ServiceError):
        cmp.record_written_scores(contest.case, by=contest.hr, scores={contest.registrations[0].pk: "八十"})
    assert Registration.objects.get(pk=contest.registrations[0].pk).written_score is None
    with pytest.raises(ServiceError):  # the refused applicant sits no exam
        cmp.record_written_scores(contest.case, by=contest.hr, scores={contest.registrations[5].pk: "90"})
    with pytest.raises(TransitionRefused) as refused:
        cmp.fix_advancing(
            contest.case, by=contest.hr, decided_on=TODAY + timedelta(days=5), chosen=top_two(contest)
        )
    assert "成绩不完整" in refused.value.message


# ---- R-CMP-6: the advancing list ---------------------------------------------------------------------


def test_r_cmp_6_top_n_allowed_without_reason(contest, clock):
    to_exam(contest, clock)
    score_all(contest)
    made = cmp.fix_advancing(
        contest.case, by=contest.hr, decided_on=TODAY + timedelta(days=5), chosen=top_two(contest)
    )
    assert sorted((a.registration.cadre.name, a.rank) for a in made) == [
        ("吴迪", 2),
        ("周全", 1),
        ("孙悦", 1),
        ("钱进", 2),
    ]


def test_r_cmp_6_skip_in_rank_order_needs_the_party_groups_reason(contest, clock):
    to_exam(contest, clock)
    score_all(contest)
    r = contest.registrations
    chosen = {**top_two(contest), contest.vacancy(0).pk: [r[1].pk, r[2].pk]}  # 李想 (3rd) over 钱进 (2nd)
    with pytest.raises(TransitionRefused) as refused:
        cmp.fix_advancing(contest.case, by=contest.hr, decided_on=TODAY + timedelta(days=5), chosen=chosen)
    warning = next(f for f in refused.value.missing_justifications if f.rule == "R-CMP-6")
    assert "李想" in warning.message and "钱进" in warning.message
    made = cmp.fix_advancing(
        contest.case,
        by=contest.hr,
        decided_on=TODAY + timedelta(days=5),
        chosen=chosen,
        justifications={warning.key: "钱进已调任其他岗位，党组研究同意递补"},
    )
    assert any(a.skip_reason.startswith("钱进已调任") for a in made)


def test_r_cmp_6_more_than_n_refused(contest, clock):
    to_exam(contest, clock)
    score_all(contest)
    r = contest.registrations
    chosen = {**top_two(contest), contest.vacancy(0).pk: [r[0].pk, r[1].pk, r[2].pk]}
    with pytest.raises(TransitionRefused) as refused:
        cmp.fix_advancing(contest.case, by=contest.hr, decided_on=TODAY + timedelta(days=5), chosen=chosen)
    assert "最多 2 人" in refused.value.message
    assert not contest.case.advancements.exists()


# ---- R-CMP-7: published; the step into 考察 ------------------------------------------------------------


def test_r_cmp_7_inspection_waits_for_published_results(contest, clock):
    to_exam(contest, clock)
    score_all(contest)
    cmp.fix_advancing(
        contest.case, by=contest.hr, decided_on=TODAY + timedelta(days=5), chosen=top_two(contest)
    )
    with pytest.raises(TransitionRefused) as refused:
        cmp.advance_to_inspection(contest.case, by=contest.hr)
    assert rule_of(refused.value, "R-CMP-7")
    cmp.publish_results(contest.case, by=contest.hr)
    case = cmp.advance_to_inspection(contest.case, by=contest.hr)
    assert case.status == CaseStatus.INSPECTION
    targets = case.candidates.filter(status=CandidateStatus.TARGET)
    assert sorted(c.cadre.name for c in targets) == ["吴迪", "周全", "孙悦", "钱进"]
    assert verify_chain(case.events.order_by("seq")).ok


# ---- R-CMP-8: from 考察 on, the daily rules ------------------------------------------------------------


def test_r_cmp_8_quota_is_checked_at_the_plan(contest):
    from selection.models import Quota

    Quota.objects.filter(organization=contest.org, rank="deputy").update(approved=1)
    open_contest(contest)
    with pytest.raises(TransitionRefused) as refused:
        cmp.publish_plan(contest.case, by=contest.hr)
    assert rule_of(refused.value, "R-MOT-1")
    Quota.objects.filter(organization=contest.org, rank="deputy").update(approved=2)
    assert cmp.publish_plan(contest.case, by=contest.hr).status == CaseStatus.REGISTRATION


def test_r_cmp_8_inspection_rules_apply_unchanged(contest, clock):
    case = to_inspection(contest, clock)
    with pytest.raises(TransitionRefused) as refused:
        svc.submit_for_decision(case, by=contest.hr)
    assert rule_of(refused.value, "R-INS")
    assert "R-REC-1" not in refused.value.message  # the exam stands for the recommendation
    # Keep one target per post, complete their inspections: the daily gate lets the case through.
    world = type("W", (), {"case": case, "hr": contest.hr, "team": contest.members[1:3]})
    for candidate in case.candidates.all():
        if candidate.cadre.name in ("钱进", "吴迪"):
            svc.withdraw_candidate(candidate, by=contest.hr, reason="综合考虑，党组研究确定人选")
            continue
        svc.update_candidate_record(candidate, by=contest.hr, health_attested_fit=True)
        complete_inspection(world, candidate)
    case = svc.submit_for_decision(SelectionCase.objects.get(pk=case.pk), by=contest.hr)
    assert case.status == CaseStatus.DECISION


def test_competitive_record_is_a_hash_chain(contest, clock):
    case = to_inspection(contest, clock)
    actions = list(RecordEvent.objects.filter(case=case).order_by("seq").values_list("action", flat=True))
    for action in (
        "save_plan",
        "publish_plan",
        "register",
        "close_registration",
        "run_screening",
        "publish_screening",
        "start_exam",
        "set_examiners",
        "record_written_scores",
        "record_interview_scores",
        "fix_advancing",
        "publish_results",
        "advance_to_inspection",
    ):
        assert action in actions
    assert Examiner.objects.filter(case=case).count() == 5
    _ = attach, PostHoldingFactory
