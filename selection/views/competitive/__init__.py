"""竞争上岗 screens (R-CMP): HR's page of a competitive case (case.py) and the staff's pages, applicants'
and examiners' (staff.py)."""

from django.urls import path

from .case import (
    competitive_advancing,
    competitive_answer,
    competitive_case,
    competitive_document,
    competitive_effective,
    competitive_examiners,
    competitive_paper,
    competitive_plan,
    competitive_screening,
    competitive_step,
    competitive_written,
)
from .staff import (
    competitive_apply,
    competitive_examine,
    competitive_home,
    competitive_registration_form,
    competitive_review,
    pending_items,
)

__all__ = ["pending_items", "urlpatterns"]

urlpatterns = [
    path("competitive/", competitive_home, name="competitive_home"),
    path("competitive/<int:pk>/apply", competitive_apply, name="competitive_apply"),
    path("competitive/<int:pk>/examine", competitive_examine, name="competitive_examine"),
    path(
        "competitive/registrations/<int:registration_pk>/review",
        competitive_review,
        name="competitive_review",
    ),
    path(
        "competitive/registrations/<int:registration_pk>/form.pdf",
        competitive_registration_form,
        name="competitive_registration_form",
    ),
    path("cases/<int:pk>/competitive/", competitive_case, name="competitive_case"),
    path("cases/<int:pk>/competitive/plan", competitive_plan, name="competitive_plan"),
    path("cases/<int:pk>/competitive/step/<slug:step>", competitive_step, name="competitive_step"),
    path("cases/<int:pk>/competitive/register", competitive_paper, name="competitive_paper"),
    path(
        "cases/<int:pk>/competitive/screening/<slug:action>",
        competitive_screening,
        name="competitive_screening",
    ),
    path(
        "cases/<int:pk>/competitive/reviews/<int:registration_pk>",
        competitive_answer,
        name="competitive_answer",
    ),
    path(
        "cases/<int:pk>/competitive/effective/<slug:action>",
        competitive_effective,
        name="competitive_effective",
    ),
    path("cases/<int:pk>/competitive/examiners", competitive_examiners, name="competitive_examiners"),
    path("cases/<int:pk>/competitive/written", competitive_written, name="competitive_written"),
    path("cases/<int:pk>/competitive/advancing", competitive_advancing, name="competitive_advancing"),
    path(
        "cases/<int:pk>/competitive/documents/<slug:kind>", competitive_document, name="competitive_document"
    ),
]
