"""Who may do what: one vocabulary (Action), one place that decides (STYLE.md "Permissions").

Roles are groups (accounts.roles.Role). Per-case duties are guardian object permissions assigned by
services. Views ask `can(...)`; templates only read the `allowed` set or the navigation built here.
"""

from dataclasses import dataclass
from enum import StrEnum

from accounts.roles import Role


class Action(StrEnum):
    VIEW_REGISTRY = "view_registry"
    EDIT_REGISTRY = "edit_registry"
    VIEW_CASES = "view_cases"
    MANAGE_CASES = "manage_cases"
    AUDIT = "audit"
    ADMINISTER = "administer"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.HR: frozenset({Action.VIEW_REGISTRY, Action.EDIT_REGISTRY, Action.VIEW_CASES, Action.MANAGE_CASES}),
    Role.SECRETARY: frozenset({Action.VIEW_REGISTRY, Action.VIEW_CASES}),
    Role.PERSONNEL_LEAD: frozenset({Action.VIEW_REGISTRY, Action.VIEW_CASES}),
    Role.PARTY_MEMBER: frozenset({Action.VIEW_REGISTRY, Action.VIEW_CASES}),
    Role.DISCIPLINE: frozenset({Action.VIEW_CASES}),
    Role.AUDITOR: frozenset({Action.VIEW_REGISTRY, Action.VIEW_CASES, Action.AUDIT}),
    Role.STAFF: frozenset(),
    Role.ADMIN: frozenset({Action.ADMINISTER}),
}


def allowed_actions(user) -> frozenset[Action]:
    """Every role-level action the user may take."""
    if not user.is_authenticated:
        return frozenset()
    actions: set[Action] = set()
    for role in user.roles:
        actions |= ROLE_ACTIONS[role]
    return frozenset(actions)


def can(user, action: Action) -> bool:
    return action in allowed_actions(user)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    action: Action | None  # None: every logged-in user


NAVIGATION: list[NavItem] = [
    NavItem("我的待办", "home", "bi-list-check", None),
    NavItem("系统管理", "admin:index", "bi-gear", Action.ADMINISTER),
]


def navigation_for(user) -> list[NavItem]:
    """The navigation entries the user's roles allow."""
    if not user.is_authenticated:
        return []
    actions = allowed_actions(user)
    return [item for item in NAVIGATION if item.action is None or item.action in actions]
