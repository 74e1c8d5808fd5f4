"""我的待办: the user's votes, sign-offs and meetings to run."""

from dataclasses import dataclass

from django.urls import reverse

from ...awaiting import nothing_to_vote
from ...models import (
    BallotBox,
    CaseStatus,
    Meeting,
)
from ...permissions import can_vote_in
from ...services import voting


@dataclass(frozen=True)
class PendingItem:
    title: str
    detail: str
    url: str


def pending_items(user) -> list[PendingItem]:
    """The user's votes, sign-offs and meetings to run, for 我的待办."""
    items: list[PendingItem] = []
    if not user.is_authenticated:
        return items
    open_phases = [Meeting.Phase.PREPARING, Meeting.Phase.VOTING]
    for meeting in Meeting.objects.filter(chair=user, phase__in=open_phases).select_related("case"):
        todo = "登记出席情况并开始表决" if meeting.phase == Meeting.Phase.PREPARING else "全部表决后结束表决"
        items.append(
            PendingItem(
                f"主持{meeting}：{todo}", meeting.case.title, reverse("meeting_detail", args=[meeting.pk])
            )
        )
    # The meetings the user attends that vote or have voted, in one query with their attendance and
    # recusals: votes to cast, why there is nothing to vote on, results to sign.
    attended = (
        Meeting.objects.filter(
            attendance__member=user,
            phase__in=[Meeting.Phase.VOTING, Meeting.Phase.CLOSED],
            case__status=CaseStatus.DECISION,
        )
        .select_related("case")
        .prefetch_related("attendance", "recusals")
    )
    votes, nothing, signatures = [], [], []
    for meeting in attended:
        present = any(a.member_id == user.pk and a.present for a in meeting.attendance.all())
        url = reverse("meeting_detail", args=[meeting.pk])
        if meeting.phase == Meeting.Phase.VOTING:
            if present and can_vote_in(user, meeting) and (left := voting.ballot_items(meeting, user)):
                title = f"{meeting}表决（{meeting.get_method_display()}）"
                votes.append(PendingItem(title, f"{meeting.case.title}：{len(left)} 名人选待表决", url))
            # Absent or wholly recused members learn why they have nothing to vote on (R-DEC-5, R-DEC-6).
            if why := nothing_to_vote(meeting, user):
                nothing.append(PendingItem(f"{meeting}：您无需表决", f"{meeting.case.title}：{why}", url))
        elif present and voting.signature_status(meeting).get(user.pk) != "valid":
            signatures.append(PendingItem(f"{meeting}：签字确认表决结果", meeting.case.title, url))
    items += votes + nothing + signatures
    boxes = BallotBox.objects.filter(
        phase=BallotBox.Phase.OPEN, invitations__user=user, invitations__used=False
    ).select_related("case")
    for box in boxes:
        items.append(
            PendingItem(
                f"{box.get_kind_display()}投票：{box.title}",
                box.case.title,
                reverse("box_vote", args=[box.pk]),
            )
        )
    return items
