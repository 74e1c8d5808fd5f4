"""预警提醒 on 我的待办: each count equals a hand count over a varied registry, and its link lists exactly
those cadres (issue 15 §1; R-PRB-2, R-REQ-2, R-INS-9, R-REG-2, R-CAL-3)."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from selection import supervision
from selection.models import HolidaySchedule, PostHolding, Rank
from selection.rules import DEFAULT_SETTINGS, add_months

from .factories import CadreFactory, PostFactory, PostHoldingFactory, QuotaFactory
from .population import populate

TODAY = date(2026, 11, 26)


def _has_next(page) -> bool:
    """Django's Page has `has_next()`; the registry lists' capped pages (selection/paging.py) a property."""
    return page.has_next() if callable(page.has_next) else page.has_next


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def registry(org):
    return populate(org, TODAY)


def _alerts(client) -> dict:
    board = client.get(reverse("home")).context["board"]
    return {alert.key: alert for alert in board.alerts}


def _listed(client, url: str) -> set[str]:
    """The names the cadre list shows behind a link (every page)."""
    names, page = set(), 1
    while True:
        response = client.get(f"{url}{'&' if '?' in url else '?'}page={page}")
        assert response.status_code == 200
        names |= {row.cadre.name for row in response.context["rows"]}
        if not _has_next(response.context["page"]):
            return names
        page += 1


def _check(client, alerts, key, expected) -> None:
    names = {c.name for c in expected}
    assert alerts[key].count == len(names), key
    assert _listed(client, alerts[key].url) == names, key


def test_r_prb_2_probation_ending_this_and_next_month_match_a_hand_count(client, hr, registry):
    client.force_login(hr)
    alerts = _alerts(client)

    def ending(cadre, month_offset):
        first, last = supervision.month_range(TODAY, month_offset)
        return any(
            h.ended_on is None
            and h.probation_result == PostHolding.Probation.PENDING
            and first <= h.probation_ends_on <= last
            for h in cadre.holdings.all()
        )

    this_month = [c for c in registry if ending(c, 0)]
    assert this_month, "the population must exercise the alert"
    for key, expected in (
        ("probation_this_month", this_month),
        ("probation_next_month", [c for c in registry if ending(c, 1)]),
    ):
        # The card opens the 试用期 page (where probations are decided), listing exactly those probations.
        assert alerts[key].url.startswith(reverse("probation_list")), key
        listed = _probations_listed(client, alerts[key].url)
        assert alerts[key].count == len(listed) == len(expected), key
        assert set(listed) == {c.name for c in expected}, key
        # The cadre list's filter of the same name lists the same people.
        assert _listed(client, _cadre_probation_url(key)) == {c.name for c in expected}, key


def _probations_listed(client, url: str) -> list[str]:
    """The names the 试用期 page lists behind a dashboard card (every page), each linking to its probation."""
    names, page = [], 1
    while True:
        response = client.get(f"{url}&page={page}")
        assert response.status_code == 200
        for holding in response.context["ending"]:
            assert reverse("probation_detail", args=[holding.pk]) in response.text
            names.append(holding.cadre.name)
        if not _has_next(response.context["page"]):
            return names
        page += 1


def test_the_probation_card_list_pages_through_every_probation(client, hr, org, monkeypatch):
    from selection.views import probation as probation_views

    monkeypatch.setattr(probation_views, "ENDING_PAGE_SIZE", 2)
    for index in range(5):
        PostHoldingFactory(
            cadre=CadreFactory(organization=org, name=f"试用{index}"),
            post=PostFactory(organization=org),
            started_on=TODAY - timedelta(days=300),
            probation_ends_on=TODAY + timedelta(days=1 + index % 3),
            probation_result=PostHolding.Probation.PENDING,
        )
    client.force_login(hr)
    alert = _alerts(client)["probation_this_month"]
    assert alert.count == 5
    first = client.get(alert.url)
    assert first.context["page"].paginator.count == 5 and len(first.context["ending"]) == 2
    assert sorted(_probations_listed(client, alert.url)) == [f"试用{i}" for i in range(5)]


def _cadre_probation_url(key: str) -> str:
    return f"{reverse('cadre_list')}?probation={key.removeprefix('probation_')}"


def test_retirement_this_year_and_next_by_sex_and_rank_match_a_hand_count(client, hr, registry):
    client.force_login(hr)
    alerts = _alerts(client)

    def retiring(cadre, year):
        rank = cadre.rank_on(TODAY)
        age = DEFAULT_SETTINGS.retirement_ages[f"{cadre.sex}/{rank}"]
        return cadre.is_active and cadre.birth_date.year + age == year

    this_year = [c for c in registry if retiring(c, 2026)]
    assert this_year
    _check(client, alerts, "retirement_this_year", this_year)
    _check(client, alerts, "retirement_next_year", [c for c in registry if retiring(c, 2027)])


def test_retirement_age_is_a_setting_per_sex_and_rank(client, hr, org):
    chief = CadreFactory(organization=org, sex="女", birth_date=date(1968, 3, 1), name="林正职")
    PostHoldingFactory(cadre=chief, post=PostFactory(organization=org, rank=Rank.CHIEF))
    CadreFactory(organization=org, sex="女", birth_date=date(1968, 3, 2), name="林科员")
    org.rule_overrides = {"retirement_ages": {**DEFAULT_SETTINGS.retirement_ages, "女/chief": 58}}
    org.save()
    client.force_login(hr)
    assert _listed(client, _alerts(client)["retirement_this_year"].url) == {"林正职"}


def test_r_req_2_rotation_due_and_overdue_match_a_hand_count(client, hr, registry):
    client.force_login(hr)
    alerts = _alerts(client)
    due = [c for c in registry if c.rotation_status(TODAY) == "due"]
    overdue = [c for c in registry if c.rotation_status(TODAY) == "overdue"]
    assert due and overdue
    _check(client, alerts, "rotation_due", due)
    _check(client, alerts, "rotation_overdue", overdue)


def test_r_ins_9_sanctions_whose_effect_period_ends_by_the_end_of_next_month(client, hr, registry):
    client.force_login(hr)
    alerts = _alerts(client)
    after_window = supervision.month_range(TODAY, 1)[1] + timedelta(days=1)
    ending = [
        c
        for c in registry
        if c.is_active
        and any(s.in_effect_on(TODAY) and not s.in_effect_on(after_window) for s in c.sanctions.all())
    ]
    assert ending
    _check(client, alerts, "sanction_ending", ending)


def test_alerts_cover_subordinate_institutions_but_not_other_organizations(client, hr, org, other_org):
    from .factories import OrganizationFactory

    child = OrganizationFactory(name="安吉县医疗保障服务中心", parent=org)
    for owner, name in ((child, "下属单位干部"), (other_org, "外单位干部")):
        cadre = CadreFactory(organization=owner, name=name)
        PostHoldingFactory(
            cadre=cadre,
            post=PostFactory(organization=owner),
            probation_ends_on=date(2026, 11, 30),
            probation_result=PostHolding.Probation.PENDING,
        )
    client.force_login(hr)
    alert = _alerts(client)["probation_this_month"]
    page = client.get(alert.url)
    assert alert.count == 1
    assert _probations_listed(client, alert.url) == ["下属单位干部"]
    assert "外单位干部" not in page.text
    assert _listed(client, _cadre_probation_url(alert.key)) == {"下属单位干部"}


def test_r_reg_2_quota_lines_over_and_under_and_vacant_posts(client, hr, org):
    QuotaFactory(organization=org, rank=Rank.CHIEF, approved=1)
    QuotaFactory(organization=org, rank=Rank.DEPUTY, approved=3)
    for _ in range(2):  # two chiefs for one approved post: over
        PostHoldingFactory(cadre=CadreFactory(organization=org), post=PostFactory(organization=org))
    # a concurrent (兼任) chief post does not count against the quota, as on the quota page
    PostHoldingFactory(
        cadre=CadreFactory(organization=org), post=PostFactory(organization=org), is_concurrent=True
    )
    # one deputy of three: under
    PostHoldingFactory(
        cadre=CadreFactory(organization=org), post=PostFactory(organization=org, rank=Rank.DEPUTY)
    )
    left_long_ago = PostFactory(organization=org, rank=Rank.DEPUTY, title="副科长（空缺久）")
    PostHoldingFactory(cadre=CadreFactory(organization=org), post=left_long_ago, ended_on=date(2026, 5, 1))
    left_recently = PostFactory(organization=org, rank=Rank.DEPUTY, title="副科长（刚空缺）")
    PostHoldingFactory(cadre=CadreFactory(organization=org), post=left_recently, ended_on=date(2026, 10, 1))
    never = PostFactory(organization=org, rank=Rank.DEPUTY, title="副科长（未配备）")
    client.force_login(hr)
    alerts = _alerts(client)
    assert alerts["quota_over"].count == 1
    assert alerts["quota_under"].count == 1
    assert alerts["vacant_posts"].count == 2
    page = client.get(alerts["vacant_posts"].url)
    assert {p.pk for p in page.context["posts"]} == {left_long_ago.pk, never.pk}
    quotas = client.get(alerts["quota_over"].url)
    assert "超配 1 名（R-REG-2）" in quotas.text and "空缺 2 名" in quotas.text


def _open_case(org, hr, title):
    from selection.models import SelectionCase
    from selection.services import cases as svc

    return svc.open_case(
        org,
        by=hr,
        title=title,
        year=2026,
        posts=[PostFactory(organization=org)],
        motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
        motion_date=date.today(),
        analysis="科长空缺，需尽快配备。",
    )


def test_cases_waiting_longer_than_the_setting_at_one_step(client, hr, org):
    fresh = _open_case(org, hr, "新批次")
    with time_machine.travel(TODAY - timedelta(days=45), tick=False):
        old = _open_case(org, hr, "老批次")
    client.force_login(hr)
    alerts = _alerts(client)
    assert alerts["stale_cases"].count == 1
    listed = client.get(alerts["stale_cases"].url).context["cases"]
    assert [c.pk for c in listed] == [old.pk]
    assert fresh.pk not in [c.pk for c in listed]


def _last_steps() -> dict[int, tuple]:
    """Each case's stored `last_step_at` and what it stands for: the newest event's time, else creation."""
    from django.db.models import F, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from selection.models import RecordEvent, SelectionCase

    newest = RecordEvent.objects.filter(case=OuterRef("pk")).order_by("-seq").values("at")[:1]
    rows = SelectionCase.objects.annotate(expected=Coalesce(Subquery(newest), F("created_at")))
    return {case.pk: (case.last_step_at, case.expected) for case in rows}


def test_a_cases_last_step_follows_every_recorded_event(hr, secretary, org):
    from django.db import transaction

    from selection.models import SelectionCase
    from selection.services import cases as svc
    from selection.services.base import Actor, lock_case, record_event

    with time_machine.travel(TODAY - timedelta(days=45), tick=False):
        case = _open_case(org, hr, "批次")
    with time_machine.travel(TODAY - timedelta(days=40), tick=False):
        svc.approve_motion(case, by=secretary)  # the motion's own state, not the case's stage
        approved = timezone.now()
    assert [stored for stored, _ in _last_steps().values()] == [approved]
    stale_copy = SelectionCase.objects.get(pk=case.pk)
    with time_machine.travel(TODAY - timedelta(days=30), tick=False), transaction.atomic():
        record_event(lock_case(case), by=Actor(hr), action="note", summary="补充材料")  # no transition
        noted = timezone.now()
    stale_copy.title = "批次（改名）"
    stale_copy.save()  # a copy loaded before the event does not put the old time back
    assert [stored for stored, _ in _last_steps().values()] == [noted]
    with time_machine.travel(TODAY - timedelta(days=10), tick=False):
        svc.terminate_case(case, by=hr, reason="岗位调整")  # a transition
        terminated = timezone.now()
    case.refresh_from_db()
    assert case.title == "批次（改名）" and case.status == "terminated"
    assert case.last_step_at == terminated
    assert all(stored == expected for stored, expected in _last_steps().values())


def test_stale_count_and_urgent_list_read_the_last_step_not_the_creation(client, hr, secretary, org):
    from selection.services import cases as svc

    with time_machine.travel(TODAY - timedelta(days=60), tick=False):
        moved = _open_case(org, hr, "老批次，刚推进")
        waiting = _open_case(org, hr, "老批次，未推进")
    with time_machine.travel(TODAY - timedelta(days=2), tick=False):
        svc.approve_motion(moved, by=secretary)
        approved = timezone.now()
    client.force_login(hr)
    alerts = _alerts(client)
    assert alerts["stale_cases"].count == 1
    assert [c.pk for c in client.get(alerts["stale_cases"].url).context["cases"]] == [waiting.pk]
    board = client.get(reverse("home")).context["board"]
    assert [c.pk for c in board.urgent] == [waiting.pk, moved.pk]
    assert board.urgent[1].waiting_since == approved


def test_the_stale_list_pages_through_exactly_the_cases_counted(
    client, hr, org, monkeypatch, django_assert_max_num_queries
):
    from selection.views import supervision as supervision_views

    monkeypatch.setattr(supervision_views, "STALE_PAGE_SIZE", 2)
    stale = []
    for days in (50, 40, 35, 33, 31):
        with time_machine.travel(TODAY - timedelta(days=days), tick=False):
            stale.append(_open_case(org, hr, f"停留{days}天"))
    _open_case(org, hr, "刚启动")
    client.force_login(hr)
    alerts = _alerts(client)
    assert alerts["stale_cases"].count == 5
    listed, page = [], 1
    while True:
        # session, user, 2 OTP devices, groups, organization (settings); the count, the page of cases;
        # the session save (savepoint, update, release)
        with django_assert_max_num_queries(11):
            response = client.get(alerts["stale_cases"].url, {"page": page})
        listed += [c.pk for c in response.context["cases"]]
        if not _has_next(response.context["page"]):
            break
        page += 1
    assert listed == [c.pk for c in stale]  # the longest waiting first, none left out
    assert '<strong id="stale-count">5</strong>' in response.text


def test_r_cal_3_missing_holiday_schedule_for_next_year_is_flagged(client, hr, monkeypatch):
    client.force_login(hr)
    monkeypatch.setattr("selection.workdays.PACKAGE_YEARS", frozenset({2026}))
    assert "holiday_schedule" in _alerts(client)
    HolidaySchedule.objects.create(year=2027, holidays="2027-01-01")
    assert "holiday_schedule" not in _alerts(client)


def test_home_shows_counts_per_stage_and_only_the_longest_waiting_cases(client, hr, org):
    cases = []
    for days in range(8):
        with time_machine.travel(TODAY - timedelta(days=days * 3), tick=False):
            cases.append(_open_case(org, hr, f"第{days}批"))
    client.force_login(hr)
    response = client.get(reverse("home"))
    board = response.context["board"]
    assert {s.status: s.count for s in board.stages}["motion"] == 8
    assert [c.pk for c in board.urgent] == [c.pk for c in reversed(cases)][: supervision.URGENT_ITEMS]
    assert "查看全部 8 项" in response.text
    motion = next(s for s in board.stages if s.status == "motion")
    listed = client.get(motion.url).context["page"].object_list
    assert {c.pk for c in listed} == {c.pk for c in cases}


def test_dashboard_counts_link_to_the_list_from_the_page(client, hr, registry):
    client.force_login(hr)
    text = client.get(reverse("home")).text
    link = re.search(r'href="([^"]+)" data-alert="probation_this_month"', text)
    assert link and link.group(1) == f"{reverse('probation_list')}?ends=this_month"
    assert "试用期本月到期" in text


def test_staff_sees_no_dashboard(client, staff):
    client.force_login(staff)
    assert client.get(reverse("home")).context["board"].alerts == []


HOME_QUERIES = 37  # + the registry version that keys the cached counts, + the probations due beyond ten


@pytest.mark.parametrize("count", [1, 60])
def test_home_issues_a_constant_number_of_queries(client, hr, org, count, django_assert_max_num_queries):
    populate(org, TODAY, count=count)
    client.force_login(hr)
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_month_range_handles_december():
    assert supervision.month_range(date(2026, 12, 5), 1) == (date(2027, 1, 1), date(2027, 1, 31))
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)


PROBATION_CARD_QUERIES = 12  # session, user, OTP, groups/permissions, scope, count, page rows, base template


@pytest.mark.parametrize("count", [1, 8])
def test_probation_card_list_issues_a_constant_number_of_queries(
    client, hr, org, count, django_assert_max_num_queries
):
    for index in range(count):
        PostHoldingFactory(
            cadre=CadreFactory(organization=org),
            post=PostFactory(organization=org),
            started_on=TODAY - timedelta(days=300),
            probation_ends_on=TODAY + timedelta(days=1 + index % 3),
            probation_result=PostHolding.Probation.PENDING,
        )
    client.force_login(hr)
    with django_assert_max_num_queries(PROBATION_CARD_QUERIES):
        response = client.get(supervision.probation_url("this_month"))
    assert len(response.context["ending"]) == count


def test_the_vacant_post_list_pages_through_exactly_the_posts_counted(client, hr, org, monkeypatch):
    from selection.views import supervision as views

    monkeypatch.setattr(views, "STALE_PAGE_SIZE", 2)
    never = {PostFactory(organization=org, rank=Rank.DEPUTY, title=f"副科长{i}").pk for i in range(5)}
    PostHoldingFactory(cadre=CadreFactory(organization=org), post=PostFactory(organization=org))  # held
    client.force_login(hr)
    alert = next(a for a in client.get(reverse("home")).context["board"].alerts if a.key == "vacant_posts")
    assert alert.count == 5
    seen, page = [], 1
    while True:
        response = client.get(alert.url, {"page": page})
        assert '<strong id="vacant-count">5</strong>' in response.text
        seen += [post.pk for post in response.context["posts"]]
        if not response.context["page"].has_next():
            break
        page += 1
    assert page == 3 and sorted(seen) == sorted(never)
