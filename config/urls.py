from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "选拔通 系统管理"
admin.site.site_title = "选拔通"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("selection.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
