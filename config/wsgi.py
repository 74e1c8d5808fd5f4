"""The WSGI entry point (`gunicorn config.wsgi`).

The URLconf, and through it every view and WeasyPrint (~1.4 s of imports), is loaded here when a worker
starts: Django would otherwise load it on the worker's first request, which would wait that long after
every restart.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 — imports the URLconf now, not on the first request
