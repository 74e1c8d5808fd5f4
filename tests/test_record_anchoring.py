"""A record that cannot be rewritten unseen (R-REQ-1; DESIGN.md "Record integrity"; docs/SECURITY.md):
the database refuses to change or remove events, each case's head is signed with a key kept outside the
database, and a receipt or a printed digest proves later that the chain still extends it."""

import base64
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from selection import integrity, signing
from selection.models import RecordEvent, SignedHead
from selection.models.record import AppendOnlyError
from selection.services import cases as svc

from .factories import CadreFactory, PostFactory
from .tamper import force_delete, force_update
from .workflow import TODAY, build_world, to_recommendation

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def world(org, hr):
    world = build_world(org, hr)
    to_recommendation(world)  # six events: open, approve (stage), start (stage), three nominations
    return world


def run(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def events(case, *seqs):
    return RecordEvent.objects.filter(case=case, seq__in=seqs)


def rewrite_consistently(case, seq: int, **changes) -> None:
    """What a database superuser could do: change event `seq` and recompute every later hash and link."""
    prev = None
    for event in RecordEvent.objects.filter(case=case, seq__gte=seq).order_by("seq"):
        if event.seq == seq:
            for name, value in changes.items():
                setattr(event, name, value)
        else:
            event.prev_hash = prev
        event.hash = event.compute_hash()
        force_update(
            RecordEvent.objects.filter(pk=event.pk),
            prev_hash=event.prev_hash,
            hash=event.hash,
            **(changes if event.seq == seq else {}),
        )
        prev = event.hash


# ---- the database refuses ---------------------------------------------------------------------------


def test_r_req_1_the_orm_refuses_to_update_or_delete_record_events_singly_or_in_bulk(world):
    qs = RecordEvent.objects.filter(case=world.case)
    first = qs.order_by("seq").first()
    with pytest.raises(AppendOnlyError):
        qs.filter(seq__gte=4).delete()
    with pytest.raises(AppendOnlyError):
        qs.update(summary="改写")
    with pytest.raises(AppendOnlyError):
        RecordEvent.objects.bulk_update([first], ["summary"])
    with pytest.raises(AppendOnlyError):
        first.delete()
    first.summary = "改写"
    with pytest.raises(AppendOnlyError):
        first.save()
    assert qs.count() == 6 and qs.order_by("seq").first().summary != "改写"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE selection_recordevent SET summary = 'x'",
        "DELETE FROM selection_recordevent",
        "TRUNCATE selection_recordevent CASCADE",
        "DELETE FROM selection_signedhead",
    ],
)
def test_r_req_1_postgresql_refuses_sql_that_changes_or_removes_the_record(world, statement):
    """The application's own role (here the superuser the tests connect as) is refused too."""
    with (
        pytest.raises(DatabaseError, match=r"pgtrigger|append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE refuses for pending FK checks first
        cursor.execute(statement)
    assert RecordEvent.objects.filter(case=world.case).count() == 6


# ---- signed heads -------------------------------------------------------------------------------------


def test_r_req_1_every_stage_change_signs_the_head_with_the_key_outside_the_database(world):
    heads = list(SignedHead.objects.filter(case=world.case).order_by("seq"))
    stage_events = list(
        RecordEvent.objects.filter(case=world.case, candidate=None)
        .exclude(to_state="")
        .values_list("seq", "hash")
    )
    assert [(h.seq, h.head) for h in heads] == [
        (s, h) for s, h in stage_events if s in {h.seq for h in heads}
    ]
    assert {h.reason for h in heads} == {"stage"} and len(heads) == 2
    assert all(signing.signature_valid(h) for h in heads)
    assert {h.fingerprint for h in heads} == {signing.current_fingerprint()}


def test_r_req_1_a_cut_tail_is_detected_and_located_once_the_head_is_signed_daily(world):
    out, error = run("sign_record_heads")
    assert error is None and "新签名 1 个链头" in out
    force_delete(events(world.case, 4, 5, 6))  # a superuser cuts the last three events
    out, error = run("verify_record", str(world.case.pk))
    assert error is not None
    assert "第 4 条记录已不存在" in out


def test_r_req_1_a_consistent_rewrite_is_detected_by_the_signed_heads(world):
    rewrite_consistently(world.case, 3, summary="改写的摘要")
    assert RecordEvent.objects.get(case=world.case, seq=3).summary == "改写的摘要"
    from selection.models import verify_chain

    assert verify_chain(RecordEvent.objects.filter(case=world.case).order_by("seq")).ok  # chain alone: fine
    out, error = run("verify_record", str(world.case.pk))
    assert error is not None
    # Heads were signed at #1 (opening) and #3 (the start of 民主推荐): #1 still matches, #3 does not.
    assert "第 2 至 3 条记录之间有记录被改写" in out


def test_r_req_1_a_receipt_names_the_first_altered_or_missing_event(world, tmp_path, client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("record_receipt", args=[world.case.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    receipt = json.loads(response.content)
    assert receipt["seq"] == 6 and len(receipt["events"]) == 6
    path = tmp_path / "receipt.json"
    path.write_bytes(response.content)
    out, error = run("verify_record", "--receipt", str(path))
    assert error is None and "链条完整地延续了该回执" in out
    # More events later still extend it.
    svc.nominate(
        world.case,
        by=world.hr,
        cadre=CadreFactory(organization=world.org),
        vacancy=world.case.vacancies.first(),
    )
    out, error = run("verify_record", "--receipt", str(path))
    assert error is None and "现有 7 条" in out
    rewrite_consistently(world.case, 5, summary="改写")
    out, error = run("verify_record", "--receipt", str(path))
    assert error is not None and "第 5 条记录与回执不符" in out
    force_delete(events(world.case, 5, 6, 7))
    out, error = run("verify_record", "--receipt", str(path))
    assert error is not None and "第 5 条记录已不存在" in out


def test_a_forged_receipt_or_signed_head_is_refused(world, tmp_path):
    receipt = signing.receipt_for(world.case)
    receipt["events"][1] = "0" * 64  # edited receipt: its signature no longer matches its head
    receipt["head"] = "1" * 64
    assert not signing.check_receipt(receipt).ok
    assert "签名无效" in signing.check_receipt(receipt).message
    assert not signing.check_receipt(b"not json").ok
    head = SignedHead.objects.filter(case=world.case).first()
    force_update(SignedHead.objects.filter(pk=head.pk), head="f" * 64)
    out, error = run("verify_record", str(world.case.pk))
    assert error is not None and "签名无效" in out


def test_the_auditor_checks_an_uploaded_receipt_or_a_typed_digest(world, client, auditor):
    client.force_login(auditor)
    receipt = client.get(reverse("record_receipt", args=[world.case.pk])).content
    head = json.loads(receipt)["head"]
    url = reverse("record_check_receipt", args=[world.case.pk])
    upload = io.BytesIO(receipt)
    upload.name = "receipt.json"
    html = client.post(url, {"receipt": upload}, follow=True).content.decode()
    assert "回执核验：✓ 链条完整地延续了该回执" in html
    html = client.post(url, {"digest": head[:20]}, follow=True).content.decode()
    assert "✓ 链条完整地延续了该摘要：它是第 6 条记录的链头" in html
    force_delete(events(world.case, 6))
    html = client.post(url, {"digest": head}, follow=True).content.decode()
    assert "第 6 条记录已不存在" in html
    assert "请上传纪实回执文件" in client.post(url, {}, follow=True).content.decode()
    assert client.post(url, {"digest": "xyz"}, follow=True).status_code == 200


def test_rotating_the_signing_key_keeps_old_signatures_verifiable_and_a_lost_key_is_reported(world, settings):
    old_public = base64.b64encode(signing.raw_public(signing.private_key().public_key())).decode()
    new = Ed25519PrivateKey.generate()
    settings.XUANBA_SIGNING_KEY = base64.b64encode(new.private_bytes_raw()).decode()
    # Lost (unlisted) old key: its signatures cannot be checked, and verify_record says so.
    out, error = run("verify_record", str(world.case.pk))
    assert error is None and "1 个签名密钥不在信任列表中，相应签名未核对" in out
    # Rotation: the old public key listed, every signature verifies again.
    settings.XUANBA_SIGNING_OLD_PUBLIC_KEYS = [old_public]
    out, error = run("verify_record", str(world.case.pk))
    assert error is None and "不在信任列表中" not in out
    # Re-anchor every case under the new key.
    out, error = run("sign_record_heads", "--all")
    assert error is None and signing.current_fingerprint() in out
    assert SignedHead.objects.filter(
        case=world.case, reason="rotate", fingerprint=signing.current_fingerprint()
    )


def test_a_broken_chain_is_never_signed(world):
    force_update(events(world.case, 2), summary="改动")
    assert signing.sign_head(world.case, "daily") is None
    out, error = run("sign_record_heads")
    assert error is not None and "新签名 0 个链头" in out


# ---- the audit page reads stored results, a page at a time --------------------------------------------


def test_the_audit_page_is_paginated_and_verifies_one_case_on_demand(client, world, auditor, org, hr):
    for index in range(51):
        svc.open_case(
            org,
            by=hr,
            title=f"批次{index:02d}",
            year=2025,
            posts=[PostFactory(organization=org, department=world.department, rank=world.deputy_post.rank)],
            motion_origin="main_leader",
            motion_date=TODAY,
        )
    client.force_login(auditor)
    first = client.get(reverse("record_audit")).content.decode()
    assert "第 1 / 2 页" in first and first.count("bi-arrow-repeat") == 50
    assert client.get(reverse("record_audit"), {"page": 2}).content.decode().count("bi-arrow-repeat") == 2
    assert client.get(reverse("record_audit"), {"page": "x"}).status_code == 200
    assert signing.current_fingerprint() in first
    response = client.post(reverse("record_verify", args=[world.case.pk]), follow=True)
    assert "核验通过" in response.content.decode()
    stored = world.case.verification
    assert (
        stored.ok and stored.seq == 6 and stored.head == RecordEvent.objects.get(case=world.case, seq=6).hash
    )


def test_the_daily_task_stores_every_cases_result(world):
    from selection.record_tasks import sign_and_verify_records

    result = sign_and_verify_records.call()
    assert result == {"verified": 1, "broken": 0, "signed": 1}
    force_update(events(world.case, 4), summary="改动")
    total, broken, signed = integrity.daily()
    assert (total, broken, signed) == (1, 1, 0)
    world.case.verification.refresh_from_db()
    assert not world.case.verification.ok and world.case.verification.broken_seq == 4


# ---- printed on every exported case file and 纪实表 ----------------------------------------------------


def test_r_req_1_the_record_form_and_the_case_file_print_the_signed_head(org, hr, settings, tmp_path):
    import pdfplumber

    from selection.pdf.case_file import render_case_file
    from selection.pdf.record_form import render_record_form

    from . import test_pdf_builders as build

    def pages(pdf: bytes) -> list[str]:
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            return ["".join((page.extract_text() or "").split()) for page in document.pages]

    settings.MEDIA_ROOT = tmp_path / "media"
    case = build.build_case(org, hr, candidates=1)
    text = "".join(pages(render_record_form(case.candidates.first())))
    head = SignedHead.objects.filter(case=case).order_by("-seq", "-pk").first()
    assert head.seq == RecordEvent.objects.filter(case=case).count()  # the head as it is now, signed
    assert head.head in text and head.fingerprint.replace(" ", "") in text
    assert f"第{head.seq}条记录" in text
    last = pages(render_case_file(case))[-1]
    head = SignedHead.objects.filter(case=case).order_by("-seq", "-pk").first()
    assert f"第{head.seq}条记录的链头摘要：{head.head}" in last
    assert "签名密钥指纹" in last and head.fingerprint.replace(" ", "")[:8] in last


def _rotate_key_without_listing_the_old_one(settings) -> str:
    """The operator configures a new signing key and forgets XUANBA_SIGNING_OLD_PUBLIC_KEYS."""
    settings.XUANBA_SIGNING_KEY = base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()
    return signing.current_fingerprint()


def test_r_req_1_after_a_key_rotation_the_receipt_is_signed_with_the_key_in_use(
    world, settings, client, auditor
):
    """The last head was signed by a key no longer trusted: the receipt comes signed anew with today's key
    (it answered 500 before) and verifies; the old head stays, and the audit notes its unknown key."""
    old = SignedHead.objects.filter(case=world.case).latest("pk")
    new_fingerprint = _rotate_key_without_listing_the_old_one(settings)
    client.force_login(auditor)
    response = client.get(reverse("record_receipt", args=[world.case.pk]))
    assert response.status_code == 200
    receipt = json.loads(response.content)
    assert receipt["fingerprint"] == new_fingerprint != old.fingerprint
    assert signing.check_receipt(receipt).ok
    assert SignedHead.objects.filter(pk=old.pk).exists()
    assert "不在信任列表中" in signing.check_signed_heads(world.case, 6).message


def test_r_req_1_a_broken_chain_under_an_untrusted_key_gets_a_message_not_a_receipt(
    world, settings, client, auditor
):
    _rotate_key_without_listing_the_old_one(settings)
    force_update(events(world.case, 4), summary="改动过的记录")  # the chain no longer verifies: never signed
    client.force_login(auditor)
    response = client.get(reverse("record_receipt", args=[world.case.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("record_case", args=[world.case.pk])
    shown = [str(m) for m in response.context["messages"]]
    assert any("不在信任列表中" in m and "不能出具回执" in m for m in shown)


def test_r_req_1_the_daily_checkpoint_signs_again_a_head_signed_only_by_an_untrusted_key(world, settings):
    assert signing.sign_head(world.case, SignedHead.Reason.DAILY, only_if_changed=True) is not None
    assert signing.sign_head(world.case, SignedHead.Reason.DAILY, only_if_changed=True) is None  # signed
    fingerprint = _rotate_key_without_listing_the_old_one(settings)
    again = signing.sign_head(world.case, SignedHead.Reason.DAILY, only_if_changed=True)
    assert again is not None and again.fingerprint == fingerprint
    assert signing.sign_head(world.case, SignedHead.Reason.DAILY, only_if_changed=True) is None
