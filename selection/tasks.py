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


# The daily jobs (`manage.py run_daily` enqueues `daily`; cron or a systemd timer calls it once a day):
# dotted paths of callables taking no argument and returning a short count or text for the log. Add a
# checkpoint (e.g. signing every case's record head) or a reminder here.
DAILY_JOBS: list[str] = [
    "selection.services.exports.expire_exports",
]


@task()
def daily() -> dict[str, str]:
    """Run every daily job; one failing does not stop the others (each result or error is returned)."""
    import logging

    from django.utils.module_loading import import_string

    results = {}
    for path in DAILY_JOBS:
        try:
            results[path] = str(import_string(path)())
        except Exception as error:
            logging.getLogger(__name__).exception("Daily job %s failed", path)
            results[path] = f"failed: {type(error).__name__}: {error}"
    return results


@receiver(setting_changed)
def _reset_task_backends(*, setting, **kwargs) -> None:
    """Tests switch TASKS (to the immediate backend); Django caches the backends, so drop them."""
    if setting == "TASKS":
        task_backends.__dict__.pop("settings", None)
        task_backends._connections = Local(task_backends.thread_critical)
