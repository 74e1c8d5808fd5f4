"""The project's own Chinese 404 and 500 pages, also with DEBUG on (`make run`).

With DEBUG on, Django answers an unknown address or an error with its technical pages (English, settings and
a traceback). A user trying the demo should see what production shows; the traceback still goes to the
console through the `django.request` logger. Set XUANBA_OWN_ERROR_PAGES=false to get Django's pages back.
"""

from django.conf import settings
from django.shortcuts import render


class OwnErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not (settings.DEBUG and settings.XUANBA_OWN_ERROR_PAGES):
            return response
        if response.status_code not in (404, 500) or getattr(response, "streaming", False):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            return response
        if b"DEBUG = True" not in response.content:
            return response  # a page of ours (e.g. a view's own 404 page), not Django's technical one
        return render(request, f"{response.status_code}.html", status=response.status_code)
