"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here is marked `e2e` (run by `make e2e`, skipped by `make test`). A failing test leaves a
screenshot and the page's HTML in test-artifacts/ (ignored by git).
"""

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between page
# actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("XUANBA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "pw-for-tests"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The day tests/workflow.py builds its cases on (TODAY), a Thursday covered by chinese_calendar.
MORNING = datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-quic",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            stem = ARTIFACTS / item.name.replace("/", "_")
            try:
                page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
            except Exception:  # the page may be gone; the report matters more
                pass
    return report


@pytest.fixture
def login(page, live_server):
    """Log a user in through the login form, as a person would."""

    def _login(username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")

    return _login


@pytest.fixture
def logout(page, live_server):
    """Log out through the user menu, as a person would, and land on the login page."""

    def _logout() -> None:
        # The menu opens by Bootstrap's script, which runs at the end of the page: a click on the toggle
        # before the page has loaded (right after a form was sent) opens nothing.
        page.wait_for_load_state()
        page.locator("nav.navbar .dropdown-toggle").click()
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_url(f"{live_server.url}/accounts/login/")

    return _logout


@pytest.fixture
def switch_user(login, logout):
    """The next person at the keyboard: log out, then log in as `username`."""

    def _switch(username: str, password: str = DEMO_PASSWORD) -> None:
        logout()
        login(username, password)

    return _switch


@pytest.fixture
def clock():
    """Pin the server's clock (the live server runs in this process) to 26 November 2026, 9:30 Shanghai.

    The clock keeps ticking so the browser's timeouts still work; `clock.move_to(...)` travels on."""
    with time_machine.travel(MORNING, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads and generated files go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(org, hr, clock):
    """A small bureau (tests/workflow.py): seven party-group members (pg0 is the secretary), a vacant
    科长 post, three eligible cadres and an inspection team; built on the pinned day."""
    from ..workflow import build_world

    return build_world(org, hr)
