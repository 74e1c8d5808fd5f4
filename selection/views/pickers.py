"""The search behind the pickers (selection/widgets.py): `picker/<source>?q=` → up to 20 matches as JSON.

Cadres: the active cadres the user may see (organization and subordinate institutions), by name (prefix
first; a trigram index on PostgreSQL serves the contains search) or by ID-number prefix. Users: the active
accounts of the user's organization, by name or username. One query per request, whatever the table size.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from accounts.models import User

from ..models import BallotBox, Cadre
from ..permissions import Action, ballot_invitees, can, get_case_for

LIMIT = 20
MAX_QUERY = 30


def _looks_like_id_number(q: str) -> bool:
    return q.isascii() and q[:-1].isdigit() if q[-1] in "Xx" else q.isascii() and q.isdigit()


def search_cadres(request: HttpRequest, q: str, limit: int = LIMIT) -> list[dict]:
    cadres = Cadre.objects.visible_to(request.user).filter(is_active=True).select_related("department")
    if _looks_like_id_number(q):
        cadres = cadres.filter(id_number__startswith=q.upper()).order_by("id_number")
    elif len(q) == 1:
        # Shortest names first: an order no index offers, so the database reads the prefix range of the
        # name's pattern index and sorts those few rows, instead of walking the whole name index in
        # collation order until 20 match (390 ms → 15 ms for "王" at 100,000 cadres).
        cadres = cadres.filter(name__startswith=q).order_by(Length("name"), "name", "pk")
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


def _matching(users, q: str):
    return users.filter(Q(full_name__contains=q) | Q(username__startswith=q))


def search_users(request: HttpRequest, q: str, limit: int = LIMIT) -> list[dict]:
    """Accounts of the user's organization (the inspection team)."""
    organization = request.user.organization_id
    if not organization:
        return []
    users = _matching(User.objects.filter(organization_id=organization, is_active=True), q)
    return [
        {"value": u.pk, "text": u.get_full_name(), "hint": u.username}
        for u in users.order_by("full_name", "pk")[:limit]
    ]


def search_invitees(request: HttpRequest, q: str, limit: int = LIMIT) -> list[dict]:
    """Accounts a staff ballot box may invite (`?box=`): `permissions.ballot_invitees`."""
    box_pk = request.GET.get("box", "")
    if not (box_pk.isascii() and box_pk.isdigit()):
        raise Http404("没有找到该投票。")
    box = BallotBox.objects.filter(pk=int(box_pk)).only("pk", "case_id").first()
    if box is None:
        raise Http404("没有找到该投票。")
    case = get_case_for(request.user, box.case_id, Action.MANAGE_CASES)
    users = _matching(ballot_invitees(box), q).order_by("full_name", "pk")
    return [
        {
            "value": u.pk,
            "text": u.get_full_name(),
            "hint": u.username
            if u.organization_id == case.organization_id
            else f"{u.organization.short_name or u.organization.name}，{u.username}",
        }
        for u in users[:limit]
    ]


# source → (the search, the actions that may use it)
SOURCES = {
    "cadres": (search_cadres, (Action.VIEW_REGISTRY, Action.MANAGE_CASES)),
    "users": (search_users, (Action.MANAGE_CASES,)),
    "invitees": (search_invitees, (Action.MANAGE_CASES,)),
}


@require_GET
def picker(request: HttpRequest, source: str) -> JsonResponse:
    if source not in SOURCES:
        raise Http404("没有这种选择列表。")
    search, actions = SOURCES[source]
    if not any(can(request.user, action) for action in actions):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    return JsonResponse({"results": search(request, q) if q else []})


urlpatterns = [path("picker/<slug:source>", picker, name="picker")]
