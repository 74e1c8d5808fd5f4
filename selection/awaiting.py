"""Whom an open case waits for (等待谁): the person and role who must act next, and what they must do.

Read-only: the case page and the case list show it; the services decide what may happen."""

from collections import defaultdict
from dataclasses import dataclass

from accounts.models import User
from accounts.roles import Role

from .models import CaseStatus, Meeting, SelectionCase

MAIN_LEADER = "党组主要领导"
HR = str(Role.HR.label)
MEMBERS = str(Role.PARTY_MEMBER.label)


@dataclass(frozen=True)
class Awaiting:
    names: str  # the people, 、-separated ("" when nobody holds the role yet)
    role: str
    what: str

    def __str__(self) -> str:
        who = f"{self.role}{self.names}" if self.names else f"{self.role}（未设置）"
        return f"{who}：{self.what}"


def main_leaders(organization_ids) -> dict[int, list[str]]:
    """The main leaders' names per organization, in one query (for a whole list of cases)."""
    leaders: dict[int, list[str]] = defaultdict(list)
    for org_id, name, username in (
        User.objects.filter(
            organization_id__in=set(organization_ids),
            groups__name=Role.SECRETARY.group_name,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
        .values_list("organization_id", "full_name", "username")
    ):
        leaders[org_id].append(name or username)
    return leaders


def _hr(case: SelectionCase, what: str) -> Awaiting:
    return Awaiting(case.created_by.get_full_name() if case.created_by_id else "", HR, what)


def awaiting(
    case: SelectionCase, leaders: dict[int, list[str]], meeting: Meeting | None = None
) -> Awaiting | None:
    """Who acts next on an open case. `meeting` (its attendance, recusals and votes prefetched) lets the
    decision stage name the members who still have to state their opinion."""
    if not case.is_open:
        return None
    status = case.status
    if status == CaseStatus.MOTION:
        review = case.motion_review
        if review == SelectionCase.MotionReview.PENDING:
            return Awaiting("、".join(leaders.get(case.organization_id, [])), MAIN_LEADER, "审批动议")
        if review == SelectionCase.MotionReview.RETURNED:
            return _hr(case, "按主要领导意见修改动议后重新报批")
        return _hr(case, "进入民主推荐")
    if status == CaseStatus.RECOMMENDATION:
        return _hr(case, "录入推荐结果、确定考察对象")
    if status == CaseStatus.INSPECTION:
        return _hr(case, "组织考察、录入考察情况")
    if status == CaseStatus.DECISION:
        if meeting is not None and meeting.phase == Meeting.Phase.VOTING:
            voted = {v.member_id for v in meeting.open_votes.all()}
            pending = [
                a.member.get_full_name()
                for a in meeting.attendance.all()
                if a.present and a.member_id not in voted
            ]
            if pending and meeting.method != Meeting.Method.SECRET:
                return Awaiting("、".join(pending), MEMBERS, "在党组会议上表决")
            return Awaiting(meeting.chair.get_full_name(), MAIN_LEADER, "结束表决并计票")
        return _hr(case, "召开党组会议讨论决定")
    if status == CaseStatus.PUBLIC_NOTICE:
        return _hr(case, "公示期满后办理任职")
    return None


def nothing_to_vote(meeting: Meeting, user) -> str:
    """Why a party-group member has nothing to vote on in a meeting that is voting: absent, or recused
    from every candidate on the agenda (R-DEC-6). "" when they have something to vote on (or are not a
    member of the meeting)."""
    from .models.ballot import meeting_agenda

    attendance = next((a for a in meeting.attendance.all() if a.member_id == user.pk), None)
    if attendance is None:
        return ""
    if not attendance.present:
        reason = f"（{attendance.absence_reason}）" if attendance.absence_reason else ""
        return (
            f"您已登记为缺席{reason}，不参加本次会议的表决；"
            "通过与否仍按应到人数计算（R-DEC-5）。如登记有误，请联系主持人。"
        )
    recusals = [r for r in meeting.recusals.all() if r.member_id == user.pk]
    recused = {r.candidate_id for r in recusals}
    agenda = meeting_agenda(meeting)
    if agenda and all(c.pk in recused for c in agenda):
        names = "、".join(c.cadre.name for c in agenda)
        return (
            f"您与{names}有亲属关系，已回避，不参加对其的表决（R-DEC-6）；本次会议没有其他需要您表决的事项。"
        )
    return ""
