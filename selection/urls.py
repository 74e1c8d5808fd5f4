from django.urls import path

from .views import documents, home, interchange, record, registry

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    *registry.urlpatterns,
    *interchange.urlpatterns,
    *documents.urlpatterns,
    *record.urlpatterns,
]
