from django.http import HttpRequest
from django.utils import timezone

from .permissions import Action, allowed_actions, navigation_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "allowed": frozenset()}
    return {"nav_items": navigation_for(user), "allowed": allowed_actions(user)}


def holiday_reminder(user) -> int | None:
    """From 1 November, administrators and HR are reminded when next year's holiday schedule is missing (R-CAL-3).

    Put in the context of their landing page (我的待办) and the 节假日安排 page; base.html shows it."""
    allowed = allowed_actions(user)
    if Action.ADMINISTER not in allowed and Action.MANAGE_CASES not in allowed:
        return None
    from .services.calendar import missing_next_year

    return missing_next_year(timezone.localdate())
