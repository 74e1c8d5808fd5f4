"""Personas (STYLE.md "Tests"): one organization with its people, and an HR officer of another one."""

import pytest

from accounts.roles import Role

from .factories import OrganizationFactory, UserFactory
from .tamper import allow_test_flush

allow_test_flush()


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings):
    """Background tasks run at once, inside the request that enqueues them (no worker in tests)."""
    import selection.tasks  # noqa: F401  (its receiver resets Django's cached task backends)

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache (e.g. the holiday-schedule reminder) starts empty in every test: rolled-back rows send no signal."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_required_second_factor(settings):
    """Tests sign in with a password only (tests/test_accounts_security.py turns XUANBA_REQUIRE_2FA on),
    over the test client's plain HTTP even when the settings were loaded with DEBUG off."""
    settings.XUANBA_REQUIRE_2FA = False
    settings.SECURE_SSL_REDIRECT = False


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
