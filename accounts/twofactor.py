"""Two-factor sign-in (django-otp): who must use it, enrolment (TOTP + recovery codes), verification.

Required *(setting XUANBA_REQUIRE_2FA)* for party-group members (the main leader, the personnel lead and
members), auditors, HR and administrators; anyone who enrolled is asked too. The same check is asked
again at sign-off (selection.services.voting.sign_off).
"""

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role

REQUIRED_ROLES = frozenset(
    {Role.SECRETARY, Role.PERSONNEL_LEAD, Role.PARTY_MEMBER, Role.AUDITOR, Role.HR, Role.ADMIN}
)
RECOVERY_CODES = 10
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"

WRONG_TOKEN = "动态验证码不正确或已过期，请输入身份验证器上当前显示的6位数字（或一个未用过的恢复码）。"
NOT_ENROLLED = "您尚未启用两步验证，请先在“两步验证”页面绑定身份验证器。"


def has_device(user) -> bool:
    return user.is_authenticated and any(True for _ in devices_for_user(user, confirmed=True))


def is_required(user) -> bool:
    """Must this user pass a second factor (at sign-in and at sign-off)?"""
    if not user.is_authenticated:
        return False
    if settings.XUANBA_REQUIRE_2FA and (user.is_superuser or user.has_role(*REQUIRED_ROLES)):
        return True
    return has_device(user)


def normalise(token: str) -> str:
    return "".join(str(token or "").split()).lower()[:16]


def check(user, token: str):
    """The device that accepts the token (TOTP or an unused recovery code), or None."""
    token = normalise(token)
    if not token or not token.isascii() or not token.isalnum():
        return None
    return match_token(user, token)


def pending_totp(user, *, create: bool = True) -> TOTPDevice | None:
    """The user's unconfirmed authenticator (created once, so reloading the page keeps the QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no network, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="两步验证二维码")


def secret_base32(device: TOTPDevice) -> str:
    import base64

    text = base64.b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def confirm_totp(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with its first token; returns fresh recovery codes, or None if wrong."""
    if not normalise(token).isdigit() or not device.verify_token(normalise(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes (each works once); shown once, stored as given by django-otp."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes
