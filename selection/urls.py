from django.urls import path

from .views import (
    calendar,
    cases,
    competitive,
    documents,
    exports,
    home,
    institution,
    interchange,
    pickers,
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
    *exports.urlpatterns,
    *pickers.urlpatterns,
    *cases.urlpatterns,
    *competitive.urlpatterns,
    *record.urlpatterns,
    *voting.urlpatterns,
    *calendar.urlpatterns,
    *rules.urlpatterns,
    *probation.urlpatterns,
    *institution.urlpatterns,
]
