"""Votes under real parallel load (PostgreSQL, one connection per thread): counted exactly once, none lost.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/xuanba pytest tests/test_voting_concurrency.py -p no:xdist
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.db import connection

from accounts.models import User
from selection.models import BallotBox, Invitation, ParticipantCategory, SecretBallot, StaffBallot
from selection.services import voting
from selection.services.base import ServiceError

from .workflow import TODAY, to_decision, to_recommendation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises every writer, so parallel connections would prove nothing "
        "(set DATABASE_URL=postgres://…)",
    ),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


def in_parallel(calls: list, workers: int) -> list:
    """Run the calls on `workers` threads released together; each result is a value or the ServiceError."""
    start = threading.Barrier(min(workers, len(calls)))

    def run(call):
        try:
            if len(calls) <= workers:
                start.wait(timeout=30)
            return call()
        except ServiceError as error:
            return error
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


def staff(world, count: int) -> list[User]:
    password = make_password("pw-for-tests")
    return User.objects.bulk_create(
        [
            User(username=f"c{i}", full_name=f"职工{i}", organization=world.org, password=password)
            for i in range(count)
        ]
    )


def open_box(world, people: list[User]) -> BallotBox:
    to_recommendation(world)
    box = voting.create_ballot_box(
        world.case, by=world.hr, kind=BallotBox.Kind.RECOMMENDATION, title="会议推荐", held_on=TODAY
    )
    voting.invite_accounts(box, by=world.hr, users=people, category=ParticipantCategory.OTHER)
    return voting.open_box(box, by=world.hr)


def test_fifty_simultaneous_secret_votes_by_one_member_store_one_vote_R_DEC_3(world):
    to_decision(world)
    meeting = voting.schedule_meeting(
        world.case, by=world.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )
    voting.record_attendance(meeting, by=world.secretary, present=world.members)
    meeting = voting.open_voting(meeting, by=world.secretary, method="secret")
    member, target = world.members[1], world.candidates[0]
    results = in_parallel(
        [lambda: voting.cast_votes(meeting, by=member, choices={target.pk: "agree"})] * 50, workers=50
    )
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(refused) == 49 and {r.message for r in refused} == {voting.ALREADY_VOTED}
    assert meeting.secret_participations.count() == 1
    assert SecretBallot.objects.filter(meeting=meeting).count() == 1


def test_fifty_simultaneous_ballots_on_one_invitation_store_one_ballot_R_REC_8(world):
    person = staff(world, 1)[0]
    box = open_box(world, [person])
    pick = {"candidates": [world.candidates[0].pk]}
    results = in_parallel([lambda: voting.cast_staff_ballot(box, user=person, choices=pick)] * 50, workers=50)
    assert sum(isinstance(r, str) for r in results) == 1
    assert StaffBallot.objects.filter(box=box).count() == 1


def test_two_hundred_voters_at_once_store_two_hundred_ballots_R_REC_8(world):
    people = staff(world, 200)
    box = open_box(world, people)
    picks = [{"candidates": [world.candidates[i % 3].pk]} for i in range(200)]
    calls = [
        lambda person=person, pick=pick: voting.cast_staff_ballot(box, user=person, choices=pick)
        for person, pick in zip(people, picks, strict=True)
    ]
    results = in_parallel(calls, workers=40)
    assert all(isinstance(r, str) for r in results), [r for r in results if not isinstance(r, str)][:3]
    assert len(set(results)) == 200  # every voter has their own receipt
    assert StaffBallot.objects.filter(box=box).count() == 200
    assert Invitation.objects.filter(box=box, used=True).count() == 200
    box = voting.close_box(box, by=world.hr)
    assert box.round.actual == 200 and box.tally["total"]["votes"][str(world.candidates[0].pk)] == 67


def test_closing_while_ballots_arrive_loses_none_each_counts_or_is_refused_R_REC_6(world):
    people = staff(world, 120)
    box = open_box(world, people)
    pick = {"candidates": [world.candidates[0].pk]}
    calls = [
        lambda person=person: voting.cast_staff_ballot(box, user=person, choices=pick) for person in people
    ]
    calls.insert(60, lambda: voting.close_box(box, by=world.hr))
    results = in_parallel(calls, workers=40)
    closed = next(r for r in results if isinstance(r, BallotBox))
    accepted = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(accepted) + len(refused) == 120
    assert accepted and refused  # the close really landed in the middle of the stream
    assert {r.message for r in refused} <= {voting.BOX_NOT_OPEN}
    # Every accepted ballot is in the count, and nothing else is.
    assert closed.tally["total"]["valid"] == len(accepted) == StaffBallot.objects.filter(box=box).count()
    assert closed.round.actual == len(accepted)
    assert all(voting.check_receipt(r).counted for r in accepted)
