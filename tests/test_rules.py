"""The pure rules layer: every rule of RULES.md, its boundaries, and the messages users see. No database."""

from dataclasses import replace
from datetime import date

import pytest

from selection import rules
from selection.rules import (
    CHIEF,
    DEPUTY,
    STAFF,
    Appraisal,
    CandidateTally,
    ComplaintFacts,
    CountyConsent,
    DecisionFacts,
    DossierAudit,
    DossierItem,
    EligibilityFacts,
    ExceptionalFacts,
    Finding,
    InspectionFacts,
    InspectionNotice,
    KinshipFact,
    Level,
    MeetingSkip,
    MotionFacts,
    NegativeAnswer,
    NegativeItem,
    NegativeListFacts,
    NoticeFacts,
    PostFacts,
    QuotaLine,
    RecommendationFacts,
    RecordRow,
    RoundFacts,
    RuleSettings,
    SanctionRecord,
    SanctionType,
    Stage,
    TargetDecisionFacts,
)
from selection.workdays import WorkdayCalendar, YearSchedule


def levels(findings: list[Finding], rule: str) -> list[Level]:
    return [f.level for f in findings if f.rule == rule]


def only(findings: list[Finding], rule: str) -> Finding:
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, matching
    return matching[0]


# ---------------------------------------------------------------------------------------------------------
# Findings, helpers, and agreement with the models' vocabularies


def test_blocking_and_warnings_pick_their_level():
    found = [
        Finding("R-X-1", Level.OK, ""),
        Finding("R-X-2", Level.WARN, ""),
        Finding("R-X-3", Level.BLOCK, ""),
        Finding("R-X-4", Level.RECORD, ""),
    ]
    assert [f.rule for f in rules.blocking(found)] == ["R-X-3"]
    assert [f.rule for f in rules.warnings(found)] == ["R-X-2"]


def test_vocabularies_match_the_models():
    from selection.models.cadre import AssessmentResult, EducationLevel
    from selection.models.cadre_records import Kinship
    from selection.models.case import Candidate, SelectionCase
    from selection.models.decision import Meeting, VoteChoice
    from selection.models.notice import Complaint
    from selection.models.post import Rank
    from selection.models.recommendation import RecommendationRound

    assert set(Rank.values) | {STAFF} == set(rules.RANK_LEVEL)
    assert set(EducationLevel.values) == set(rules.EDUCATION_ORDER)
    assert sorted(rules.EDUCATION_ORDER, key=lambda v: EducationLevel(v).rank) == list(rules.EDUCATION_ORDER)
    assert {r.value for r in AssessmentResult if r.is_competent_or_better} == rules.PASSING_GRADES
    assert set(AssessmentResult.values) > rules.LOW_GRADES
    assert set(SelectionCase.Mode.values) == set(rules.Method)
    assert set(SelectionCase.MotionOrigin.values) == set(rules.MotionOrigin)
    assert set(SelectionCase.MotionForm.values) == set(rules.MotionForm)
    assert set(RecommendationRound.Kind.values) == set(rules.RoundKind)
    assert set(Meeting.Method.values) == set(rules.VotingMethod)
    assert set(Complaint.Conclusion.values) == set(rules.ComplaintConclusion)
    assert set(Candidate.ExceptionalType.values) == set(rules.ExceptionalKind)
    assert set(Kinship.Category.values) == rules.KINSHIP_CATEGORIES
    assert {"agree", "disagree", "postpone"} == set(VoteChoice.values)


def test_every_message_names_its_rule():
    for key, text in rules.MESSAGES.items():
        assert text.startswith(key.split("/")[0]), key


def test_settings_hold_every_default_of_rules_md():
    s = RuleSettings()
    assert (s.deputy_years_for_chief, s.work_years_for_deputy, s.new_deputy_age_limit) == (1, 2, 40)
    assert s.min_education == "college"
    assert (s.assessment_years_chief, s.assessment_years_deputy) == (1, 2)
    assert s.daily_procedure_post_threshold == 3
    assert (s.rotation_due_years, s.rotation_overdue_years) == (5, 10)
    assert s.recused_stay_in_n is True
    assert (s.notice_workdays, s.notice_start_counts) == (5, True)
    assert s.recommendation_valid_months == 12
    assert s.min_inspection_team == 2


def test_sanction_effect_periods_table():
    """R-INS-9: the default table of effect periods, in months."""
    table = RuleSettings().effect_periods
    assert table[SanctionType.PARTY_WARNING] == 12
    assert table[SanctionType.PARTY_SERIOUS_WARNING] == 18
    assert table[SanctionType.PARTY_POST_REMOVAL] == 24
    assert table[SanctionType.PARTY_PROBATION] == 24
    assert table[SanctionType.GOV_WARNING] == 6
    assert table[SanctionType.DEMERIT] == 12
    assert table[SanctionType.MAJOR_DEMERIT] == 18
    assert table[SanctionType.DEMOTION] == 24
    assert table[SanctionType.DISMISSAL] == 24
    assert table[SanctionType.REMOVAL_FROM_POST] == 12
    assert RuleSettings().no_promotion_periods[SanctionType.REMOVAL_FROM_POST] == 24
    assert table[SanctionType.ADMONITION] == 6
    assert SanctionType.ADMONITION.label == "诫勉"


def test_two_thirds_and_more_than_half_use_integer_arithmetic():
    assert [rules.two_thirds(n) for n in (3, 6, 7, 9, 10)] == [2, 4, 5, 6, 7]
    assert [rules.more_than_half(n) for n in (6, 7, 8)] == [4, 4, 5]


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2025, 3, 1), 12, date(2026, 3, 1)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # no 29 February: the month's last day
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 11, 15), 18, date(2027, 5, 15)),
    ],
)
def test_period_end_is_the_corresponding_day(start, months, end):
    assert rules.period_end(start, months) == end


def test_full_months_between_counts_a_month_on_its_corresponding_day():
    assert rules.full_months_between(date(2020, 1, 31), date(2020, 2, 28)) == 0
    assert rules.full_months_between(date(2020, 1, 31), date(2020, 2, 29)) == 1
    assert rules.full_months_between(date(2020, 5, 10), date(2025, 5, 9)) == 59
    assert rules.full_months_between(date(2020, 5, 10), date(2025, 5, 10)) == 60
    assert rules.full_months_between(date(2025, 5, 10), date(2020, 5, 10)) == 0


def test_age_in_full_years_turns_on_the_birthday():
    birth = date(1986, 9, 30)
    assert rules.age_in_full_years(birth, date(2026, 9, 29)) == 39
    assert rules.age_in_full_years(birth, date(2026, 9, 30)) == 40
    assert rules.age_in_full_years(date(2000, 2, 29), date(2021, 2, 28)) == 20
    assert rules.age_in_full_years(date(2000, 2, 29), date(2021, 3, 1)) == 21


# ---------------------------------------------------------------------------------------------------------
# Eligibility (R-ELIG-1..8) and the 破格 flag (R-EXC-1)

DEPUTY_CANDIDATE = EligibilityFacts(
    target_rank=DEPUTY,
    current_rank=STAFF,
    age=35,
    months_in_deputy_post=0,
    months_of_work=120,
    education="undergraduate",
    probation_passed=True,
    assessments={2025: "称职", 2024: "优秀"},
    latest_assessment_year=2025,
    health_fit=True,
)
CHIEF_CANDIDATE = replace(
    DEPUTY_CANDIDATE, target_rank=CHIEF, current_rank=DEPUTY, age=45, months_in_deputy_post=36
)


def test_eligible_deputy_candidate_passes_every_eligibility_rule():
    findings = rules.eligibility(DEPUTY_CANDIDATE)
    assert [f.rule for f in findings] == [f"R-ELIG-{i}" for i in range(1, 9)]
    assert all(f.ok for f in findings), findings
    assert rules.exceptional_grounds(DEPUTY_CANDIDATE) == ()


def test_chief_post_warns_below_one_year_in_a_deputy_post():
    """R-ELIG-1: exactly 12 months passes; 11 months warns and makes the promotion 破格."""
    assert only(rules.eligibility(replace(CHIEF_CANDIDATE, months_in_deputy_post=12)), "R-ELIG-1").ok
    short = replace(CHIEF_CANDIDATE, months_in_deputy_post=11)
    finding = only(rules.eligibility(short), "R-ELIG-1")
    assert finding.level == Level.WARN
    assert finding.message == (
        "R-ELIG-1：担任中层正职一般应在副职岗位工作 1 年以上，现仅 11 个月；"
        "如确需任用，请记录理由，并按破格提拔办理（R-EXC-1）。"
    )
    assert rules.exceptional_grounds(short) == ("R-ELIG-1",)


def test_chief_post_years_rule_does_not_apply_to_a_sitting_chief_or_a_deputy_post():
    """R-ELIG-1."""
    assert only(
        rules.eligibility(replace(CHIEF_CANDIDATE, current_rank=CHIEF, months_in_deputy_post=0)), "R-ELIG-1"
    ).ok
    assert (
        only(rules.eligibility(DEPUTY_CANDIDATE), "R-ELIG-1").message
        == "R-ELIG-1：拟任岗位不是中层正职，不适用。"
    )


def test_deputy_post_warns_below_two_years_of_work():
    """R-ELIG-2: 24 months passes, 23 warns (破格)."""
    assert only(rules.eligibility(replace(DEPUTY_CANDIDATE, months_of_work=24)), "R-ELIG-2").ok
    short = replace(DEPUTY_CANDIDATE, months_of_work=23)
    assert levels(rules.eligibility(short), "R-ELIG-2") == [Level.WARN]
    assert "R-ELIG-2" in rules.exceptional_grounds(short)


def test_deputy_post_blocks_without_a_passed_probation():
    """R-ELIG-3: failed or unrecorded probation blocks."""
    assert levels(rules.eligibility(replace(DEPUTY_CANDIDATE, probation_passed=False)), "R-ELIG-3") == [
        Level.BLOCK
    ]
    missing = only(rules.eligibility(replace(DEPUTY_CANDIDATE, probation_passed=None)), "R-ELIG-3")
    assert missing.level == Level.BLOCK
    assert "未记录试用期考核结果" in missing.message
    assert only(rules.eligibility(CHIEF_CANDIDATE), "R-ELIG-3").ok


def test_education_below_college_warns_and_college_passes():
    """R-ELIG-4: 大学专科 passes, 中专 warns (破格), missing blocks."""
    assert only(rules.eligibility(replace(DEPUTY_CANDIDATE, education="college")), "R-ELIG-4").ok
    low = replace(DEPUTY_CANDIDATE, education="technical")
    finding = only(rules.eligibility(low), "R-ELIG-4")
    assert finding.level == Level.WARN
    assert "大学专科以上" in finding.message and "中专" in finding.message
    assert rules.exceptional_grounds(low) == ("R-ELIG-4",)
    assert levels(rules.eligibility(replace(DEPUTY_CANDIDATE, education=None)), "R-ELIG-4") == [Level.BLOCK]


def test_new_deputy_aged_39_passes_and_40_on_the_motion_date_warns():
    """R-ELIG-5: under 40 in full years on the motion date."""
    motion_day = date(2026, 9, 30)
    day_before_40 = rules.age_in_full_years(date(1986, 10, 1), motion_day)
    on_40th_birthday = rules.age_in_full_years(date(1986, 9, 30), motion_day)
    assert (day_before_40, on_40th_birthday) == (39, 40)
    assert only(rules.eligibility(replace(DEPUTY_CANDIDATE, age=day_before_40)), "R-ELIG-5").ok
    finding = only(rules.eligibility(replace(DEPUTY_CANDIDATE, age=on_40th_birthday)), "R-ELIG-5")
    assert finding.level == Level.WARN
    assert finding.message.startswith(
        "R-ELIG-5：新提任中层副职一般应在 40 周岁以下，该同志动议时已满 40 周岁"
    )
    assert rules.exceptional_grounds(replace(DEPUTY_CANDIDATE, age=40)) == ("R-ELIG-5",)


def test_age_rule_applies_only_to_a_newly_promoted_deputy():
    """R-ELIG-5: a chief candidate of 45 and a deputy moving sideways are not concerned."""
    assert only(rules.eligibility(CHIEF_CANDIDATE), "R-ELIG-5").ok
    assert only(rules.eligibility(replace(DEPUTY_CANDIDATE, current_rank=DEPUTY, age=50)), "R-ELIG-5").ok
    assert levels(rules.eligibility(replace(DEPUTY_CANDIDATE, age=None)), "R-ELIG-5") == [Level.BLOCK]


def test_assessments_of_the_qualifying_years_must_be_competent_or_better():
    """R-ELIG-6: deputy looks at 2 years, chief at 1; 基本称职 or a missing year blocks."""
    weak_2024 = replace(DEPUTY_CANDIDATE, assessments={2025: "称职", 2024: "基本称职"})
    finding = only(rules.eligibility(weak_2024), "R-ELIG-6")
    assert finding.level == Level.BLOCK
    assert "2024年度为基本称职" in finding.message
    # A chief candidate's 2024 does not count.
    assert only(
        rules.eligibility(replace(CHIEF_CANDIDATE, assessments={2025: "合格", 2024: "不称职"})), "R-ELIG-6"
    ).ok
    missing = only(rules.eligibility(replace(DEPUTY_CANDIDATE, assessments={2025: "优秀"})), "R-ELIG-6")
    assert missing.message == "R-ELIG-6：缺少2024年度考核结果，请在干部信息中补录后再继续。"
    ungraded = replace(DEPUTY_CANDIDATE, assessments={2025: "不定等次", 2024: "称职"})
    assert levels(rules.eligibility(ungraded), "R-ELIG-6") == [Level.BLOCK]
    assert rules.qualifying_years(CHIEF, 2025) == [2025]


def test_health_attested_unfit_or_unrecorded_blocks():
    """R-ELIG-7."""
    assert levels(rules.eligibility(replace(DEPUTY_CANDIDATE, health_fit=False)), "R-ELIG-7") == [Level.BLOCK]
    assert levels(rules.eligibility(replace(DEPUTY_CANDIDATE, health_fit=None)), "R-ELIG-7") == [Level.BLOCK]


def test_skipping_a_level_blocks_until_the_county_consents():
    """R-ELIG-8: 一般干部 → 正职 is 越级 (破格)."""
    skip = replace(CHIEF_CANDIDATE, current_rank=STAFF)
    finding = only(rules.eligibility(skip), "R-ELIG-8")
    assert finding.level == Level.BLOCK
    assert finding.message == (
        "R-ELIG-8：由一般干部直接提任中层正职属越级提拔（破格），须先经县委组织部书面同意（R-EXC-2）后才能继续。"
    )
    assert only(rules.eligibility(replace(skip, level_skip_consented=True)), "R-ELIG-8").ok
    assert "R-ELIG-8" in rules.exceptional_grounds(skip)


def test_exceptional_flag_collects_every_missed_condition():
    """R-EXC-1: computed from R-ELIG-1/2/4/5/8."""
    facts = replace(DEPUTY_CANDIDATE, months_of_work=12, education="high_school", age=41)
    assert rules.exceptional_grounds(facts) == ("R-ELIG-2", "R-ELIG-4", "R-ELIG-5")


def test_higher_settings_change_the_thresholds():
    strict = RuleSettings(new_deputy_age_limit=35, min_education="undergraduate", work_years_for_deputy=3)
    facts = replace(DEPUTY_CANDIDATE, age=35, education="college", months_of_work=30)
    assert rules.exceptional_grounds(facts, strict) == ("R-ELIG-2", "R-ELIG-4", "R-ELIG-5")


# ---------------------------------------------------------------------------------------------------------
# Exceptional promotion (R-EXC-1..5)

CONSENT = CountyConsent("安委组函〔2026〕12号", date(2026, 5, 10), has_attachment=True)
EXCEPTIONAL = ExceptionalFacts(
    grounds=("R-ELIG-5",), on_date=date(2026, 6, 1), kind="outstanding", reason="业绩突出", consent=CONSENT
)


def test_exceptional_candidate_needs_kind_and_reason_recorded():
    """R-EXC-1: a flagged candidate must have its type and reason recorded."""
    finding = only(
        rules.exceptional_promotion(replace(EXCEPTIONAL, reason=""), Stage.RECOMMENDATION), "R-EXC-1"
    )
    assert finding.level == Level.BLOCK
    assert finding.message.startswith("R-EXC-1：该人选因年龄超过属于破格提拔")
    recorded = only(rules.exceptional_promotion(EXCEPTIONAL, Stage.RECOMMENDATION), "R-EXC-1")
    assert recorded.ok and "特别优秀" in recorded.message


def test_ordinary_candidate_passes_every_exceptional_rule():
    facts = ExceptionalFacts(grounds=(), on_date=date(2026, 6, 1))
    findings = rules.exceptional_promotion(facts, Stage.NOTICE)
    assert [f.rule for f in findings] == ["R-EXC-1", "R-EXC-2", "R-EXC-3", "R-EXC-4", "R-EXC-5"]
    assert all(f.ok for f in findings)


def test_level_skip_needs_county_consent_before_inspection():
    """R-EXC-2: consent with number, date and attachment, dated no later than the inspection gate."""
    skip = replace(EXCEPTIONAL, grounds=("R-ELIG-8",), consent=None)
    assert levels(rules.exceptional_promotion(skip, Stage.INSPECTION), "R-EXC-2") == [Level.BLOCK]
    # Not yet due while still recommending.
    assert levels(rules.exceptional_promotion(skip, Stage.RECOMMENDATION), "R-EXC-2") == []
    no_attachment = replace(skip, consent=replace(CONSENT, has_attachment=False))
    assert levels(rules.exceptional_promotion(no_attachment, Stage.INSPECTION), "R-EXC-2") == [Level.BLOCK]
    dated_later = replace(skip, consent=replace(CONSENT, consented_on=date(2026, 6, 2)))
    assert levels(rules.exceptional_promotion(dated_later, Stage.INSPECTION), "R-EXC-2") == [Level.BLOCK]
    assert levels(
        rules.exceptional_promotion(replace(skip, consent=CONSENT), Stage.INSPECTION), "R-EXC-2"
    ) == [Level.OK]


def test_candidate_not_from_democratic_recommendation_needs_consent_before_inspection():
    """R-EXC-2 applies even when no eligibility rule is missed."""
    facts = ExceptionalFacts(grounds=(), on_date=date(2026, 6, 1), from_democratic_recommendation=False)
    finding = only(rules.exceptional_promotion(facts, Stage.INSPECTION), "R-EXC-2")
    assert finding.level == Level.BLOCK
    assert finding.message.startswith("R-EXC-2：人选不是经民主推荐产生，考察前须取得县委组织部书面同意")


def test_any_exceptional_candidate_needs_consent_before_the_decision():
    """R-EXC-3: an age-only 破格 may be inspected without consent, but not decided."""
    facts = replace(EXCEPTIONAL, consent=None)
    assert levels(rules.exceptional_promotion(facts, Stage.INSPECTION), "R-EXC-2") == [Level.OK]
    assert levels(rules.exceptional_promotion(facts, Stage.INSPECTION), "R-EXC-3") == []
    assert levels(rules.exceptional_promotion(facts, Stage.DECISION), "R-EXC-3") == [Level.BLOCK]
    assert levels(rules.exceptional_promotion(EXCEPTIONAL, Stage.DECISION), "R-EXC-3") == [Level.OK]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"in_probation": True}, "尚在试用期内"),
        ({"last_promotion_on": date(2025, 6, 1)}, "至今不满一年"),
        ({"previous_promotion_exceptional": True}, "不得连续破格"),
        ({"levels_skipped": 2}, "不得越两级提拔"),
    ],
)
def test_exceptional_promotion_is_barred(change, why):
    """R-EXC-4: probation, within a year of the last promotion, twice in a row, across two levels."""
    finding = only(rules.exceptional_promotion(replace(EXCEPTIONAL, **change), Stage.MOTION), "R-EXC-4")
    assert finding.level == Level.BLOCK
    assert why in finding.message


def test_exceptional_promotion_allowed_the_day_after_a_year_since_the_last_promotion():
    """R-EXC-4: promoted 2025-05-31, a year ends 2026-05-31; on 2026-06-01 it is allowed."""
    facts = replace(EXCEPTIONAL, last_promotion_on=date(2025, 5, 31))
    assert only(rules.exceptional_promotion(facts, Stage.MOTION), "R-EXC-4").ok
    on_the_day = replace(facts, on_date=date(2026, 5, 31))
    assert only(rules.exceptional_promotion(on_the_day, Stage.MOTION), "R-EXC-4").level == Level.BLOCK


def test_exceptional_candidate_notice_must_state_the_circumstances():
    """R-EXC-5."""
    assert levels(rules.exceptional_promotion(EXCEPTIONAL, Stage.NOTICE), "R-EXC-5") == [Level.BLOCK]
    stated = replace(EXCEPTIONAL, notice_states_circumstances=True)
    assert levels(rules.exceptional_promotion(stated, Stage.NOTICE), "R-EXC-5") == [Level.OK]


# ---------------------------------------------------------------------------------------------------------
# Method (R-MET-1..2)


def test_daily_procedure_for_three_posts_needs_a_reason():
    """R-MET-1: two posts are fine, three warn."""
    assert only(rules.method_choice("daily", 2, [DEPUTY]), "R-MET-1").ok
    finding = only(rules.method_choice("daily", 3, [DEPUTY]), "R-MET-1")
    assert finding.level == Level.WARN
    assert finding.message == (
        "R-MET-1：本批调整 3 个职位（3 个及以上），一般应采用竞争上岗；采用日常选拔任用程序须记录理由。"
    )
    assert only(rules.method_choice("competitive", 5, [DEPUTY]), "R-MET-1").ok


def test_competition_for_a_chief_post_warns():
    """R-MET-2: 竞争上岗 is normally for deputy posts."""
    assert only(rules.method_choice("competitive", 3, [DEPUTY, CHIEF]), "R-MET-2").level == Level.WARN
    assert only(rules.method_choice("competitive", 3, [DEPUTY]), "R-MET-2").ok


def test_competition_steps_follow_the_prescribed_order():
    """R-MET-2: the exam cannot start before registration; a finished step cannot be repeated."""
    steps = rules.COMPETITION_STEPS
    assert rules.competition_order([steps[0], steps[1]], "exam")[0].ok
    refused = rules.competition_order([steps[0]], "exam")[0]
    assert refused.level == Level.BLOCK
    assert "进行“笔试、面试”前须先完成“报名与资格审查”" in refused.message
    assert rules.competition_order([steps[1], steps[0]], "exam")[0].level == Level.BLOCK
    assert rules.competition_order([steps[0]], "plan")[0].level == Level.BLOCK
    assert rules.competition_order([], "plan")[0].ok


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
