"""The pure rules of the decision (R-DEC), the notice and appointment (R-NOT, R-APP), kinship (R-KIN) and
the record and oversight (R-REQ): boundaries and messages. No database.
"""

from dataclasses import replace
from datetime import date

from selection import rules
from selection.rules import (
    CHIEF,
    DEPUTY,
    STAFF,
    CandidateTally,
    ComplaintFacts,
    DecisionFacts,
    KinshipFact,
    Level,
    NoticeFacts,
    PostFacts,
    RecordRow,
    RuleSettings,
)
from selection.workdays import WorkdayCalendar, YearSchedule

from .rule_facts import levels, only

# ---------------------------------------------------------------------------------------------------------
# Decision (R-DEC-1..9)

MEMBERS = frozenset({"王建国", "张卫东", "李明", "赵敏", "钱峰", "孙涛", "周琳"})
TALLY = CandidateTally(
    "陈晨",
    agree=4,
    disagree=1,
    postpone=0,
    main_leader_stated_last=True,
    material_on_file=True,
    approval_form_on_file=True,
)
DECISION = DecisionFacts(
    meeting_on=date(2026, 5, 6),
    within_authority=True,
    members=MEMBERS,
    present=MEMBERS - {"孙涛", "周琳"},
    voting_method="hands",
    candidates=(TALLY,),
    pre_review_on=date(2026, 5, 4),
    pre_review_reply="同意",
)


def test_quorate_decision_with_a_majority_passes():
    findings = rules.decision(DECISION)
    assert all(f.ok for f in findings), findings


def test_decision_needs_a_recorded_meeting_within_authority():
    """R-DEC-1."""
    assert levels(rules.decision(replace(DECISION, meeting_on=None)), "R-DEC-1") == [Level.BLOCK]
    assert levels(rules.decision(replace(DECISION, within_authority=False)), "R-DEC-1") == [Level.BLOCK]


def test_decision_allowed_at_exactly_two_thirds_attendance():
    """R-DEC-2: 5 of 7 (⌈14/3⌉ = 5) is enough."""
    assert rules.meeting_quorum(7, 5)[0].ok
    assert rules.meeting_quorum(9, 6)[0].ok


def test_decision_refused_below_two_thirds_attendance():
    """R-DEC-2: 4 of 7 is one short."""
    refused = rules.meeting_quorum(7, 4)[0]
    assert refused.level == Level.BLOCK
    assert (
        refused.message == "R-DEC-2：党组成员应到 7 人，实到 4 人，不足三分之二（至少 5 人），不能讨论决定。"
    )
    assert rules.meeting_quorum(9, 5)[0].level == Level.BLOCK
    assert rules.meeting_quorum(0, 0)[0].level == Level.BLOCK


def test_every_present_member_states_and_the_main_leader_last():
    """R-DEC-3: a missing vote, an unchosen method, or the main leader not last blocks; secret ballots skip the order."""
    missing_vote = replace(DECISION, candidates=(replace(TALLY, disagree=0),))
    assert only(rules.decision(missing_vote), "R-DEC-3").message == (
        "R-DEC-3：陈晨：应表态 5 人，已表态 4 人（同意、不同意、缓议），请每位到会且未回避的成员表态。"
    )
    leader_first = replace(DECISION, candidates=(replace(TALLY, main_leader_stated_last=False),))
    assert levels(rules.decision(leader_first), "R-DEC-3") == [Level.BLOCK]
    secret = replace(
        DECISION, voting_method="secret", candidates=(replace(TALLY, main_leader_stated_last=None),)
    )
    assert levels(rules.decision(secret), "R-DEC-3") == [Level.OK]
    assert Level.BLOCK in levels(rules.decision(replace(DECISION, voting_method="")), "R-DEC-3")


def test_candidate_without_material_or_approval_form_cannot_be_decided():
    """R-DEC-4."""
    bare = replace(DECISION, candidates=(replace(TALLY, approval_form_on_file=False),))
    assert (
        only(rules.decision(bare), "R-DEC-4").message == "R-DEC-4：陈晨：提交讨论前须备齐《干部任免审批表》。"
    )


def test_approval_needs_more_than_half_of_all_members():
    """R-DEC-5: with N = 8, exactly 4 (N/2) fails and 5 passes; N counts absentees."""
    assert rules.approval_majority(4, 8)[0].level == Level.BLOCK
    assert rules.approval_majority(5, 8)[0].ok
    assert rules.approval_majority(4, 7)[0].ok
    refused = rules.approval_majority(3, 7)[0]
    assert refused.message == "R-DEC-5：同意 3 票，未超过应到会成员 7 人的半数（至少 4 票），未通过。"
    # 5 present of 7, 3 agree: a majority of those present, but not of N.
    three_of_five = replace(DECISION, candidates=(replace(TALLY, agree=3, disagree=2),))
    assert levels(rules.decision(three_of_five), "R-DEC-5") == [Level.BLOCK]


def test_related_member_must_recuse_and_stays_in_n():
    """R-DEC-6 / R-KIN-3: a related member who votes blocks; once recused the tally counts without them."""
    related = replace(TALLY, must_recuse=frozenset({"李明"}))
    refused = only(rules.decision(replace(DECISION, candidates=(related,))), "R-DEC-6")
    assert refused.message == "R-DEC-6：陈晨：李明与其有亲属关系，须回避，不能参加对其的表决（R-KIN-3）。"
    recused = replace(related, recused=frozenset({"李明"}), agree=3, disagree=1)
    findings = rules.decision(replace(DECISION, candidates=(recused,)))
    assert levels(findings, "R-DEC-6") == [Level.OK]
    assert levels(findings, "R-DEC-3") == [Level.OK]
    # 3 agree of N = 7 (the recused member stays in N) is not a majority.
    assert levels(findings, "R-DEC-5") == [Level.BLOCK]
    leave_n = RuleSettings(recused_stay_in_n=False)
    assert levels(rules.decision(replace(DECISION, candidates=(recused,)), leave_n), "R-DEC-5") == [
        Level.BLOCK
    ]
    assert levels(
        rules.decision(replace(DECISION, candidates=(replace(recused, agree=4, disagree=0),)), leave_n),
        "R-DEC-5",
    ) == [Level.OK]


def test_reconsideration_needs_the_same_majority_and_a_stored_outcome():
    """R-DEC-7: 4 of 7 reopen; 3 of 6 do not; an unrecorded outcome cannot be reopened."""
    assert rules.reconsideration(4, 7, "deferred")[0].ok
    assert rules.reconsideration(3, 6, "rejected")[0].level == Level.BLOCK
    assert rules.reconsideration(7, 7, None)[0].message == "R-DEC-7：原表决结果未存档，不能复议。"


def test_pre_review_by_the_county_before_the_decision():
    """R-DEC-8: missing or dated after the meeting blocks."""
    assert levels(rules.decision(replace(DECISION, pre_review_on=None)), "R-DEC-8") == [Level.BLOCK]
    late = replace(DECISION, pre_review_on=date(2026, 5, 7))
    assert "晚于党组会议日期" in only(rules.decision(late), "R-DEC-8").message


def test_approval_form_is_filed_in_the_dossier():
    """R-DEC-9: RECORD — missing when the batch closes blocks."""
    assert rules.approval_form_filed(None)[0].level == Level.BLOCK
    assert rules.approval_form_filed(date(2026, 5, 20))[0].ok


# ---------------------------------------------------------------------------------------------------------
# Public notice (R-NOT-1..3) and appointment (R-APP-1..5)

PACKAGE = WorkdayCalendar()
PUBLIC_NOTICE = NoticeFacts(
    decided_on=date(2026, 9, 29),
    published_on=date(2026, 9, 30),
    scope="局机关和医保中心",
    channels="电话 12380",
)


def test_notice_after_the_decision_with_scope_and_channels():
    """R-NOT-1: published after the decision, before the appointment notice, with scope and channels."""
    findings = rules.public_notice(PUBLIC_NOTICE, PACKAGE)
    assert all(f.ok for f in findings)
    early = replace(PUBLIC_NOTICE, published_on=date(2026, 9, 28))
    assert levels(rules.public_notice(early, PACKAGE), "R-NOT-1") == [Level.BLOCK]
    no_channels = replace(PUBLIC_NOTICE, channels="")
    assert levels(rules.public_notice(no_channels, PACKAGE), "R-NOT-1") == [Level.BLOCK]
    appointed_first = replace(PUBLIC_NOTICE, appointment_notice_on=date(2026, 9, 30))
    assert levels(rules.public_notice(appointed_first, PACKAGE), "R-NOT-1") == [Level.BLOCK]


def test_notice_across_national_day_2026_lasts_until_october_12():
    """R-NOT-2 / R-CAL-2: the computed end; the user may extend, never shorten."""
    assert only(rules.public_notice(PUBLIC_NOTICE, PACKAGE), "R-NOT-2").message == (
        "R-NOT-2：公示期至 2026年10月12日（5 个工作日）。"
    )
    shortened = only(
        rules.public_notice(replace(PUBLIC_NOTICE, ends_on=date(2026, 10, 9)), PACKAGE), "R-NOT-2"
    )
    assert shortened.level == Level.BLOCK
    assert shortened.message == (
        "R-NOT-2：公示期不少于 5 个工作日，自 2026年9月30日 起应至少到 2026年10月12日，不能提前到 2026年10月9日 结束，只能延长。"
    )
    assert only(
        rules.public_notice(replace(PUBLIC_NOTICE, ends_on=date(2026, 10, 16)), PACKAGE), "R-NOT-2"
    ).ok


def test_notice_in_an_uncovered_year_is_refused_with_the_calendar_message():
    """R-CAL-3: as a finding, never a Monday–Friday guess; an admin schedule lifts it."""
    late = replace(PUBLIC_NOTICE, decided_on=date(2026, 12, 28), published_on=date(2026, 12, 29))
    refused = only(rules.public_notice(late, PACKAGE), "R-CAL-3")
    assert refused.level == Level.BLOCK
    assert refused.message == (
        "R-CAL-3：2027年的节假日安排尚未录入，无法按工作日计算公示期：请联系系统管理员在“节假日安排”页面录入该年度安排。"
    )
    entered = WorkdayCalendar([YearSchedule(2027, frozenset({date(2027, 1, 1)}), frozenset())])
    assert (
        only(rules.public_notice(late, entered), "R-NOT-2").message
        == "R-NOT-2：公示期至 2027年1月5日（5 个工作日）。"
    )


def test_complaints_must_be_concluded_with_a_written_record():
    """R-NOT-3: pending or unrecorded blocks; 影响任职 withdraws the candidate."""
    received = date(2026, 10, 9)
    assert rules.notice_complaints([])[0].ok
    assert rules.notice_complaints([ComplaintFacts(received, "no_effect", record_attached=True)])[0].ok
    assert (
        rules.notice_complaints([ComplaintFacts(received, "", record_attached=False)])[0].level == Level.BLOCK
    )
    assert rules.notice_complaints([ComplaintFacts(received, "no_effect", record_attached=False)])[
        0
    ].level == (Level.BLOCK)
    affects = rules.notice_complaints([ComplaintFacts(received, "affects", record_attached=True)])[0]
    assert affects.message == "R-NOT-3：有反映经调查核实影响任职，应撤回该人选。"


APPOINTMENT = rules.AppointmentFacts(
    on_date=date(2026, 10, 13),
    notice_ends_on=date(2026, 10, 12),
    complaints=(),
    decided_on=date(2026, 9, 29),
    notice_number="医保党〔2026〕20号",
    notice_date=date(2026, 10, 13),
)


def test_appointment_only_after_the_notice_has_ended():
    """R-APP-1: on the notice's last day it is too early; the next day it is allowed."""
    assert all(f.ok for f in rules.appointment(APPOINTMENT))
    early = only(rules.appointment(replace(APPOINTMENT, on_date=date(2026, 10, 12))), "R-APP-1")
    assert early.message == "R-APP-1：公示至 2026年10月12日 期满，期满后才能办理任职。"
    assert levels(rules.appointment(replace(APPOINTMENT, notice_ends_on=None)), "R-APP-1") == [Level.BLOCK]


def test_appointment_waits_for_every_complaint():
    """R-APP-1 with R-NOT-3."""
    pending = replace(APPOINTMENT, complaints=(ComplaintFacts(date(2026, 10, 9), "", record_attached=False),))
    assert levels(rules.appointment(pending), "R-APP-1") == [Level.BLOCK]


def test_tenure_counts_from_the_decision_and_the_notice_number_is_stored():
    """R-APP-2."""
    assert rules.tenure_start(date(2026, 9, 29)) == date(2026, 9, 29)
    assert only(rules.appointment(APPOINTMENT), "R-APP-2").message == (
        "R-APP-2：任职时间自党组会议通过之日 2026年9月29日 起计算；任职通知 医保党〔2026〕20号（2026年10月13日）。"
    )
    assert (
        "任职通知文号" in only(rules.appointment(replace(APPOINTMENT, notice_number="")), "R-APP-2").message
    )


def test_probation_of_a_new_promotion_ends_after_a_year_and_raises_a_task():
    """R-APP-3: one year from the tenure start; afterwards a RECORD task until 胜任/不胜任 is recorded."""
    start = date(2026, 9, 29)
    assert rules.probation_end(start) == date(2027, 9, 29)
    assert rules.probation_review(True, start, date(2027, 9, 29), None)[0].ok
    due = rules.probation_review(True, start, date(2027, 9, 30), None)[0]
    assert due.level == Level.RECORD
    assert due.message == "R-APP-3：试用期已于 2027年9月29日 期满，请进行考核并录入结果（胜任或不胜任）。"
    assert rules.probation_review(True, start, date(2027, 10, 1), True)[0].ok
    assert rules.probation_review(True, start, date(2027, 10, 1), False)[0].level == Level.RECORD
    assert rules.probation_review(False, start, date(2030, 1, 1), None)[0].ok


def test_appointment_talk_is_recorded():
    """R-APP-4."""
    assert rules.appointment_talk(None, "")[0].level == Level.BLOCK
    assert (
        rules.appointment_talk(date(2026, 10, 14), "王建国")[0].message
        == "R-APP-4：王建国于 2026年10月14日 进行任职谈话。"
    )


def test_staffing_change_moves_the_cadre_between_ranks_within_quota():
    """R-APP-5: a deputy promoted to chief frees a deputy seat and takes a chief seat."""
    holders = {DEPUTY: 3, CHIEF: 1}
    assert rules.staffing_after(holders, DEPUTY, CHIEF) == {DEPUTY: 2, CHIEF: 2}
    assert rules.staffing_after(holders, STAFF, DEPUTY) == {DEPUTY: 4, CHIEF: 1}
    assert rules.staffing_change({DEPUTY: 4, CHIEF: 2}, holders, DEPUTY, CHIEF)[0].ok
    over = rules.staffing_change({DEPUTY: 4, CHIEF: 1}, holders, DEPUTY, CHIEF)[0]
    assert over.message == "R-APP-5：任职后中层正职在任 2 名，超过核定职数 1 名，不能办理。"


# ---------------------------------------------------------------------------------------------------------
# Kinship (R-KIN-1..3)


def test_relations_that_count_for_recusal():
    """R-KIN-1: every listed relation and every registry category counts; another relation does not."""
    assert all(rules.relation_counts(r) for r in rules.Relation.values if r != "other")
    assert all(rules.relation_counts(c) for c in rules.KINSHIP_CATEGORIES)
    assert not rules.relation_counts("other")


def test_relatives_under_the_same_direct_leader_are_refused():
    """R-KIN-2: two siblings reporting to the same deputy director."""
    candidate = PostFacts("陈晨", "医药价格科", direct_leader="李明")
    sister = PostFacts("陈曦", "待遇保障科", direct_leader="李明")
    finding = rules.kinship_posting(candidate, [("sibling", sister)])[0]
    assert finding.message == "R-KIN-2：拟任职务与其兄弟姐妹陈曦直接隶属于同一领导人员，须任职回避。"


def test_relative_as_direct_superior_is_refused():
    """R-KIN-2: the relative heads the candidate's department."""
    candidate = PostFacts("陈晨", "医药价格科", direct_leader="陈刚")
    father = PostFacts("陈刚", "医药价格科", direct_leader="李明", leads=frozenset({"医药价格科"}))
    assert [f.message for f in rules.kinship_posting(candidate, [("parent", father)])] == [
        "R-KIN-2：拟任职务与其父母陈刚有直接上下级领导关系，须任职回避。"
    ]


def test_finance_work_where_a_relative_leads_the_unit_is_refused():
    """R-KIN-2: 财务 under a spouse who leads the whole unit."""
    candidate = PostFacts("陈晨", "办公室", direct_leader="李明", work="finance")
    spouse = PostFacts("王建国", "局领导", direct_leader=None, leads=frozenset({rules.WHOLE_UNIT}))
    findings = rules.kinship_posting(candidate, [("spouse", spouse)])
    assert [f.level for f in findings] == [Level.BLOCK]
    assert "本人从事财务工作" in findings[0].message


def test_unrelated_or_distant_relation_passes():
    """R-KIN-2: a relation outside R-KIN-1 does not count."""
    candidate = PostFacts("陈晨", "医药价格科", direct_leader="李明")
    friend = PostFacts("刘洋", "待遇保障科", direct_leader="李明")
    assert rules.kinship_posting(candidate, [("other", friend)])[0].ok
    assert rules.kinship_posting(candidate, [])[0].ok


def test_members_related_to_the_subject_must_recuse():
    """R-KIN-3: found from kinship facts in either direction; a related member who stays blocks."""
    kinships = [
        KinshipFact("李明", "陈晨", "in_law"),
        KinshipFact("陈晨", "赵敏", "other"),
        KinshipFact("钱峰", "孙涛", "spouse"),
    ]
    related = rules.relatives_among("陈晨", MEMBERS, kinships)
    assert related == {"李明"}
    refused = rules.recusal("党组成员", "陈晨", related, recused=set())[0]
    assert refused.message == "R-KIN-3：党组成员李明与陈晨有亲属关系，必须回避。"
    assert rules.recusal("考察组成员", "陈晨", related, recused={"李明"})[0].ok


# ---------------------------------------------------------------------------------------------------------
# Record and oversight (R-REQ-1..4)


def test_batch_cannot_close_with_an_empty_row_without_a_reason():
    """R-REQ-1: empty rows need a "不适用" reason."""
    rows = [
        RecordRow("动议", True),
        RecordRow("会议推荐", False, "单位人数较少，未进行"),
        RecordRow("任职谈话", False),
    ]
    refused = rules.record_completeness(rows)[0]
    assert (
        refused.message
        == "R-REQ-1：纪实表以下项目为空且未注明不适用理由：任职谈话。请补记或注明“不适用”的理由。"
    )
    assert rules.record_completeness(rows[:2])[0].ok


def test_rotation_due_at_five_years_and_overdue_at_ten():
    """R-REQ-2: 59 months not due, 60 due, 120 overdue (RECORD on the dashboard)."""
    since = date(2016, 5, 10)
    assert rules.rotation_status(59) == rules.Rotation.NOT_DUE
    assert rules.rotation_status(60) == rules.Rotation.DUE
    assert rules.rotation_status(120) == rules.Rotation.OVERDUE
    assert rules.rotation(date(2021, 5, 10), date(2026, 5, 9))[0].ok
    due = rules.rotation(date(2021, 5, 10), date(2026, 5, 10))[0]
    assert (
        due.level == Level.RECORD
        and due.message == "R-REQ-2：同一岗位任职已满 5 年（60 个月），应当交流轮岗。"
    )
    assert "超期未交流" in rules.rotation(since, date(2026, 5, 10))[0].message


def test_yearly_report_data_are_consistent_and_evaluations_anonymous():
    """R-REQ-3: stage counts never grow, kinds add up, each evaluation has real options."""
    good = rules.AnnualReport(
        year=2026,
        by_stage={"recommended": 6, "inspected": 4, "decided": 3, "appointed": 3},
        by_kind={"提拔": 2, "交流": 1},
        work_rating_options=("好", "较好", "一般", "差"),
        cadre_rating_options=("认可", "基本认可", "不认可", "不了解"),
    )
    assert rules.annual_report(good)[0].ok
    bad = replace(
        good,
        by_stage={**good.by_stage, "decided": 5},
        cadre_rating_options=("认可",),
        ballots_name_voters=True,
    )
    message = rules.annual_report(bad)[0].message
    assert "决定人数多于考察人数" in message
    assert "新提任干部评议须有两个以上互不相同的评价选项" in message
    assert "评议票不得记录评议人姓名" in message


def test_institution_section_head_goes_to_the_party_group():
    """R-REQ-4."""
    assert rules.institution_deliberation(False, None)[0].ok
    assert rules.institution_deliberation(True, None)[0].level == Level.BLOCK
    assert rules.institution_deliberation(True, date(2026, 6, 1))[0].ok
