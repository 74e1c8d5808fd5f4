"""The pure rules of eligibility (R-ELIG), exceptional promotion (R-EXC) and the method (R-MET, R-CMP
order): boundaries and messages. No database.
"""

from dataclasses import replace
from datetime import date

import pytest

from selection import rules
from selection.rules import (
    CHIEF,
    DEPUTY,
    STAFF,
    CountyConsent,
    EligibilityFacts,
    ExceptionalFacts,
    Level,
    RuleSettings,
    Stage,
)

from .rule_facts import levels, only

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
