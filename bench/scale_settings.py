"""Settings for the scale benchmark's gunicorn workers (bench/scale_run.py): the project's, DEBUG off as the
environment says, plus the benchmark's URLs (the bare views) and plain file storage; HTTP on 127.0.0.1."""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.scale_urls"
ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
MEDIA_ROOT = os.environ.get("BENCH_MEDIA", "/tmp/xuanba_scale_media")
SECURE_SSL_REDIRECT = False  # plain HTTP to the workers, as behind the TLS-terminating proxy
# The bare layout's template (bench/templates) beside the project's.
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]  # noqa: F405
