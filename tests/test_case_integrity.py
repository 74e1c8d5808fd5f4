"""Every door of a case holds the rules: the post being filled (R-REG-1), dates (R-REG-4), people who
must not be there (R-INS-3, staff ballots, the administrator), counts that add up (R-INS-5), 破格 derived
once (R-EXC-1/5), the pre-review at 提交讨论 (R-DEC-8), and what appointment writes (R-APP-*)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import Role
from selection import gates, rules
from selection.forms_cases import InspectionForm
from selection.models import (
    BallotBox,
    Candidate,
    CaseStatus,
    Complaint,
    Inspection,
    Organization,
    ParticipantCategory,
    PostHolding,
    RecommendationRound,
    ResumeEntry,
    SelectionCase,
)
from selection.permissions import allowed_actions, ballot_invitees, can_record_inspection, can_vote_in
from selection.rules import Level
from selection.services import cases as svc
from selection.services import voting
from selection.services.base import ServiceError, TransitionRefused

from .factories import CadreFactory, PostHoldingFactory, UserFactory
from .workflow import (
    TODAY,
    complete_inspection,
    open_motion,
    to_decision,
    to_inspection,
    to_notice,
    to_recommendation,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


def appoint(world):
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        return svc.appoint(
            world.case,
            by=world.hr,
            notice_number="安医保党〔2026〕12号",
            notice_date=date(2026, 12, 3),
            talk_on=date(2026, 12, 3),
            talk_by="王建国",
        )


# ---- §2 the post being filled, appointment -------------------------------------------------------------


def test_r_reg_1_a_motion_for_a_post_another_open_case_is_filling_is_refused_at_creation(world):
    open_motion(world)
    with pytest.raises(ServiceError, match="R-REG-1：职位“待遇保障科科长”已在进行中的"):
        svc.open_case(
            world.org,
            by=world.hr,
            title="第二个动议",
            year=2026,
            posts=[world.post],
            motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
            motion_date=TODAY,
        )
    assert SelectionCase.objects.count() == 1


def test_r_reg_1_appointment_refused_while_the_post_still_has_its_holder(world):
    to_notice(world)
    PostHoldingFactory(cadre=CadreFactory(organization=world.org, name="原科长"), post=world.post)
    before = sorted(PostHolding.objects.values_list("pk", "ended_on"))
    with pytest.raises(ServiceError, match="R-REG-1"):
        appoint(world)
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.PUBLIC_NOTICE
    assert sorted(PostHolding.objects.values_list("pk", "ended_on")) == before
    assert not ResumeEntry.objects.filter(text__contains="待遇保障科科长").exists()


def test_r_app_appointment_appends_the_new_post_to_the_resume(world):
    to_notice(world)
    cadre = world.candidates[0].cadre
    appoint(world)
    lines = list(ResumeEntry.objects.filter(cadre=cadre).order_by("order"))
    assert (lines[-1].started_on, lines[-1].ended_on, lines[-1].text) == (
        TODAY,
        None,
        f"{world.org.name}待遇保障科科长",
    )
    assert lines[-2].ended_on == TODAY  # the line that was open ends the day the new post starts


def test_r_ins_10_complaints_resolved_is_not_ticked_by_default(world):
    to_inspection(world)
    candidate = world.candidates[0]
    assert Inspection.objects.get(candidate=candidate).complaints_resolved is False
    form = InspectionForm(candidate=candidate, may_assign_team=True)
    assert not form["complaints_resolved"].value()


# ---- R-REG-4 dates ----------------------------------------------------------------------------------


def test_r_reg_4_a_discipline_opinion_dated_after_today_is_refused(world):
    to_inspection(world)
    candidate = world.candidates[0]
    with pytest.raises(ServiceError, match="R-REG-4：纪检监察意见日期不能晚于今天"):
        svc.update_candidate_record(candidate, by=world.hr, discipline_opinion_on=TOMORROW)
    assert Inspection.objects.get(candidate=candidate).discipline_opinion_on is None


def test_r_reg_4_a_complaint_concluded_before_it_was_received_is_refused(world):
    to_notice(world)
    complaint = svc.record_complaint(
        world.case, by=world.hr, candidate=world.candidates[0], received_on=TODAY, summary="反映问题"
    )
    with pytest.raises(ServiceError, match="R-REG-4：办结日期不能早于收到日期"):
        svc.conclude_complaint(
            complaint,
            by=world.hr,
            investigation="经查不属实。",
            conclusion=Complaint.Conclusion.NO_EFFECT,
            concluded_on=TODAY - timedelta(days=1),
        )
    complaint.refresh_from_db()
    assert complaint.conclusion == "" and complaint.concluded_on is None
    with pytest.raises(ServiceError, match="R-REG-4：收到日期不能晚于今天"):
        svc.record_complaint(
            world.case, by=world.hr, candidate=world.candidates[0], received_on=TOMORROW, summary="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database itself refuses it
        Complaint.objects.filter(pk=complaint.pk).update(
            conclusion="no_effect", concluded_on=TODAY - timedelta(days=1)
        )


def test_r_reg_4_future_dates_refused_in_motion_round_targets_meeting_and_appointment(world):
    with pytest.raises(ServiceError, match="R-REG-4：动议日期"):
        svc.open_case(
            world.org,
            by=world.hr,
            title="未来的动议",
            year=2026,
            posts=[world.post],
            motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
            motion_date=TOMORROW,
        )
    to_recommendation(world)
    vacancy = world.case.vacancies.get()
    with pytest.raises(ServiceError, match="R-REG-4：推荐日期"):
        svc.record_round(
            world.case,
            by=world.hr,
            kind="conversation",
            held_on=TOMORROW,
            expected=10,
            actual=9,
            valid_ballots=None,
            results=[(vacancy, world.cadres[0], 5)],
        )
    assert not RecommendationRound.objects.exists()
    with pytest.raises(ServiceError, match="R-REG-4：党组会议日期"):
        svc.fix_targets(
            world.case,
            by=world.hr,
            meeting_date=TOMORROW,
            expected_members=7,
            present_members=6,
            targets=world.candidates[:1],
        )


def test_r_reg_4_appointment_dates_after_today_are_refused(world):
    to_notice(world)
    with pytest.raises(ServiceError, match="R-REG-4：任职谈话日期"):
        svc.appoint(
            world.case,
            by=world.hr,
            notice_number="安医保党〔2026〕12号",
            notice_date=TODAY,
            talk_on=TOMORROW,
        )
    assert not PostHolding.objects.filter(post=world.post).exists()


# ---- §3 people who must not be there --------------------------------------------------------------------


def test_r_ins_3_the_candidate_cannot_be_in_their_own_inspection_team(world):
    to_inspection(world)
    candidate = world.candidates[0]
    own = UserFactory(
        username="self", full_name=candidate.cadre.name, organization=world.org, roles=[Role.HR]
    )
    candidate.cadre.account = own
    candidate.cadre.save()
    findings = gates.inspection_team(candidate, [*world.team, own])
    assert [f.level for f in findings] == [Level.BLOCK]
    assert "考察对象本人" in findings[0].message
    with pytest.raises(TransitionRefused, match="R-INS-3"):
        svc.update_candidate_record(candidate, by=world.hr, team=[*world.team, own])
    assert not Inspection.objects.get(candidate=candidate).team.filter(pk=own.pk).exists()
    form = InspectionForm(candidate=candidate, may_assign_team=True)
    assert own not in form.fields["team"].queryset


def test_r_ins_3_the_administrator_cannot_be_in_an_inspection_team(world, admin_user):
    to_inspection(world)
    with pytest.raises(TransitionRefused, match="系统管理员"):
        svc.update_candidate_record(world.candidates[0], by=world.hr, team=[*world.team, admin_user])


def test_staff_ballot_invitations_never_offer_or_accept_the_candidate_or_the_administrator(world, admin_user):
    to_inspection(world)
    target = world.candidates[0]
    own = UserFactory(
        username="self", full_name=target.cadre.name, organization=world.org, roles=[Role.STAFF]
    )
    target.cadre.account = own
    target.cadre.save()
    admin_user.organization = world.org
    admin_user.save()
    sub = Organization.objects.create(name="医保中心", parent=world.org)
    sub_staff = UserFactory(username="sub1", full_name="中心职工", organization=sub, roles=[Role.STAFF])
    box = voting.create_ballot_box(
        world.case, by=world.hr, kind=BallotBox.Kind.APPRAISAL, title="民主测评", held_on=TODAY
    )
    offered = set(ballot_invitees(box))
    assert own not in offered and admin_user not in offered
    assert sub_staff in offered and world.hr in offered
    for user in (own, admin_user):
        with pytest.raises(ServiceError, match="不能邀请"):
            voting.invite_accounts(box, by=world.hr, users=[user], category=ParticipantCategory.MIDDLE)
    assert not box.invitations.exists()


def test_invited_staff_of_a_subordinate_institution_vote_in_the_bureau_box(world, client):
    to_inspection(world)
    target = world.candidates[0]
    sub = Organization.objects.create(name="医保中心", parent=world.org)
    invited = UserFactory(username="sub1", full_name="中心职工", organization=sub, roles=[Role.STAFF])
    uninvited = UserFactory(username="sub2", full_name="未邀请", organization=sub, roles=[Role.STAFF])
    box = voting.create_ballot_box(
        world.case, by=world.hr, kind=BallotBox.Kind.APPRAISAL, title="民主测评", held_on=TODAY
    )
    voting.invite_accounts(box, by=world.hr, users=[invited], category=ParticipantCategory.OTHER)
    voting.open_box(box, by=world.hr)
    client.force_login(invited)
    assert client.get(reverse("box_vote", args=[box.pk])).status_code == 200
    response = client.post(
        reverse("box_vote", args=[box.pk]),
        {f"rating_{target.pk}": "excellent", f"promotion_{target.pk}": "agree"},
    )
    assert response.status_code == 200
    assert box.ballots.count() == 1
    client.force_login(uninvited)
    assert client.get(reverse("box_vote", args=[box.pk])).status_code == 404


def test_the_administrator_never_acts_in_a_case_although_guardian_grants_superusers_everything(
    world, admin_user, client
):
    to_decision(world)
    candidate = world.candidates[0]
    assert admin_user.has_perm("selection.inspect_candidate", candidate)  # what guardian says
    assert not can_record_inspection(admin_user, candidate)
    meeting = svc.convene_meeting(
        world.case,
        by=world.hr,
        held_on=TODAY,
        method="hands",
        chair=world.secretary,
        members=world.members,
        present=world.members,
    )
    assert not can_vote_in(admin_user, meeting)
    admin_user.groups.add(*world.hr.groups.all())  # even holding the HR role as well
    assert allowed_actions(admin_user) == frozenset({"administer"})
    client.force_login(admin_user)
    url = reverse("candidate_record", args=[world.case.pk, candidate.pk, "discipline"])
    response = client.post(url, {"discipline_opinion_on": "2026-11-26", "discipline_conclusion": "无问题"})
    assert response.status_code in (403, 404)
    assert Inspection.objects.get(candidate=candidate).discipline_conclusion != "无问题"


# ---- §4 numbers that add up -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"appraisal_expected": 10, "appraisal_actual": 11}, "实参加人数（11）不能多于应参加人数（10）"),
        (
            {"appraisal_expected": 10, "appraisal_actual": 8, "agree_promotion": 6, "disagree_promotion": 3},
            "同意与不同意提拔票合计9票，不能多于实参加人数8人",
        ),
        (
            {"appraisal_expected": 10, "appraisal_actual": 8, "rated_excellent": 5, "rated_competent": 4},
            "票数合计9票，不能多于实参加人数8人",
        ),
    ],
)
def test_r_ins_5_appraisal_counts_must_add_up(world, changes, message):
    to_inspection(world)
    candidate = world.candidates[0]
    with pytest.raises(ServiceError, match=message):
        svc.update_candidate_record(candidate, by=world.hr, **changes)
    assert Inspection.objects.get(candidate=candidate).appraisal_actual is None


def test_r_ins_5_the_database_refuses_counts_that_do_not_add_up(world):
    to_inspection(world)
    inspection = Inspection.objects.get(candidate=world.candidates[0])
    for values in (
        {"appraisal_expected": 10, "appraisal_actual": 11},
        {"appraisal_actual": 8, "agree_promotion": 6, "disagree_promotion": 3},
        {"appraisal_actual": 8, "rated_excellent": 5, "rated_competent": 4},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Inspection.objects.filter(pk=inspection.pk).update(**values)


def test_r_ins_5_low_appraisal_attendance_warns_with_the_setting():
    facts = rules.Appraisal(10, 2, {"优秀": 2}, opinions_recorded=True, promotion={"同意": 2})
    inspection = rules.InspectionFacts(facts, None, None, "", True, True, 0)
    [finding] = [f for f in rules.inspection_complete(inspection) if f.rule == "R-INS-5"]
    assert finding.level == Level.WARN
    assert "应参加 10 人，实参加 2 人，不足三分之二（至少 7 人）" in finding.message
    relaxed = rules.RuleSettings(appraisal_min_attendance="1/5")
    [finding] = [f for f in rules.inspection_complete(inspection, relaxed) if f.rule == "R-INS-5"]
    assert finding.level == Level.OK
    assert rules.appraisal_attendance(10, 7) == []


def test_r_ins_5_an_online_appraisal_does_not_overwrite_recorded_paper_figures(world):
    to_inspection(world)
    target = world.candidates[0]
    complete_inspection(world, target)  # paper figures: 40 expected, 38 actual
    people = [
        UserFactory(username=f"s{i}", full_name=f"职工{i}", organization=world.org, roles=[Role.STAFF])
        for i in range(10)
    ]
    box = voting.create_ballot_box(
        world.case, by=world.hr, kind=BallotBox.Kind.APPRAISAL, title="民主测评", held_on=TODAY
    )
    voting.invite_accounts(box, by=world.hr, users=people, category=ParticipantCategory.MIDDLE)
    voting.open_box(box, by=world.hr)
    for person in people[:2]:
        voting.cast_staff_ballot(
            box,
            user=person,
            choices={"ratings": {str(target.pk): "excellent"}, "promotion": {str(target.pk): "agree"}},
        )
    voting.close_box(box, by=world.hr)
    inspection = Inspection.objects.get(candidate=target)
    assert (inspection.appraisal_expected, inspection.appraisal_actual, inspection.rated_excellent) == (
        40,
        38,
        20,
    )
    box.refresh_from_db()
    assert box.tally["kept_records"] == [target.cadre.name]
    event = world.case.events.get(action="count_ballot_box")
    assert [f["level"] for f in event.findings] == ["warn"]  # 2 of 10: below two thirds


def test_r_ins_5_a_two_of_ten_online_appraisal_needs_a_justification_to_go_on(world):
    to_inspection(world)
    target = world.candidates[0]
    complete_inspection(world, target)
    svc.update_candidate_record(
        target,
        by=world.hr,
        appraisal_expected=10,
        appraisal_actual=2,
        rated_excellent=2,
        rated_competent=0,
        rated_basic=0,
        agree_promotion=2,
        disagree_promotion=0,
    )
    with pytest.raises(TransitionRefused, match="R-INS-5"):
        svc.submit_for_decision(world.case, by=world.hr)


# ---- 破格 derived once, R-DEC-8 at 提交讨论 -------------------------------------------------------------


def _make_exceptional(world) -> Candidate:
    """Under a year as deputy before a chief post (R-ELIG-1): 破格 by the facts, whatever the checkbox."""
    candidate = world.candidates[0]
    PostHolding.objects.filter(cadre=candidate.cadre).update(started_on=date(2026, 3, 1))
    return candidate


def test_r_exc_5_notice_states_the_computed_exceptional_status_without_the_checkbox(world):
    to_inspection(world)
    candidate = _make_exceptional(world)
    assert not candidate.exceptional  # nobody ticked it
    assert gates.is_exceptional(candidate)
    statement = gates.exceptional_statement(candidate)
    assert statement.startswith("该同志属于破格提拔（破格），破格情形：副职任职年限不足")
    assert "破格理由" not in statement
    facts = gates.exceptional_facts(candidate, TODAY)
    [r_exc_5] = [f for f in rules.exceptional_promotion(facts, rules.Stage.NOTICE) if f.rule == "R-EXC-5"]
    assert r_exc_5.level == Level.BLOCK  # the notice would not give the reasons
    candidate = svc.update_candidate_record(
        candidate,
        by=world.hr,
        exceptional_type=Candidate.ExceptionalType.OUTSTANDING,
        exceptional_reason="实绩特别突出",
    )
    assert "破格理由：实绩特别突出" in gates.exceptional_statement(candidate)
    facts = gates.exceptional_facts(candidate, TODAY)
    [r_exc_5] = [f for f in rules.exceptional_promotion(facts, rules.Stage.NOTICE) if f.rule == "R-EXC-5"]
    assert r_exc_5.level == Level.OK


def test_r_exc_5_a_ticked_checkbox_without_grounds_is_not_exceptional(world):
    to_inspection(world)
    candidate = svc.update_candidate_record(
        world.candidates[0], by=world.hr, exceptional=True, exceptional_reason="勾选而已"
    )
    assert not gates.is_exceptional(candidate)
    assert gates.exceptional_statement(candidate) == ""


def test_r_dec_8_pre_review_is_checked_when_submitting_for_discussion(world):
    to_inspection(world)
    candidate = world.candidates[0]
    complete_inspection(world, candidate)
    svc.update_candidate_record(candidate, by=world.hr, pre_review_on=None, pre_review_reply="")
    with pytest.raises(TransitionRefused) as refused:
        svc.submit_for_decision(world.case, by=world.hr)
    assert "R-DEC-8" in {f.rule for f in refused.value.blocking}
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.INSPECTION
