from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "选拔通管理"
admin.site.site_title = "选拔通管理"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("selection.urls")),
]
# No media route: stored files (photos, attachments, official copies) are served by views that check
# the permission first (selection/files.py), never from a public URL.
