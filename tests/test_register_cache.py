"""The register's counts kept between requests (`structure.registry_cached`) follow every change a user can
make — a holding, a post's rank, a 核定职数 edited in the admin, a probation decided — on the next page
(R-REG-2, R-MOT-1, R-PRB-2; issue 11)."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selection import gates
from selection.models import PostHolding, Quota, Rank
from selection.services.registry import assign_holding, end_holding, quota_rows

from .factories import CadreFactory, PostFactory, PostHoldingFactory, QuotaFactory
from .test_supervision import _open_case

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.XUANBA_REGISTRY_CACHE_SECONDS = 600
    with time_machine.travel(TODAY, tick=False):
        yield


def _alerts(client) -> dict:
    return {a.key: a.count for a in client.get(reverse("home")).context["board"].alerts}


def _filled(org, rank=Rank.CHIEF) -> int:
    return {row.rank: row.filled for row in quota_rows(org)}[rank]


def test_r_reg_2_filled_count_follows_an_appointment_and_a_departure(org):
    QuotaFactory(organization=org, rank=Rank.CHIEF, approved=3)
    post = PostFactory(organization=org, rank=Rank.CHIEF)
    assert _filled(org) == 0
    assert _filled(org) == 0  # now from the cache
    holding = assign_holding(
        CadreFactory(organization=org), post, date(2026, 1, 5), how=PostHolding.How.PROMOTION
    )
    assert _filled(org) == 1
    end_holding(holding, date(2026, 6, 1))
    assert _filled(org) == 0


def test_r_reg_2_filled_count_follows_a_posts_rank_changed(org):
    post = PostFactory(organization=org, rank=Rank.CHIEF)
    PostHoldingFactory(cadre=CadreFactory(organization=org), post=post)
    assert (_filled(org, Rank.CHIEF), _filled(org, Rank.DEPUTY)) == (1, 0)
    post.rank = Rank.DEPUTY
    post.save()  # a post's rank corrected (the admin saves it the same way)
    assert (_filled(org, Rank.CHIEF), _filled(org, Rank.DEPUTY)) == (0, 1)


def test_r_reg_2_quota_alert_follows_a_quota_edited_in_the_admin(client, hr, admin_user, org):
    quota = QuotaFactory(organization=org, rank=Rank.CHIEF, approved=1)
    for _ in range(2):
        PostHoldingFactory(cadre=CadreFactory(organization=org), post=PostFactory(organization=org))
    client.force_login(hr)
    assert _alerts(client)["quota_over"] == 1
    assert _alerts(client)["quota_over"] == 1  # from the cache
    admin = client.__class__()
    admin.force_login(admin_user)
    response = admin.post(
        reverse("admin:selection_quota_change", args=[quota.pk]),
        {"organization": org.pk, "rank": Rank.CHIEF, "approved": 2},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Quota.objects.get(pk=quota.pk).approved == 2
    assert quota.history.count() == 2  # the change is on record, with who made it
    assert quota.history.first().history_user == admin_user
    alerts = _alerts(client)
    assert (alerts["quota_over"], alerts["quota_under"]) == (0, 0)


def test_vacant_post_alert_follows_a_post_filled(client, hr, org):
    post = PostFactory(organization=org, rank=Rank.DEPUTY)
    client.force_login(hr)
    assert _alerts(client)["vacant_posts"] == 1
    assign_holding(CadreFactory(organization=org), post, TODAY, how=PostHolding.How.PROMOTION)
    assert _alerts(client)["vacant_posts"] == 0


def test_r_mot_1_case_page_quota_line_follows_the_register(client, hr, org):
    QuotaFactory(organization=org, rank=Rank.CHIEF, approved=2)
    case = _open_case(org, hr, "办公室主任选拔")
    client.force_login(hr)

    def line():
        (quota,) = client.get(case.get_absolute_url()).context["quota_lines"]
        return quota.holders

    assert line() == 0
    PostHoldingFactory(cadre=CadreFactory(organization=org), post=PostFactory(organization=org))
    assert line() == 1
    assert [q.holders for q in gates.quota_lines(case)] == [1]


def test_r_prb_2_probation_todo_follows_the_decision(client, hr, org):
    holding = PostHoldingFactory(
        cadre=CadreFactory(organization=org, name="试用期干部"),
        post=PostFactory(organization=org),
        probation_ends_on=date(2026, 12, 10),
        probation_result=PostHolding.Probation.PENDING,
    )
    client.force_login(hr)

    def todo() -> list[str]:
        return [
            item.title for item in client.get(reverse("home")).context["pending"] if "试用期" in item.title
        ]

    assert todo() == [f"试用期满考核：试用期干部（{holding.post}）"]
    holding.probation_result = PostHolding.Probation.PASSED
    holding.save()
    assert todo() == []


def test_a_signed_in_page_reads_the_user_and_their_organization_in_one_query(client, hr):
    client.force_login(hr)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("rule_list")).status_code == 200
    users = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(users) == 1 and "selection_organization" in users[0]
    assert not any(q["sql"].startswith('SELECT "selection_organization"') for q in queries.captured_queries)


def test_the_filtered_cadre_lists_count_is_kept_and_follows_a_new_cadre(client, hr, org):
    for index in range(3):
        CadreFactory(organization=org, name=f"王{index}")
    client.force_login(hr)
    url = reverse("cadre_list") + "?q=wang"

    def count(expect_count_query: bool) -> int:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).context["page"]
        counted = any(q["sql"].startswith("SELECT COUNT(*)") for q in queries.captured_queries)
        assert counted == expect_count_query
        return page.count

    assert count(expect_count_query=True) == 3
    assert count(expect_count_query=False) == 3  # the register has not changed: the count is kept
    CadreFactory(organization=org, name="王新")
    assert count(expect_count_query=True) == 4
    assert client.get(reverse("cadre_list") + "?q=li").context["page"].count == 0  # its own key


def test_r_mot_1_the_step_counts_afresh_when_the_pages_kept_count_is_behind(client, hr, secretary, org):
    """A holding reopened by a bulk update (no change history, so the register's version stays) leaves
    the case page's kept count behind; the 动议 step itself still counts and refuses."""
    from selection.services import cases as svc
    from selection.services.base import TransitionRefused

    QuotaFactory(organization=org, rank=Rank.CHIEF, approved=1)
    former = PostHoldingFactory(
        cadre=CadreFactory(organization=org), post=PostFactory(organization=org), ended_on=date(2026, 6, 1)
    )
    case = _open_case(org, hr, "办公室主任选拔")
    client.force_login(hr)
    assert [q.holders for q in client.get(case.get_absolute_url()).context["quota_lines"]] == [0]
    PostHolding.objects.filter(pk=former.pk).update(ended_on=None)  # now 1 of 1 places is filled
    assert [q.holders for q in client.get(case.get_absolute_url()).context["quota_lines"]] == [0]  # kept
    case = svc.approve_motion(case, by=secretary)
    with pytest.raises(TransitionRefused, match="R-MOT-1"):
        svc.start_recommendation(case, by=hr)
    case.refresh_from_db()
    assert case.status == "motion"


def test_the_cadre_lists_kept_count_follows_a_new_resume_line(client, hr, org):
    """The search reads former posts in the résumé too: a new line changes the register's version."""
    from .factories import ResumeEntryFactory

    cadre = CadreFactory(organization=org, name="周明")
    client.force_login(hr)
    url = reverse("cadre_list") + "?q=稽核科"
    assert client.get(url).context["page"].count == 0
    ResumeEntryFactory(cadre=cadre, text="安吉县医疗保障局稽核科科员")
    assert client.get(url).context["page"].count == 1


def test_two_databases_sharing_one_cache_never_read_each_others_counts(db, monkeypatch):
    """Keys name the database in use (config/cache.py): the same count under the same registry version
    in another database (a second deployment on the same Redis, the demo beside the tests) is computed
    there, not read from here."""
    from selection.structure import registry_cached

    assert registry_cached("probe", lambda: "here") == "here"
    assert registry_cached("probe", lambda: "computed again") == "here"  # kept for this database
    monkeypatch.setitem(connection.settings_dict, "NAME", "another_database")
    assert registry_cached("probe", lambda: "there") == "there"


def _redis_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_with_a_redis_cache_url_every_worker_reads_the_count_one_worker_computed(tmp_path):
    """DJANGO_CACHE_URL=redis://…: two processes (two gunicorn workers) share the cache, so a count one
    computed is not computed again by the other."""
    import os
    import subprocess
    import sys
    import uuid

    key = f"probe-{uuid.uuid4().hex}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_CACHE_URL": "redis://127.0.0.1:6379/15",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    script = (
        "import sys, django; django.setup(); from django.core.cache import cache; "
        "print(cache.get_or_set(sys.argv[1], lambda: sys.argv[2], 30))"
    )

    def worker(offer: str) -> str:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings"
        done = subprocess.run(
            [sys.executable, "-c", script, key, offer], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert worker("first") == "first"
    assert worker("second") == "first"  # a per-process cache would answer "second"


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def test_a_redis_that_is_down_leaves_every_page_answering_with_counts_computed_afresh(
    settings, client, hr, org
):
    """DJANGO_CACHE_URL names a Redis that is not running (stopped, restarting): the dashboard, the cadre
    list and the statistics still answer, their counts computed on each request (config/cache.py)."""
    from config.cache import caches

    settings.CACHES = caches(f"redis://127.0.0.1:{_closed_port()}/0")
    CadreFactory(organization=org, name="陈晓明")
    client.force_login(hr)
    for name in ("home", "cadre_list", "cadre_structure"):
        assert client.get(reverse(name)).status_code == 200, name
    url = reverse("cadre_list") + "?q=陈晓明"
    assert client.get(url).context["page"].count == 1
    CadreFactory(organization=org, name="陈晓明")
    assert client.get(url).context["page"].count == 2
