"""The daily procedure end to end through the services, and each gate refusing with its rule ID."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from selection import gates
from selection.models import (
    Candidate,
    CandidateStatus,
    CaseStatus,
    Complaint,
    Kinship,
    PostHolding,
    RecordEvent,
    TargetDecision,
    verify_chain,
)
from selection.models.post import Rank
from selection.services import cases as svc
from selection.services.base import ServiceError, StaleState, TransitionRefused

from .factories import CadreFactory, PostFactory, PostHoldingFactory
from .tamper import force_update
from .workflow import (
    TODAY,
    answer_negative_list,
    attach,
    complete_inspection,
    open_motion,
    record_rounds,
    to_decision,
    to_inspection,
    to_notice,
    to_recommendation,
    vote_all,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


def fix_targets(world, targets, *, present: int = 7, justifications=None):
    """The party group (7 members) fixes the targets on TODAY."""
    return svc.fix_targets(
        world.case,
        by=world.hr,
        meeting_date=TODAY,
        expected_members=7,
        present_members=present,
        targets=targets,
        justifications=justifications,
    )


def refused_rules(excinfo) -> set[str]:
    return {f.rule for f in excinfo.value.blocking} | {f.rule for f in excinfo.value.missing_justifications}


def test_case_runs_from_motion_to_appointment_and_the_post_history_shows_it(world):
    case = to_notice(world)
    assert case.status == CaseStatus.PUBLIC_NOTICE
    assert case.public_notice.ends_on == date(2026, 12, 2)  # 5 working days counting the first
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = svc.appoint(
            case,
            by=world.hr,
            notice_number="安医保党〔2026〕12号",
            notice_date=date(2026, 12, 3),
            talk_on=date(2026, 12, 3),
            talk_by="王建国",
        )
    assert case.status == CaseStatus.APPOINTED
    winner = Candidate.objects.get(pk=world.candidates[0].pk)
    assert winner.status == CandidateStatus.APPOINTED
    current = PostHolding.objects.get(cadre=winner.cadre, ended_on__isnull=True)
    assert current.post == world.post
    assert current.started_on == TODAY  # R-APP-2: tenure counts from the party-group decision
    assert current.probation_ends_on == date(2027, 11, 26)  # R-APP-3: a promotion has a year's probation
    assert current.probation_result == PostHolding.Probation.PENDING
    old = PostHolding.objects.get(cadre=winner.cadre, ended_on__isnull=False)
    assert old.ended_on == TODAY  # R-APP-5: the old post ends in the same transaction
    actions = list(case.events.values_list("action", flat=True))
    assert actions[0] == "open_case" and actions[-1] == "appoint"
    assert verify_chain(case.events.all()).ok


def test_recommendation_refused_until_the_main_leader_approves_R_MOT_2(world):
    case = open_motion(world)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.start_recommendation(case, by=world.hr)
    assert "R-MOT-2" in refused_rules(excinfo)
    case.refresh_from_db()
    assert case.status == CaseStatus.MOTION
    svc.approve_motion(case, by=world.secretary)
    assert svc.start_recommendation(case, by=world.hr).status == CaseStatus.RECOMMENDATION


def test_motion_refused_when_the_chief_quota_is_full_R_MOT_1(world):
    world.org.quotas.filter(rank=Rank.CHIEF).update(approved=1)
    holder = CadreFactory(organization=world.org)
    PostHoldingFactory(
        cadre=holder, post=PostFactory(organization=world.org, title="办公室主任", rank=Rank.CHIEF)
    )
    case = open_motion(world)
    svc.approve_motion(case, by=world.secretary)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.start_recommendation(case, by=world.hr)
    assert "R-MOT-1" in refused_rules(excinfo)
    assert "超" in excinfo.value.message or "职数" in excinfo.value.message


def test_daily_procedure_for_three_posts_needs_a_recorded_reason_R_MET_1(world):
    posts = [
        world.post,
        world.deputy_post,
        PostFactory(organization=world.org, title="副主任", rank=Rank.DEPUTY),
    ]
    case = svc.open_case(
        world.org,
        by=world.hr,
        title="批量调整",
        year=2026,
        posts=posts,
        motion_origin="main_leader",
        motion_date=TODAY,
        analysis="研判",
    )
    svc.approve_motion(case, by=world.secretary)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.start_recommendation(case, by=world.hr)
    warning = excinfo.value.missing_justifications[0]
    assert warning.rule == "R-MET-1"
    case = svc.start_recommendation(
        case, by=world.hr, justifications={warning.key: "岗位专业性强，无法形成有效竞争。"}
    )
    event = case.events.get(action="start_recommendation")
    assert event.justification[warning.key]["justification"] == "岗位专业性强，无法形成有效竞争。"


def test_inspection_refused_without_the_party_groups_target_decision_R_INS_1(world):
    to_recommendation(world)
    record_rounds(world)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.start_inspection(world.case, by=world.hr)
    assert "R-INS-1" in refused_rules(excinfo)


def test_inspection_refused_without_any_recommendation_round_R_REC_1(world):
    to_recommendation(world)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.start_inspection(world.case, by=world.hr)
    assert "R-REC-1" in refused_rules(excinfo)


def test_meeting_round_below_two_thirds_attendance_blocks_the_inspection_R_REC_6(world):
    to_recommendation(world)
    vacancy = world.case.vacancies.get()
    svc.record_round(
        world.case,
        by=world.hr,
        kind="meeting",
        held_on=TODAY,
        expected=45,
        actual=29,
        valid_ballots=29,
        scope="全体在职干部职工",
        results=[(vacancy, c, v) for c, v in zip(world.cadres, [20, 6, 3], strict=True)],
    )
    first = world.candidates[0]
    answer_negative_list(world, first)
    fix_targets(world, [first])
    with pytest.raises(TransitionRefused) as excinfo:
        svc.start_inspection(world.case, by=world.hr)
    assert "R-REC-6" in refused_rules(excinfo)


def test_round_ranks_people_by_votes_and_records_who_got_what_R_REC_8(world):
    to_recommendation(world)
    record_rounds(world)
    results = world.case.rounds.get(kind="meeting").results.order_by("rank")
    assert [(r.cadre.name, r.votes, r.rank) for r in results] == [
        ("陈晓明", 30, 1),
        ("林静", 6, 2),
        ("赵磊", 3, 3),
    ]


def test_a_target_with_last_year_basic_competent_is_refused_R_INS_2(world):
    to_recommendation(world)
    record_rounds(world)
    first = world.candidates[0]
    first.cadre.assessments.filter(year=2025).update(result="基本称职")
    answer_negative_list(world, first)
    with pytest.raises(TransitionRefused) as excinfo:
        fix_targets(world, [first])
    assert "R-INS-2" in refused_rules(excinfo)
    assert not TargetDecision.objects.filter(case=world.case).exists()  # refused: nothing was written
    assert not world.case.candidates.filter(status="target").exists()


def test_target_not_ranked_first_needs_a_reason_R_INS_1(world):
    to_recommendation(world)
    record_rounds(world)
    second = world.candidates[1]
    answer_negative_list(world, second)
    with pytest.raises(TransitionRefused) as excinfo:
        fix_targets(world, [second])
    assert [f.rule for f in excinfo.value.missing_justifications] == ["R-INS-1"]


def test_inspection_team_of_one_or_with_a_relative_is_refused_R_INS_3(world):
    to_inspection(world)
    target = world.candidates[0]
    with pytest.raises(TransitionRefused) as excinfo:
        svc.update_candidate_record(target, by=world.hr, team=world.team[:1])
    assert "R-INS-3" in refused_rules(excinfo)
    relative = CadreFactory(organization=world.org, account=world.team[1])
    Kinship.objects.create(cadre=target.cadre, other=relative, category=Kinship.Category.COLLATERAL)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.update_candidate_record(target, by=world.hr, team=world.team)
    assert "R-INS-3" in refused_rules(excinfo)


def test_decision_refused_while_the_discipline_opinion_is_missing_R_INS_7(world):
    to_inspection(world)
    target = world.candidates[0]
    complete_inspection(world, target)
    svc.update_candidate_record(target, by=world.hr, discipline_opinion_on=None, discipline_conclusion="")
    with pytest.raises(TransitionRefused) as excinfo:
        svc.submit_for_decision(world.case, by=world.hr)
    assert "R-INS-7" in refused_rules(excinfo)


def test_corrections_after_the_fact_are_recorded_with_old_and_new_values(world):
    to_inspection(world)
    target = world.candidates[0]
    svc.update_candidate_record(target, by=world.hr, notice_phone="12380")
    svc.update_candidate_record(target, by=world.hr, notice_phone="0572-5123456")
    event = world.case.events.filter(action="update_candidate_record").last()
    assert event.payload["changes"]["notice_phone"] == {"old": "12380", "new": "0572-5123456"}


def test_meeting_refused_below_two_thirds_of_the_party_group_R_DEC_2(world):
    to_decision(world)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.convene_meeting(
            world.case,
            by=world.hr,
            held_on=TODAY,
            method="hands",
            chair=world.secretary,
            members=world.members,
            present=world.members[:4],
        )
    assert "R-DEC-2" in refused_rules(excinfo)
    assert not world.case.meetings.exists()


def test_meeting_refused_without_the_approval_form_on_file_R_DEC_4(world):
    to_decision(world)
    world.case.documents.filter(kind="approval_form").delete()
    with pytest.raises(TransitionRefused) as excinfo:
        svc.convene_meeting(
            world.case,
            by=world.hr,
            held_on=TODAY,
            method="hands",
            chair=world.secretary,
            members=world.members,
            present=world.members,
        )
    assert "R-DEC-4" in refused_rules(excinfo)


def _meeting(world, present=None, method="hands"):
    return svc.convene_meeting(
        world.case,
        by=world.hr,
        held_on=TODAY,
        method=method,
        chair=world.secretary,
        members=world.members,
        present=present or world.members,
    )


def test_the_main_leader_states_last_R_DEC_3(world):
    to_decision(world)
    meeting = _meeting(world)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.cast_open_vote(meeting, world.candidates[0], by=world.secretary, choice="agree")
    assert "R-DEC-3" in refused_rules(excinfo)


def test_a_member_votes_once_per_candidate(world):
    to_decision(world)
    meeting = _meeting(world)
    svc.cast_open_vote(meeting, world.candidates[0], by=world.members[1], choice="agree")
    with pytest.raises(ServiceError, match="不能重复表决"):
        svc.cast_open_vote(meeting, world.candidates[0], by=world.members[1], choice="disagree")
    assert meeting.open_votes.count() == 1


def test_a_related_member_is_recused_cannot_vote_and_stays_in_n_R_DEC_6_R_KIN_3(world):
    to_decision(world)
    target = world.candidates[0]
    relative = CadreFactory(organization=world.org, account=world.members[3])
    Kinship.objects.create(cadre=target.cadre, other=relative, category=Kinship.Category.SPOUSE)
    meeting = _meeting(world)
    assert list(meeting.recusals.values_list("member", flat=True)) == [world.members[3].pk]
    with pytest.raises(TransitionRefused) as excinfo:
        svc.cast_open_vote(meeting, target, by=world.members[3], choice="agree")
    assert "R-DEC-6" in refused_rules(excinfo)
    vote_all(world, meeting)
    svc.close_meeting(meeting, by=world.secretary)
    event = world.case.events.get(action="close_meeting")
    tally = event.payload["tallies"][str(target.pk)]
    assert tally["recused"] == [world.members[3].get_full_name()]
    assert tally["expected"] == 7 and tally["agree"] == 6 and tally["outcome"] == "approve"


def test_agree_votes_of_exactly_half_of_all_members_do_not_pass_R_DEC_5(world):
    """N = 7 who should attend; 6 present; 3 agree is not more than 7/2 even though it is half of those present."""
    to_decision(world)
    meeting = _meeting(world, present=world.members[:6])
    target = world.candidates[0]
    choices = ["agree", "agree", "disagree", "disagree", "disagree"]
    for member, choice in zip(world.members[1:6], choices, strict=True):
        svc.cast_open_vote(meeting, target, by=member, choice=choice)
    svc.cast_open_vote(meeting, target, by=world.secretary, choice="agree")
    svc.close_meeting(meeting, by=world.secretary)
    assert Candidate.objects.get(pk=target.pk).status == CandidateStatus.REJECTED


def test_closing_refused_until_every_present_member_voted_R_DEC_3(world):
    to_decision(world)
    meeting = _meeting(world)
    svc.cast_open_vote(meeting, world.candidates[0], by=world.members[1], choice="agree")
    with pytest.raises(TransitionRefused) as excinfo:
        svc.close_meeting(meeting, by=world.secretary)
    assert "R-DEC-3" in refused_rules(excinfo)


def test_notice_ends_after_five_working_days_and_can_only_be_extended_R_NOT_2(world):
    case = to_notice(world)
    notice = case.public_notice
    assert notice.ends_on == date(2026, 12, 2)
    assert "破格" not in notice.text and "陈晓明" in notice.text
    with pytest.raises(ServiceError, match="R-NOT-2"):
        svc.extend_notice(case, by=world.hr, new_end=date(2026, 12, 1))
    svc.extend_notice(case, by=world.hr, new_end=date(2026, 12, 4))
    notice.refresh_from_db()
    assert notice.ends_on == date(2026, 12, 4)


def test_notice_over_national_day_counts_the_make_up_saturday_R_CAL_2(world):
    from selection import gates

    assert gates.notice_end(open_motion(world), date(2026, 9, 30)) == date(2026, 10, 12)


def test_notice_refused_for_a_year_without_holiday_data_R_CAL_3(world):
    to_decision(world)
    meeting = _meeting(world)
    vote_all(world, meeting)
    svc.close_meeting(meeting, by=world.secretary)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.publish_notice(
            world.case, by=world.hr, published_on=date(2027, 3, 1), scope="全局", channels="12380"
        )
    assert "R-CAL-3" in refused_rules(excinfo)
    assert "节假日安排尚未录入" in excinfo.value.message


def test_appointment_refused_while_the_notice_runs_R_APP_1(world):
    case = to_notice(world)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.appoint(
            case,
            by=world.hr,
            notice_number="安医保党〔2026〕12号",
            notice_date=TODAY,
            talk_on=TODAY,
            talk_by="王建国",
        )
    assert "R-APP-1" in refused_rules(excinfo)


def test_appointment_refused_while_a_complaint_is_open_and_affecting_one_withdraws_R_NOT_3(world):
    case = to_notice(world)
    target = world.candidates[0]
    complaint = svc.record_complaint(
        case, by=world.hr, candidate=target, received_on=TODAY, summary="反映其工作作风问题"
    )
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(TransitionRefused) as excinfo:
            svc.appoint(
                case,
                by=world.hr,
                notice_number="x号",
                notice_date=date(2026, 12, 3),
                talk_on=date(2026, 12, 3),
                talk_by="王建国",
            )
        assert "R-APP-1" in refused_rules(excinfo)
        svc.conclude_complaint(
            complaint,
            by=world.hr,
            investigation="经核查，反映问题属实。",
            conclusion=Complaint.Conclusion.AFFECTS,
            concluded_on=date(2026, 12, 3),
        )
    target.refresh_from_db()
    assert target.status == CandidateStatus.WITHDRAWN
    assert target.withdrawal_reason


def test_terminating_a_case_needs_a_reason_and_keeps_the_record(world):
    case = to_recommendation(world)
    with pytest.raises(ServiceError, match="终止原因"):
        svc.terminate_case(case, by=world.hr, reason=" ")
    case = svc.terminate_case(case, by=world.hr, reason="机构改革，职位撤销")
    assert case.status == CaseStatus.TERMINATED
    assert case.termination_reason == "机构改革，职位撤销"
    with pytest.raises(StaleState):
        svc.start_inspection(case, by=world.hr)


def test_the_record_chain_names_the_first_altered_event_R_REQ_1(world):
    case = to_inspection(world)
    events = list(case.events.all())
    assert verify_chain(events).ok
    force_update(RecordEvent.objects.filter(pk=events[2].pk), summary="篡改后的摘要")
    check = verify_chain(case.events.all())
    assert not check.ok and check.broken_seq == 3
    assert "第 3 条" in check.message


def test_record_events_cannot_be_changed_or_deleted_through_the_model(world):
    from selection.models.record import AppendOnlyError

    case = open_motion(world)
    event = case.events.get()
    event.summary = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_a_chief_post_after_under_a_year_as_deputy_needs_a_justification_and_is_exceptional_R_ELIG_1_R_EXC_1(
    world,
):
    to_recommendation(world)
    record_rounds(world)
    first = world.candidates[0]
    answer_negative_list(world, first)
    first.cadre.holdings.update(started_on=date(2026, 3, 1), how=PostHolding.How.TRANSFER)
    with pytest.raises(TransitionRefused) as excinfo:
        fix_targets(world, [first])
    warnings = {f.rule: f for f in excinfo.value.missing_justifications}
    assert "R-ELIG-1" in warnings
    assert "R-EXC-1" in refused_rules(excinfo)  # 破格 is flagged: its type and reason must be recorded
    svc.update_candidate_record(
        first,
        by=world.hr,
        exceptional=True,
        exceptional_type="special_need",
        exceptional_reason="医保基金监管专业人才急需。",
    )
    svc.fix_targets(
        world.case,
        by=world.hr,
        meeting_date=TODAY,
        expected_members=7,
        present_members=7,
        targets=[first],
        justifications={
            f.key: "工作特殊需要，拟按破格程序报县委组织部同意。"
            for f in excinfo.value.missing_justifications
        },
    )
    # R-EXC-3: any 破格 candidate needs the county organisation department's consent before the decision.
    svc.start_inspection(world.case, by=world.hr)
    complete_inspection(world, first)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.submit_for_decision(world.case, by=world.hr)
    assert "R-EXC-3" in refused_rules(excinfo)
    svc.update_candidate_record(
        first, by=world.hr, county_consent_number="安委组〔2026〕45号", county_consent_date=TODAY
    )
    attach(world, first, "county_consent")
    assert svc.submit_for_decision(world.case, by=world.hr).status == CaseStatus.DECISION


def test_a_level_skipping_target_needs_county_consent_before_inspection_R_EXC_2_R_ELIG_8(world):
    to_recommendation(world)
    record_rounds(world)
    first = world.candidates[0]
    first.cadre.holdings.all().delete()  # a 一般干部 proposed for a chief post skips a level
    answer_negative_list(world, first)
    svc.update_candidate_record(
        first,
        by=world.hr,
        exceptional=True,
        exceptional_type="outstanding",
        exceptional_reason="实绩特别突出。",
    )
    with pytest.raises(TransitionRefused) as excinfo:
        fix_targets(world, [first])
    assert "R-ELIG-8" in refused_rules(excinfo)
    svc.update_candidate_record(
        first, by=world.hr, county_consent_number="安委组〔2026〕46号", county_consent_date=TODAY
    )
    attach(world, first, "county_consent")
    fix_targets(
        world, [first], justifications={f.key: "按破格程序办理。" for f in _warnings_of(world, first)}
    )
    assert svc.start_inspection(world.case, by=world.hr).status == CaseStatus.INSPECTION


def _warnings_of(world, candidate):
    from selection import gates
    from selection.rules import Level

    found = gates.targets(world.case, [candidate], TODAY, 7, 7)
    return [f for f in found if f.level == Level.WARN]


def test_no_exceptional_promotion_within_a_year_of_the_last_promotion_R_EXC_4(world):
    to_recommendation(world)
    record_rounds(world)
    first = world.candidates[0]
    answer_negative_list(world, first)
    first.cadre.holdings.update(started_on=date(2026, 3, 1), how=PostHolding.How.PROMOTION)
    svc.update_candidate_record(
        first, by=world.hr, exceptional=True, exceptional_type="outstanding", exceptional_reason="实绩突出。"
    )
    with pytest.raises(TransitionRefused) as excinfo:
        fix_targets(world, [first])
    assert "R-EXC-4" in refused_rules(excinfo)
    assert "R-EXC-4：陈晓明：" in excinfo.value.message


def test_submitting_freezes_each_approval_form_as_an_official_copy_in_the_record_R_DEC_4(world):
    case = to_decision(world)
    copy = case.documents.get(kind="approval_form", candidate=world.candidates[0])
    assert copy.official_copy and copy.intact
    with copy.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    event = case.events.get(action="store_official_copy")
    assert event.attachments[0]["sha256"] == copy.sha256


def test_opinions_entered_by_hr_are_saved_all_or_none_as_one_event(world):
    to_decision(world)
    meeting = _meeting(world)
    target = world.candidates[0]
    chair_first = [(target, world.secretary, "agree"), (target, world.members[1], "agree")]
    with pytest.raises(ServiceError, match="均未保存"):
        svc.record_open_votes(meeting, chair_first, by=world.hr)
    assert meeting.open_votes.count() == 0
    entries = [(target, m, "agree") for m in world.members[1:]] + [(target, world.secretary, "agree")]
    assert svc.record_open_votes(meeting, entries, by=world.hr) == 7
    event = world.case.events.get(action="record_open_votes")
    assert event.actor == world.hr and len(event.payload["votes"]) == 7


def test_a_batch_closes_only_when_every_record_row_is_filled_or_not_applicable_R_REQ_1(world):
    case = to_notice(world)
    target = world.candidates[0]
    target.cadre.family.all().delete()
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        appoint = dict(
            notice_number="安医保党〔2026〕12号",
            notice_date=date(2026, 12, 3),
            talk_on=date(2026, 12, 3),
            talk_by="王建国",
        )
        with pytest.raises(TransitionRefused) as excinfo:
            svc.appoint(case, by=world.hr, **appoint)
        assert "R-REQ-1" in refused_rules(excinfo)
        assert "家庭主要成员" in excinfo.value.message
        with pytest.raises(ServiceError, match="理由"):
            svc.mark_not_applicable(case, by=world.hr, row="basic.family", reason=" ", candidate=target)
        svc.mark_not_applicable(
            case, by=world.hr, row="basic.family", reason="本人未婚，父母均已去世且无子女。", candidate=target
        )
        assert svc.appoint(case, by=world.hr, **appoint).status == CaseStatus.APPOINTED


def test_the_record_check_reads_everybodys_record_facts_in_the_same_queries_as_one_persons_R_REQ_1(world):
    """A batch of several people at 公示: the 纪实表 rows of each are checked from one read of their facts,
    the record and the meetings (not a dozen queries more per person); the findings name each person."""
    case = to_notice(world)
    for candidate in world.candidates:
        candidate.cadre.family.all().delete()  # an empty row each, so every person has a finding

    def check(people):
        with CaptureQueriesContext(connection) as captured:
            found = gates.record_complete(case, people)
        return found, len(captured)

    one, one_queries = check(world.candidates[:1])
    three, three_queries = check(world.candidates)
    assert three_queries == one_queries
    said = lambda found: " ".join(f.message for f in found if f.level == "block")  # noqa: E731
    assert all(f"{c.cadre.name}·家庭主要成员" in said(three) for c in world.candidates)
    assert said(one).count("·家庭主要成员") == 1
