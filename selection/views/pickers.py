"""The search behind the pickers (selection/widgets.py): `picker/<source>?q=` → up to 20 matches as JSON.

Cadres: the active cadres the user may see (organization and subordinate institutions), by name (prefix
first; a trigram index on PostgreSQL serves the contains search) or by ID-number prefix. Users: the active
accounts of the user's organization, by name or username. One query per request, whatever the table size.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.models import User

from ..models import Cadre
from ..permissions import Action, can

LIMIT = 20
MAX_QUERY = 30


def _looks_like_id_number(q: str) -> bool:
    return q.isascii() and q[:-1].isdigit() if q[-1] in "Xx" else q.isascii() and q.isdigit()


def search_cadres(user, q: str, limit: int = LIMIT) -> list[dict]:
    cadres = Cadre.objects.visible_to(user).filter(is_active=True).select_related("department")
    if _looks_like_id_number(q):
        cadres = cadres.filter(id_number__startswith=q.upper()).order_by("id_number")
    elif len(q) == 1:
        cadres = cadres.filter(name__startswith=q).order_by("name", "pk")
    else:
        prefix = Case(When(name__startswith=q, then=Value(0)), default=Value(1), output_field=IntegerField())
        cadres = cadres.filter(name__contains=q).order_by(prefix, "name", "pk")
    return [
        {
            "value": c.pk,
            "text": c.name if not c.department_id else f"{c.name}（{c.department.name}）",
            "hint": f"{c.id_number[:6]}…{c.id_number[-4:]}",
        }
        for c in cadres[:limit]
    ]


def search_users(user, q: str, limit: int = LIMIT) -> list[dict]:
    if not user.organization_id:
        return []
    users = User.objects.filter(organization_id=user.organization_id, is_active=True)
    users = users.filter(Q(full_name__contains=q) | Q(username__startswith=q)).order_by("full_name", "pk")
    return [{"value": u.pk, "text": u.get_full_name(), "hint": u.username} for u in users[:limit]]


# source → (the search, the actions that may use it)
SOURCES = {
    "cadres": (search_cadres, (Action.VIEW_REGISTRY, Action.MANAGE_CASES)),
    "users": (search_users, (Action.MANAGE_CASES,)),
}


@require_GET
def picker(request: HttpRequest, source: str) -> JsonResponse:
    if source not in SOURCES:
        raise Http404("没有这种选择列表。")
    search, actions = SOURCES[source]
    if not any(can(request.user, action) for action in actions):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    return JsonResponse({"results": search(request.user, q) if q else []})


urlpatterns = [path("picker/<slug:source>", picker, name="picker")]
