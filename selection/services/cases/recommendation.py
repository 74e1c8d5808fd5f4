"""民主推荐: rounds, the meeting-recommendation waiver, the 考察对象 and the step to 考察."""

from datetime import date

from django.db import transaction

from selection import gates
from selection.models import (
    Candidate,
    CaseStatus,
    Inspection,
    RecommendationRound,
    RoundResult,
    SelectionCase,
    TargetDecision,
    Vacancy,
)

from ..base import ServiceError, Step, as_actor, check_findings, lock_case, record_event, run_case_step
from .common import _check_dates, _require_state

# ---- 民主推荐 ---------------------------------------------------------------------------------------


def record_round(
    case: SelectionCase,
    *,
    by,
    kind: str,
    held_on: date,
    expected: int,
    actual: int,
    valid_ballots: int | None,
    results: list[tuple[Vacancy, object, int]],
    scope: str = "",
) -> RecommendationRound:
    """Record one recommendation round and the votes each person received (R-REC-5, R-REC-8)."""
    actor = as_actor(by)
    _check_dates({"推荐日期": held_on})
    if actual > expected:
        raise ServiceError("实参加人数不能多于应参加人数。")
    if valid_ballots is not None and valid_ballots > actual:
        raise ServiceError("有效票数不能多于实参加人数。")
    if any(votes > (valid_ballots if valid_ballots is not None else actual) for _, _, votes in results):
        raise ServiceError("个人得票数不能多于有效票数。")
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.RECOMMENDATION, action="录入推荐结果")
        round_ = RecommendationRound.objects.create(
            case=case,
            kind=kind,
            held_on=held_on,
            expected=expected,
            actual=actual,
            valid_ballots=valid_ballots,
            scope=scope,
            recorded_by=actor.user,
        )
        rows = []
        by_vacancy: dict[int, list[tuple[object, int]]] = {}
        for vacancy, cadre, votes in results:
            by_vacancy.setdefault(vacancy.pk, []).append((cadre, votes))
        for vacancy_id, entries in by_vacancy.items():
            ordered = sorted(entries, key=lambda e: -e[1])
            for index, (cadre, votes) in enumerate(ordered):
                # Equal votes share a rank (competition ranking: 1, 2, 2, 4).
                rank = 1 + sum(1 for _, other in ordered[:index] if other > votes)
                rows.append(
                    RoundResult(round=round_, vacancy_id=vacancy_id, cadre=cadre, votes=votes, rank=rank)
                )
        RoundResult.objects.bulk_create(rows)
        record_event(
            case,
            by=actor,
            action="record_round",
            summary=f"录入{round_.get_kind_display()}结果：应参加 {expected} 人，实参加 {actual} 人",
            findings=gates.round_findings(round_),
            payload={
                "kind": kind,
                "held_on": held_on,
                "expected": expected,
                "actual": actual,
                "valid_ballots": valid_ballots,
                "results": [{"cadre": r.cadre.name, "votes": r.votes, "rank": r.rank} for r in rows],
            },
        )
    return round_


def record_meeting_skip(
    case: SelectionCase, *, by, small_unit: bool, same_scope: bool, concentrated: bool, reason: str
) -> SelectionCase:
    """Affirm why the meeting round is not held (R-REC-4); the gate still asks for a justification."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.RECOMMENDATION, action="说明不再进行会议推荐")
        if case.rounds.filter(kind=RecommendationRound.Kind.MEETING).exists():
            raise ServiceError("已进行会议推荐，无需说明。")
        old = case.meeting_skip
        case.meeting_skip = {
            "small_unit": bool(small_unit),
            "same_scope": bool(same_scope),
            "concentrated": bool(concentrated),
            "reason": reason.strip(),
        }
        case.save(update_fields=["meeting_skip", "updated_at"])
        record_event(
            case,
            by=actor,
            action="record_meeting_skip",
            summary="说明不再进行会议推荐的情形",
            payload={"old": old, "new": case.meeting_skip},
        )
    return case


def fix_targets(
    case: SelectionCase,
    *,
    by,
    meeting_date: date,
    expected_members: int,
    present_members: int,
    targets: list[Candidate],
    considerations: str = "",
    justifications: dict[str, str] | None = None,
) -> TargetDecision:
    """The party group's collective decision on the inspection targets (R-INS-1, R-INS-2, R-REC-7)."""
    actor = as_actor(by)
    _check_dates({"党组会议日期": meeting_date})
    if present_members > expected_members:
        raise ServiceError("实到人数不能多于应到人数。")
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.RECOMMENDATION, action="确定考察对象")
        if hasattr(case, "target_decision"):
            raise ServiceError("考察对象已经确定。")
        targets = list(
            Candidate.objects.select_for_update().filter(pk__in=[t.pk for t in targets], case=case)
        )
        if not targets:
            raise ServiceError("请至少选择一名考察对象。")
        findings = gates.targets(case, targets, meeting_date, expected_members, present_members)
        accepted = check_findings(findings, justifications)
        decision = TargetDecision.objects.create(
            case=case,
            meeting_date=meeting_date,
            expected_members=expected_members,
            present_members=present_members,
            considerations=considerations,
            recorded_by=actor.user,
        )
        for candidate in targets:
            candidate.make_target()
            candidate.save()
            Inspection.objects.get_or_create(candidate=candidate)
        record_event(
            case,
            by=actor,
            action="fix_targets",
            summary=f"党组集体研究确定考察对象：{'、'.join(t.cadre.name for t in targets)}",
            findings=findings,
            justification=accepted,
            payload={"meeting_date": meeting_date, "expected": expected_members, "present": present_members},
        )
    return decision


def start_inspection(
    case: SelectionCase, *, by, justifications: dict[str, str] | None = None
) -> SelectionCase:
    """民主推荐 → 考察 (R-REC-1..7, R-INS-1, R-EXC-2)."""
    return run_case_step(
        case, Step("start_inspection", "进入考察", gates.recommendation), by=by, justifications=justifications
    )
