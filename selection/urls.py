from django.urls import path

from .views import (
    calendar,
    cases,
    documents,
    home,
    interchange,
    record,
    registry,
    roster,
    statistics,
    supervision,
    voting,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    *registry.urlpatterns,
    *interchange.urlpatterns,
    *documents.urlpatterns,
    *cases.urlpatterns,
    *record.urlpatterns,
    *voting.urlpatterns,
    *calendar.urlpatterns,
    *supervision.urlpatterns,
    *statistics.urlpatterns,
    *roster.urlpatterns,
]
