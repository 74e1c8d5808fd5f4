"""Inspection (R-INS-1..10): the target decision, the negative list and sanctions, the notice, the team,
the appraisal, the dossier audit and the opinions that close it.
"""

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from types import MappingProxyType

from .base import (
    DEFAULT_SETTINGS,
    LOW_GRADES,
    DossierItem,
    Finding,
    Level,
    NegativeItem,
    RuleSettings,
    SanctionType,
    _finding,
    cn_date,
    period_end,
    two_thirds,
)

# ---------------------------------------------------------------------------------------------------------
# Inspection (R-INS-1..10)


@dataclass(frozen=True)
class TargetDecisionFacts:
    meeting_on: date | None
    members_expected: int
    members_present: int
    posts: int  # posts of the vacancy the target is considered for
    recommendation_rank: int | None  # the target's place in the recommendation (1 = first); None: unranked


def inspection_target_decision(facts: TargetDecisionFacts) -> list[Finding]:
    """R-INS-1: targets fixed collectively by a quorate party-group meeting; a reason when not ranked first."""
    if facts.meeting_on is None or facts.members_expected <= 0:
        return [_finding("R-INS-1", Level.BLOCK, "R-INS-1/missing")]
    values = {"expected": facts.members_expected, "present": facts.members_present}
    if facts.members_present * 3 < 2 * facts.members_expected:
        return [
            _finding(
                "R-INS-1", Level.BLOCK, "R-INS-1/quorum", needed=two_thirds(facts.members_expected), **values
            )
        ]
    findings = [_finding("R-INS-1", Level.OK, "R-INS-1/ok", on=cn_date(facts.meeting_on), **values)]
    rank = facts.recommendation_rank
    if rank is not None and rank <= facts.posts:
        findings.append(_finding("R-INS-1", Level.OK, "R-INS-1/rank_ok", rank=rank))
    else:
        shown = f"第 {rank} 名" if rank is not None else "无名次"
        findings.append(_finding("R-INS-1", Level.WARN, "R-INS-1/warn", rank=shown, posts=facts.posts))
    return findings


@dataclass(frozen=True)
class NegativeAnswer:
    """An explicit answer to one item of the negative list, with who answered."""

    item: str  # a NegativeItem value
    applies: bool
    answered_by: str
    special_post: bool = False  # ⑤ only: the post is one of the special posts the rule exempts


@dataclass(frozen=True)
class SanctionRecord:
    sanction_type: str  # a SanctionType value
    effective_on: date
    rights_restored_on: date | None = None  # 留党察看: the day party rights were restored


@dataclass(frozen=True)
class NegativeListFacts:
    on_date: date  # the day targets are fixed
    answers: tuple[NegativeAnswer, ...]
    assessment_year: int  # 上一年
    last_year_result: str | None  # AssessmentResult value for assessment_year; None: missing
    sanctions: tuple[SanctionRecord, ...] = ()
    promotion: bool = True  # a promotion (提拔), not a lateral move: the longer no-promotion periods apply


def sanction_in_effect(
    sanction_type: str,
    effective_date: date,
    on_date: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
    *,
    promotion: bool = True,
) -> bool:
    """R-INS-9: is the effect period still running on `on_date`? Its last day is in effect, the next is not.

    For 留党察看 pass the day party rights were restored as `effective_date`. An unknown type is treated
    as in effect: the registry must say what it is before it can be ignored.
    """
    if on_date < effective_date:
        return False
    if sanction_type not in settings.effect_periods:
        return True
    months = settings.effect_periods[sanction_type]
    if months is None:
        return True
    if promotion:
        months = max(months, settings.no_promotion_periods.get(sanction_type, 0))
    return on_date <= period_end(effective_date, months)


def _record_in_effect(record: SanctionRecord, on_date: date, settings: RuleSettings, promotion: bool) -> bool:
    if record.sanction_type == SanctionType.PARTY_PROBATION:
        if record.rights_restored_on is None:  # still on probation
            return on_date >= record.effective_on
        return sanction_in_effect(
            record.sanction_type, record.rights_restored_on, on_date, settings, promotion=promotion
        )
    return sanction_in_effect(
        record.sanction_type, record.effective_on, on_date, settings, promotion=promotion
    )


def _effect_until(record: SanctionRecord, settings: RuleSettings, promotion: bool) -> str:
    months = settings.effect_periods.get(record.sanction_type)
    start = record.effective_on
    if record.sanction_type == SanctionType.PARTY_PROBATION:
        if record.rights_restored_on is None:
            return "尚未开始计算（留党察看期间，党员权利未恢复）"
        start = record.rights_restored_on
    if months is None:
        return "长期有效"
    if promotion:
        months = max(months, settings.no_promotion_periods.get(record.sanction_type, 0))
    return f"{months} 个月，至 {cn_date(period_end(start, months))} 止"


def _sanction_label(value: str) -> str:
    return str(SanctionType(value).label) if value in SanctionType.values else value


def negative_list(facts: NegativeListFacts, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """R-INS-2 ①–⑦, one finding per item: ③ and ⑥ computed from the registry, the others answered."""
    answers = {a.item: a for a in facts.answers}
    findings = []
    for item in NegativeItem:
        mark = item.label[0]
        if item == NegativeItem.ASSESSMENT:
            findings.append(_last_year_assessment(facts))
        elif item == NegativeItem.SANCTION:
            findings += _sanctions(facts, settings)
        else:
            answer = answers.get(item)
            text = item.label[1:]
            if answer is None or not answer.answered_by.strip():
                findings.append(_finding("R-INS-2", Level.BLOCK, "R-INS-2/missing", mark=mark, item=text))
            elif not answer.applies:
                findings.append(_finding("R-INS-2", Level.OK, "R-INS-2/ok", mark=mark, by=answer.answered_by))
            elif item == NegativeItem.EMIGRATED and answer.special_post:
                findings.append(_finding("R-INS-2", Level.OK, "R-INS-2/special_post", by=answer.answered_by))
            else:
                findings.append(
                    _finding(
                        "R-INS-2", Level.BLOCK, "R-INS-2/block", mark=mark, item=text, by=answer.answered_by
                    )
                )
    return findings


def _last_year_assessment(facts: NegativeListFacts) -> Finding:
    year, grade = facts.assessment_year, facts.last_year_result
    if grade is None:
        return _finding("R-INS-2", Level.BLOCK, "R-INS-2/assessment_missing", year=year)
    if grade in LOW_GRADES:
        return _finding("R-INS-2", Level.BLOCK, "R-INS-2/assessment_block", year=year, grade=grade)
    return _finding("R-INS-2", Level.OK, "R-INS-2/assessment_ok", year=year, grade=grade)


def _sanctions(facts: NegativeListFacts, settings: RuleSettings) -> list[Finding]:
    running = [s for s in facts.sanctions if _record_in_effect(s, facts.on_date, settings, facts.promotion)]
    if not running:
        return [_finding("R-INS-2", Level.OK, "R-INS-2/sanction_ok")]
    return [
        _finding(
            "R-INS-2",
            Level.BLOCK,
            "R-INS-2/sanction_block",
            kind=_sanction_label(s.sanction_type),
            effective=cn_date(s.effective_on),
            until=_effect_until(s, settings, facts.promotion),
        )
        for s in running
    ]


@dataclass(frozen=True)
class InspectionNotice:
    """考察预告 (R-INS-4)."""

    published_on: date | None
    basic_facts: bool  # the target's basic facts are stated
    team_listed: bool
    phone: str  # reporting telephone, e.g. 12380
    scope: str


def inspection_start(
    team: Sequence[str],
    relatives_of_target: Collection[str],
    notice: InspectionNotice | None,
    started_on: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
    *,
    targets_in_team: Collection[str] = (),
    administrators_in_team: Collection[str] = (),
) -> list[Finding]:
    """R-INS-3 (team of ≥ 2, none related to the target, not the target) and R-INS-4 (notice published
    before), at the start."""
    team_findings = inspection_team(
        team,
        relatives_of_target,
        settings,
        targets_in_team=targets_in_team,
        administrators_in_team=administrators_in_team,
    )
    return [*team_findings, _inspection_notice(notice, started_on)]


def inspection_team(
    team: Sequence[str],
    relatives_of_target: Collection[str],
    settings: RuleSettings = DEFAULT_SETTINGS,
    *,
    targets_in_team: Collection[str] = (),
    administrators_in_team: Collection[str] = (),
) -> list[Finding]:
    """R-INS-3; the target never inspects themselves, the system administrator never acts in a case, and
    a related member must step aside (R-KIN-3)."""
    if own := [m for m in team if m in targets_in_team]:
        return [_finding("R-INS-3", Level.BLOCK, "R-INS-3/self", names="、".join(own))]
    if admins := [m for m in team if m in administrators_in_team]:
        return [_finding("R-INS-3", Level.BLOCK, "R-INS-3/admin", names="、".join(admins))]
    related = [m for m in team if m in relatives_of_target]
    if related:
        return [_finding("R-INS-3", Level.BLOCK, "R-INS-3/related", names="、".join(related))]
    if len(team) < settings.min_inspection_team:
        return [
            _finding(
                "R-INS-3", Level.BLOCK, "R-INS-3/size", minimum=settings.min_inspection_team, size=len(team)
            )
        ]
    return [_finding("R-INS-3", Level.OK, "R-INS-3/ok", size=len(team), members="、".join(team))]


def _inspection_notice(notice: InspectionNotice | None, started_on: date) -> Finding:
    if notice is None or notice.published_on is None:
        return _finding("R-INS-4", Level.BLOCK, "R-INS-4/missing")
    if notice.published_on > started_on:
        return _finding(
            "R-INS-4",
            Level.BLOCK,
            "R-INS-4/late",
            on=cn_date(notice.published_on),
            start=cn_date(started_on),
        )
    missing = [
        label
        for label, present in (
            ("考察对象基本情况", notice.basic_facts),
            ("考察组成员", notice.team_listed),
            ("监督举报电话", bool(notice.phone.strip())),
            ("发布范围", bool(notice.scope.strip())),
        )
        if not present
    ]
    if missing:
        return _finding("R-INS-4", Level.BLOCK, "R-INS-4/content", missing="、".join(missing))
    return _finding("R-INS-4", Level.OK, "R-INS-4/ok", on=cn_date(notice.published_on))


@dataclass(frozen=True)
class Appraisal:
    """民主测评 (incl. political quality) and solicited opinions (R-INS-5)."""

    expected: int
    actual: int
    counts: Mapping[str, int]  # rating → ballots
    opinions_recorded: bool
    promotion: Mapping[str, int] = MappingProxyType({})  # 同意/不同意提拔 → ballots


@dataclass(frozen=True)
class DossierAudit:
    """干部人事档案任前审核 (R-INS-6)."""

    checked: frozenset[str]  # DossierItem values checked
    unresolved_discrepancies: int
    reviewer: str
    form_attached: bool  # 《干部人事档案任前审核登记表》


@dataclass(frozen=True)
class InspectionFacts:
    appraisal: Appraisal | None
    dossier: DossierAudit | None
    discipline_opinion_on: date | None
    discipline_conclusion: str
    material_attached: bool
    personal_matters_checked: bool
    unresolved_complaints: int


def inspection_complete(facts: InspectionFacts, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """R-INS-5..8 and R-INS-10: what must be on file before the candidate goes to the decision."""
    return [
        _appraisal(facts.appraisal, settings),
        _dossier(facts.dossier),
        _discipline_opinion(facts),
        _finding("R-INS-8", Level.OK, "R-INS-8/ok")
        if facts.material_attached
        else _finding("R-INS-8", Level.BLOCK, "R-INS-8/block"),
        _personal_matters(facts),
    ]


def _share_label(share: Fraction) -> str:
    return {Fraction(2, 3): "三分之二", Fraction(1, 2): "二分之一", Fraction(3, 4): "四分之三"}.get(
        share, f"{share.numerator}/{share.denominator}"
    )


def appraisal_attendance(
    expected: int, actual: int, settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-INS-5 *(setting)*: a 民主测评 attended by fewer than the share (default 2/3) warns; [] when enough."""
    share = Fraction(settings.appraisal_min_attendance)
    if expected <= 0 or actual >= expected * share:
        return []
    values = {"expected": expected, "actual": actual, "needed": math.ceil(expected * share)}
    return [_finding("R-INS-5", Level.WARN, "R-INS-5/attendance", share=_share_label(share), **values)]


def _appraisal(appraisal: Appraisal | None, settings: RuleSettings = DEFAULT_SETTINGS) -> Finding:
    if (
        appraisal is None
        or appraisal.expected <= 0
        or not 0 < appraisal.actual <= appraisal.expected
        or not appraisal.counts
        or not appraisal.opinions_recorded
    ):
        return _finding("R-INS-5", Level.BLOCK, "R-INS-5/block")
    total = sum(appraisal.counts.values())
    if total > appraisal.actual:
        return _finding("R-INS-5", Level.BLOCK, "R-INS-5/count", total=total, actual=appraisal.actual)
    promotion = sum(appraisal.promotion.values())
    if promotion > appraisal.actual:
        return _finding("R-INS-5", Level.BLOCK, "R-INS-5/promotion", total=promotion, actual=appraisal.actual)
    if low := appraisal_attendance(appraisal.expected, appraisal.actual, settings):
        return low[0]
    return _finding("R-INS-5", Level.OK, "R-INS-5/ok", expected=appraisal.expected, actual=appraisal.actual)


def _dossier(audit: DossierAudit | None) -> Finding:
    if audit is None:
        return _finding("R-INS-6", Level.BLOCK, "R-INS-6/block", missing="尚未审核")
    missing = [f"{item.label}未核对" for item in DossierItem if item not in audit.checked]
    if audit.unresolved_discrepancies:
        missing.append(f"{audit.unresolved_discrepancies} 处不一致未处理")
    if not audit.reviewer.strip():
        missing.append("未写明审核人")
    if not audit.form_attached:
        missing.append("未上传《干部人事档案任前审核登记表》")
    if missing:
        return _finding("R-INS-6", Level.BLOCK, "R-INS-6/block", missing="；".join(missing))
    return _finding("R-INS-6", Level.OK, "R-INS-6/ok", reviewer=audit.reviewer)


def _discipline_opinion(facts: InspectionFacts) -> Finding:
    if facts.discipline_opinion_on is None or not facts.discipline_conclusion.strip():
        return _finding("R-INS-7", Level.BLOCK, "R-INS-7/block")
    return _finding(
        "R-INS-7",
        Level.OK,
        "R-INS-7/ok",
        on=cn_date(facts.discipline_opinion_on),
        conclusion=facts.discipline_conclusion.strip().rstrip("。"),  # the template ends the sentence
    )


def _personal_matters(facts: InspectionFacts) -> Finding:
    if not facts.personal_matters_checked:
        return _finding("R-INS-10", Level.BLOCK, "R-INS-10/unchecked")
    if facts.unresolved_complaints:
        return _finding("R-INS-10", Level.BLOCK, "R-INS-10/complaints", count=facts.unresolved_complaints)
    return _finding("R-INS-10", Level.OK, "R-INS-10/ok")
