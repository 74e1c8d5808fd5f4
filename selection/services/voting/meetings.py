"""The party group's meeting: schedule, attendance, open and secret votes, close, sign-off, 复议 (R-DEC-2..7)."""

from datetime import date

from django.db import IntegrityError, transaction

from selection import gates, rules, sealing
from selection.models import (
    AgendaItem,
    Attendance,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Meeting,
    MeetingReconsideration,
    Recusal,
    SecretBallot,
    SecretParticipation,
    SelectionCase,
    SignOff,
    VoteChoice,
    meeting_agenda,
)
from selection.models.ballot import SECRET_BALLOT_SIZE, meeting_scope, result_digest
from selection.permissions import assign_meeting_participants

from .. import cases
from ..base import ServiceError, as_actor, check_findings, lock_case, record_event
from .common import ALREADY_VOTED, VOTING_NOT_OPEN, WRONG_OTP, WRONG_PASSWORD

# ---- 党组会议 ---------------------------------------------------------------------------------------


def _require_chair(meeting: Meeting, user, action: str) -> None:
    if user is None or user.pk != meeting.chair_id:
        raise ServiceError(f"只有会议主持人（主要领导）可以{action}。")


def _lock_meeting(meeting: Meeting) -> tuple[SelectionCase, Meeting]:
    case = lock_case(meeting.case)
    return case, Meeting.objects.select_for_update().get(pk=meeting.pk)


def _open_meeting_exists(case: SelectionCase) -> bool:
    return case.meetings.filter(phase__in=[Meeting.Phase.PREPARING, Meeting.Phase.VOTING]).exists()


def schedule_meeting(
    case: SelectionCase, *, by, held_on: date, chair, members: list, minutes: str = ""
) -> Meeting:
    """Set up an online party-group meeting: who should attend (N) and who chairs it; attendance follows."""
    actor = as_actor(by)
    if chair.pk not in {m.pk for m in members}:
        raise ServiceError("主持人（主要领导）必须是应到的党组成员。")
    with transaction.atomic():
        case = lock_case(case)
        if case.status != CaseStatus.DECISION:
            raise ServiceError(
                f"只有讨论决定阶段才能召开党组会议，该批次当前处于“{case.get_status_display()}”阶段。"
            )
        if _open_meeting_exists(case):
            raise ServiceError("上一次会议尚未结束表决。")
        meeting = Meeting.objects.create(
            case=case, held_on=held_on, chair=chair, minutes=minutes, phase=Meeting.Phase.PREPARING
        )
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member=m) for m in members])
        record_event(
            case,
            by=actor,
            action="schedule_meeting",
            summary=f"安排党组会议：{held_on:%Y年%-m月%-d日}，应到 {len(members)} 人，主持人{chair.get_full_name()}",
            payload={"members": [m.get_full_name() for m in members], "chair": chair.get_full_name()},
        )
    return meeting


def record_attendance(
    meeting: Meeting, *, by, present: list, absence_reasons: dict[int, str] | None = None
) -> Meeting:
    """The chair checks in who is present (R-DEC-2 is checked when voting opens)."""
    actor = as_actor(by)
    present_ids = {m.pk for m in present}
    reasons = absence_reasons or {}
    with transaction.atomic():
        case, meeting = _lock_meeting(meeting)
        _require_chair(meeting, actor.user, "登记出席情况")
        if meeting.phase != Meeting.Phase.PREPARING:
            raise ServiceError("表决已经开始，出席情况不能再修改。")
        rows = list(meeting.attendance.select_related("member"))
        if not present_ids <= {a.member_id for a in rows}:
            raise ServiceError("出席人员必须是应到的党组成员。")
        if meeting.chair_id not in present_ids:
            raise ServiceError("主持人（主要领导）必须出席。")
        for row in rows:
            row.present = row.member_id in present_ids
            row.absence_reason = "" if row.present else reasons.get(row.member_id, "").strip()[:100]
        Attendance.objects.bulk_update(rows, ["present", "absence_reason"])
        record_event(
            case,
            by=actor,
            action="record_attendance",
            summary=f"登记出席：应到 {len(rows)} 人，实到 {len(present_ids)} 人",
            findings=gates.quorum(len(rows), len(present_ids)),
            payload={
                "present": [r.member.get_full_name() for r in rows if r.present],
                "absent": {r.member.get_full_name(): r.absence_reason for r in rows if not r.present},
            },
        )
    return meeting


def open_voting(meeting: Meeting, *, by, method: str) -> Meeting:
    """The chair chooses the method and opens voting: quorum (R-DEC-2), material on file (R-DEC-4, R-DEC-8),
    recusals (R-DEC-6), the agenda fixed."""
    actor = as_actor(by)
    if method not in Meeting.Method.values:
        raise ServiceError("请选择表决方式：口头表决、举手表决或无记名投票。")
    with transaction.atomic():
        case, meeting = _lock_meeting(meeting)
        _require_chair(meeting, actor.user, "开始表决")
        if meeting.phase != Meeting.Phase.PREPARING:
            raise ServiceError("表决已经开始或已经结束。")
        rows = list(meeting.attendance.select_related("member__cadre"))
        members = [a.member for a in rows]
        present = [a.member for a in rows if a.present]
        if meeting.is_reconsideration:
            agenda = list(Candidate.objects.filter(agenda_items__meeting=meeting).select_related("cadre"))
        else:
            agenda = list(case.candidates.filter(status=CandidateStatus.PROPOSED).select_related("cadre"))
        if not agenda:
            raise ServiceError("没有需要表决的人选。")
        findings = [*gates.quorum(len(members), len(present))]
        if not meeting.is_reconsideration:
            findings += gates.before_meeting(case)
        check_findings(findings, None)
        AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, candidate=c) for c in agenda], ignore_conflicts=True
        )
        on_agenda = {c.pk for c in agenda}
        recusals = [r for r in gates.required_recusals(case, members) if r[1].pk in on_agenda]
        Recusal.objects.bulk_create(
            [Recusal(meeting=meeting, member=m, candidate=c, reason=reason) for m, c, reason in recusals],
            ignore_conflicts=True,
        )
        meeting.method = method
        meeting.phase = Meeting.Phase.VOTING
        meeting.save(update_fields=["method", "phase"])
        if method == Meeting.Method.SECRET:
            sealing.create_key(meeting_scope(meeting))
        assign_meeting_participants(meeting, present)
        record_event(
            case,
            by=actor,
            action="open_voting",
            summary=f"开始表决：{meeting.get_method_display()}，应到 {len(members)} 人，实到 {len(present)} 人",
            findings=findings,
            payload={
                "method": method,
                "candidates": [c.cadre.name for c in agenda],
                "recusals": [
                    {"member": m.get_full_name(), "candidate": c.cadre.name, "reason": r}
                    for m, c, r in recusals
                ],
            },
        )
    return meeting


def ballot_items(meeting: Meeting, user) -> list[tuple[Candidate, str]]:
    """What the member still has to vote on: (candidate, "" or the reason they cannot vote now)."""
    out = []
    voted_open = set(meeting.open_votes.filter(member=user).values_list("candidate_id", flat=True))
    voted_secret = set(
        meeting.secret_participations.filter(member=user).values_list("candidate_id", flat=True)
    )
    recused = set(meeting.recusals.filter(member=user).values_list("candidate_id", flat=True))
    for candidate in meeting_agenda(meeting):
        # A recused member has nothing to vote on for that candidate (R-DEC-6): not a pending item.
        if candidate.pk in voted_open | voted_secret | recused:
            continue
        blocking = rules.blocking(gates.vote_allowed(meeting, candidate, user))
        out.append((candidate, blocking[0].message if blocking else ""))
    return out


def cast_votes(meeting: Meeting, *, by, choices: dict[int, str]) -> int:
    """A member's 同意/不同意/缓议 on one or more candidates, all or nothing (R-DEC-3, R-DEC-6).
    Open methods store the named vote; a secret meeting stores participation and ballot apart."""
    actor = as_actor(by)
    if not choices:
        raise ServiceError("请对每名人选选择同意、不同意或缓议。")
    if any(choice not in VoteChoice.values for choice in choices.values()):
        raise ServiceError("请选择同意、不同意或缓议。")
    meeting = Meeting.objects.get(pk=meeting.pk)  # the method is the one chosen when voting opened
    if meeting.method != Meeting.Method.SECRET:
        with transaction.atomic():
            for candidate_id, choice in choices.items():
                candidate = Candidate.objects.get(pk=candidate_id)
                cases.cast_open_vote(meeting, candidate, by=actor, choice=choice)
        return len(choices)
    # Checks and sealing first, without a lock: only the writes below are serialised.
    if meeting.phase != Meeting.Phase.VOTING:
        raise ServiceError(VOTING_NOT_OPEN)
    agenda = {c.pk: c for c in meeting_agenda(meeting)}
    key = sealing.key_for(meeting_scope(meeting))
    sealed = []
    for candidate_id, choice in choices.items():
        candidate = agenda.get(candidate_id)
        if candidate is None:
            raise ServiceError("该人选不在本次会议的表决事项中。")
        check_findings(gates.vote_allowed(meeting, candidate, actor.user), None)
        try:
            sealed.append(
                (candidate, sealing.seal(key, {"c": choice, "k": candidate.pk}, SECRET_BALLOT_SIZE))
            )
        except sealing.SealError as exc:
            raise ServiceError(VOTING_NOT_OPEN) from exc
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.phase != Meeting.Phase.VOTING:
            raise ServiceError(VOTING_NOT_OPEN)
        # No savepoint: participation and ballot rows share one transaction id, which joins nothing
        # once the ballot is sealed; a duplicate ends the whole transaction.
        try:
            SecretParticipation.objects.bulk_create(
                [SecretParticipation(meeting=meeting, candidate=c, member=actor.user) for c, _ in sealed]
            )
        except IntegrityError as exc:
            raise ServiceError(ALREADY_VOTED) from exc
        SecretBallot.objects.bulk_create(
            [SecretBallot(meeting=meeting, candidate=c, sealed=blob) for c, blob in sealed]
        )
    return len(choices)


def close_voting(meeting: Meeting, *, by) -> Meeting:
    """The chair closes online voting; the tally (gates.tally) moves each candidate on (R-DEC-3, R-DEC-5)."""
    actor = as_actor(by)
    _require_chair(meeting, actor.user, "结束表决")
    return cases.close_meeting(meeting, by=actor)


def current_digest(meeting: Meeting, tallies: dict | None = None) -> str:
    """SHA-256 of the canonical tally as it computes now (gates.tally is the one computation; `tallies`:
    its result when the caller has just computed it)."""
    tallies = gates.tally(meeting) if tallies is None else tallies
    return result_digest(meeting, {k: t.as_dict() for k, t in tallies.items()})


def sign_off(meeting: Meeting, *, by, password: str, otp_token: str = "") -> SignOff:
    """签字确认: a present member re-enters their password (and their second factor, when they must use
    one: accounts.twofactor) and confirms the current tally."""
    from accounts import twofactor

    actor = as_actor(by)
    user = actor.user
    # The member is signed in already: check this account's password (not `authenticate`, whose
    # throttling backend needs the sign-in request).
    if not (user.is_active and password and user.check_password(password)):
        raise ServiceError(WRONG_PASSWORD)
    if twofactor.is_required(user):
        if not twofactor.has_device(user):
            raise ServiceError(twofactor.NOT_ENROLLED)
        if twofactor.check(user, otp_token) is None:
            raise ServiceError(WRONG_OTP)
    with transaction.atomic():
        case, meeting = _lock_meeting(meeting)
        if meeting.phase != Meeting.Phase.CLOSED:
            raise ServiceError("表决结束后才能签字确认。")
        if not meeting.attendance.filter(member=user, present=True).exists():
            raise ServiceError("只有出席会议的党组成员需要签字确认。")
        digest = current_digest(meeting)
        if SignOff.objects.filter(meeting=meeting, member=user, tally_sha256=digest).exists():
            raise ServiceError("您已签字确认本次表决结果。")
        signature = SignOff.objects.create(meeting=meeting, member=user, tally_sha256=digest)
        record_event(
            case,
            by=actor,
            action="sign_off",
            summary=f"{actor.name}签字确认{meeting.held_on:%Y年%-m月%-d日}党组会议表决结果",
            payload={"meeting": meeting.pk, "tally_sha256": digest},
        )
    return signature


def signature_status(meeting: Meeting, digest: str | None = None) -> dict[int, str]:
    """member id → "valid" / "stale" / "missing" for every present member (`digest`: `current_digest`'s
    when the caller has it)."""
    digest = current_digest(meeting) if digest is None else digest
    signed = dict(SignOff.objects.filter(meeting=meeting).values_list("member_id", "tally_sha256"))
    valid = set(
        SignOff.objects.filter(meeting=meeting, tally_sha256=digest).values_list("member_id", flat=True)
    )
    out = {}
    for member_id in meeting.attendance.filter(present=True).values_list("member_id", flat=True):
        out[member_id] = "valid" if member_id in valid else ("stale" if member_id in signed else "missing")
    return out


def reconsider(
    candidate: Candidate,
    *,
    by,
    agree_to_reopen: int,
    held_on: date,
    chair,
    members: list,
    reason: str = "",
) -> Meeting:
    """复议 (R-DEC-7): more than half of all members agree to reopen; a new meeting then votes again."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(candidate.case)
        candidate = (
            Candidate.objects.select_for_update(of=("self",)).select_related("cadre").get(pk=candidate.pk)
        )
        if candidate.status == CandidateStatus.REJECTED:
            raise ServiceError(
                f"R-DEC-7：{candidate.cadre.name}已表决未通过，本系统暂不支持对未通过的人选复议，请重新启动选拔程序。"
            )
        previous = rules.Outcome.DEFERRED if candidate.status == CandidateStatus.DEFERRED else None
        findings = rules.reconsideration(agree_to_reopen, len(members), previous)
        check_findings(findings, None)
        if case.status != CaseStatus.DECISION:
            raise ServiceError("只有讨论决定阶段才能复议。")
        if _open_meeting_exists(case):
            raise ServiceError("上一次会议尚未结束表决。")
        if chair.pk not in {m.pk for m in members}:
            raise ServiceError("主持人（主要领导）必须是应到的党组成员。")
        meeting = Meeting.objects.create(
            case=case,
            held_on=held_on,
            chair=chair,
            phase=Meeting.Phase.PREPARING,
            is_reconsideration=True,
            reopen_agree=agree_to_reopen,
        )
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member=m) for m in members])
        AgendaItem.objects.create(meeting=meeting, candidate=candidate)
        MeetingReconsideration.objects.create(
            meeting=meeting, candidate=candidate, previous_outcome=str(previous), reason=reason.strip()
        )
        record_event(
            case,
            by=actor,
            action="reconsider",
            candidate=candidate,
            summary=f"复议{candidate.cadre.name}：{agree_to_reopen} 名成员同意复议（应到 {len(members)} 人）",
            findings=findings,
            payload={"agree_to_reopen": agree_to_reopen, "members": len(members), "reason": reason},
        )
    return meeting
