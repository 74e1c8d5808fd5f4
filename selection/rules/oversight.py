"""Kinship (R-KIN) and record and oversight (R-REQ)."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import models

from .base import (
    DEFAULT_SETTINGS,
    KINSHIP_CATEGORIES,
    SENSITIVE_WORK,
    WHOLE_UNIT,
    Finding,
    Level,
    Relation,
    ReportStage,
    Rotation,
    RuleSettings,
    WorkKind,
    _finding,
    cn_date,
    full_months_between,
)

# ---------------------------------------------------------------------------------------------------------
# Kinship (R-KIN-1..3)


def relation_counts(relation: str) -> bool:
    """R-KIN-1: does this relation (or its adoptive/step form) require recusal?"""
    return relation in KINSHIP_CATEGORIES or (relation in Relation.values and relation != Relation.OTHER)


@dataclass(frozen=True)
class PostFacts:
    """Where a person sits, enough to see R-KIN-2 conflicts."""

    person: str
    department: str
    direct_leader: str | None  # the person they report to directly
    work: str = WorkKind.OTHER
    leads: frozenset[str] = frozenset()  # departments led; WHOLE_UNIT for the unit's leaders


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def kinship_posting(candidate: PostFacts, relatives: Sequence[tuple[str, PostFacts]]) -> list[Finding]:
    """R-KIN-2: the candidate's new post against each relative's post (relation, post)."""
    findings = []
    for relation, other in relatives:
        if not relation_counts(relation):
            continue
        values = {"relation": _label(Relation, relation), "name": other.person}
        if candidate.direct_leader is not None and candidate.direct_leader == other.direct_leader:
            findings.append(_finding("R-KIN-2", Level.BLOCK, "R-KIN-2/same_leader", **values))
        if (
            candidate.direct_leader == other.person
            or other.direct_leader == candidate.person
            or candidate.department in other.leads
            or other.department in candidate.leads
        ):
            findings.append(_finding("R-KIN-2", Level.BLOCK, "R-KIN-2/superior", **values))
        for worker, leader, who in ((candidate, other, "本人"), (other, candidate, other.person)):
            if worker.work in SENSITIVE_WORK and (
                worker.department in leader.leads or WHOLE_UNIT in leader.leads
            ):
                findings.append(
                    _finding(
                        "R-KIN-2",
                        Level.BLOCK,
                        "R-KIN-2/sensitive",
                        who=who,
                        work=_label(WorkKind, worker.work),
                        **values,
                    )
                )
    return findings or [_finding("R-KIN-2", Level.OK, "R-KIN-2/ok")]


@dataclass(frozen=True)
class KinshipFact:
    """Two people related by `relation` (stored once, valid both ways)."""

    first: str
    second: str
    relation: str


def relatives_among(subject: str, people: Iterable[str], kinships: Iterable[KinshipFact]) -> frozenset[str]:
    """R-KIN-3: the people related to `subject` in a relation that counts (R-KIN-1)."""
    related = set()
    for k in kinships:
        if not relation_counts(k.relation):
            continue
        if k.first == subject:
            related.add(k.second)
        elif k.second == subject:
            related.add(k.first)
    return frozenset(p for p in people if p in related)


def recusal(role: str, subject: str, must_recuse: Collection[str], recused: Collection[str]) -> list[Finding]:
    """R-KIN-3: everyone related to the subject (a party-group member, an inspection team member) steps aside."""
    missing = sorted(set(must_recuse) - set(recused))
    if missing:
        return [
            _finding(
                "R-KIN-3", Level.BLOCK, "R-KIN-3/block", role=role, names="、".join(missing), subject=subject
            )
        ]
    return [_finding("R-KIN-3", Level.OK, "R-KIN-3/ok", role=role, subject=subject)]


# ---------------------------------------------------------------------------------------------------------
# Record and oversight (R-REQ-1..4)


@dataclass(frozen=True)
class RecordRow:
    """A row of the 纪实表."""

    label: str
    filled: bool
    not_applicable_reason: str = ""


def record_completeness(rows: Sequence[RecordRow]) -> list[Finding]:
    """R-REQ-1: a batch closes only when every row is filled or carries a "不适用" reason."""
    empty = [r.label for r in rows if not r.filled and not r.not_applicable_reason.strip()]
    if empty:
        return [_finding("R-REQ-1", Level.BLOCK, "R-REQ-1/block", rows="、".join(empty))]
    return [_finding("R-REQ-1", Level.OK, "R-REQ-1/ok")]


def rotation_status(months_in_post: int, settings: RuleSettings = DEFAULT_SETTINGS) -> Rotation:
    """R-REQ-2: 满 5 年 due, 满 10 年 overdue (both included)."""
    if months_in_post >= settings.rotation_overdue_years * 12:
        return Rotation.OVERDUE
    if months_in_post >= settings.rotation_due_years * 12:
        return Rotation.DUE
    return Rotation.NOT_DUE


def rotation(in_post_since: date, on_date: date, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """R-REQ-2 for the dashboard: RECORD (attention, not a block) once rotation is due."""
    months = full_months_between(in_post_since, on_date)
    status = rotation_status(months, settings)
    if status == Rotation.OVERDUE:
        return [_finding("R-REQ-2", Level.RECORD, "R-REQ-2/overdue", years=months // 12, months=months)]
    if status == Rotation.DUE:
        return [_finding("R-REQ-2", Level.RECORD, "R-REQ-2/due", years=months // 12, months=months)]
    return [_finding("R-REQ-2", Level.OK, "R-REQ-2/ok", months=months)]


@dataclass(frozen=True)
class AnnualReport:
    """一报告两评议 (R-REQ-3): the numbers of a year and the rating options of the two evaluations."""

    year: int
    by_stage: Mapping[str, int]  # ReportStage value → people
    by_kind: Mapping[str, int]  # kind of appointment (提拔, 交流, …) → people appointed
    work_rating_options: tuple[str, ...]  # evaluation of the selection work
    cadre_rating_options: tuple[str, ...]  # evaluation of the newly appointed cadres
    ballots_name_voters: bool = False


def annual_report(report: AnnualReport) -> list[Finding]:
    """R-REQ-3: the report's numbers are consistent and both evaluations are anonymous with real options."""
    problems = []
    counts = [report.by_stage.get(stage, 0) for stage in ReportStage]
    if any(c < 0 for c in [*counts, *report.by_kind.values()]):
        problems.append("人数不能为负数")
    labels = {"recommended": "推荐", "inspected": "考察", "decided": "决定", "appointed": "任职"}
    for earlier, later in zip(list(ReportStage), list(ReportStage)[1:], strict=False):
        if report.by_stage.get(later, 0) > report.by_stage.get(earlier, 0):
            problems.append(f"{labels[later]}人数多于{labels[earlier]}人数")
    if sum(report.by_kind.values()) != report.by_stage.get(ReportStage.APPOINTED, 0):
        problems.append("按任职方式分类的人数之和与任职人数不符")
    for name, options in (
        ("选人用人工作评议", report.work_rating_options),
        ("新提任干部评议", report.cadre_rating_options),
    ):
        if len(set(options)) < 2 or len(set(options)) != len(options):
            problems.append(f"{name}须有两个以上互不相同的评价选项")
    if report.ballots_name_voters:
        problems.append("评议票不得记录评议人姓名")
    if problems:
        return [
            _finding("R-REQ-3", Level.BLOCK, "R-REQ-3/block", year=report.year, problems="；".join(problems))
        ]
    return [_finding("R-REQ-3", Level.OK, "R-REQ-3/ok", year=report.year)]


def institution_deliberation(institution_section_head: bool, deliberated_on: date | None) -> list[Finding]:
    """R-REQ-4: a subordinate institution's section head goes to a party-group meeting for deliberation."""
    if not institution_section_head:
        return [_finding("R-REQ-4", Level.OK, "R-REQ-4/na")]
    if deliberated_on is None:
        return [_finding("R-REQ-4", Level.BLOCK, "R-REQ-4/block")]
    return [_finding("R-REQ-4", Level.OK, "R-REQ-4/ok", on=cn_date(deliberated_on))]
