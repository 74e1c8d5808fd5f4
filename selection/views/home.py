"""The landing page (我的待办) and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..context_processors import holiday_reminder
from . import annual, cases, institution, probation, voting


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """我的待办: what the user has to do next: motions to approve, votes, sign-offs, open cases."""
    pending: list = [
        *cases.pending_items(request.user),
        *voting.pending_items(request.user),
        *probation.pending_items(request.user),
        *institution.pending_items(request.user),
        *annual.pending_items(request.user),
    ]
    return render(
        request,
        "selection/home.html",
        {"pending": pending, "holiday_reminder": holiday_reminder(request.user)},
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
