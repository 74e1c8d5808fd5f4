"""Eligibility (R-ELIG), exceptional promotion (R-EXC) and the method (R-MET)."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .base import (
    CHIEF,
    COMPETITION_STEPS,
    DEFAULT_SETTINGS,
    DEPUTY,
    EDUCATION_LABEL,
    EDUCATION_ORDER,
    PASSING_GRADES,
    RANK_LABEL,
    RANK_LEVEL,
    STAFF,
    CompetitionStep,
    ExceptionalKind,
    Finding,
    Level,
    Method,
    RuleSettings,
    Stage,
    _finding,
    _iso,
    _reached,
    cn_date,
    period_end,
)

# ---------------------------------------------------------------------------------------------------------
# Eligibility (R-ELIG-1..8) and the 破格 flag (R-EXC-1)


@dataclass(frozen=True)
class EligibilityFacts:
    target_rank: str  # DEPUTY or CHIEF
    current_rank: str  # STAFF, DEPUTY or CHIEF
    age: int | None  # full years on the motion date (age_in_full_years); None: no birth date
    months_in_deputy_post: int  # cumulative, in 副职岗位
    months_of_work: int
    education: str | None  # an EDUCATION_ORDER value; None: not recorded
    probation_passed: bool | None  # None: not recorded
    assessments: Mapping[int, str]  # year → result (AssessmentResult value)
    latest_assessment_year: int  # the last year whose assessment should be on file (usually motion year − 1)
    health_fit: bool | None  # None: no attestation recorded
    level_skip_consented: bool = False  # the county's consent to a 越级 promotion is on file (R-EXC-2)


def eligibility(facts: EligibilityFacts, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """R-ELIG-1..8 for one candidate and one target post."""
    return [
        _deputy_years(facts, settings),
        _work_years(facts, settings),
        _probation_before(facts),
        _education(facts, settings),
        _age(facts, settings),
        _assessments(facts, settings),
        _health(facts),
        _one_level(facts),
    ]


_EXCEPTIONAL_RULES = ("R-ELIG-1", "R-ELIG-2", "R-ELIG-4", "R-ELIG-5")


def exceptional_grounds(
    facts: EligibilityFacts, settings: RuleSettings = DEFAULT_SETTINGS
) -> tuple[str, ...]:
    """R-EXC-1: the eligibility rules a candidate misses that make the promotion 破格 (empty: not 破格)."""
    grounds = [
        f.rule for f in eligibility(facts, settings) if f.rule in _EXCEPTIONAL_RULES and f.level == Level.WARN
    ]
    if _levels_up(facts) > 1:
        grounds.append("R-ELIG-8")
    return tuple(grounds)


def _levels_up(facts: EligibilityFacts) -> int:
    return RANK_LEVEL[facts.target_rank] - RANK_LEVEL[facts.current_rank]


def _deputy_years(facts: EligibilityFacts, settings: RuleSettings) -> Finding:
    years, months = settings.deputy_years_for_chief, facts.months_in_deputy_post
    if facts.target_rank != CHIEF:
        return _finding("R-ELIG-1", Level.OK, "R-ELIG-1/na")
    if facts.current_rank == CHIEF:
        return _finding("R-ELIG-1", Level.OK, "R-ELIG-1/lateral")
    if months >= years * 12:
        return _finding("R-ELIG-1", Level.OK, "R-ELIG-1/ok", years=years, months=months)
    return _finding("R-ELIG-1", Level.WARN, "R-ELIG-1/warn", years=years, months=months)


def _work_years(facts: EligibilityFacts, settings: RuleSettings) -> Finding:
    years, months = settings.work_years_for_deputy, facts.months_of_work
    if facts.target_rank != DEPUTY:
        return _finding("R-ELIG-2", Level.OK, "R-ELIG-2/na")
    if months >= years * 12:
        return _finding("R-ELIG-2", Level.OK, "R-ELIG-2/ok", years=years, months=months)
    return _finding("R-ELIG-2", Level.WARN, "R-ELIG-2/warn", years=years, months=months)


def _probation_before(facts: EligibilityFacts) -> Finding:
    if facts.target_rank != DEPUTY:
        return _finding("R-ELIG-3", Level.OK, "R-ELIG-3/na")
    if facts.probation_passed is None:
        return _finding("R-ELIG-3", Level.BLOCK, "R-ELIG-3/missing")
    if not facts.probation_passed:
        return _finding("R-ELIG-3", Level.BLOCK, "R-ELIG-3/block")
    return _finding("R-ELIG-3", Level.OK, "R-ELIG-3/ok")


def _education(facts: EligibilityFacts, settings: RuleSettings) -> Finding:
    minimum = EDUCATION_LABEL[settings.min_education]
    if facts.education is None:
        return _finding("R-ELIG-4", Level.BLOCK, "R-ELIG-4/missing")
    label = EDUCATION_LABEL[facts.education]
    if EDUCATION_ORDER.index(facts.education) >= EDUCATION_ORDER.index(settings.min_education):
        return _finding("R-ELIG-4", Level.OK, "R-ELIG-4/ok", education=label, minimum=minimum)
    return _finding("R-ELIG-4", Level.WARN, "R-ELIG-4/warn", education=label, minimum=minimum)


def _age(facts: EligibilityFacts, settings: RuleSettings) -> Finding:
    limit = settings.new_deputy_age_limit
    if not (facts.target_rank == DEPUTY and facts.current_rank == STAFF):
        return _finding("R-ELIG-5", Level.OK, "R-ELIG-5/na")
    if facts.age is None:
        return _finding("R-ELIG-5", Level.BLOCK, "R-ELIG-5/missing")
    if facts.age < limit:
        return _finding("R-ELIG-5", Level.OK, "R-ELIG-5/ok", age=facts.age, limit=limit)
    return _finding("R-ELIG-5", Level.WARN, "R-ELIG-5/warn", age=facts.age, limit=limit)


def qualifying_years(
    target_rank: str, latest_year: int, settings: RuleSettings = DEFAULT_SETTINGS
) -> list[int]:
    """R-ELIG-6: the assessment years that count, most recent first (chief: last 1, deputy: last 2)."""
    count = settings.assessment_years_chief if target_rank == CHIEF else settings.assessment_years_deputy
    return [latest_year - i for i in range(count)]


def _assessments(facts: EligibilityFacts, settings: RuleSettings) -> Finding:
    years = qualifying_years(facts.target_rank, facts.latest_assessment_year, settings)
    missing = [y for y in years if y not in facts.assessments]
    if missing:
        return _finding("R-ELIG-6", Level.BLOCK, "R-ELIG-6/missing", years="、".join(map(str, missing)))
    failing = [y for y in years if facts.assessments[y] not in PASSING_GRADES]
    if failing:
        detail = "；".join(f"{y}年度为{facts.assessments[y]}" for y in failing)
        return _finding("R-ELIG-6", Level.BLOCK, "R-ELIG-6/block", detail=detail)
    return _finding("R-ELIG-6", Level.OK, "R-ELIG-6/ok", years="、".join(map(str, years)))


def _health(facts: EligibilityFacts) -> Finding:
    if facts.health_fit is None:
        return _finding("R-ELIG-7", Level.BLOCK, "R-ELIG-7/missing")
    if not facts.health_fit:
        return _finding("R-ELIG-7", Level.BLOCK, "R-ELIG-7/block")
    return _finding("R-ELIG-7", Level.OK, "R-ELIG-7/ok")


def _one_level(facts: EligibilityFacts) -> Finding:
    ranks = {"current": RANK_LABEL[facts.current_rank], "target": RANK_LABEL[facts.target_rank]}
    if _levels_up(facts) <= 1:
        return _finding("R-ELIG-8", Level.OK, "R-ELIG-8/ok", **ranks)
    if facts.level_skip_consented:
        return _finding("R-ELIG-8", Level.OK, "R-ELIG-8/consented", **ranks)
    return _finding("R-ELIG-8", Level.BLOCK, "R-ELIG-8/block", **ranks)


# ---------------------------------------------------------------------------------------------------------
# Exceptional promotion (R-EXC-1..5)


@dataclass(frozen=True)
class CountyConsent:
    """The county organisation department's written consent (县委组织部同意)."""

    document_number: str
    consented_on: date | None
    has_attachment: bool

    def complete_by(self, on_date: date) -> bool:
        return (
            bool(self.document_number.strip())
            and self.has_attachment
            and self.consented_on is not None
            and (self.consented_on <= on_date)
        )


@dataclass(frozen=True)
class ExceptionalFacts:
    grounds: tuple[str, ...]  # exceptional_grounds(...)
    on_date: date  # the day of the gate
    kind: str = ""  # an ExceptionalKind value
    reason: str = ""
    from_democratic_recommendation: bool = True
    consent: CountyConsent | None = None
    in_probation: bool = False  # the candidate is still in a probation period (试用期)
    last_promotion_on: date | None = None
    previous_promotion_exceptional: bool = False
    levels_skipped: int = 0  # 越级: ranks jumped beyond the next one (2 = across two levels)
    notice_states_circumstances: bool = False  # the 公示 text states the 破格 circumstances and reasons


_KIND_LABEL = {ExceptionalKind.OUTSTANDING: "特别优秀", ExceptionalKind.SPECIAL_NEED: "工作特殊需要"}
_GROUND_LABEL = {
    "R-ELIG-1": "副职任职年限不足",
    "R-ELIG-2": "工作经历年限不足",
    "R-ELIG-4": "文化程度不够",
    "R-ELIG-5": "年龄超过",
    "R-ELIG-8": "越级提拔",
}


def ground_labels(grounds: tuple[str, ...]) -> str:
    """The 破格 circumstances in words: 副职任职年限不足、越级提拔 …"""
    return "、".join(_GROUND_LABEL[g] for g in grounds)


def exceptional_promotion(
    facts: ExceptionalFacts, stage: Stage, settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-EXC-1..5 at the gate `stage`: consent before 考察 (R-EXC-2), before 讨论决定 (R-EXC-3), the notice (R-EXC-5)."""
    exceptional = bool(facts.grounds)
    findings = [_exceptional_recorded(facts)]
    if _reached(stage, Stage.INSPECTION):
        findings.append(_consent_before_inspection(facts))
    if _reached(stage, Stage.DECISION):
        findings.append(_consent_before_decision(facts))
    findings.append(_exceptional_barred(facts, settings))
    if _reached(stage, Stage.NOTICE):
        if not exceptional:
            findings.append(_finding("R-EXC-5", Level.OK, "R-EXC-5/na"))
        elif facts.notice_states_circumstances:
            findings.append(_finding("R-EXC-5", Level.OK, "R-EXC-5/ok"))
        else:
            findings.append(_finding("R-EXC-5", Level.BLOCK, "R-EXC-5/block"))
    return findings


def _exceptional_recorded(facts: ExceptionalFacts) -> Finding:
    if not facts.grounds:
        return _finding("R-EXC-1", Level.OK, "R-EXC-1/ok")
    grounds = "、".join(_GROUND_LABEL[g] for g in facts.grounds)
    if facts.kind in _KIND_LABEL and facts.reason.strip():
        return _finding(
            "R-EXC-1", Level.OK, "R-EXC-1/recorded", grounds=grounds, kind=_KIND_LABEL[facts.kind]
        )
    return _finding("R-EXC-1", Level.BLOCK, "R-EXC-1/block", grounds=grounds)


def _consent_before_inspection(facts: ExceptionalFacts) -> Finding:
    reasons = []
    if "R-ELIG-8" in facts.grounds or facts.levels_skipped > 0:
        reasons.append("越级提拔")
    if not facts.from_democratic_recommendation:
        reasons.append("人选不是经民主推荐产生")
    if not reasons:
        return _finding("R-EXC-2", Level.OK, "R-EXC-2/na")
    consent = facts.consent
    if consent is not None and consent.complete_by(facts.on_date):
        return _finding(
            "R-EXC-2", Level.OK, "R-EXC-2/ok", number=consent.document_number, on=_iso(consent.consented_on)
        )
    return _finding("R-EXC-2", Level.BLOCK, "R-EXC-2/block", why="、".join(reasons))


def _consent_before_decision(facts: ExceptionalFacts) -> Finding:
    if not facts.grounds:
        return _finding("R-EXC-3", Level.OK, "R-EXC-3/na")
    consent = facts.consent
    if consent is not None and consent.complete_by(facts.on_date):
        return _finding(
            "R-EXC-3", Level.OK, "R-EXC-3/ok", number=consent.document_number, on=_iso(consent.consented_on)
        )
    return _finding("R-EXC-3", Level.BLOCK, "R-EXC-3/block")


def _exceptional_barred(facts: ExceptionalFacts, settings: RuleSettings) -> Finding:
    if not facts.grounds:
        return _finding("R-EXC-4", Level.OK, "R-EXC-4/na")
    why = []
    if facts.in_probation:
        why.append("该同志尚在试用期内")
    if facts.last_promotion_on is not None and facts.on_date <= period_end(
        facts.last_promotion_on, settings.exceptional_months_since_promotion
    ):
        why.append(f"该同志于 {cn_date(facts.last_promotion_on)} 提拔，至今不满一年")
    if facts.previous_promotion_exceptional:
        why.append("上一次提拔已是破格提拔，不得连续破格")
    if facts.levels_skipped >= 2:
        why.append("不得越两级提拔")
    if why:
        return _finding("R-EXC-4", Level.BLOCK, "R-EXC-4/block", why="；".join(why))
    return _finding("R-EXC-4", Level.OK, "R-EXC-4/ok")


# ---------------------------------------------------------------------------------------------------------
# Method (R-MET-1..2)


def method_choice(
    method: str, posts: int, target_ranks: Collection[str], settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-MET-1 (many posts by the daily procedure needs a reason) and R-MET-2 (competition is for deputies)."""
    threshold = settings.daily_procedure_post_threshold
    label = "竞争上岗" if method == Method.COMPETITIVE else "日常选拔任用程序"
    if method == Method.DAILY and posts >= threshold:
        met1 = _finding("R-MET-1", Level.WARN, "R-MET-1/warn", posts=posts, threshold=threshold)
    else:
        met1 = _finding("R-MET-1", Level.OK, "R-MET-1/ok", method=label, posts=posts)
    if method != Method.COMPETITIVE:
        met2 = _finding("R-MET-2", Level.OK, "R-MET-2/na")
    elif CHIEF in target_ranks:
        met2 = _finding("R-MET-2", Level.WARN, "R-MET-2/warn")
    else:
        met2 = _finding("R-MET-2", Level.OK, "R-MET-2/ok")
    return [met1, met2]


def competition_order(done: Sequence[str], next_step: str) -> list[Finding]:
    """R-MET-2: a competition step may start only when every earlier step is done, in order."""
    step = CompetitionStep(next_step)
    if step in done:
        return [_finding("R-MET-2", Level.BLOCK, "R-MET-2/done", step=step.label)]
    before = COMPETITION_STEPS[: COMPETITION_STEPS.index(step)]
    if tuple(done) == before:
        return [_finding("R-MET-2", Level.OK, "R-MET-2/order_ok", step=step.label)]
    missing = next(s for i, s in enumerate(before) if i >= len(done) or done[i] != s)
    sequence = " → ".join(str(s.label) for s in COMPETITION_STEPS)
    return [
        _finding(
            "R-MET-2", Level.BLOCK, "R-MET-2/order", sequence=sequence, step=step.label, missing=missing.label
        )
    ]
