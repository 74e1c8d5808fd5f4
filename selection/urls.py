from django.urls import path

from .views import (
    annual,
    calendar,
    cases,
    competitive,
    documents,
    home,
    institution,
    interchange,
    probation,
    record,
    registry,
    rules,
    voting,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    *registry.urlpatterns,
    *interchange.urlpatterns,
    *documents.urlpatterns,
    *cases.urlpatterns,
    *competitive.urlpatterns,
    *record.urlpatterns,
    *voting.urlpatterns,
    *calendar.urlpatterns,
    *probation.urlpatterns,
    *institution.urlpatterns,
    *annual.urlpatterns,
    *rules.urlpatterns,
]
