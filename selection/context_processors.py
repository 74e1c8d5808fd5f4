from django.http import HttpRequest

from .permissions import allowed_actions, navigation_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "allowed": frozenset()}
    return {"nav_items": navigation_for(user), "allowed": allowed_actions(user)}
