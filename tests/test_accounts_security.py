"""Sign-in and sessions (issue 13): throttling per account and per address, two-factor sign-in and
sign-off, the idle timeout, no-store and CSP headers, secure deployment defaults, seed_demo's guard."""

import io
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from selection.services import voting
from selection.services.base import ServiceError

from .workflow import TEST_PASSWORD, TODAY, build_world, to_decision

BASE_DIR = Path(__file__).resolve().parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")
LOGIN = "/accounts/login/"
PASSWORD = "pw-for-tests"  # tests/factories.py


def sign_in(client, username, password=PASSWORD, address="10.1.1.1", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


# ---- throttling (django-axes) ----------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one_with_a_chinese_page(
    client, hr, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "hr", "wrong").status_code == 200
    assert sign_in(client, "hr", "wrong").status_code == 429  # the fifth locks
    locked = sign_in(client, "hr")
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    assert "联系系统管理员" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_stays_locked_from_another_address(client, hr, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "hr", "wrong", address=f"10.2.0.{n + 1}")
    assert sign_in(client, "hr", address="10.9.9.9").status_code == 429


def test_one_address_guessing_many_accounts_is_locked_and_others_are_not(client, hr, staff, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"nobody{n}", "wrong", address="10.3.3.3")
    assert sign_in(client, "hr", address="10.3.3.3").status_code == 429
    assert sign_in(client, "staff", address="10.4.4.4").status_code == 302  # another address signs in


def test_a_forged_forwarded_for_header_does_not_reset_the_address_count(client, hr, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"nobody{n}", "wrong", address="10.5.5.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert sign_in(client, "hr", address="10.5.5.5", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_an_administrator_unlocks_an_account(client, hr, admin_user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "hr", "wrong", address=f"10.6.0.{n + 1}")
    assert AccessAttempt.objects.filter(username="hr").exists()
    admin = client.__class__()
    admin.force_login(admin_user)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "hr" in page.content.decode()
    call_command("axes_reset_username", "hr", stdout=io.StringIO())
    assert sign_in(client, "hr", address="10.6.0.99").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, hr, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "hr", "wrong")
    assert sign_in(client, "hr").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "hr", "wrong")
    assert sign_in(client, "hr").status_code == 302


# ---- two-factor sign-in (django-otp) -------------------------------------------------------------


@pytest.fixture
def require_2fa(settings):
    settings.XUANBA_REQUIRE_2FA = True


def current_token(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_hr_must_enrol_an_authenticator_before_any_page(client, hr, require_2fa):
    assert sign_in(client, "hr")["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith(reverse("two_factor_setup"))
    assert client.get(reverse("cadre_list")).status_code == 302
    setup = client.get(home["Location"])
    text = setup.content.decode()
    assert "<svg" in text and "启用两步验证" in text  # the QR code, inline, no external request
    device = TOTPDevice.objects.get(user=hr, confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"token": "000000x"})
    assert "动态验证码不正确" in wrong.content.decode()
    done = client.post(reverse("two_factor_setup"), {"token": current_token(device), "next": "/"})
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert client.get("/").status_code == 200


def test_an_enrolled_user_enters_a_code_after_the_password_and_a_recovery_code_works_once(
    client, hr, require_2fa
):
    device = TOTPDevice.objects.create(user=hr, name="身份验证器", confirmed=True)
    codes = twofactor.new_recovery_codes(hr)
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI), tick=False) as clock:
        sign_in(client, "hr")
        assert client.get("/")["Location"].startswith(reverse("two_factor_verify"))
        wrong = client.post(reverse("two_factor_verify"), {"token": "123456"})
        assert wrong.status_code == 200 and "动态验证码不正确" in wrong.content.decode()
        assert client.get("/").status_code == 302
        clock.shift(timedelta(seconds=10))  # django-otp throttles guesses: 1 s, 2 s, 4 s …
        answer = client.post(reverse("two_factor_verify"), {"token": codes[0], "next": "/cases/"})
        assert answer["Location"] == "/cases/"
        assert client.get("/").status_code == 200
        assert not StaticToken.objects.filter(token=codes[0]).exists()
        client.logout()
        sign_in(client, "hr")
        assert client.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 200  # used
        clock.shift(timedelta(seconds=60))
        assert client.post(reverse("two_factor_verify"), {"token": current_token(device)}).status_code == 302
        assert client.get("/").status_code == 200


def test_enrolment_cannot_replace_an_existing_authenticator(client, hr, require_2fa):
    TOTPDevice.objects.create(user=hr, name="身份验证器", confirmed=True)
    sign_in(client, "hr")
    assert client.get(reverse("two_factor_setup"))["Location"] == reverse("two_factor_verify")
    assert not TOTPDevice.objects.filter(user=hr, confirmed=False).exists()


@pytest.mark.parametrize("persona", ["hr", "member", "secretary", "auditor", "admin_user"])
def test_two_factor_is_required_for_the_party_group_auditors_hr_and_administrators(
    persona, request, require_2fa
):
    assert twofactor.is_required(request.getfixturevalue(persona))


def test_staff_sign_in_with_a_password_only(client, staff, require_2fa):
    assert not twofactor.is_required(staff)
    sign_in(client, "staff")
    assert client.get("/").status_code == 200


def test_the_setting_off_lets_demo_accounts_sign_in_with_a_password(client, hr):
    sign_in(client, "hr")
    assert client.get("/").status_code == 200


def test_sign_off_asks_for_the_second_factor_again(org, hr, require_2fa):
    world = build_world(org, hr)
    to_decision(world)
    meeting = voting.schedule_meeting(
        world.case, by=world.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )
    voting.record_attendance(meeting, by=world.secretary, present=world.members)
    meeting = voting.open_voting(meeting, by=world.secretary, method="hands")
    target = world.candidates[0]
    for member in world.members[1:] + world.members[:1]:
        voting.cast_votes(meeting, by=member, choices={target.pk: "agree"})
    meeting = voting.close_voting(meeting, by=world.secretary)
    member = world.members[1]
    with pytest.raises(ServiceError, match="尚未启用两步验证"):
        voting.sign_off(meeting, by=member, password=TEST_PASSWORD)
    device = TOTPDevice.objects.create(user=member, name="身份验证器", confirmed=True)
    with pytest.raises(ServiceError, match="动态验证码不正确"):
        voting.sign_off(meeting, by=member, password=TEST_PASSWORD, otp_token="")
    with pytest.raises(ServiceError, match="密码不正确"):
        voting.sign_off(meeting, by=member, password="wrong", otp_token=current_token(device))
    assert voting.signature_status(meeting)[member.pk] == "missing"
    voting.sign_off(meeting, by=member, password=TEST_PASSWORD, otp_token=current_token(device))
    assert voting.signature_status(meeting)[member.pk] == "valid"


# ---- sessions and headers --------------------------------------------------------------------------


def test_the_session_ends_after_30_idle_minutes_and_activity_renews_it(client, hr, settings):
    assert settings.XUANBA_IDLE_TIMEOUT_MINUTES == 30
    start = datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(hr)
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # renewed
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=31))
        gone = client.get("/")
        assert gone.status_code == 302 and gone["Location"].startswith(LOGIN)


def test_the_session_is_renewed_at_most_once_a_minute_not_written_on_every_page(client, hr):
    """Renewing the idle timeout costs a session write only when a minute has passed since the last one."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return sum(q["sql"].startswith("UPDATE") and "django_session" in q["sql"] for q in queries)

    start = datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(hr)
        writes()  # the first page after signing in stamps the session
        expiry = Session.objects.get().expire_date
        clock.shift(timedelta(seconds=30))
        assert writes() == 0
        assert Session.objects.get().expire_date == expiry
        clock.shift(timedelta(seconds=31))
        assert writes() == 1
        assert Session.objects.get().expire_date == expiry + timedelta(seconds=61)


def test_signed_in_pages_and_downloads_are_not_stored(client, hr, org):
    client.force_login(hr)
    for url in ("/", reverse("cadre_list"), reverse("cadre_import_template")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        b"".join(response.streaming_content) if response.streaming else None


def test_csp_forbids_base_tags_foreign_form_targets_and_framing(client):
    policy = client.get(LOGIN)["Content-Security-Policy"]
    assert "base-uri 'none'" in policy
    assert "form-action 'self'" in policy
    assert "frame-ancestors 'none'" in policy


# ---- deployment defaults ---------------------------------------------------------------------------


def _manage(args: list[str], env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XUANBA_"))}
    env.update({"DJANGO_ENV_FILE": "/nonexistent", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": "k3J9-production-secret-0f8a7c6e5d4b3a291807f6e5d4c3b2a1908f7e6d5c4b",
    "DJANGO_ALLOWED_HOSTS": "xuanba.example.gov.cn",
}


def _deploy_issues(env: dict[str, str]) -> tuple[subprocess.CompletedProcess, set[str]]:
    result = _manage(["check", "--deploy"], env)
    return result, set(re.findall(r"\(([a-z_]+\.[A-Z]\d{3})\)", result.stdout + result.stderr))


def test_check_deploy_is_clean_with_only_the_secret_key_and_hosts():
    result, issues = _deploy_issues(PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert issues == set(), result.stdout + result.stderr


def test_check_deploy_gives_no_warning_in_an_environment_of_only_the_secret_key_and_hosts():
    # Exactly what a fresh production server has; DJANGO_ENV_FILE only stands for "no .env file there".
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_ENV_FILE": "/nonexistent", **PRODUCTION}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


def test_a_half_done_secret_key_rotation_and_unusable_keys_are_reported():
    rotating = {**PRODUCTION, "DJANGO_SECRET_KEY_FALLBACKS": "old-" + PRODUCTION["DJANGO_SECRET_KEY"]}
    assert _deploy_issues(rotating)[1] == {"selection.W001"}
    broken = {**PRODUCTION, "XUANBA_BALLOT_KEK": "not-a-key", "XUANBA_SIGNING_KEY_FILE": "/nonexistent.pem"}
    result, issues = _deploy_issues(broken)
    assert result.returncode != 0 and issues == {"selection.E001", "selection.E002"}, result.stderr


def test_plain_http_is_an_explicit_opt_out():
    result, issues = _deploy_issues({**PRODUCTION, "DJANGO_HTTPS": "false"})
    assert result.returncode == 0, result.stderr + result.stdout
    assert issues == set(), result.stdout + result.stderr
    assert "4 silenced" in result.stdout + result.stderr


def _settings(names: str, env_overrides: dict[str, str]) -> list[str]:
    """The settings as a server with this environment (and no .env file) reads them."""
    code = f"from django.conf import settings as s; import django; django.setup(); print({names})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XUANBA_"))},
            "DJANGO_ENV_FILE": "/nonexistent",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **env_overrides,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_settings_default_to_https_two_factor_and_throttling():
    names = (
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.XUANBA_REQUIRE_2FA, s.AXES_ENABLED, s.SESSION_COOKIE_AGE"
    )
    assert _settings(names, PRODUCTION) == ["True", "31536000", "True", "True", "True", "1800"]


def test_hsts_ssl_redirect_and_the_proxy_header_are_set_from_the_environment():
    names = "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, repr(s.SECURE_PROXY_SSL_HEADER).replace(' ', '')"
    env = {
        **PRODUCTION,
        "DJANGO_SECURE_HSTS_SECONDS": "600",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    }
    assert _settings(names, env) == ["600", "False", "('HTTP_X_FORWARDED_PROTO','https')"]


def test_a_plain_install_has_what_the_urls_import_at_run_time():
    # pypdf (the case file, PDF active-content stripping) used to be listed under [dev] only.
    import tomllib

    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    runtime = {re.split(r"[~<>=!\[ ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert {"pypdf", "weasyprint", "openpyxl", "pillow", "defusedxml", "django-axes", "django-otp"} <= runtime


def test_seed_demo_refuses_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    from accounts.models import User

    assert not User.objects.filter(username="admin").exists()


def test_a_rotated_secret_key_keeps_open_votes_and_signed_heads_through_its_fallback(db, settings):
    from selection import sealing, signing

    key = sealing.create_key("rotation-test")
    old_fingerprint = signing.current_fingerprint()
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-" + old_secret, [old_secret]
    assert signing.current_fingerprint() != old_fingerprint
    assert old_fingerprint in signing.trusted_keys()  # heads signed before the rotation still verify
    assert sealing.rewrap_all() == 1  # the open vote's key, now under the new secret's key
    settings.SECRET_KEY_FALLBACKS = []
    key.refresh_from_db()
    assert len(sealing._keks().decrypt(bytes(key.wrapped_private))) == 32
