"""Background tasks (Django's Tasks framework; the django-tasks-db backend in settings.TASKS, a worker
started by `make run`: `manage.py db_worker`). Each task is a thin entry point into a service.
"""

from asgiref.local import Local
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.tasks import task, task_backends


@task()
def run_export(job_id: int) -> str:
    """Build an ExportJob's file (selection/services/exports.py)."""
    from selection.services.exports import run_export_job

    return run_export_job(job_id)


@receiver(setting_changed)
def _reset_task_backends(*, setting, **kwargs) -> None:
    """Tests switch TASKS (to the immediate backend); Django caches the backends, so drop them."""
    if setting == "TASKS":
        task_backends.__dict__.pop("settings", None)
        task_backends._connections = Local(task_backends.thread_critical)
