"""Personas (STYLE.md "Tests"): one organization with its people, and an HR officer of another one."""

import pytest

from accounts.roles import Role

from .factories import OrganizationFactory, UserFactory
from .tamper import allow_test_flush

allow_test_flush()


# What every test runs with: fast password hashing; background tasks at once, inside the request that
# enqueues them (no worker in tests); case files laid out in the test's own process (forking children for
# every case file of the suite costs more than it saves on two busy cores — tests/test_pdf_parallel.py
# forks them on purpose); sign-in with a password only (tests/test_accounts_security.py turns
# XUANBA_REQUIRE_2FA on), over the test client's plain HTTP even when the settings were loaded with DEBUG off.
TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
    "XUANBA_PDF_PROCESSES": 1,
    "XUANBA_REQUIRE_2FA": False,
    "SECURE_SSL_REDIRECT": False,
}


@pytest.fixture(autouse=True)
def _test_settings(settings):
    import selection.tasks  # noqa: F401  (its receiver resets Django's cached task backends)

    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache (e.g. the holiday-schedule reminder) starts empty in every test: rolled-back rows send no signal."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo (`seed_demo`), seeded once per test module on its reference day at 9:00 and rolled
    back after the module's last test; each test runs in a savepoint inside it, so what one test changes
    the next does not see. Seeded once per module instead of once per test (about 10 s each)."""
    from datetime import datetime
    from io import StringIO
    from zoneinfo import ZoneInfo

    import time_machine
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    import selection.tasks  # noqa: F401
    from selection.demo import DEMO_TODAY

    at = datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    media = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(**TEST_SETTINGS, MEDIA_ROOT=media),
        time_machine.travel(at, tick=False),
        transaction.atomic(),
    ):
        call_command("seed_demo", "--force", stdout=StringIO())
        yield at
        transaction.set_rollback(True)


@pytest.fixture
def world(org, hr):
    """The party group, a department with its posts and quotas, cadres and an inspection team
    (tests/workflow.py drives a case through it); a module may define its own."""
    from .workflow import build_world

    return build_world(org, hr)


@pytest.fixture
def org(db):
    return OrganizationFactory(name="安吉县医疗保障局", short_name="县医保局")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="安吉县某某局", short_name="某某局")


@pytest.fixture
def hr(org):
    return UserFactory(username="hr", full_name="孙丽", organization=org, roles=[Role.HR])


@pytest.fixture
def secretary(org):
    return UserFactory(
        username="secretary", full_name="王建国", organization=org, roles=[Role.SECRETARY, Role.PARTY_MEMBER]
    )


@pytest.fixture
def member(org):
    return UserFactory(username="member", full_name="张卫东", organization=org, roles=[Role.PARTY_MEMBER])


@pytest.fixture
def auditor(org):
    return UserFactory(username="auditor", full_name="冯静", organization=org, roles=[Role.AUDITOR])


@pytest.fixture
def staff(org):
    return UserFactory(username="staff", full_name="王晓峰", organization=org, roles=[Role.STAFF])


@pytest.fixture
def outsider(other_org):
    """HR officer of another organization: sees nothing of ours."""
    return UserFactory(username="outsider", full_name="外单位", organization=other_org, roles=[Role.HR])


@pytest.fixture
def admin_user(org):
    return UserFactory(
        username="sysadmin", organization=None, roles=[Role.ADMIN], is_staff=True, is_superuser=True
    )
