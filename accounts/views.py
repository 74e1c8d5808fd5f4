"""Two-factor pages: enrol an authenticator (QR code, then recovery codes), verify at sign-in."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from selection.validators import Bounded, NextForm

from . import twofactor


class TokenForm(Bounded, forms.Form):
    token = forms.CharField(
        label="动态验证码",
        max_length=20,
        strip=True,
        error_messages={"required": "请输入动态验证码。", "max_length": "动态验证码不能超过20个字符。"},
    )


def _next(request: HttpRequest) -> str:
    data = request.POST if request.POST.get("next") else request.GET
    return NextForm(data).target(request.get_host()) or "/"


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app: scan the QR code, enter the first code, note the recovery codes."""
    user = request.user
    if twofactor.has_device(user):
        if user.is_verified():
            messages.info(request, "您已启用两步验证。")
            return redirect(_next(request))
        return redirect("two_factor_verify")
    if request.method == "POST":
        device = twofactor.pending_totp(user, create=False)
        if device is None:  # the QR code was never shown: show it first
            messages.warning(request, "请先扫描页面上的二维码，再输入动态验证码。")
            return redirect("two_factor_setup")
    else:
        device = twofactor.pending_totp(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_totp(device, form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            return render(
                request, "registration/two_factor_recovery.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("token", twofactor.WRONG_TOKEN)
    context = {
        "form": form,
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_base32(device),
        "next": _next(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Enter the authenticator's current code (or a recovery code) after the password."""
    user = request.user
    if not twofactor.has_device(user):
        messages.warning(request, twofactor.NOT_ENROLLED)
        return redirect("two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.check(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", twofactor.WRONG_TOKEN)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})
