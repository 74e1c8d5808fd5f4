"""Who may do what: one vocabulary (Action), one place that decides (STYLE.md "Permissions").

Roles are groups (accounts.roles.Role). Per-case duties are guardian object permissions assigned by
services. Views ask `can(...)`; templates only read the `allowed` set or the navigation built here.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.roles import Role

if TYPE_CHECKING:
    from .models import Cadre


class Action(StrEnum):
    VIEW_REGISTRY = "view_registry"
    EDIT_REGISTRY = "edit_registry"
    VIEW_CASES = "view_cases"
    MANAGE_CASES = "manage_cases"
    APPROVE_MOTION = "approve_motion"  # the main leader decides or approves a motion (R-MOT-2)
    CHAIR_MEETING = "chair_meeting"  # the main leader chairs the party-group meeting
    VOTE = "vote"  # a party-group member votes and signs off
    RECORD_INSPECTION = "record_inspection"  # HR, or an inspection team member for their candidate
    AUDIT = "audit"
    ADMINISTER = "administer"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.HR: frozenset(
        {
            Action.VIEW_REGISTRY,
            Action.EDIT_REGISTRY,
            Action.VIEW_CASES,
            Action.MANAGE_CASES,
            Action.RECORD_INSPECTION,
        }
    ),
    Role.SECRETARY: frozenset(
        {Action.VIEW_REGISTRY, Action.VIEW_CASES, Action.APPROVE_MOTION, Action.CHAIR_MEETING, Action.VOTE}
    ),
    Role.PERSONNEL_LEAD: frozenset({Action.VIEW_REGISTRY, Action.VIEW_CASES, Action.VOTE}),
    Role.PARTY_MEMBER: frozenset({Action.VIEW_REGISTRY, Action.VIEW_CASES, Action.VOTE}),
    Role.DISCIPLINE: frozenset({Action.VIEW_CASES}),
    Role.AUDITOR: frozenset({Action.VIEW_REGISTRY, Action.VIEW_CASES, Action.AUDIT}),
    Role.STAFF: frozenset(),
    Role.ADMIN: frozenset({Action.ADMINISTER}),
}


ADMINISTRATOR_ACTIONS = ROLE_ACTIONS[Role.ADMIN]


def has_duty(user, permission: str, obj) -> bool:
    """A per-case duty (a guardian object permission) the services assigned to this user.

    Not `user.has_perm` alone: Django answers True for a superuser whatever the object, and the system
    administrator must never record inspection facts or vote in a case.
    """
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return False
    return user.has_perm(permission, obj)


def allowed_actions(user) -> frozenset[Action]:
    """Every role-level action the user may take."""
    if not user.is_authenticated:
        return frozenset()
    actions: set[Action] = set()
    for role in user.roles:
        actions |= ROLE_ACTIONS[role]
    if user.is_superuser:  # administrators administer; they never act in cases, whatever else they hold
        actions &= ADMINISTRATOR_ACTIONS
    return frozenset(actions)


def can(user, action: Action) -> bool:
    return action in allowed_actions(user)


def require(user, action: Action) -> None:
    """403 unless the user's roles allow the action (for pages without one object)."""
    if not can(user, action):
        raise PermissionDenied


def get_cadre_for(user, pk: int, action: Action, *, queryset: "QuerySet[Cadre] | None" = None) -> "Cadre":
    """The cadre, if the user may take the action on it.

    Roles without registry access get 403 whatever the pk (that reveals nothing); a cadre outside the
    user's organizations is 404, as if it did not exist; a visible cadre with a forbidden action is 403.
    """
    from .models import Cadre

    require(user, Action.VIEW_REGISTRY)
    base = Cadre.objects.all() if queryset is None else queryset
    try:
        cadre = base.visible_to(user).get(pk=pk)
    except Cadre.DoesNotExist:
        raise Http404("没有找到该干部。") from None
    require(user, action)
    return cadre


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    action: Action | None  # None: every logged-in user


NAVIGATION: list[NavItem] = [
    NavItem("我的待办", "home", "bi-list-check", None),
    NavItem("干部信息", "cadre_list", "bi-people", Action.VIEW_REGISTRY),
    NavItem("选拔任用", "case_list", "bi-diagram-3", Action.VIEW_CASES),
    NavItem("竞争上岗", "competitive_home", "bi-trophy", None),
    NavItem("试用期", "probation_list", "bi-hourglass-split", Action.VIEW_CASES),
    NavItem("一报告两评议", "annual_list", "bi-clipboard-data", Action.VIEW_CASES),
    NavItem("纪实核验", "record_audit", "bi-shield-check", Action.AUDIT),
    NavItem("节假日安排", "holiday_list", "bi-calendar3", Action.ADMINISTER),
    NavItem("系统管理", "admin:index", "bi-gear", Action.ADMINISTER),
]


def navigation_for(user) -> list[NavItem]:
    """The navigation entries the user's roles allow."""
    if not user.is_authenticated:
        return []
    actions = allowed_actions(user)
    return [item for item in NAVIGATION if item.action is None or item.action in actions]


# ---- selection cases ----------------------------------------------------------------------------------


def get_case_for(user, pk: int, action: Action = Action.VIEW_CASES, *, queryset=None):
    """The case, if the user may take the action on it: 404 outside the user's organization, 403 for a
    forbidden action on a visible case (STYLE.md "Permissions")."""
    from .models import SelectionCase

    require(user, Action.VIEW_CASES)
    base = SelectionCase.objects.all() if queryset is None else queryset
    try:
        case = base.visible_to(user).get(pk=pk)
    except SelectionCase.DoesNotExist:
        raise Http404("没有找到该选拔任用工作。") from None
    require_on_case(user, case, action)
    return case


def may_review_motion(user, case) -> bool:
    """The main leader approves, returns or rejects a motion while it waits for them (R-MOT-2)."""
    return (
        can(user, Action.APPROVE_MOTION)
        and case.status == "motion"
        and case.motion_review == case.MotionReview.PENDING
    )


def may_correct_motion(user, case) -> bool:
    """HR corrects a motion until the main leader approves (or rejects) it."""
    return (
        can(user, Action.MANAGE_CASES)
        and case.status == "motion"
        and case.motion_review in (case.MotionReview.PENDING, case.MotionReview.RETURNED)
    )


# R-REQ-4: the bureau's HR and auditors see the cases of its subordinate institutions, and act on none.
OVERSEES_SUBORDINATES = frozenset({Role.HR, Role.AUDITOR})
READ_ACTIONS = frozenset({Action.VIEW_CASES, Action.AUDIT})


def oversees_subordinates(user) -> bool:
    return user.is_authenticated and bool(OVERSEES_SUBORDINATES & set(user.roles))


def acts_for(user, case) -> bool:
    """Only the case's own organization changes it (a subordinate's case is read-only to the bureau); the
    administrator acts in no case."""
    return not user.is_superuser and case.organization_id == user.organization_id


def require_on_case(user, case, action: Action) -> None:
    require(user, action)
    if action not in READ_ACTIONS and not acts_for(user, case):
        raise PermissionDenied


def can_deliberate(user, case) -> bool:
    """R-REQ-4: HR of the parent bureau records its party group's collective deliberation."""
    return (
        can(user, Action.MANAGE_CASES)
        and case.organization.parent_id is not None
        and case.organization.parent_id == user.organization_id
    )


def can_read_document(user, document) -> bool:
    """HR and auditors read every stored document of a case they see; the party group only the official
    任免审批表 it decides on (R-DEC-4). The case's visibility is checked by the caller (404 first)."""
    from .models import Document

    if can(user, Action.MANAGE_CASES) or can(user, Action.AUDIT):
        return True
    return (
        can(user, Action.VIEW_CASES)
        and document.official_copy
        and document.kind == Document.Kind.APPROVAL_FORM
    )


def can_read_cadre_photo(user, cadre) -> bool:
    """A cadre's photo is part of their record: whoever reads the registry entry (visibility: the caller)."""
    return can(user, Action.VIEW_REGISTRY)


def can_record_inspection(user, candidate) -> bool:
    """HR records every inspection; an inspection team member only that of the candidates assigned to them."""
    return can(user, Action.MANAGE_CASES) or has_duty(user, "selection.inspect_candidate", candidate)


def assign_inspection_duty(candidate, team) -> None:
    """Give the team members the per-candidate duty (guardian object permission), replacing the old team."""
    from guardian.shortcuts import assign_perm

    from .models.case import CandidateUserObjectPermission

    CandidateUserObjectPermission.objects.filter(content_object=candidate).delete()
    for member in team:
        assign_perm("selection.inspect_candidate", member, candidate)


def assign_meeting_participants(meeting, present) -> None:
    """Present members may vote in this meeting (guardian object permission)."""
    from guardian.shortcuts import assign_perm

    for member in present:
        assign_perm("selection.vote_in_meeting", member, meeting)


def can_vote_in(user, meeting) -> bool:
    return can(user, Action.VOTE) and has_duty(user, "selection.vote_in_meeting", meeting)


# ---- staff ballot boxes (会议推荐, 民主测评) -------------------------------------------------------------


def ballot_invitees(box):
    """The accounts a staff ballot box may invite: active users of the case's organization and of its
    subordinate institutions, never the administrator nor anyone the case is about (a candidate, or the
    cadre a 民主测评 appraises, does not vote on themselves)."""
    from django.db.models import Q

    from accounts.models import User

    from .models import Cadre

    organization = box.case.organization
    about = Cadre.objects.filter(candidacies__case_id=box.case_id, account__isnull=False).values("account")
    return (
        User.objects.filter(
            Q(organization=organization) | Q(organization__parent=organization), is_active=True
        )
        .exclude(is_superuser=True)
        .exclude(pk__in=about)
        .select_related("organization")
        .order_by("organization_id", "pk")
    )


def get_box_for_voter(user, pk: int):
    """The box an invited account votes in, wherever it belongs (a bureau box may invite the staff of a
    subordinate institution); 404 for anyone not invited, as if it did not exist."""
    from .models import BallotBox

    if not user.is_authenticated or user.is_superuser:
        raise Http404("没有找到该投票。")
    try:
        return BallotBox.objects.select_related("case").get(pk=pk, invitations__user=user)
    except BallotBox.DoesNotExist:
        raise Http404("没有找到该投票。") from None


# ---- 竞争上岗 (R-CMP): applicants and examiners ----------------------------------------------------------


def get_competition_for(user, pk: int):
    """A competitive case of the user's organization, for its staff (applicants, examiners): 404 otherwise."""
    from .models import SelectionCase

    try:
        return (
            SelectionCase.objects.visible_to(user)
            .select_related("organization", "competition_plan")
            .get(pk=pk, mode=SelectionCase.Mode.COMPETITIVE)
        )
    except SelectionCase.DoesNotExist:
        raise Http404("没有找到该竞争上岗。") from None


def can_examine(user, case) -> bool:
    """An examiner of the case's interview panel who is not recused (a per-case duty)."""
    return case.examiners.filter(user=user, recused=False).exists()


def can_see_registration(user, registration) -> bool:
    """The applicant themselves, or HR and auditors of the case's organization."""
    if registration.cadre.account_id == user.pk:
        return True
    return registration.case.organization_id == user.organization_id and (
        can(user, Action.MANAGE_CASES) or can(user, Action.AUDIT)
    )


# ---- 试用期 (R-PRB) ----------------------------------------------------------------------------------------


def get_holding_for(user, pk: int, action: Action = Action.VIEW_CASES):
    """A probationary holding of the user's own organization: 404 outside it, 403 for a forbidden action."""
    from .models import PostHolding

    require(user, Action.VIEW_CASES)
    try:
        holding = PostHolding.objects.select_related("cadre", "post__department", "post__organization").get(
            pk=pk, post__organization_id=user.organization_id
        )
    except PostHolding.DoesNotExist:
        raise Http404("没有找到该任职记录。") from None
    require(user, action)
    return holding


def can_export(user, kind) -> bool:
    """May the user request (and download) an export of this kind (selection/exports.py)?"""
    return any(can(user, action) for action in kind.actions)


def get_export_for(user, pk: int):
    """The export job if the user may download it: 403 for an account without office duties, 404 outside the
    user's organization (or an unknown kind), 403 without one of the kind's actions. Anyone allowed shares a file (it is the same file)."""
    from .exports import export_kind
    from .models import ExportJob

    if not allowed_actions(user):
        raise PermissionDenied  # an account without office duties (staff) is refused before any lookup
    jobs = ExportJob.objects.select_related("case", "requested_by")
    if not user.is_superuser:
        jobs = jobs.filter(organization_id=user.organization_id) if user.organization_id else jobs.none()
    try:
        job = jobs.get(pk=pk)
    except ExportJob.DoesNotExist:
        raise Http404("没有找到该导出任务。") from None
    kind = export_kind(job.kind)
    if kind is None:
        raise Http404("没有这种导出。")
    if not can_export(user, kind):
        raise PermissionDenied
    return job


# ---- 一报告两评议 (R-ANR) -----------------------------------------------------------------------------


def get_report_for(user, pk: int, action: Action = Action.VIEW_CASES):
    """A yearly report of the user's own organization: 404 outside it, 403 for a forbidden action."""
    from .models import AnnualReport

    require(user, Action.VIEW_CASES)
    try:
        report = AnnualReport.objects.select_related("organization").get(
            pk=pk, organization_id=user.organization_id
        )
    except AnnualReport.DoesNotExist:
        raise Http404("没有找到该年度报告。") from None
    require(user, action)
    return report
