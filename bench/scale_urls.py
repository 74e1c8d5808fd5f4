"""The benchmark's URLs: the project's, plus the bare view (one indexed lookup) every page is compared to."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path

from selection.models import Cadre


@login_not_required
def bare(request, pk: int) -> HttpResponse:
    return HttpResponse(Cadre.objects.values_list("name", flat=True).get(pk=pk))


def bare_signed_in(request, pk: int) -> HttpResponse:
    """The same lookup behind the sign-in (session, 2FA and audit middleware): each page's fixed cost."""
    return HttpResponse(Cadre.objects.values_list("name", flat=True).get(pk=pk))


urlpatterns = [
    path("bench/bare/<int:pk>", bare),
    path("bench/bare-signed-in/<int:pk>", bare_signed_in),
    path("", include("config.urls")),
]
