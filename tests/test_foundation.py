"""The foundation: login everywhere, roles, settings, demo data, health check."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from accounts.models import User
from accounts.roles import Role

BASE_DIR = Path(__file__).resolve().parent.parent

PUBLIC_URL_NAMES = {
    "login",
    "healthz",
    "slip_vote",
    "receipt_check",
    "annual_code",
}  # one-time codes: no account


def _named_patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _named_patterns(entry, ns)
        elif entry.name:
            found.append((namespace + entry.name, entry))
    return found


def _parameterless_url_names() -> list[str]:
    names = []
    for name, pattern in _named_patterns(get_resolver()):
        if name.startswith("admin:") or pattern.pattern.regex.groups:
            continue
        names.append(name)
    return sorted(set(names))


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", _parameterless_url_names())
def test_every_page_requires_login_except_public_ones(client, url_name):
    response = client.get(reverse(url_name))
    if url_name in PUBLIC_URL_NAMES:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302


@pytest.mark.django_db
def test_roles_exist_after_migrate():
    names = set(Group.objects.values_list("name", flat=True))
    assert {
        "人事干部",
        "党组书记",
        "分管领导",
        "党组成员",
        "纪检监察",
        "监督审计",
        "干部职工",
        "系统管理员",
    } <= names
    assert {role.group_name for role in Role} <= names


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-05", date(2026, 3, 5)),
        ("2026年03月05日", date(2026, 3, 5)),
        ("2026年3月5日", date(2026, 3, 5)),
        ("2026/3/5", date(2026, 3, 5)),
    ],
)
def test_chinese_dates_parse_in_forms(text, expected):
    with translation.override("zh-hans"):
        field = forms.DateField()
        assert field.clean(text) == expected


def test_invalid_date_gets_a_chinese_message():
    with translation.override("zh-hans"):
        form = type("F", (forms.Form,), {"day": forms.DateField()})({"day": "2026年13月5日"})
        assert not form.is_valid()
        assert "有效的日期" in form.errors["day"][0]


def _import_settings(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_ENV_FILE": "/nonexistent", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_secret_key_is_refused_when_missing_in_production_mode():
    result = _import_settings({"DJANGO_DEBUG": "false"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_secret_key_from_environment_is_accepted_in_production_mode():
    result = _import_settings({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr


def test_a_gunicorn_worker_loads_every_view_when_it_starts_not_on_its_first_request():
    """Importing the WSGI application imports the URLconf and the PDF stack (WeasyPrint, ~1.4 s), so
    the first request a worker serves after a restart is as quick as the others."""
    probe = "import sys, config.wsgi; print('config.urls' in sys.modules, 'weasyprint' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_settings_are_chinese_and_timezone_aware(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


@pytest.mark.django_db
def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_login_page_is_chinese_and_logs_in(client, hr):
    page = client.get(reverse("login"))
    assert "登录" in page.text and "用户名" in page.text
    response = client.post(reverse("login"), {"username": "hr", "password": "pw-for-tests"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "我的待办" in response.text
    assert "孙丽" in response.text


@pytest.mark.django_db
def test_wrong_password_gets_a_chinese_message(client, hr):
    response = client.post(reverse("login"), {"username": "hr", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.text


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client, hr):
    client.force_login(hr)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_password_change_in_chinese(client, hr):
    client.force_login(hr)
    page = client.get(reverse("password_change"))
    assert "修改密码" in page.text
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-for-tests", "new_password1": "Qz8#nm2026x", "new_password2": "Qz8#nm2026x"},
    )
    assert response.status_code == 302
    hr.refresh_from_db()
    assert hr.check_password("Qz8#nm2026x")


@pytest.mark.django_db
def test_navigation_shows_system_admin_only_to_administrators(client, hr, admin_user):
    admin_link = f'href="{reverse("admin:index")}"'
    client.force_login(hr)
    assert admin_link not in client.get(reverse("home")).text
    client.force_login(admin_user)
    assert admin_link in client.get(reverse("home")).text


@pytest.mark.django_db
def test_pages_load_assets_locally_never_from_a_cdn(client, hr):
    client.force_login(hr)
    html = client.get(reverse("home")).text
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "cdn" not in html.lower()
    for relative in ("bootstrap/dist/css/bootstrap.min.css", "htmx.org/dist/htmx.min.js"):
        assert (BASE_DIR / "node_modules" / relative).is_file()


@pytest.mark.django_db
def test_every_user_has_one_organization_and_roles(hr, secretary):
    assert hr.organization == secretary.organization
    assert hr.roles == {Role.HR}
    assert User.objects.get(username="secretary").has_role(Role.SECRETARY)
