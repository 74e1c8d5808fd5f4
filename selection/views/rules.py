"""规则说明: every rule the system enforces, in Chinese, with its source and level. Rule IDs across the UI link here."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from ..rules.catalogue import LEVELS, grouped


@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "selection/rules.html",
        {
            "groups": grouped(),
            "levels": [LEVELS[key] for key in ("BLOCK", "WARN", "RECORD")],
            "breadcrumbs": [("规则说明", None)],
        },
    )


urlpatterns = [path("rules/", rule_list, name="rule_list")]
