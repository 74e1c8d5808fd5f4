"""The pure rules layer: findings, vocabularies, settings and date arithmetic shared by every rule
(test_rules_<area>.py test each area's rules, their boundaries and the messages users see). No database.
"""

from datetime import date

import pytest

from selection import rules
from selection.rules import (
    STAFF,
    Finding,
    Level,
    RuleSettings,
    SanctionType,
)

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
