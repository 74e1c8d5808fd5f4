"""R-ANR-2 on PostgreSQL: the attacks a database reader would run on the yearly evaluations — pairing a
ballot with its invitation by transaction id (xmin) and physical order (ctid) while the evaluation is
open, and reading dead row versions (pageinspect) and the write-ahead log after close. What they recover
must not tell a choice. Mirrors tests/test_ballot_attacks_pg.py.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/xuanba_bureau pytest tests/test_evaluation_attacks_pg.py
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from selection import sealing
from selection.models import EvaluationBallot, EvaluationInvitation, SealingKey
from selection.models.annual import evaluation_scope
from selection.services import annual

from .evaluation_ballots import MARKERS, WORK_VOTES, open_work, staff_voters, work_choices
from .test_ballot_attacks_pg import _page_bytes, _wal_bytes, extension, private_bytes, sql, table

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL attacks (set DATABASE_URL=postgres://…)"
    ),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


def work_with_votes(org, hr):
    voters = staff_voters(org, len(WORK_VOTES))
    work = open_work(org, hr, voters)
    for voter, (rating, problems, suggestion) in zip(voters, WORK_VOTES, strict=True):
        annual.cast(work, choices=work_choices(rating, problems, suggestion), user=voter)
    return work


def test_r_anr_2_xmin_and_ctid_pairing_during_the_evaluation_yields_only_sealed_blobs(org, hr):
    work = work_with_votes(org, hr)
    by_xmin = sql(
        f"SELECT i.user_id, b.sealed FROM {table(EvaluationInvitation)} i "
        f"JOIN {table(EvaluationBallot)} b ON b.xmin::text = i.xmin::text WHERE i.used"
    )
    assert len(by_xmin) == 4  # the pairing itself succeeds: one transaction wrote both rows
    by_ctid = list(
        zip(
            sql(f"SELECT user_id FROM {table(EvaluationInvitation)} WHERE used ORDER BY ctid"),
            sql(f"SELECT sealed FROM {table(EvaluationBallot)} ORDER BY ctid"),
            strict=True,
        )
    )
    recovered = [bytes(blob) for _user, blob in by_xmin] + [bytes(b[0]) for _u, b in by_ctid]
    # …but what it yields says nothing: no answer in the clear, one length for every ballot.
    assert len({len(blob) for blob in recovered}) == 1
    assert not any(marker in blob for blob in recovered for marker in MARKERS)
    annual.close_evaluation(work, by=hr)
    key = SealingKey.objects.get(scope=evaluation_scope(work))
    assert key.wrapped_private is None
    with pytest.raises(sealing.SealError):
        sealing.open_all(key, recovered[:1])
    work.refresh_from_db()
    assert work.tally["questions"][0]["counts"] == {"good": 1, "fair_good": 1, "average": 1, "poor": 1}


def test_r_anr_2_dead_row_versions_and_the_wal_hold_no_answer_and_no_private_key_after_close(org, hr):
    extension("pageinspect")
    extension("pg_walinspect")
    start = sql("SELECT pg_current_wal_lsn()::text")[0][0]
    work = work_with_votes(org, hr)
    key = SealingKey.objects.get(scope=evaluation_scope(work))
    secret_key = private_bytes(key)
    annual.close_evaluation(work, by=hr)
    rels = dict(
        sql(
            "SELECT relname, pg_relation_filenode(oid)::text FROM pg_class WHERE relname IN (%s, %s)",
            [table(EvaluationBallot), table(EvaluationInvitation)],
        )
    )
    records = sql(
        # Up to the flushed end: the insert position can run ahead of it while other databases write.
        "SELECT xid::text, block_ref FROM pg_get_wal_records_info(%s, pg_current_wal_flush_lsn()) "
        "WHERE resource_manager = 'Heap' AND record_type LIKE ANY (ARRAY['INSERT%%', 'HOT_UPDATE%%', 'UPDATE%%'])",
        [start],
    )
    xids = {
        rel: {xid for xid, ref in records if ref and f"/{node} " in ref + " "} for rel, node in rels.items()
    }
    # The WAL pairs each ballot insert with its invitation's update (same transaction id)…
    assert len(xids[table(EvaluationBallot)] & xids[table(EvaluationInvitation)]) == 4
    # …and what it pairs a voter with is a sealed blob whose key is gone. Nothing readable anywhere:
    pages = _page_bytes(EvaluationBallot) + _page_bytes(SealingKey) + _page_bytes(EvaluationInvitation)
    wal = _wal_bytes(start)
    for where in (pages, wal):
        assert secret_key not in where  # the private key never reached a page or the log in the clear
        assert not any(marker in where for marker in MARKERS[:1])  # no plaintext ballot, live or dead
    assert SealingKey.objects.get(pk=key.pk).wrapped_private is None
