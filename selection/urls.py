from django.urls import path

from .views import (
    annual,
    calendar,
    cases,
    documents,
    home,
    institution,
    interchange,
    probation,
    record,
    registry,
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
    *probation.urlpatterns,
    *institution.urlpatterns,
    *annual.urlpatterns,
]
