"""The attacks a PostgreSQL reader would run on secret ballots (R-REC-8, R-DEC-3; docs/SECURITY.md):
pairing by transaction id (xmin) and physical order (ctid) while voting is open, and reading dead row
versions (pageinspect) and the write-ahead log after close. What they recover must not tell a choice.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/xuanba_ballots pytest tests/test_ballot_attacks_pg.py -p no:xdist
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from nacl.public import PrivateKey

from accounts.roles import Role
from selection import sealing
from selection.models import (
    BallotBox,
    Invitation,
    ParticipantCategory,
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

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL attacks (set DATABASE_URL=postgres://…)"
    ),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHOICES = ["agree", "disagree", "postpone", "agree", "agree", "disagree", "agree"]
# What a plaintext ballot would contain (the sealed content's JSON keys, or a bare choice in a ballot row).
MARKERS = (b'"c":"', b'"category":', b'"candidates":', b'"appraisal":')


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


def sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def extension(name: str) -> None:
    try:
        sql(f"CREATE EXTENSION IF NOT EXISTS {name}")
    except Exception as exc:  # not shipped with this PostgreSQL, or no right to create it
        pytest.skip(f"{name} unavailable: {exc}")


def table(model) -> str:
    return model._meta.db_table


def private_bytes(key: SealingKey) -> bytes:
    """What an attacker would most like to find in the pages or the WAL after close: the raw private key."""
    return bytes(PrivateKey(sealing._keks().decrypt(bytes(key.wrapped_private))))


def secret_meeting_with_votes(world):
    to_decision(world)
    meeting = voting.schedule_meeting(
        world.case, by=world.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )
    voting.record_attendance(meeting, by=world.secretary, present=world.members)
    meeting = voting.open_voting(meeting, by=world.secretary, method="secret")
    target = world.candidates[0]
    for member, choice in zip(world.members[1:] + world.members[:1], CHOICES, strict=True):
        voting.cast_votes(meeting, by=member, choices={target.pk: choice})
    return meeting


def test_r_rec_8_xmin_and_ctid_pairing_during_the_vote_yields_only_sealed_blobs(world):
    meeting = secret_meeting_with_votes(world)
    # The attack: each participation row's transaction id (and its place in physical order) finds the
    # ballot written with it.
    by_xmin = sql(
        f"SELECT p.member_id, b.sealed FROM {table(SecretParticipation)} p "
        f"JOIN {table(SecretBallot)} b ON b.xmin::text = p.xmin::text"
    )
    assert len(by_xmin) == 7  # the pairing itself succeeds: one transaction wrote both rows
    by_ctid = list(
        zip(
            sql(f"SELECT member_id FROM {table(SecretParticipation)} ORDER BY ctid"),
            sql(f"SELECT sealed FROM {table(SecretBallot)} ORDER BY ctid"),
            strict=True,
        )
    )
    recovered = [bytes(blob) for _member, blob in by_xmin] + [bytes(b[0]) for _m, b in by_ctid]
    # …but what it yields says nothing: no choice in the clear, one length for every choice.
    assert len({len(blob) for blob in recovered}) == 1
    assert not any(marker in blob for blob in recovered for marker in MARKERS)
    # After close the key is gone: the pairs can never be opened, from the tables or any copy of them.
    voting.close_voting(meeting, by=world.secretary)
    key = SealingKey.objects.get(scope=meeting_scope(meeting))
    assert key.wrapped_private is None
    with pytest.raises(sealing.SealError):
        sealing.open_all(key, recovered[:1])
    assert sorted(SecretCount.objects.filter(meeting=meeting).values_list("choice", "count")) == [
        ("agree", 4),
        ("disagree", 2),
        ("postpone", 1),
    ]


def test_r_rec_8_staff_ballot_and_its_invitation_share_xmin_but_the_ballot_is_sealed(world):
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
    ids = [c.pk for c in world.candidates]
    for person, chosen in zip(people, [[ids[0]], [], [ids[1]], [ids[2]]], strict=True):
        voting.cast_staff_ballot(box, user=person, choices={"candidates": chosen})
    pairs = sql(
        f"SELECT i.user_id, b.sealed FROM {table(Invitation)} i "
        f"JOIN {table(StaffBallot)} b ON b.xmin::text = i.xmin::text WHERE i.used"
    )
    assert len(pairs) == 4
    blobs = [bytes(blob) for _user, blob in pairs]
    assert len({len(b) for b in blobs}) == 1 and not any(m in b for b in blobs for m in MARKERS)
    voting.close_box(box, by=world.hr)
    with pytest.raises(sealing.SealError):
        sealing.open_all(SealingKey.objects.get(scope=box_scope(box)), blobs[:1])


def _page_bytes(model) -> bytes:
    """Every tuple in the table's pages, live and dead (pageinspect), concatenated."""
    blocks = sql(f"SELECT pg_relation_size('{table(model)}') / current_setting('block_size')::int")[0][0]
    out = []
    for block in range(blocks):
        out += [
            bytes(row[0])
            for row in sql(
                f"SELECT t_data FROM heap_page_items(get_raw_page('{table(model)}', %s)) WHERE t_data IS NOT NULL",
                [block],
            )
        ]
    return b"\x00".join(out)


def _wal_bytes(start_lsn: str) -> bytes:
    """The raw write-ahead log from `start_lsn` to now (the segments on disk, read as the superuser)."""
    sql("SELECT pg_switch_wal()")  # close the current segment so everything written is on disk
    first, last = sql("SELECT pg_walfile_name(%s), pg_walfile_name(pg_current_wal_lsn())", [start_lsn])[0]
    names = [
        name for (name,) in sql("SELECT name FROM pg_ls_waldir() ORDER BY name") if first <= name <= last
    ]
    return b"".join(bytes(sql("SELECT pg_read_binary_file(%s)", [f"pg_wal/{name}"])[0][0]) for name in names)


def test_r_rec_8_dead_row_versions_and_the_wal_hold_no_choice_and_no_private_key_after_close(world):
    extension("pageinspect")
    extension("pg_walinspect")
    start = sql("SELECT pg_current_wal_lsn()::text")[0][0]
    meeting = secret_meeting_with_votes(world)
    key = SealingKey.objects.get(scope=meeting_scope(meeting))
    secret_key = private_bytes(key)
    voting.close_voting(meeting, by=world.secretary)
    # The WAL saw every insert: pg_walinspect pairs ballot and participation inserts by transaction id.
    rels = dict(
        sql(
            "SELECT relname, pg_relation_filenode(oid)::text FROM pg_class WHERE relname IN (%s, %s)",
            [table(SecretBallot), table(SecretParticipation)],
        )
    )
    records = sql(
        "SELECT xid::text, block_ref FROM pg_get_wal_records_info(%s, pg_current_wal_flush_lsn()) "
        "WHERE resource_manager = 'Heap' AND record_type LIKE 'INSERT%%'",
        [start],
    )
    xids = {
        rel: {xid for xid, ref in records if ref and f"/{node} " in ref + " "} for rel, node in rels.items()
    }
    assert len(xids[table(SecretBallot)] & xids[table(SecretParticipation)]) == 7  # the pairing is there
    # …and what it pairs a voter with is a sealed blob whose key is gone. Nothing readable anywhere:
    pages = _page_bytes(SecretBallot) + _page_bytes(SealingKey) + _page_bytes(SecretParticipation)
    wal = _wal_bytes(start)
    for where in (pages, wal):
        assert secret_key not in where  # the private key never reached a page or the log in the clear
        assert not any(marker in where for marker in MARKERS[:1])  # no plaintext ballot, live or dead
    # The dead version of the key row holds only the wrapped key; the live one holds nothing.
    assert SealingKey.objects.get(pk=key.pk).wrapped_private is None
