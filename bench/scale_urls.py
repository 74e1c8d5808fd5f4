"""The benchmark's URLs: the project's, plus the bare views every page is compared to and 我的待办 without
its 预警提醒 dashboard (so the dashboard's share can be read)."""

from unittest import mock

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import include, path

from selection.models import Cadre
from selection.supervision import Dashboard
from selection.views.home import home


@login_not_required
def bare(request, pk: int) -> HttpResponse:
    return HttpResponse(Cadre.objects.values_list("name", flat=True).get(pk=pk))


def bare_signed_in(request, pk: int) -> HttpResponse:
    """The same lookup behind the sign-in (session, 2FA and audit middleware): each page's fixed cost."""
    return HttpResponse(Cadre.objects.values_list("name", flat=True).get(pk=pk))


def bare_layout(request, pk: int) -> HttpResponse:
    """The same lookup in the site's layout (navigation, user menu, messages): what every page costs
    before its own content."""
    name = Cadre.objects.values_list("name", flat=True).get(pk=pk)
    return render(request, "bench/bare_layout.html", {"name": name})


def home_without_dashboard(request) -> HttpResponse:
    with mock.patch("selection.supervision.dashboard", lambda *a, **k: Dashboard()):
        return home(request)


urlpatterns = [
    path("bench/bare/<int:pk>", bare),
    path("bench/bare-signed-in/<int:pk>", bare_signed_in),
    path("bench/bare-layout/<int:pk>", bare_layout),
    path("bench/home-without-dashboard", home_without_dashboard),
    path("", include("config.urls")),
]
