"""Registry screens: cadre list, cadre page, edit forms, change history."""

urlpatterns: list = []
