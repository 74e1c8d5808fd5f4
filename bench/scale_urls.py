"""The benchmark's URLs: the project's, plus the bare view (one indexed lookup) every page is compared to."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path

from selection.models import Cadre


@login_not_required
def bare(request, pk: int) -> HttpResponse:
    return HttpResponse(Cadre.objects.values_list("name", flat=True).get(pk=pk))


urlpatterns = [path("bench/bare/<int:pk>", bare), path("", include("config.urls"))]
