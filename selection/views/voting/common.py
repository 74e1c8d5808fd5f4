"""What the voting pages share: the actor, the meeting or ballot box the user may reach, the party group."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch

from accounts.roles import Role

from ...models import (
    BallotBox,
    Meeting,
    SelectionCase,
)
from ...permissions import Action, acts_for, can, get_case_for
from ...services.base import Actor

User = get_user_model()


def _actor(request: HttpRequest) -> Actor:
    return Actor(request.user, request.META.get("REMOTE_ADDR") or None)


def _meeting_for(request: HttpRequest, pk: int) -> Meeting:
    """The meeting, if its case is visible to the user (404 otherwise, as for the case)."""
    meeting = get_object_or_404(Meeting.objects.select_related("case", "chair"), pk=pk)
    case = get_case_for(request.user, meeting.case_id)
    if request.method == "POST" and not acts_for(request.user, case):
        raise PermissionDenied  # R-REQ-4: the bureau reads an institution's meeting, it does not run it
    return meeting


def _box_for(request: HttpRequest, pk: int, action: Action = Action.MANAGE_CASES) -> BallotBox:
    box = get_object_or_404(BallotBox.objects.select_related("case"), pk=pk)
    get_case_for(request.user, box.case_id, action)
    return box


def _may_schedule(user) -> bool:
    return can(user, Action.MANAGE_CASES) or can(user, Action.CHAIR_MEETING)


def party_group(organization):
    """Accounts of the organization's party group (who should attend a meeting)."""
    roles = [Role.SECRETARY.group_name, Role.PERSONNEL_LEAD.group_name, Role.PARTY_MEMBER.group_name]
    return (
        User.objects.filter(organization=organization, is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("pk")
    )


def _case_url(case: SelectionCase) -> str | None:
    try:
        return case.get_absolute_url()
    except NoReverseMatch:  # the case page lives in another module
        return None
