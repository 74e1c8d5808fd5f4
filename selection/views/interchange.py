"""Excel and LRMX import/export pages."""

urlpatterns: list = []
