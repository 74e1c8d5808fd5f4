"""The landing page (我的待办: the 预警提醒 dashboard and the user's own tasks) and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import supervision
from ..context_processors import holiday_reminder
from ..permissions import Action, can
from . import annual, cases, competitive, institution, probation, voting


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """我的待办: alerts with counts that link to their lists, open cases per stage (HR), then what the
    user has to do next: motions to approve, votes, sign-offs, probation assessments."""
    user = request.user
    pending: list = [
        *cases.pending_items(user),
        *voting.pending_items(user),
        *probation.pending_items(user),
        *institution.pending_items(user),
        *annual.pending_items(user),
        *competitive.pending_items(user),
    ]
    board = supervision.dashboard(
        user,
        can_registry=can(user, Action.EDIT_REGISTRY),
        can_cases=can(user, Action.MANAGE_CASES),
    )
    return render(
        request,
        "selection/home.html",
        {"pending": pending, "board": board, "holiday_reminder": holiday_reminder(user)},
    )


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
