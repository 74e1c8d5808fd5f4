"""无记名: nothing joins a voter to a choice — not the tables, the admin, history, the record or the logs
(DESIGN.md "Votes and ballots", R-DEC-3, R-REC-8)."""

import base64
import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.apps import apps
from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

from accounts.roles import Role
from selection import sealing
from selection.models import (
    BallotBox,
    Invitation,
    ParticipantCategory,
    RecordEvent,
    SealingKey,
    SecretBallot,
    SecretCount,
    SecretParticipation,
    StaffBallot,
)
from selection.models.ballot import box_scope, meeting_scope
from selection.services import voting

from .factories import UserFactory
from .workflow import TODAY, to_decision, to_recommendation

SHANGHAI = ZoneInfo("Asia/Shanghai")
BALLOT_MODELS = [SecretBallot, StaffBallot]
PARTICIPATION_MODELS = [SecretParticipation, Invitation]


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


def _columns(model) -> dict[str, str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {c.name: c for c in described}


@pytest.mark.django_db
@pytest.mark.parametrize("model", BALLOT_MODELS)
def test_a_ballot_table_has_no_voter_no_time_and_no_ordered_key_R_REC_8(model):
    names = set(_columns(model))
    expected = {
        SecretBallot: {"id", "meeting_id", "candidate_id", "sealed"},
        StaffBallot: {"id", "box_id", "sealed", "receipt_hash"},
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


CHOICE_MARKERS = (b'"c":"', b'"category":', b"agree", b"disagree", b"postpone")


def _rows_by_rowid(model) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table} ORDER BY rowid")
        return cursor.fetchall()


def _pairing_attack(ballot_model, participation_model) -> list[bytes]:
    """The k-th participation row with the k-th ballot row (SQLite rowid order): what it recovers for each
    voter is the ballot row's stored content."""
    ballots = _rows_by_rowid(ballot_model)
    assert len(_rows_by_rowid(participation_model)) >= len(ballots)
    sealed_at = [
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), ballot_model._meta.db_table
        )
    ].index("sealed")
    return [bytes(row[sealed_at]) for row in ballots]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="rowid is SQLite's; PostgreSQL: test_ballot_attacks_pg"
)
def test_r_rec_8_pairing_by_rowid_recovers_sealed_blobs_that_say_nothing_and_open_never_after_close(world):
    """SQLite: the k-th ballot row was cast with the k-th participation row. What that pairing yields is a
    fixed-length sealed blob: no choice in it, all the same length, and after close no key can open it."""
    meeting = _secret_meeting(world)
    target = world.candidates[0]
    voters = world.members[1:] + world.members[:1]
    for member, choice in zip(
        voters, ["agree", "disagree", "postpone", "agree", "agree", "disagree", "agree"], strict=True
    ):
        voting.cast_votes(meeting, by=member, choices={target.pk: choice})
    recovered = _pairing_attack(SecretBallot, SecretParticipation)
    assert len(recovered) == 7
    assert len({len(blob) for blob in recovered}) == 1  # the length does not tell agree from postpone
    for blob in recovered:
        assert not any(marker in blob for marker in CHOICE_MARKERS)
    key = sealing.key_for(meeting_scope(meeting))
    assert len(sealing.open_all(key, recovered)) == 7  # only the key (wrapped by the KEK) opens them
    voting.close_voting(meeting, by=world.secretary)
    key.refresh_from_db()
    assert key.wrapped_private is None and key.destroyed_at is not None
    for stored in SealingKey.objects.all():
        with pytest.raises(sealing.SealError):
            sealing.open_all(stored, recovered[:1])
    # The tally is intact: counts only.
    counts = {(c.choice, c.count) for c in SecretCount.objects.filter(meeting=meeting)}
    assert counts == {("agree", 4), ("disagree", 2), ("postpone", 1)}


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="rowid is SQLite's; PostgreSQL: test_ballot_attacks_pg"
)
def test_r_rec_8_a_staff_ballot_paired_with_its_invitation_reveals_nothing_and_cannot_be_opened_after_close(
    world,
):
    to_recommendation(world)
    box = voting.create_ballot_box(
        world.case, by=world.hr, kind=BallotBox.Kind.RECOMMENDATION, title="会议推荐", held_on=TODAY
    )
    people = [
        UserFactory(username=f"s{i}", full_name=f"职工{i}", organization=world.org, roles=[Role.STAFF])
        for i in range(4)
    ]
    voting.invite_accounts(box, by=world.hr, users=people, category=ParticipantCategory.OTHER)
    voting.open_box(box, by=world.hr)
    picks = [
        [world.candidates[0].pk],
        [],
        [world.candidates[1].pk],
        [world.candidates[2].pk],
    ]
    for person, chosen in zip(people, picks, strict=True):
        voting.cast_staff_ballot(box, user=person, choices={"candidates": chosen})
    recovered = _pairing_attack(StaffBallot, Invitation)
    assert len({len(blob) for blob in recovered}) == 1  # ticking more names makes no longer a blob
    for blob in recovered:
        assert not any(marker in blob for marker in CHOICE_MARKERS)
    voting.close_box(box, by=world.hr)
    box.refresh_from_db()
    assert box.tally["total"]["valid"] == 4
    key = sealing.key_for(box_scope(box))
    with pytest.raises(sealing.SealError):
        sealing.open_all(key, recovered[:1])


def test_r_rec_8_a_database_reader_without_the_key_encryption_key_cannot_open_ballots_during_the_vote(
    world, settings
):
    meeting = _secret_meeting(world)
    voting.cast_votes(meeting, by=world.members[1], choices={world.candidates[0].pk: "agree"})
    blobs = [bytes(b) for b in SecretBallot.objects.values_list("sealed", flat=True)]
    key = sealing.key_for(meeting_scope(meeting))
    settings.XUANBA_BALLOT_KEKS = [Fernet.generate_key().decode()]  # anyone else's KEK
    with pytest.raises(sealing.SealError, match="XUANBA_BALLOT_KEK"):
        sealing.open_all(key, blobs)


def test_rotating_the_key_encryption_key_rewraps_open_votes_so_the_old_one_can_go(world, settings):
    meeting = _secret_meeting(world)
    voting.cast_votes(meeting, by=world.members[1], choices={world.candidates[0].pk: "disagree"})
    blobs = [bytes(b) for b in SecretBallot.objects.values_list("sealed", flat=True)]
    old = base64.urlsafe_b64encode(sealing.derived_key(b"xuanba ballot kek")).decode()  # the default
    new = Fernet.generate_key().decode()
    settings.XUANBA_BALLOT_KEKS = [new, old]  # the new key first, the old one still listed
    assert sealing.rewrap_all() == 1
    settings.XUANBA_BALLOT_KEKS = [new]  # the old one removed
    key = sealing.key_for(meeting_scope(meeting))
    assert sealing.open_all(key, blobs) == [{"c": "disagree", "k": world.candidates[0].pk}]


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
