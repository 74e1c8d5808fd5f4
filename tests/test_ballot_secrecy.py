"""无记名: nothing joins a voter to a choice — not the tables, the admin, history, the record or the logs
(DESIGN.md "Votes and ballots", R-DEC-3, R-REC-8)."""

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

from accounts.roles import Role
from selection.models import (
    BallotBox,
    Invitation,
    ParticipantCategory,
    RecordEvent,
    SecretBallot,
    SecretParticipation,
    StaffBallot,
)
from selection.services import voting

from .factories import UserFactory
from .workflow import TODAY, build_world, to_decision, to_recommendation

SHANGHAI = ZoneInfo("Asia/Shanghai")
BALLOT_MODELS = [SecretBallot, StaffBallot]
PARTICIPATION_MODELS = [SecretParticipation, Invitation]


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def world(org, hr):
    return build_world(org, hr)


def _columns(model) -> dict[str, str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {c.name: c for c in described}


@pytest.mark.django_db
@pytest.mark.parametrize("model", BALLOT_MODELS)
def test_a_ballot_table_has_no_voter_no_time_and_no_ordered_key_R_REC_8(model):
    names = set(_columns(model))
    expected = {
        SecretBallot: {"id", "meeting_id", "candidate_id", "choice"},
        StaffBallot: {"id", "box_id", "category", "choices", "receipt_hash"},
    }[model]
    assert names == expected
    assert isinstance(model._meta.pk, models.UUIDField)
    user_model = apps.get_model("accounts", "User")
    for field in model._meta.get_fields():
        assert not isinstance(field, models.DateField | models.DateTimeField | models.AutoField), field
        related = getattr(field, "related_model", None)
        assert related not in (user_model, *PARTICIPATION_MODELS), field
    # The database agrees with the model: no foreign key from a ballot to an account or a participation.
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, model._meta.db_table)
    targets = {relation[1] for relation in relations.values()}
    assert user_model._meta.db_table not in targets
    assert not targets & {m._meta.db_table for m in PARTICIPATION_MODELS}


@pytest.mark.django_db
@pytest.mark.parametrize("model", PARTICIPATION_MODELS)
def test_a_participation_table_says_who_voted_but_holds_no_choice_no_time_and_no_ballot(model):
    for field in model._meta.get_fields():
        assert not isinstance(field, models.DateField | models.DateTimeField | models.AutoField), field
        assert getattr(field, "related_model", None) not in BALLOT_MODELS, field
        assert field.name not in {"choice", "choices", "receipt_hash"}
    assert isinstance(model._meta.pk, models.UUIDField)


def test_ballots_and_participation_are_in_no_admin_and_no_history_table():
    secret = {SecretBallot, SecretParticipation, StaffBallot, Invitation}
    assert not secret & set(admin.site._registry)
    history_bases = {
        getattr(m, "instance_type", None) for m in apps.get_models() if m.__name__.startswith("Historical")
    }
    assert not secret & history_bases
    assert not any(hasattr(m, "history") for m in secret)


def _secret_meeting(world):
    to_decision(world)
    meeting = voting.schedule_meeting(
        world.case, by=world.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )
    voting.record_attendance(meeting, by=world.secretary, present=world.members)
    return voting.open_voting(meeting, by=world.secretary, method="secret")


def test_the_record_and_the_logs_hold_counts_only_never_a_voter_with_a_choice(world, caplog):
    meeting = _secret_meeting(world)
    target = world.candidates[0]
    before = RecordEvent.objects.count()
    choices = ["agree", "disagree", "agree", "postpone", "agree", "agree", "disagree"]
    with caplog.at_level(logging.DEBUG):
        for member, choice in zip(world.members[1:] + world.members[:1], choices, strict=True):
            voting.cast_votes(meeting, by=member, choices={target.pk: choice})
    # Casting writes nothing to the record and nothing to any log.
    assert RecordEvent.objects.count() == before
    assert caplog.records == []
    ballot_ids = {str(pk) for pk in SecretBallot.objects.filter(meeting=meeting).values_list("pk", flat=True)}
    voting.close_voting(meeting, by=world.secretary)
    events = list(RecordEvent.objects.filter(case=world.case).values("action", "summary", "payload"))
    text = json.dumps(events, cls=DjangoJSONEncoder, ensure_ascii=False)
    assert not any(pk in text for pk in ballot_ids)
    close = next(e for e in events if e["action"] == "close_meeting")
    tally = close["payload"]["tallies"][str(target.pk)]
    assert (tally["agree"], tally["disagree"], tally["postpone"]) == (4, 2, 1)
    assert set(close["payload"]) == {"method", "tallies", "tally_sha256"}
    assert set(tally) == {
        "name",
        "agree",
        "disagree",
        "postpone",
        "expected",
        "recused",
        "outcome",
        "outcome_label",
    }


def test_closing_rewrites_the_ballot_box_so_storage_order_says_nothing_about_casting_order(
    world, monkeypatch
):
    """Rows written while voting keep their insertion order in SQLite's rowid and share a transaction id
    (xmin) with their participation row in PostgreSQL; closing rewrites both tables in shuffled order."""

    class Reverse:  # a deterministic stand-in for the shuffle, to see the rows follow it
        def shuffle(self, rows: list) -> None:
            rows.reverse()

    monkeypatch.setattr("selection.models.ballot.random.SystemRandom", Reverse)
    meeting = _secret_meeting(world)
    target = world.candidates[0]
    for member in world.members[1:] + world.members[:1]:
        voting.cast_votes(meeting, by=member, choices={target.pk: "agree"})
    ballots, parts = SecretBallot._meta.db_table, SecretParticipation._meta.db_table
    voting.close_voting(meeting, by=world.secretary)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT id FROM {ballots} ORDER BY rowid")
            stored = [row[0] for row in cursor.fetchall()]
            expected = sorted(stored, reverse=True)
            assert stored == expected  # storage order is the shuffle's, whatever the casting order was
        else:
            # One transaction rewrote every ballot and every participation row: xmin joins nothing.
            cursor.execute(f"SELECT DISTINCT xmin::text FROM {ballots}")
            ballot_xmin = {row[0] for row in cursor.fetchall()}
            cursor.execute(f"SELECT DISTINCT xmin::text FROM {parts}")
            assert len(ballot_xmin) == 1 and {row[0] for row in cursor.fetchall()} == ballot_xmin
    assert SecretBallot.objects.filter(meeting=meeting).count() == 7


def test_a_slip_code_is_stored_only_as_a_keyed_hash_and_a_receipt_reveals_no_choice(world):
    to_recommendation(world)
    box = voting.create_ballot_box(
        world.case, by=world.hr, kind=BallotBox.Kind.RECOMMENDATION, title="会议推荐", held_on=TODAY
    )
    person = UserFactory(username="s1", full_name="职工甲", organization=world.org, roles=[Role.STAFF])
    voting.invite_accounts(box, by=world.hr, users=[person], category=ParticipantCategory.OTHER)
    codes = voting.issue_slips(box, by=world.hr, count=3, category=ParticipantCategory.OTHER)
    voting.open_box(box, by=world.hr)
    receipt = voting.cast_staff_ballot(box, user=person, choices={"candidates": [world.candidates[0].pk]})
    stored = list(Invitation.objects.values_list("code_hash", flat=True))
    dump = json.dumps(
        [stored, list(RecordEvent.objects.values("summary", "payload"))],
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump
    assert receipt not in dump
    assert not StaffBallot.objects.filter(receipt_hash=receipt).exists()  # hashed too
    check = voting.check_receipt(receipt)
    assert check.found and not hasattr(check, "choices")
