from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "干部选拔任用"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy checks)
