"""Real concurrent connections on PostgreSQL: the row lock lets exactly one of two racing actions through.

SQLite serialises every writer, so the race these tests look for cannot happen there; they are skipped.
Run them with: DATABASE_URL=postgres://postgres@127.0.0.1:5432/xuanba pytest tests/test_concurrency.py
"""

import threading
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from selection.models import OpenVote, RecordEvent, verify_chain
from selection.services import cases as svc
from selection.services.base import ServiceError, StaleState, as_actor, lock_case, record_event

from .workflow import build_world, open_motion, to_decision

pytestmark = [
    # Flushing after each test emits post_migrate, which recreates permissions and the role groups.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: real row locks between concurrent connections (set DATABASE_URL)",
    ),
]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _clock():
    # tick=True: threads see a running clock pinned to a day chinese_calendar covers.
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=True):
        yield


def race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at the same moment, each in its own thread with its own connection.

    Returns what each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # collected and asserted by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


def test_two_users_starting_the_recommendation_at_once_exactly_one_succeeds(world):
    case = open_motion(world)
    svc.approve_motion(case, by=world.secretary)
    other_hr = world.team[0]  # an HR officer too
    results = race(
        lambda: svc.start_recommendation(case, by=world.hr),
        lambda: svc.start_recommendation(case, by=other_hr),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], StaleState)
    assert "可能已被他人处理，请刷新页面" in errors[0].message
    assert "民主推荐" in errors[0].message
    case.refresh_from_db()
    assert case.status == "recommendation"
    assert RecordEvent.objects.filter(case=case, action="start_recommendation").count() == 1
    assert verify_chain(case.events.order_by("seq")).ok


def test_two_users_approving_the_same_motion_at_once_record_it_once(world):
    case = open_motion(world)
    results = race(
        lambda: svc.approve_motion(case, by=world.secretary),
        lambda: svc.approve_motion(case, by=world.secretary),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], ServiceError)
    assert errors[0].message == "主要领导已同意该动议，无需重复操作。"
    assert RecordEvent.objects.filter(case=case, action="approve_motion").count() == 1


def test_twenty_simultaneous_votes_by_one_member_store_one_vote(world):
    to_decision(world)
    meeting = svc.convene_meeting(
        world.case,
        by=world.hr,
        held_on=world.case.motion_date,
        method="hands",
        chair=world.secretary,
        members=world.members,
        present=world.members,
    )
    candidate = world.candidates[0]
    member = world.members[1]
    results = race(*[lambda: svc.cast_open_vote(meeting, candidate, by=member, choice="agree")] * 20)
    stored = [r for r in results if isinstance(r, OpenVote)]
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(stored) == 1, results
    assert len(errors) == 19
    assert all(
        isinstance(e, ServiceError) and e.message == "您已对该人选表决，不能重复表决。" for e in errors
    )
    assert OpenVote.objects.filter(meeting=meeting, candidate=candidate, member=member).count() == 1


def test_concurrent_record_events_never_fork_the_chain(world):
    from django.db import transaction

    case = open_motion(world)
    actor = as_actor(world.hr)

    def append(index: int) -> object:
        with transaction.atomic():
            locked = lock_case(case)
            return record_event(locked, by=actor, action="note", summary=f"并发记录 {index}")

    results = race(*[lambda i=i: append(i) for i in range(10)])
    assert not [r for r in results if isinstance(r, Exception)], results
    events = list(RecordEvent.objects.filter(case=case).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, 12))
    assert len({e.prev_hash for e in events}) == len(events)  # no two events share a predecessor
    assert verify_chain(events).ok


def test_without_the_case_lock_the_unique_seq_refuses_a_fork(world):
    """Defence in depth: even a caller that forgets `lock_case` cannot store two events with one seq."""
    from django.db import IntegrityError, transaction

    case = open_motion(world)
    actor = as_actor(world.hr)

    def append(index: int) -> object:
        with transaction.atomic():
            return record_event(case, by=actor, action="note", summary=f"未加锁记录 {index}")

    results = race(*[lambda i=i: append(i) for i in range(8)])
    failures = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(f, IntegrityError) for f in failures), failures
    events = list(RecordEvent.objects.filter(case=case).order_by("seq"))
    assert len({e.seq for e in events}) == len(events)
    assert verify_chain(events).ok


def test_r_reg_1_two_hr_users_assigning_the_same_post_at_once_leave_one_holder(org, hr):
    """The registry service locks the organization: the second assignment sees the first and is refused."""
    from datetime import date

    from selection.models import PostHolding
    from selection.services.registry import HoldingRefused, assign_holding

    from .factories import CadreFactory, PostFactory

    post = PostFactory(organization=org)
    first, second = CadreFactory(organization=org), CadreFactory(organization=org)
    results = race(
        lambda: assign_holding(first, post, date(2024, 1, 1)),
        lambda: assign_holding(second, post, date(2024, 1, 1)),
    )
    assert sum(isinstance(r, HoldingRefused) for r in results) == 1
    assert PostHolding.objects.filter(post=post, ended_on__isnull=True).count() == 1


def test_r_reg_1_two_motions_for_the_same_post_at_once_open_one_case(org, hr):
    from selection.models import SelectionCase

    world = build_world(org, hr)

    def motion(title: str):
        return svc.open_case(
            world.org,
            by=world.hr,
            title=title,
            year=2026,
            posts=[world.post],
            motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
            motion_date=datetime(2026, 11, 26).date(),
        )

    results = race(lambda: motion("甲"), lambda: motion("乙"))
    assert sum(isinstance(r, ServiceError) for r in results) == 1
    assert SelectionCase.objects.filter(vacancies__post=world.post).count() == 1
