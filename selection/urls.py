from django.urls import path

from .views import calendar, cases, documents, exports, home, interchange, pickers, record, registry, voting

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    *registry.urlpatterns,
    *interchange.urlpatterns,
    *documents.urlpatterns,
    *exports.urlpatterns,
    *pickers.urlpatterns,
    *cases.urlpatterns,
    *record.urlpatterns,
    *voting.urlpatterns,
    *calendar.urlpatterns,
]
