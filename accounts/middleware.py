"""Request guards of the accounts app: the second factor, and no caching of signed-in pages or files."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from . import twofactor

# Pages a signed-in user reaches before passing the second factor.
OPEN_BEFORE_SECOND_FACTOR = {"login", "logout", "two_factor_setup", "two_factor_verify"}


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
