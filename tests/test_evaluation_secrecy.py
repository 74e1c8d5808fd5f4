"""R-ANR-2: the yearly evaluations (两评议) keep the same secrecy as every other ballot — nothing joins a
voter to a choice, not the tables, the admin, history, the logs, or the physical order of the rows; what
a pairing recovers is a sealed blob of fixed length that nobody can open after close.
Mirrors tests/test_ballot_secrecy.py; the PostgreSQL attacks are in tests/test_evaluation_attacks_pg.py."""

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

from selection import sealing
from selection.models import AnnualEvaluation, EvaluationBallot, EvaluationInvitation, SealingKey
from selection.models.annual import evaluation_scope
from selection.services import annual
from selection.services.ballots import receipt_hash
from selection.services.base import ServiceError

from .evaluation_ballots import (
    DAY,
    MARKERS,
    WORK_VOTES,
    open_cadre,
    open_work,
    staff_voters,
    work_choices,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def voters(org):
    return staff_voters(org, 4)


def _cast_work(work, voters) -> list[str]:
    return [
        annual.cast(work, choices=work_choices(r, p, s), user=v)
        for v, (r, p, s) in zip(voters, WORK_VOTES, strict=True)
    ]


@pytest.mark.django_db
def test_r_anr_2_the_evaluation_ballot_table_has_no_voter_no_time_no_ordered_key_and_no_plaintext():
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, EvaluationBallot._meta.db_table)
        relations = connection.introspection.get_relations(cursor, EvaluationBallot._meta.db_table)
    assert {c.name for c in described} == {"id", "evaluation_id", "sealed", "receipt_hash"}
    assert isinstance(EvaluationBallot._meta.pk, models.UUIDField)
    user_model = apps.get_model("accounts", "User")
    for field in EvaluationBallot._meta.get_fields():
        assert not isinstance(field, models.DateField | models.DateTimeField | models.AutoField), field
        assert getattr(field, "related_model", None) not in (user_model, EvaluationInvitation), field
    targets = {relation[1] for relation in relations.values()}
    assert not targets & {user_model._meta.db_table, EvaluationInvitation._meta.db_table}


def test_r_anr_2_the_invitation_table_says_who_took_part_but_holds_no_choice_no_time_and_no_ballot():
    for field in EvaluationInvitation._meta.get_fields():
        assert not isinstance(field, models.DateField | models.DateTimeField | models.AutoField), field
        assert getattr(field, "related_model", None) is not EvaluationBallot, field
        assert field.name not in {"choice", "choices", "receipt_hash", "sealed"}
    assert isinstance(EvaluationInvitation._meta.pk, models.UUIDField)


def test_r_anr_2_evaluation_ballots_and_invitations_are_in_no_admin_and_no_history_table():
    secret = {EvaluationBallot, EvaluationInvitation}
    assert not secret & set(admin.site._registry)
    history_bases = {
        getattr(m, "instance_type", None) for m in apps.get_models() if m.__name__.startswith("Historical")
    }
    assert not secret & history_bases
    assert not any(hasattr(m, "history") for m in secret)


def test_r_anr_2_casting_logs_nothing_and_the_tally_holds_counts_only(org, hr, voters, caplog):
    work = open_work(org, hr, voters)
    with caplog.at_level(logging.DEBUG):
        _cast_work(work, voters)
    assert caplog.records == []
    ballot_ids = {str(pk) for pk in EvaluationBallot.objects.values_list("pk", flat=True)}
    annual.close_evaluation(work, by=hr)
    work.refresh_from_db()
    text = json.dumps(work.tally, cls=DjangoJSONEncoder, ensure_ascii=False)
    assert not any(pk in text for pk in ballot_ids)
    assert set(work.tally) == {"ballots", "questions", "problems", "suggestions", "invited"}
    first = work.tally["questions"][0]["counts"]
    assert first == {"good": 1, "fair_good": 1, "average": 1, "poor": 1}


def _rows_by_rowid(model) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table} ORDER BY rowid")
        return cursor.fetchall()


def _pairing_attack() -> list[bytes]:
    """The k-th used invitation with the k-th ballot row (SQLite rowid order): what it recovers for each
    voter is the ballot row's stored content."""
    ballots = _rows_by_rowid(EvaluationBallot)
    assert len(_rows_by_rowid(EvaluationInvitation)) >= len(ballots)
    with connection.cursor() as cursor:
        names = [
            c.name
            for c in connection.introspection.get_table_description(cursor, EvaluationBallot._meta.db_table)
        ]
    return [bytes(row[names.index("sealed")]) for row in ballots]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="rowid is SQLite's; PostgreSQL: test_evaluation_attacks_pg"
)
def test_r_anr_2_pairing_by_rowid_recovers_sealed_blobs_that_say_nothing_and_open_never_after_close(
    org, hr, voters
):
    """SQLite: the k-th ballot row was cast with the k-th invitation. What that pairing yields is a
    fixed-length sealed blob — a long suggestion and nine ticked problems make it no longer — and after
    close no key can open it."""
    work = open_work(org, hr, voters)
    _cast_work(work, voters)
    recovered = _pairing_attack()
    assert len(recovered) == 4
    assert len({len(blob) for blob in recovered}) == 1
    assert not any(marker in blob for blob in recovered for marker in MARKERS)
    key = sealing.key_for(evaluation_scope(work))
    assert len(sealing.open_all(key, recovered)) == 4  # only the key (wrapped by the KEK) opens them
    annual.close_evaluation(work, by=hr)
    key.refresh_from_db()
    assert key.wrapped_private is None and key.destroyed_at is not None
    for stored in SealingKey.objects.all():
        with pytest.raises(sealing.SealError):
            sealing.open_all(stored, recovered[:1])
    work.refresh_from_db()
    assert work.tally["ballots"] == 4 and work.tally["problems"][2]["count"] == 2


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="rowid is SQLite's; PostgreSQL: test_evaluation_attacks_pg"
)
def test_r_anr_2_a_cadre_evaluation_ballot_paired_with_its_invitation_reveals_nothing(org, hr, voters):
    evaluation = open_cadre(org, hr, voters)
    ids = [str(pk) for pk in evaluation.cadres.values_list("pk", flat=True)]
    for voter, marks in zip(
        voters,
        [("agree", "agree"), ("disagree", "unknown"), ("basic", "disagree"), ("disagree", "disagree")],
        strict=True,
    ):
        annual.cast(evaluation, choices={"cadres": dict(zip(ids, marks, strict=True))}, user=voter)
    recovered = _pairing_attack()
    assert len({len(blob) for blob in recovered}) == 1  # 不认同 is no longer a ballot than 认同
    assert not any(marker in blob for blob in recovered for marker in MARKERS)
    annual.close_evaluation(evaluation, by=hr)
    evaluation.refresh_from_db()
    assert [c["counts"]["disagree"] for c in evaluation.tally["cadres"]] == [2, 2]
    assert [c["flagged"] for c in evaluation.tally["cadres"]] == [True, True]
    with pytest.raises(sealing.SealError):
        sealing.open_all(sealing.key_for(evaluation_scope(evaluation)), recovered[:1])


def test_r_anr_2_a_ballot_is_sealed_before_it_is_stored_and_opened_only_at_close(org, hr, voters):
    work = open_work(org, hr, voters)
    annual.cast(work, choices=work_choices("poor", [1], "无"), user=voters[0])
    # While the evaluation is open the tally is empty: nothing has been opened.
    work.refresh_from_db()
    assert work.tally == {}
    (blob,) = [bytes(b) for b in EvaluationBallot.objects.values_list("sealed", flat=True)]
    assert len(blob) == annual.ballot_size(work) + 48  # the sealed box adds its ephemeral key and tag
    annual.close_evaluation(work, by=hr)
    work.refresh_from_db()
    assert work.tally["questions"][0]["counts"]["poor"] == 1


def test_r_anr_2_a_ballot_after_close_is_refused_and_closing_twice_is_refused(org, hr, voters):
    work = open_work(org, hr, voters)
    annual.cast(work, choices=work_choices("good"), user=voters[0])
    annual.close_evaluation(work, by=hr)
    with pytest.raises(ServiceError, match=annual.NOT_OPEN):
        annual.cast(work, choices=work_choices("good"), user=voters[1])
    with pytest.raises(ServiceError, match="已经统计"):
        annual.close_evaluation(work, by=hr)
    assert EvaluationBallot.objects.count() == 1
    assert AnnualEvaluation.objects.get(pk=work.pk).tally["ballots"] == 1


def test_r_anr_2_a_database_reader_without_the_key_encryption_key_cannot_open_evaluation_ballots(
    org, hr, voters, settings
):
    work = open_work(org, hr, voters)
    annual.cast(work, choices=work_choices("good"), user=voters[0])
    blobs = [bytes(b) for b in EvaluationBallot.objects.values_list("sealed", flat=True)]
    key = sealing.key_for(evaluation_scope(work))
    settings.XUANBA_BALLOT_KEKS = [Fernet.generate_key().decode()]  # anyone else's KEK
    with pytest.raises(sealing.SealError, match="XUANBA_BALLOT_KEK"):
        sealing.open_all(key, blobs)


def test_r_anr_2_rotating_the_key_encryption_key_rewraps_open_evaluations(org, hr, voters, settings):
    work = open_work(org, hr, voters)
    annual.cast(work, choices=work_choices("average"), user=voters[0])
    old = base64.urlsafe_b64encode(sealing.derived_key(b"xuanba ballot kek")).decode()  # the default
    new = Fernet.generate_key().decode()
    settings.XUANBA_BALLOT_KEKS = [new, old]
    assert sealing.rewrap_all() == 1
    settings.XUANBA_BALLOT_KEKS = [new]  # the old one removed: the evaluation still closes and counts
    annual.close_evaluation(work, by=hr)
    work.refresh_from_db()
    assert work.tally["questions"][0]["counts"]["average"] == 1


def test_r_anr_2_a_slip_code_is_stored_only_as_a_keyed_hash_and_the_receipt_only_hashed(org, hr, voters):
    report = annual.open_report(org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    codes = annual.issue_slips(work, by=hr, count=3)
    work = annual.open_evaluation(work, by=hr)
    receipt = annual.cast(work, choices=work_choices("good"), code=codes[0])
    stored = list(EvaluationInvitation.objects.values_list("code_hash", flat=True))
    dump = json.dumps(
        [stored, list(EvaluationBallot.objects.values_list("receipt_hash", flat=True))], ensure_ascii=False
    )
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump
    assert receipt not in dump and receipt.replace("-", "") not in dump
    assert EvaluationBallot.objects.filter(receipt_hash=receipt_hash(receipt)).exists()


def test_r_anr_2_an_evaluation_receipt_is_checked_on_the_public_receipt_page(client, org, hr, voters):
    """The receipt an evaluator is shown proves their ballot is in the count, as a staff ballot's does."""
    from django.urls import reverse

    report = annual.open_report(org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    codes = annual.issue_slips(work, by=hr, count=2)
    work = annual.open_evaluation(work, by=hr)
    receipt = annual.cast(work, choices=work_choices("good"), code=codes[0])
    page = client.post(reverse("receipt_check"), {"receipt": receipt}).content.decode()
    assert f"“{work}”" in page and "投票结束后计入" in page
    annual.close_evaluation(work, by=hr)
    page = client.post(reverse("receipt_check"), {"receipt": receipt}).content.decode()
    assert "已计入计票结果" in page
    assert "没有找到" in client.post(reverse("receipt_check"), {"receipt": codes[1]}).content.decode()


def test_r_anr_2_sizing_a_ballot_costs_the_ballot_not_a_gigabyte(org, hr, voters):
    """The fixed ballot length is that of the widest content, found without padding anything: it used to
    pad to 10⁹ bytes to measure, a gigabyte allocated (and seconds spent) on every vote."""
    import tracemalloc

    work = open_work(org, hr, voters)
    tracemalloc.start()
    try:
        size = annual.ballot_size(work)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20
    widest = sealing.encoded(
        {
            "answers": {
                str(i): max((v for v, _ in work.options), key=len) for i in range(len(work.questions))
            },
            "problems": list(range(len(work.problems))),
            "suggestion": "\U0010ffff" * annual.SUGGESTION_MAX,
        }
    )
    assert len(widest) < size <= len(widest) + 64 and size % 64 == 0
