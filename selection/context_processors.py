from django.http import HttpRequest
from django.utils import timezone

from .permissions import Action, allowed_actions, navigation_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "allowed": frozenset()}
    allowed = allowed_actions(user)
    return {
        "nav_items": navigation_for(user),
        "allowed": allowed,
        "holiday_reminder": _holiday_reminder(allowed),
    }


def _holiday_reminder(allowed) -> int | None:
    """From 1 November, administrators and HR are reminded when next year's holiday schedule is missing (R-CAL-3)."""
    if Action.ADMINISTER not in allowed and Action.MANAGE_CASES not in allowed:
        return None
    from .services.calendar import missing_next_year

    return missing_next_year(timezone.localdate())
