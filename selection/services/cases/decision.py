"""讨论决定: the party-group meeting, open and secret votes, closing it."""

from collections import Counter
from datetime import date

from django.db import IntegrityError, transaction

from selection import gates, sealing
from selection.models import (
    Attendance,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Meeting,
    OpenVote,
    Recusal,
    SelectionCase,
    VoteChoice,
)
from selection.models.ballot import (
    AgendaItem,
    SecretCount,
    meeting_agenda,
    meeting_scope,
    result_digest,
)
from selection.permissions import assign_meeting_participants

from ..base import Actor, ServiceError, as_actor, check_findings, lock_case, record_event
from .common import _check_dates, _require_state

# ---- 讨论决定 ---------------------------------------------------------------------------------------


def convene_meeting(
    case: SelectionCase,
    *,
    by,
    held_on: date,
    method: str,
    chair,
    members: list,
    present: list,
    minutes: str = "",
) -> Meeting:
    """Record a party-group meeting: who should attend (N), who is present, and the recusals (R-DEC-1/2/6)."""
    actor = as_actor(by)
    _check_dates({"会议日期": held_on})
    present_ids = {m.pk for m in present}
    if not {m.pk for m in members} >= present_ids:
        raise ServiceError("出席人员必须是应到的党组成员。")
    if chair.pk not in present_ids:
        raise ServiceError("主持人（主要领导）必须出席。")
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.DECISION, action="召开党组会议")
        if case.meetings.filter(phase__in=[Meeting.Phase.PREPARING, Meeting.Phase.VOTING]).exists():
            raise ServiceError("上一次会议尚未结束表决。")
        findings = [*gates.quorum(len(members), len(present_ids)), *gates.before_meeting(case)]
        check_findings(findings, None)
        meeting = Meeting.objects.create(
            case=case, held_on=held_on, method=method, chair=chair, minutes=minutes
        )
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member=m, present=m.pk in present_ids) for m in members]
        )
        recusals = gates.required_recusals(case, members)
        Recusal.objects.bulk_create(
            [Recusal(meeting=meeting, member=m, candidate=c, reason=reason) for m, c, reason in recusals]
        )
        meeting.phase = Meeting.Phase.VOTING
        meeting.save(update_fields=["phase"])
        assign_meeting_participants(meeting, present)
        record_event(
            case,
            by=actor,
            action="convene_meeting",
            summary=f"召开党组会议：应到 {len(members)} 人，实到 {len(present_ids)} 人，{meeting.get_method_display()}",
            findings=findings,
            payload={
                "members": [m.get_full_name() for m in members],
                "present": [m.get_full_name() for m in members if m.pk in present_ids],
                "recusals": [
                    {"member": m.get_full_name(), "candidate": c.cadre.name, "reason": r}
                    for m, c, r in recusals
                ],
            },
        )
    return meeting


def cast_open_vote(meeting: Meeting, candidate: Candidate, *, by, choice: str) -> OpenVote:
    """A present, non-recused member's 同意/不同意/缓议; the chair votes last (R-DEC-3, R-DEC-6)."""
    actor = as_actor(by)
    if choice not in VoteChoice.values:
        raise ServiceError("请选择同意、不同意或缓议。")
    with transaction.atomic():
        lock_case(meeting.case)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.phase != Meeting.Phase.VOTING:
            raise ServiceError("表决尚未开始或已经结束。")
        if meeting.method == Meeting.Method.SECRET:
            # A named vote in a secret meeting would break its secrecy (DESIGN.md "Votes and ballots").
            raise ServiceError("本次会议采用无记名投票，请在投票页面投票，不能记名表决。")
        candidate = Candidate.objects.select_related("cadre").get(pk=candidate.pk)
        if candidate.pk not in {c.pk for c in meeting_agenda(meeting)}:
            raise ServiceError("该人选不在本次会议的表决事项中。")
        check_findings(gates.vote_allowed(meeting, candidate, actor.user), None)
        try:
            with transaction.atomic():
                vote = OpenVote.objects.create(
                    meeting=meeting, candidate=candidate, member=actor.user, choice=choice
                )
        except IntegrityError as exc:
            raise ServiceError("您已对该人选表决，不能重复表决。") from exc
    return vote


def record_open_votes(meeting: Meeting, entries: list[tuple[Candidate, object, str]], *, by) -> int:
    """HR records the opinions given in the room (oral / show of hands), all or none, as one event.

    Each opinion is cast as the member who gave it, so presence, recusal and the chair-last order are
    checked exactly as when members vote themselves (R-DEC-3, R-DEC-6)."""
    actor = as_actor(by)
    if not entries:
        raise ServiceError("没有录入任何表决意见。")
    with transaction.atomic():
        case = lock_case(meeting.case)
        for candidate, member, choice in entries:
            try:
                cast_open_vote(meeting, candidate, by=Actor(member, actor.ip), choice=choice)
            except ServiceError as error:
                raise ServiceError(
                    f"{member.get_full_name()}对{candidate.cadre.name}的意见未能录入：{error.message}（本次录入的意见均未保存）"
                ) from error
        record_event(
            case,
            by=actor,
            action="record_open_votes",
            summary=f"录入党组会议表决意见 {len(entries)} 条",
            payload={
                "meeting": meeting.pk,
                "votes": [
                    {"member": m.get_full_name(), "candidate": c.cadre.name, "choice": VoteChoice(ch).label}
                    for c, m, ch in entries
                ],
            },
        )
    return len(entries)


def _secret_counter(meeting: Meeting, opened: list[dict]) -> Counter:
    """Counts of the opened ballots; each must name a candidate its row was filed under."""
    counts = Counter((int(content["k"]), content["c"]) for content in opened)
    rows = Counter(meeting.secret_ballots.values_list("candidate_id", flat=True))
    per_candidate = Counter()
    for (candidate_id, choice), n in counts.items():
        if choice not in VoteChoice.values:
            raise ServiceError("有一张无记名选票内容无效，计票中止，请联系系统管理员核查。")
        per_candidate[candidate_id] += n
    if per_candidate != rows:
        raise ServiceError("无记名选票与其所列人选不符，计票中止，请联系系统管理员核查。")
    return counts


def close_meeting(meeting: Meeting, *, by) -> Meeting:
    """Close voting and apply the tally: agree > N/2 of all members who should attend (R-DEC-5)."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(meeting.case)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.phase != Meeting.Phase.VOTING:
            raise ServiceError("表决尚未开始或已经结束。")
        # A secret meeting's sealed ballots are opened here, in memory and in random order; only their
        # counts are stored, and the key is then destroyed (selection/sealing.py, docs/SECURITY.md).
        key = sealing.key_for(meeting_scope(meeting)) if meeting.method == Meeting.Method.SECRET else None
        secret = None
        if key is not None:
            try:
                opened = sealing.open_all(key, list(meeting.secret_ballots.values_list("sealed", flat=True)))
            except sealing.SealError as exc:
                raise ServiceError(str(exc)) from exc
            secret = _secret_counter(meeting, opened)
        findings = gates.votes_complete(meeting, secret)
        check_findings(findings, None)
        # Fix the agenda so the closed meeting's tally can be recomputed (and its signatures checked).
        AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, candidate=c) for c in meeting_agenda(meeting)], ignore_conflicts=True
        )
        tallies = gates.tally(meeting, secret)
        for candidate_id, tally in tallies.items():
            candidate = Candidate.objects.select_for_update().get(pk=candidate_id)
            if tally.outcome == "defer" and candidate.status == CandidateStatus.DEFERRED:
                continue  # deferred again on reconsideration: the stored outcome stands (R-DEC-7)
            getattr(candidate, tally.outcome)()
            candidate.save()
        meeting.phase = Meeting.Phase.CLOSED
        meeting.save(update_fields=["phase"])
        if key is not None:
            SecretCount.objects.bulk_create(
                [
                    SecretCount(meeting=meeting, candidate_id=c, choice=choice, count=n)
                    for (c, choice), n in sorted(secret.items())
                ]
            )
            sealing.destroy(key)
        as_dicts = {k: t.as_dict() for k, t in tallies.items()}
        record_event(
            case,
            by=actor,
            action="close_meeting",
            summary="表决结束：" + "；".join(f"{t.name}{t.outcome_label}" for t in tallies.values()),
            findings=findings,
            payload={
                "method": meeting.method,
                "tallies": {str(k): v for k, v in as_dicts.items()},
                "tally_sha256": result_digest(meeting, as_dicts),
            },
        )
    return meeting
