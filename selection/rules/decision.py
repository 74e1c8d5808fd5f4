"""Decision (R-DEC), public notice (R-NOT, with R-CAL) and appointment (R-APP)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from selection.workdays import CalendarUnavailable, WorkdayCalendar

from .base import (
    CHIEF,
    DEFAULT_SETTINGS,
    DEPUTY,
    RANK_LABEL,
    ComplaintConclusion,
    Finding,
    Level,
    Outcome,
    RuleSettings,
    VotingMethod,
    _finding,
    _iso,
    blocking,
    cn_date,
    more_than_half,
    period_end,
    two_thirds,
)

# ---------------------------------------------------------------------------------------------------------
# Decision (R-DEC-1..9)


def meeting_quorum(expected: int, present: int) -> list[Finding]:
    """R-DEC-2: present ≥ ⌈2N/3⌉ of the party group's N members."""
    values = {"expected": expected, "present": present, "needed": two_thirds(expected)}
    if expected > 0 and present * 3 >= 2 * expected:
        return [_finding("R-DEC-2", Level.OK, "R-DEC-2/ok", **values)]
    return [_finding("R-DEC-2", Level.BLOCK, "R-DEC-2/block", **values)]


def approval_majority(agree: int, expected_members: int) -> list[Finding]:
    """R-DEC-5: agree > N/2, N = every member who should attend (not those present)."""
    values = {"agree": agree, "expected": expected_members, "needed": more_than_half(expected_members)}
    if agree * 2 > expected_members:
        return [_finding("R-DEC-5", Level.OK, "R-DEC-5/ok", **values)]
    return [_finding("R-DEC-5", Level.BLOCK, "R-DEC-5/block", **values)]


def reconsideration(
    agree_to_reopen: int, expected_members: int, previous_outcome: str | None
) -> list[Finding]:
    """R-DEC-7: reopening needs the same majority as a decision, and the earlier outcome on file."""
    if previous_outcome not in set(Outcome):
        return [_finding("R-DEC-7", Level.BLOCK, "R-DEC-7/missing")]
    values = {"agree": agree_to_reopen, "expected": expected_members}
    if agree_to_reopen * 2 > expected_members:
        label = {"approved": "通过", "rejected": "未通过", "deferred": "缓议"}[str(previous_outcome)]
        return [_finding("R-DEC-7", Level.OK, "R-DEC-7/ok", outcome=label, **values)]
    return [
        _finding("R-DEC-7", Level.BLOCK, "R-DEC-7/block", needed=more_than_half(expected_members), **values)
    ]


@dataclass(frozen=True)
class CandidateTally:
    """One candidate's votes at the meeting. For an open vote the counts come from the named votes."""

    candidate: str
    agree: int
    disagree: int
    postpone: int
    recused: frozenset[str] = frozenset()  # members recorded as 回避
    must_recuse: frozenset[str] = frozenset()  # members related to the candidate (R-KIN-3)
    main_leader_stated_last: bool | None = None  # open votes only; None: not recorded
    material_on_file: bool = False  # 考察材料
    approval_form_on_file: bool = False  # 《干部任免审批表》


@dataclass(frozen=True)
class DecisionFacts:
    meeting_on: date | None
    within_authority: bool
    members: frozenset[str]  # everyone who should attend: N
    present: frozenset[str]
    voting_method: str  # a VotingMethod value, "" when not chosen
    candidates: tuple[CandidateTally, ...]
    pre_review_on: date | None = None  # R-DEC-8
    pre_review_reply: str = ""


def members_counted(
    facts: DecisionFacts, tally: CandidateTally, settings: RuleSettings = DEFAULT_SETTINGS
) -> int:
    """N for one candidate: recused members stay in N unless the organisation's setting says otherwise."""
    if settings.recused_stay_in_n:
        return len(facts.members)
    return len(facts.members - tally.recused)


def decision(facts: DecisionFacts, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """R-DEC-1..6 and R-DEC-8 for a meeting: per meeting, then per candidate."""
    findings = [_collective(facts), *meeting_quorum(len(facts.members), len(facts.present & facts.members))]
    findings.append(_pre_review(facts))
    if facts.voting_method not in set(VotingMethod):
        findings.append(_finding("R-DEC-3", Level.BLOCK, "R-DEC-3/method"))
    for tally in facts.candidates:
        findings += candidate_vote(facts, tally, settings)
    return findings


def candidate_vote(
    facts: DecisionFacts, tally: CandidateTally, settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-DEC-3..6 for one candidate."""
    name = tally.candidate
    findings = []
    missing = [
        label
        for label, present in (
            ("考察材料", tally.material_on_file),
            ("《干部任免审批表》", tally.approval_form_on_file),
        )
        if not present
    ]
    if missing:
        findings.append(
            _finding("R-DEC-4", Level.BLOCK, "R-DEC-4/block", candidate=name, missing="和".join(missing))
        )
    else:
        findings.append(_finding("R-DEC-4", Level.OK, "R-DEC-4/ok", candidate=name))
    not_recused = sorted((tally.must_recuse & facts.present) - tally.recused)
    if not_recused:
        findings.append(
            _finding("R-DEC-6", Level.BLOCK, "R-DEC-6/block", candidate=name, names="、".join(not_recused))
        )
    else:
        findings.append(_finding("R-DEC-6", Level.OK, "R-DEC-6/ok", candidate=name))
    voters = len((facts.present & facts.members) - tally.recused)
    cast = tally.agree + tally.disagree + tally.postpone
    if cast != voters:
        findings.append(
            _finding("R-DEC-3", Level.BLOCK, "R-DEC-3/count", candidate=name, voters=voters, cast=cast)
        )
    elif facts.voting_method in (VotingMethod.ORAL, VotingMethod.HANDS) and not tally.main_leader_stated_last:
        findings.append(_finding("R-DEC-3", Level.BLOCK, "R-DEC-3/leader_last", candidate=name))
    elif facts.voting_method in set(VotingMethod):
        method = {"oral": "口头表决", "hands": "举手表决", "secret": "无记名投票"}[facts.voting_method]
        findings.append(
            _finding("R-DEC-3", Level.OK, "R-DEC-3/ok", candidate=name, method=method, voters=voters)
        )
    findings += approval_majority(tally.agree, members_counted(facts, tally, settings))
    return findings


def _collective(facts: DecisionFacts) -> Finding:
    if facts.meeting_on is None:
        return _finding("R-DEC-1", Level.BLOCK, "R-DEC-1/missing")
    if not facts.within_authority:
        return _finding("R-DEC-1", Level.BLOCK, "R-DEC-1/authority")
    return _finding("R-DEC-1", Level.OK, "R-DEC-1/ok", on=cn_date(facts.meeting_on))


def _pre_review(facts: DecisionFacts) -> Finding:
    if facts.pre_review_on is None or not facts.pre_review_reply.strip():
        return _finding("R-DEC-8", Level.BLOCK, "R-DEC-8/block")
    if facts.meeting_on is not None and facts.pre_review_on > facts.meeting_on:
        return _finding(
            "R-DEC-8",
            Level.BLOCK,
            "R-DEC-8/late",
            on=cn_date(facts.pre_review_on),
            meeting=cn_date(facts.meeting_on),
        )
    return _finding(
        "R-DEC-8", Level.OK, "R-DEC-8/ok", on=cn_date(facts.pre_review_on), reply=facts.pre_review_reply
    )


def approval_form_filed(filed_on: date | None) -> list[Finding]:
    """R-DEC-9: the 任免审批表 goes into the cadre's dossier after the decision (due when the batch closes)."""
    if filed_on is None:
        return [_finding("R-DEC-9", Level.BLOCK, "R-DEC-9/block")]
    return [_finding("R-DEC-9", Level.OK, "R-DEC-9/ok", on=cn_date(filed_on))]


# ---------------------------------------------------------------------------------------------------------
# Public notice (R-NOT-1..3, with R-CAL) and appointment (R-APP-1..5)


@dataclass(frozen=True)
class NoticeFacts:
    decided_on: date  # the party-group decision
    published_on: date | None
    scope: str
    channels: str  # reporting channels (telephone, letters, 12380 …)
    ends_on: date | None = None  # the end the user chose; None: the computed minimum
    appointment_notice_on: date | None = None  # 任职通知, if already issued


@dataclass(frozen=True)
class ComplaintFacts:
    received_on: date
    conclusion: str  # a ComplaintConclusion value; "" while under investigation
    record_attached: bool  # the written investigation record


def public_notice(
    facts: NoticeFacts, calendar: WorkdayCalendar, settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-NOT-1 and R-NOT-2 when the notice is published; R-CAL-3 when the calendar cannot count its days."""
    if facts.published_on is None or not facts.scope.strip() or not facts.channels.strip():
        return [_finding("R-NOT-1", Level.BLOCK, "R-NOT-1/missing")]
    if facts.published_on < facts.decided_on or (
        facts.appointment_notice_on is not None and facts.appointment_notice_on <= facts.published_on
    ):
        return [_finding("R-NOT-1", Level.BLOCK, "R-NOT-1/order", decided=cn_date(facts.decided_on))]
    findings = [
        _finding(
            "R-NOT-1",
            Level.OK,
            "R-NOT-1/ok",
            on=cn_date(facts.published_on),
            scope=facts.scope,
            channels=facts.channels,
        )
    ]
    try:
        minimum = notice_minimum_end(facts.published_on, calendar, settings)
    except CalendarUnavailable as exc:
        return [*findings, _finding("R-CAL-3", Level.BLOCK, "R-CAL-3/block", detail=str(exc))]
    end = facts.ends_on or minimum
    days = settings.notice_workdays
    if end < minimum:
        findings.append(
            _finding(
                "R-NOT-2",
                Level.BLOCK,
                "R-NOT-2/short",
                days=days,
                start=cn_date(facts.published_on),
                minimum=cn_date(minimum),
                end=cn_date(end),
            )
        )
    else:
        findings.append(_finding("R-NOT-2", Level.OK, "R-NOT-2/ok", end=cn_date(end), days=days))
    return findings


def notice_minimum_end(
    published_on: date, calendar: WorkdayCalendar, settings: RuleSettings = DEFAULT_SETTINGS
) -> date:
    """R-NOT-2: the earliest end of a notice published on that day (raises CalendarUnavailable, R-CAL-3)."""
    return calendar.notice_end_date(published_on, settings.notice_workdays, settings.notice_start_counts)


def notice_complaints(complaints: Sequence[ComplaintFacts]) -> list[Finding]:
    """R-NOT-3: every complaint investigated, with a written record and a conclusion; 影响任职 withdraws."""
    if any(c.conclusion == ComplaintConclusion.AFFECTS for c in complaints):
        return [_finding("R-NOT-3", Level.BLOCK, "R-NOT-3/affects")]
    pending = [
        c for c in complaints if c.conclusion != ComplaintConclusion.NO_EFFECT or not c.record_attached
    ]
    if pending:
        return [_finding("R-NOT-3", Level.BLOCK, "R-NOT-3/pending", count=len(pending))]
    return [_finding("R-NOT-3", Level.OK, "R-NOT-3/ok", count=len(complaints))]


@dataclass(frozen=True)
class AppointmentFacts:
    on_date: date  # the appointment being recorded
    notice_ends_on: date | None
    complaints: tuple[ComplaintFacts, ...]
    decided_on: date | None  # the party-group decision: tenure counts from it
    notice_number: str  # 任职通知文号
    notice_date: date | None


def tenure_start(decided_on: date) -> date:
    """R-APP-2: tenure counts from the day the party-group meeting decided (任职时间从党组会议通过之日起计算)."""
    return decided_on


def appointment(facts: AppointmentFacts) -> list[Finding]:
    """R-APP-1 and R-APP-2 when the appointment is recorded."""
    findings = []
    if facts.notice_ends_on is None:
        findings.append(_finding("R-APP-1", Level.BLOCK, "R-APP-1/missing"))
    elif facts.on_date <= facts.notice_ends_on:
        findings.append(_finding("R-APP-1", Level.BLOCK, "R-APP-1/early", end=cn_date(facts.notice_ends_on)))
    else:
        complaints = notice_complaints(facts.complaints)
        if blocking(complaints):
            detail = "；".join(f.message for f in complaints)
            findings.append(_finding("R-APP-1", Level.BLOCK, "R-APP-1/complaints", detail=detail))
        else:
            findings.append(_finding("R-APP-1", Level.OK, "R-APP-1/ok", end=cn_date(facts.notice_ends_on)))
    missing = [
        label
        for label, present in (
            ("党组会议通过日期", facts.decided_on is not None),
            ("任职通知文号", bool(facts.notice_number.strip())),
            ("任职通知日期", facts.notice_date is not None),
        )
        if not present
    ]
    if missing:
        findings.append(_finding("R-APP-2", Level.BLOCK, "R-APP-2/missing", missing="、".join(missing)))
    else:
        assert facts.decided_on is not None  # for the type checker; checked just above
        findings.append(
            _finding(
                "R-APP-2",
                Level.OK,
                "R-APP-2/ok",
                tenure=cn_date(tenure_start(facts.decided_on)),
                number=facts.notice_number,
                on=_iso(facts.notice_date),
            )
        )
    return findings


def probation_end(tenure_starts_on: date, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """R-APP-3: the last day of a new promotion's probation (1 year from the tenure start)."""
    return period_end(tenure_starts_on, settings.probation_months)


def probation_review(
    new_promotion: bool,
    tenure_starts_on: date,
    today: date,
    passed: bool | None,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> list[Finding]:
    """R-APP-3: after the probation ends, a task (RECORD) until the assessment 胜任/不胜任 is recorded."""
    if not new_promotion:
        return [_finding("R-APP-3", Level.OK, "R-APP-3/na")]
    end = probation_end(tenure_starts_on, settings)
    if passed is True:
        return [_finding("R-APP-3", Level.OK, "R-APP-3/passed")]
    if passed is False:
        return [_finding("R-APP-3", Level.RECORD, "R-APP-3/failed")]
    if today <= end:
        return [_finding("R-APP-3", Level.OK, "R-APP-3/running", end=cn_date(end))]
    return [_finding("R-APP-3", Level.RECORD, "R-APP-3/due", end=cn_date(end))]


def appointment_talk(talk_on: date | None, talk_by: str) -> list[Finding]:
    """R-APP-4: the 任职谈话, due when the batch closes."""
    if talk_on is None or not talk_by.strip():
        return [_finding("R-APP-4", Level.BLOCK, "R-APP-4/missing")]
    return [_finding("R-APP-4", Level.OK, "R-APP-4/ok", on=cn_date(talk_on), by=talk_by)]


def staffing_after(holders: Mapping[str, int], from_rank: str, to_rank: str) -> dict[str, int]:
    """R-APP-5: holders per rank after one cadre moves from `from_rank` (STAFF: none) to `to_rank`."""
    after = {rank: holders.get(rank, 0) for rank in (DEPUTY, CHIEF)}
    if from_rank in after:
        after[from_rank] -= 1
    after[to_rank] += 1
    return after


def staffing_change(
    approved: Mapping[str, int], holders: Mapping[str, int], from_rank: str, to_rank: str
) -> list[Finding]:
    """R-APP-5: the unit's staffing after the appointment stays within the approved quota."""
    after = staffing_after(holders, from_rank, to_rank)
    values = {
        "rank": RANK_LABEL[to_rank].removeprefix("中层"),
        "after": after[to_rank],
        "approved": approved.get(to_rank, 0),
    }
    if after[to_rank] > approved.get(to_rank, 0):
        return [_finding("R-APP-5", Level.BLOCK, "R-APP-5/block", **values)]
    return [_finding("R-APP-5", Level.OK, "R-APP-5/ok", **values)]
