"""Request guards of the accounts app: the idle timeout, the second factor, and no caching of signed-in
pages or files."""

import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from . import twofactor

# Pages a signed-in user reaches before passing the second factor.
OPEN_BEFORE_SECOND_FACTOR = {"login", "logout", "two_factor_setup", "two_factor_verify"}


RENEWED_AT = "_xuanba_renewed"


class IdleTimeoutMiddleware:
    """The session ends XUANBA_IDLE_TIMEOUT_MINUTES after the last request.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) costs three queries a page; renewing
    it at most once per XUANBA_SESSION_RENEW_SECONDS costs nothing on most pages, and the timeout is then
    exact to within that many seconds (the expiry is always at least the timeout minus them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or session.modified:
            return response
        now = int(time.time())
        if now - session.get(RENEWED_AT, 0) >= settings.XUANBA_SESSION_RENEW_SECONDS:
            session[RENEWED_AT] = now  # marks the session modified: SessionMiddleware saves it anew
        return response


class TwoFactorMiddleware:
    """A user who must pass a second factor sees only the enrolment or verification page until they do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match.url_name in OPEN_BEFORE_SECOND_FACTOR or not getattr(view_func, "login_required", True):
            return None
        if not twofactor.is_required(user):
            return None
        target = "two_factor_verify" if twofactor.has_device(user) else "two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class NoStoreMiddleware:
    """Signed-in pages and every download carry ID numbers: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = response.streaming or response.has_header("Content-Disposition")
        if signed_in or download:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response
