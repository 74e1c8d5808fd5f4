"""Motion (R-MOT) and democratic recommendation (R-REC); inspection (R-INS) is in inspection.py."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .base import (
    DEFAULT_SETTINGS,
    RANK_LABEL,
    ROUND_LABEL,
    Finding,
    Level,
    MotionForm,
    MotionOrigin,
    RoundKind,
    RuleSettings,
    _finding,
    _iso,
    cn_date,
    period_end,
    two_thirds,
)

# ---------------------------------------------------------------------------------------------------------
# Motion (R-MOT-1..3)


@dataclass(frozen=True)
class QuotaLine:
    """One rank's approved quota (核定职数) against the people who hold or will hold it."""

    rank: str  # DEPUTY or CHIEF
    approved: int
    holders: int  # current holders
    pending: int  # decided in other open cases, not yet appointed
    proposed: int  # posts of this rank in this batch


@dataclass(frozen=True)
class MotionFacts:
    quotas: tuple[QuotaLine, ...]
    origin: str  # a MotionOrigin value, "" when not recorded
    main_leader: str = ""  # who decided or approved
    decided_on: date | None = None  # when the main leader decided or approved
    proposer: str = ""  # the leader in charge of personnel, when origin is PERSONNEL_LEAD
    form: str = MotionForm.ORAL
    has_attachment: bool = False  # the written opinion, when form is WRITTEN
    analysis_recorded: bool = False


def quota(lines: Sequence[QuotaLine]) -> list[Finding]:
    """R-MOT-1: holders + pending + proposed ≤ approved, per rank."""
    if not lines:
        return [_finding("R-MOT-1", Level.BLOCK, "R-MOT-1/missing")]
    findings = []
    for line in lines:
        values = {
            "rank": RANK_LABEL[line.rank].removeprefix("中层"),
            "approved": line.approved,
            "holders": line.holders,
            "pending": line.pending,
            "proposed": line.proposed,
        }
        excess = line.holders + line.pending + line.proposed - line.approved
        if excess > 0:
            findings.append(_finding("R-MOT-1", Level.BLOCK, "R-MOT-1/block", excess=excess, **values))
        else:
            findings.append(_finding("R-MOT-1", Level.OK, "R-MOT-1/ok", **values))
    return findings


def motion(facts: MotionFacts) -> list[Finding]:
    """R-MOT-1..3, checked when the batch is started."""
    return [*quota(facts.quotas), _motion_started(facts), _analysis(facts)]


def _motion_started(facts: MotionFacts) -> Finding:
    if facts.origin not in set(MotionOrigin):
        return _finding("R-MOT-2", Level.BLOCK, "R-MOT-2/no_origin")
    if facts.origin == MotionOrigin.PERSONNEL_LEAD and not facts.proposer.strip():
        return _finding("R-MOT-2", Level.BLOCK, "R-MOT-2/no_proposer")
    if not facts.main_leader.strip() or facts.decided_on is None:
        return _finding("R-MOT-2", Level.BLOCK, "R-MOT-2/no_decision")
    if facts.form == MotionForm.WRITTEN and not facts.has_attachment:
        return _finding("R-MOT-2", Level.BLOCK, "R-MOT-2/no_attachment")
    origin = "主要领导决定启动" if facts.origin == MotionOrigin.MAIN_LEADER else f"{facts.proposer}提出建议"
    form = "书面" if facts.form == MotionForm.WRITTEN else "口头"
    return _finding(
        "R-MOT-2",
        Level.OK,
        "R-MOT-2/ok",
        origin=origin,
        leader=facts.main_leader,
        on=_iso(facts.decided_on),
        form=form,
    )


def _analysis(facts: MotionFacts) -> Finding:
    if facts.analysis_recorded:
        return _finding("R-MOT-3", Level.OK, "R-MOT-3/ok")
    return _finding("R-MOT-3", Level.BLOCK, "R-MOT-3/block")


# ---------------------------------------------------------------------------------------------------------
# Democratic recommendation (R-REC-1..8)


@dataclass(frozen=True)
class RoundFacts:
    kind: str  # a RoundKind value
    held_on: date | None
    scope: str
    expected: int
    actual: int
    tallies_recorded: bool  # votes, valid ballots and rank per person
    ballots_name_voters: bool = False


@dataclass(frozen=True)
class MeetingSkip:
    """R-REC-4: the three conditions for not holding the meeting round, each affirmed, and the reason."""

    small_unit: bool
    same_scope: bool
    concentrated: bool
    reason: str


@dataclass(frozen=True)
class RecommendationFacts:
    posts: int
    rounds: tuple[RoundFacts, ...]
    reference_candidates: int | None = None  # meeting reference candidates proposed after the conversations
    meeting_skip: MeetingSkip | None = None


def recommendation_attendance(expected: int, actual: int) -> list[Finding]:
    """R-REC-6: a meeting round counts only with actual ≥ ⌈2·expected/3⌉."""
    values = {"expected": expected, "actual": actual, "needed": two_thirds(expected)}
    if actual * 3 >= 2 * expected:
        return [_finding("R-REC-6", Level.OK, "R-REC-6/ok", **values)]
    return [_finding("R-REC-6", Level.BLOCK, "R-REC-6/block", **values)]


def recommendation(facts: RecommendationFacts) -> list[Finding]:
    """R-REC-1..6 and R-REC-8, checked when the recommendation closes (inspection targets are then fixed)."""
    if not facts.rounds:
        return [_finding("R-REC-1", Level.BLOCK, "R-REC-1/block")]
    findings = [_finding("R-REC-1", Level.OK, "R-REC-1/ok", count=len(facts.rounds))]
    undated = [r for r in facts.rounds if r.held_on is None]
    for r in undated:
        findings.append(_finding("R-REC-2", Level.BLOCK, "R-REC-2/missing", kind=ROUND_LABEL[r.kind]))
    rounds = sorted((r for r in facts.rounds if r.held_on is not None), key=lambda r: r.held_on or date.min)
    if not undated:
        order = " → ".join(ROUND_LABEL[r.kind] for r in rounds)
        findings.append(_finding("R-REC-2", Level.OK, "R-REC-2/ok", order=order))
    findings.append(_reference_candidates(facts, rounds))
    findings.append(_meeting_round(facts))
    for r in facts.rounds:
        kind = ROUND_LABEL[r.kind]
        if not r.scope.strip() or r.expected <= 0 or r.actual < 0 or r.actual > r.expected:
            findings.append(_finding("R-REC-5", Level.BLOCK, "R-REC-5/block", kind=kind))
        else:
            findings.append(
                _finding(
                    "R-REC-5",
                    Level.OK,
                    "R-REC-5/ok",
                    kind=kind,
                    expected=r.expected,
                    actual=r.actual,
                    scope=r.scope,
                )
            )
        if r.kind == RoundKind.MEETING:
            findings += recommendation_attendance(r.expected, r.actual)
        if r.ballots_name_voters:
            findings.append(_finding("R-REC-8", Level.BLOCK, "R-REC-8/named", kind=kind))
        elif not r.tallies_recorded:
            findings.append(_finding("R-REC-8", Level.BLOCK, "R-REC-8/block", kind=kind))
        else:
            findings.append(_finding("R-REC-8", Level.OK, "R-REC-8/ok", kind=kind))
    return findings


def _reference_candidates(facts: RecommendationFacts, rounds: Sequence[RoundFacts]) -> Finding:
    kinds = [r.kind for r in rounds]
    conversation_then_meeting = (
        RoundKind.CONVERSATION in kinds
        and RoundKind.MEETING in kinds
        and kinds.index(RoundKind.CONVERSATION) < kinds.index(RoundKind.MEETING)
    )
    if not conversation_then_meeting:
        return _finding("R-REC-3", Level.OK, "R-REC-3/na")
    if facts.reference_candidates is None:
        return _finding("R-REC-3", Level.BLOCK, "R-REC-3/missing")
    values = {"candidates": facts.reference_candidates, "posts": facts.posts}
    if facts.reference_candidates > facts.posts:
        return _finding("R-REC-3", Level.OK, "R-REC-3/ok", **values)
    return _finding("R-REC-3", Level.BLOCK, "R-REC-3/block", **values)


def _meeting_round(facts: RecommendationFacts) -> Finding:
    if any(r.kind == RoundKind.MEETING for r in facts.rounds):
        return _finding("R-REC-4", Level.OK, "R-REC-4/ok")
    skip = facts.meeting_skip
    if skip is None:
        return _finding("R-REC-4", Level.BLOCK, "R-REC-4/missing")
    missing = [
        label
        for label, affirmed in (
            ("单位人数较少", skip.small_unit),
            ("参加范围与谈话调研推荐基本相同", skip.same_scope),
            ("谈话调研推荐意见集中", skip.concentrated),
            ("理由", bool(skip.reason.strip())),
        )
        if not affirmed
    ]
    if missing:
        return _finding("R-REC-4", Level.BLOCK, "R-REC-4/block", missing="、".join(missing))
    return _finding("R-REC-4", Level.WARN, "R-REC-4/warn")


def recommendation_validity(
    recommended_on: date,
    targets_fixed_on: date,
    *,
    targeted: bool = False,
    post_changed: bool = False,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> list[Finding]:
    """R-REC-7: a non-targeted result is valid for a year (一年内: the anniversary is the last day);
    a targeted one is void once the post changes."""
    if targeted and post_changed:
        return [_finding("R-REC-7", Level.BLOCK, "R-REC-7/post_changed")]
    valid_until = period_end(recommended_on, settings.recommendation_valid_months)
    values = {"recommended_on": cn_date(recommended_on), "valid_until": cn_date(valid_until)}
    if not targeted and targets_fixed_on > valid_until:
        return [_finding("R-REC-7", Level.BLOCK, "R-REC-7/expired", **values)]
    return [_finding("R-REC-7", Level.OK, "R-REC-7/ok", **values)]


def procedure_complete(recommended: bool, inspected: bool) -> list[Finding]:
    """R-REC-1 at the decision: a promotion skips neither democratic recommendation nor inspection."""
    if not recommended:
        return [_finding("R-REC-1", Level.BLOCK, "R-REC-1/block")]
    if not inspected:
        return [_finding("R-REC-1", Level.BLOCK, "R-REC-1/no_inspection")]
    return [_finding("R-REC-1", Level.OK, "R-REC-1/inspection_ok")]
