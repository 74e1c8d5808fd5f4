"""The pure rules of the motion (R-MOT), the democratic recommendation (R-REC) and the inspection (R-INS):
boundaries and messages. No database.
"""

from dataclasses import replace
from datetime import date

from selection import rules
from selection.rules import (
    DEPUTY,
    Appraisal,
    DossierAudit,
    DossierItem,
    InspectionFacts,
    InspectionNotice,
    Level,
    MeetingSkip,
    MotionFacts,
    NegativeAnswer,
    NegativeItem,
    NegativeListFacts,
    QuotaLine,
    RecommendationFacts,
    RoundFacts,
    RuleSettings,
    SanctionRecord,
    SanctionType,
    TargetDecisionFacts,
)

from .rule_facts import levels, only

# ---------------------------------------------------------------------------------------------------------
# Motion (R-MOT-1..3)

MOTION = MotionFacts(
    quotas=(QuotaLine(DEPUTY, approved=4, holders=2, pending=1, proposed=1),),
    origin="main_leader",
    main_leader="王建国",
    decided_on=date(2026, 3, 2),
    analysis_recorded=True,
)


def test_motion_within_quota_passes():
    """R-MOT-1: 2 holders + 1 pending + 1 proposed = 4 approved fits."""
    findings = rules.motion(MOTION)
    assert all(f.ok for f in findings), findings


def test_motion_over_quota_is_refused():
    """R-MOT-1: one post too many."""
    over = replace(MOTION, quotas=(QuotaLine(DEPUTY, approved=4, holders=2, pending=1, proposed=2),))
    finding = only(rules.motion(over), "R-MOT-1")
    assert finding.level == Level.BLOCK
    assert finding.message == (
        "R-MOT-1：中层副职核定 4 名，现任 2 名、待任 1 名，本批拟任 2 名将超出职数 1 名，请减少拟任职位。"
    )
    assert levels(rules.motion(replace(MOTION, quotas=())), "R-MOT-1") == [Level.BLOCK]


def test_motion_needs_the_main_leaders_decision():
    """R-MOT-2: without the main leader's decision (who, when) the case cannot start."""
    assert levels(rules.motion(replace(MOTION, decided_on=None)), "R-MOT-2") == [Level.BLOCK]
    assert levels(rules.motion(replace(MOTION, origin="")), "R-MOT-2") == [Level.BLOCK]
    proposed = replace(MOTION, origin="personnel_lead", proposer="")
    assert levels(rules.motion(proposed), "R-MOT-2") == [Level.BLOCK]
    assert levels(rules.motion(replace(proposed, proposer="李明")), "R-MOT-2") == [Level.OK]


def test_written_motion_needs_its_attachment():
    """R-MOT-2: 书面 opinion must be attached."""
    written = replace(MOTION, form="written")
    assert levels(rules.motion(written), "R-MOT-2") == [Level.BLOCK]
    assert levels(rules.motion(replace(written, has_attachment=True)), "R-MOT-2") == [Level.OK]


def test_motion_needs_the_party_groups_analysis():
    """R-MOT-3: a missing record at the gate blocks."""
    assert levels(rules.motion(replace(MOTION, analysis_recorded=False)), "R-MOT-3") == [Level.BLOCK]


# ---------------------------------------------------------------------------------------------------------
# Democratic recommendation (R-REC-1..8)

CONVERSATION = RoundFacts("conversation", date(2026, 4, 1), "中层以上干部和下属单位负责人", 12, 12, True)
MEETING = RoundFacts("meeting", date(2026, 4, 8), "全体在职干部职工和下属单位负责人", 30, 20, True)
RECOMMENDATION = RecommendationFacts(posts=1, rounds=(CONVERSATION, MEETING), reference_candidates=3)


def test_complete_recommendation_passes():
    findings = rules.recommendation(RECOMMENDATION)
    assert all(f.ok for f in findings), findings
    assert only(findings, "R-REC-2").message == "R-REC-2：推荐顺序：谈话调研推荐 → 会议推荐。"


def test_promotion_without_recommendation_is_refused():
    """R-REC-1: recommendation cannot be skipped, nor inspection at the decision."""
    assert levels(rules.recommendation(replace(RECOMMENDATION, rounds=())), "R-REC-1") == [Level.BLOCK]
    assert rules.procedure_complete(recommended=True, inspected=False)[0].level == Level.BLOCK
    assert rules.procedure_complete(recommended=False, inspected=True)[0].level == Level.BLOCK
    assert rules.procedure_complete(recommended=True, inspected=True)[0].ok


def test_order_of_rounds_is_recorded_and_needs_dates():
    """R-REC-2: meeting first is allowed and recorded as such; an undated round blocks."""
    meeting_first = replace(RECOMMENDATION, rounds=(replace(MEETING, held_on=date(2026, 3, 1)), CONVERSATION))
    assert only(rules.recommendation(meeting_first), "R-REC-2").message == (
        "R-REC-2：推荐顺序：会议推荐 → 谈话调研推荐。"
    )
    undated = replace(RECOMMENDATION, rounds=(replace(CONVERSATION, held_on=None), MEETING))
    assert levels(rules.recommendation(undated), "R-REC-2") == [Level.BLOCK]


def test_meeting_reference_candidates_must_outnumber_posts():
    """R-REC-3: 差额 — as many candidates as posts blocks."""
    equal = replace(RECOMMENDATION, posts=2, reference_candidates=2)
    finding = only(rules.recommendation(equal), "R-REC-3")
    assert finding.level == Level.BLOCK
    assert finding.message == "R-REC-3：会议推荐参考人选应差额提出，现 2 名，须多于职位数 2 个。"
    assert levels(rules.recommendation(replace(RECOMMENDATION, reference_candidates=None)), "R-REC-3") == [
        Level.BLOCK
    ]


def test_skipping_the_meeting_round_needs_all_three_conditions_and_a_reason():
    """R-REC-4: all three affirmed → WARN (justify); one missing → BLOCK."""
    only_conversation = replace(RECOMMENDATION, rounds=(CONVERSATION,))
    assert levels(rules.recommendation(only_conversation), "R-REC-4") == [Level.BLOCK]
    partial = replace(only_conversation, meeting_skip=MeetingSkip(True, True, False, "人少"))
    finding = only(rules.recommendation(partial), "R-REC-4")
    assert finding.level == Level.BLOCK and "谈话调研推荐意见集中未确认" in finding.message
    full = replace(only_conversation, meeting_skip=MeetingSkip(True, True, True, "单位仅 9 人"))
    assert levels(rules.recommendation(full), "R-REC-4") == [Level.WARN]


def test_round_scope_and_participants_are_recorded():
    """R-REC-5: scope, expected and actual; actual above expected is an error."""
    no_scope = replace(RECOMMENDATION, rounds=(replace(CONVERSATION, scope=""), MEETING))
    assert Level.BLOCK in levels(rules.recommendation(no_scope), "R-REC-5")
    too_many = replace(RECOMMENDATION, rounds=(CONVERSATION, replace(MEETING, actual=31)))
    assert Level.BLOCK in levels(rules.recommendation(too_many), "R-REC-5")


def test_meeting_recommendation_needs_two_thirds_attendance():
    """R-REC-6: 20 of 30 passes, 19 of 30 fails."""
    assert rules.recommendation_attendance(30, 20)[0].ok
    refused = rules.recommendation_attendance(30, 19)[0]
    assert refused.level == Level.BLOCK
    assert refused.message == (
        "R-REC-6：会议推荐应参加 30 人，实参加 19 人，不足三分之二（至少 20 人），推荐无效，请重新组织。"
    )
    low = replace(RECOMMENDATION, rounds=(CONVERSATION, replace(MEETING, actual=19)))
    assert levels(rules.recommendation(low), "R-REC-6") == [Level.BLOCK]


def test_non_targeted_recommendation_is_valid_for_one_year():
    """R-REC-7: recommended 2025-04-08 → targets may be fixed up to 2026-04-08, not on 2026-04-09."""
    assert rules.recommendation_validity(date(2025, 4, 8), date(2026, 4, 8))[0].ok
    expired = rules.recommendation_validity(date(2025, 4, 8), date(2026, 4, 9))[0]
    assert expired.level == Level.BLOCK
    assert "已于 2026年4月8日 期满" in expired.message


def test_targeted_recommendation_is_void_when_the_post_changes():
    """R-REC-7."""
    assert rules.recommendation_validity(
        date(2026, 4, 8), date(2026, 4, 9), targeted=True, post_changed=True
    )[0].level == (Level.BLOCK)
    assert rules.recommendation_validity(date(2024, 4, 8), date(2026, 4, 9), targeted=True)[0].ok


def test_votes_are_recorded_per_round_and_ballots_never_name_voters():
    """R-REC-8."""
    untallied = replace(RECOMMENDATION, rounds=(CONVERSATION, replace(MEETING, tallies_recorded=False)))
    assert Level.BLOCK in levels(rules.recommendation(untallied), "R-REC-8")
    named = replace(RECOMMENDATION, rounds=(CONVERSATION, replace(MEETING, ballots_name_voters=True)))
    assert "不得记录投票人姓名" in rules.blocking(rules.recommendation(named))[0].message


# ---------------------------------------------------------------------------------------------------------
# Inspection (R-INS-1..10)

TARGET_DECISION = TargetDecisionFacts(
    meeting_on=date(2026, 4, 15), members_expected=7, members_present=5, posts=1, recommendation_rank=1
)


def test_inspection_targets_are_fixed_by_a_quorate_party_group_meeting():
    """R-INS-1: no meeting or 4 of 7 blocks; 5 of 7 passes."""
    assert all(f.ok for f in rules.inspection_target_decision(TARGET_DECISION))
    assert levels(rules.inspection_target_decision(replace(TARGET_DECISION, meeting_on=None)), "R-INS-1") == [
        Level.BLOCK
    ]
    assert levels(
        rules.inspection_target_decision(replace(TARGET_DECISION, members_present=4)), "R-INS-1"
    ) == [Level.BLOCK]


def test_target_not_ranked_first_needs_a_reason():
    """R-INS-1: no 以票取人 — a second-placed target is a WARN."""
    finding = rules.warnings(
        rules.inspection_target_decision(replace(TARGET_DECISION, recommendation_rank=2))
    )[0]
    assert (
        finding.message
        == "R-INS-1：考察对象推荐排名第 2 名，未居前 1 位；不得简单以票取人，请记录综合考虑的理由。"
    )
    two_posts = replace(TARGET_DECISION, posts=2, recommendation_rank=2)
    assert rules.warnings(rules.inspection_target_decision(two_posts)) == []


NO_ANSWERS = tuple(NegativeAnswer(item, applies=False, answered_by="孙丽") for item in rules.ANSWERED_ITEMS)
NEGATIVE = NegativeListFacts(
    on_date=date(2026, 4, 15), answers=NO_ANSWERS, assessment_year=2025, last_year_result="称职"
)


def test_clean_negative_list_gives_one_ok_per_item():
    """R-INS-2: ① to ⑦ each appear once."""
    findings = rules.negative_list(NEGATIVE)
    assert len(findings) == 7
    assert all(f.ok for f in findings)
    assert findings[0].message == "R-INS-2①：无此情形（孙丽确认）。"


def test_unanswered_negative_item_blocks():
    """R-INS-2: every explicit item needs an answer with the answerer's name."""
    missing = replace(NEGATIVE, answers=NO_ANSWERS[1:])
    assert rules.blocking(rules.negative_list(missing))[0].message.startswith("R-INS-2①：请回答是否存在")
    anonymous = replace(NEGATIVE, answers=(replace(NO_ANSWERS[0], answered_by=" "), *NO_ANSWERS[1:]))
    assert len(rules.blocking(rules.negative_list(anonymous))) == 1


def test_negative_item_answered_yes_blocks_the_target():
    """R-INS-2 ④: canvassing."""
    answers = tuple(replace(a, applies=a.item == NegativeItem.CANVASSING) for a in NO_ANSWERS)
    refused = rules.blocking(rules.negative_list(replace(NEGATIVE, answers=answers)))
    assert [f.message for f in refused] == [
        "R-INS-2④：存在“有跑官、拉票等非组织行为”的情形（孙丽确认），不得列为考察对象。"
    ]


def test_emigrated_family_allowed_for_a_special_post():
    """R-INS-2 ⑤: the special-post exception."""
    emigrated = tuple(replace(a, applies=a.item == NegativeItem.EMIGRATED) for a in NO_ANSWERS)
    assert rules.blocking(rules.negative_list(replace(NEGATIVE, answers=emigrated)))
    special = tuple(
        replace(a, special_post=True) if a.item == NegativeItem.EMIGRATED else a for a in emigrated
    )
    assert rules.blocking(rules.negative_list(replace(NEGATIVE, answers=special))) == []


def test_last_years_basic_assessment_blocks_the_target():
    """R-INS-2 ③ is computed: 基本称职 blocks, 合格 passes, a missing result blocks."""
    refused = rules.blocking(rules.negative_list(replace(NEGATIVE, last_year_result="基本称职")))
    assert [f.message for f in refused] == ["R-INS-2③：2025年度考核结果为基本称职，不得列为考察对象。"]
    assert rules.blocking(rules.negative_list(replace(NEGATIVE, last_year_result="合格"))) == []
    assert rules.blocking(rules.negative_list(replace(NEGATIVE, last_year_result=None)))


def test_sanction_in_effect_on_its_last_day_and_not_the_day_after():
    """R-INS-9: a 记过 of 2025-03-01 (12 months) runs to 2026-03-01 inclusive."""
    assert rules.sanction_in_effect(SanctionType.DEMERIT, date(2025, 3, 1), date(2026, 3, 1))
    assert not rules.sanction_in_effect(SanctionType.DEMERIT, date(2025, 3, 1), date(2026, 3, 2))
    assert not rules.sanction_in_effect(SanctionType.DEMERIT, date(2025, 3, 1), date(2025, 2, 28))


def test_effect_periods_differ_by_sanction_type():
    """R-INS-9: 诫勉 6 months, 党内严重警告 18 months, 开除 never ends."""
    start = date(2025, 1, 10)
    assert not rules.sanction_in_effect(SanctionType.ADMONITION, start, date(2025, 7, 11))
    assert rules.sanction_in_effect(SanctionType.PARTY_SERIOUS_WARNING, start, date(2026, 7, 10))
    assert not rules.sanction_in_effect(SanctionType.PARTY_SERIOUS_WARNING, start, date(2026, 7, 11))
    assert rules.sanction_in_effect(SanctionType.EXPULSION, start, date(2040, 1, 1))
    assert rules.sanction_in_effect("unknown_kind", start, date(2040, 1, 1))


def test_removal_from_post_bars_promotion_for_two_years_but_other_use_for_one():
    """R-INS-9: 免职 1 y, no promotion 2 y."""
    start, day = date(2024, 6, 1), date(2025, 12, 1)
    assert rules.sanction_in_effect(SanctionType.REMOVAL_FROM_POST, start, day)
    assert not rules.sanction_in_effect(SanctionType.REMOVAL_FROM_POST, start, day, promotion=False)


def test_effect_periods_are_a_setting():
    """R-INS-9 *(setting table)*: an organisation may set its own months (the registry passes a dict)."""
    settings = RuleSettings(effect_periods={"admonition": 3})
    assert not rules.sanction_in_effect("admonition", date(2025, 1, 10), date(2025, 4, 11), settings)


def test_sanction_in_its_effect_period_blocks_the_target():
    """R-INS-2 ⑥ is computed from the registry using the R-INS-9 table."""
    sanctioned = replace(NEGATIVE, sanctions=(SanctionRecord(SanctionType.DEMERIT, date(2025, 4, 15)),))
    refused = rules.blocking(rules.negative_list(sanctioned))
    assert [f.message for f in refused] == [
        "R-INS-2⑥：记过（2025年4月15日 起）影响期12 个月，至 2026年4月15日 止，不得列为考察对象（R-INS-9）。"
    ]
    later = replace(sanctioned, on_date=date(2026, 4, 16))
    assert rules.blocking(rules.negative_list(later)) == []


def test_party_probation_counts_from_the_restoration_of_rights():
    """R-INS-9: 留党察看 — 2 years after rights are restored; before restoration it is in effect."""
    on_probation = SanctionRecord(SanctionType.PARTY_PROBATION, date(2022, 1, 1))
    facts = replace(NEGATIVE, sanctions=(on_probation,))
    assert rules.blocking(rules.negative_list(facts))
    restored = replace(on_probation, rights_restored_on=date(2024, 1, 1))
    assert rules.blocking(
        rules.negative_list(replace(facts, sanctions=(restored,), on_date=date(2026, 1, 1)))
    )
    assert not rules.blocking(
        rules.negative_list(replace(facts, sanctions=(restored,), on_date=date(2026, 1, 2)))
    )


def test_inspection_team_needs_two_members_none_related_to_the_target():
    """R-INS-3 (with R-KIN-3 for the team)."""
    assert rules.inspection_team(["孙丽", "冯静"], set())[0].ok
    small = rules.inspection_team(["孙丽"], set())[0]
    assert small.message == "R-INS-3：考察组至少 2 人，现 1 人，请增加考察组成员。"
    related = rules.inspection_team(["孙丽", "冯静"], {"冯静"})[0]
    assert related.level == Level.BLOCK and "冯静" in related.message


NOTICE = InspectionNotice(
    date(2026, 4, 16), basic_facts=True, team_listed=True, phone="12380", scope="局机关"
)


def test_inspection_notice_is_published_before_the_inspection_with_its_contents():
    """R-INS-4: published before, with basic facts, team, telephone and scope."""
    findings = rules.inspection_start(["孙丽", "冯静"], set(), NOTICE, date(2026, 4, 17))
    assert all(f.ok for f in findings)
    late = rules.inspection_start(["孙丽", "冯静"], set(), NOTICE, date(2026, 4, 15))
    assert only(late, "R-INS-4").level == Level.BLOCK
    no_phone = rules.inspection_start(["孙丽", "冯静"], set(), replace(NOTICE, phone=""), date(2026, 4, 17))
    assert only(no_phone, "R-INS-4").message == "R-INS-4：考察预告缺少监督举报电话，请补充后发布。"
    assert only(
        rules.inspection_start(["孙丽", "冯静"], set(), None, date(2026, 4, 17)), "R-INS-4"
    ).level == (Level.BLOCK)


INSPECTION = InspectionFacts(
    appraisal=Appraisal(30, 28, {"优秀": 20, "称职": 8}, opinions_recorded=True),
    dossier=DossierAudit(frozenset(DossierItem.values), 0, "冯静", form_attached=True),
    discipline_opinion_on=date(2026, 4, 20),
    discipline_conclusion="未发现影响提拔的问题",
    material_attached=True,
    personal_matters_checked=True,
    unresolved_complaints=0,
)


def test_complete_inspection_passes():
    findings = rules.inspection_complete(INSPECTION)
    assert [f.rule for f in findings] == ["R-INS-5", "R-INS-6", "R-INS-7", "R-INS-8", "R-INS-10"]
    assert all(f.ok for f in findings)


def test_democratic_appraisal_must_be_recorded_before_the_decision():
    """R-INS-5: missing → BLOCK; more ballots than participants → BLOCK."""
    assert levels(rules.inspection_complete(replace(INSPECTION, appraisal=None)), "R-INS-5") == [Level.BLOCK]
    overcounted = replace(INSPECTION, appraisal=Appraisal(30, 28, {"优秀": 29}, opinions_recorded=True))
    assert only(rules.inspection_complete(overcounted), "R-INS-5").message == (
        "R-INS-5：民主测评票数合计 29 张，多于实参加人数 28 人，请核对。"
    )


def test_dossier_audit_checks_every_item_and_names_the_reviewer():
    """R-INS-6: 三龄两历一身份."""
    partial = replace(INSPECTION, dossier=DossierAudit(frozenset({"birth_date"}), 1, "", form_attached=False))
    message = only(rules.inspection_complete(partial), "R-INS-6").message
    assert "入党时间未核对" in message and "1 处不一致未处理" in message and "未写明审核人" in message
    assert levels(rules.inspection_complete(replace(INSPECTION, dossier=None)), "R-INS-6") == [Level.BLOCK]


def test_discipline_opinion_is_required():
    """R-INS-7."""
    assert levels(rules.inspection_complete(replace(INSPECTION, discipline_opinion_on=None)), "R-INS-7") == [
        Level.BLOCK
    ]


def test_inspection_material_is_required():
    """R-INS-8."""
    assert levels(rules.inspection_complete(replace(INSPECTION, material_attached=False)), "R-INS-8") == [
        Level.BLOCK
    ]


def test_personal_matters_check_and_complaints_resolved_before_the_decision():
    """R-INS-10."""
    assert levels(
        rules.inspection_complete(replace(INSPECTION, personal_matters_checked=False)), "R-INS-10"
    ) == [Level.BLOCK]
    open_complaint = only(rules.inspection_complete(replace(INSPECTION, unresolved_complaints=2)), "R-INS-10")
    assert open_complaint.message == "R-INS-10：尚有 2 件具体、可查的反映问题未查清，须查清后再讨论决定。"
