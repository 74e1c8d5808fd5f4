"""Verifying the record without recomputing the world per page view (R-REQ-1; issue 11).

`verify_case` is the one full check of a case: its hash chain, its signed heads and its stored documents.
Its result is stored (`CaseVerification`, `FileCheck`), so the auditor page reads one row per case; the
daily task (selection/record_tasks.py, `manage.py verify_record`) refreshes every case and signs the heads
that changed, and the auditor can re-verify one case on demand.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from selection import signing
from selection.models import CaseVerification, Document, FileCheck, RecordEvent, SelectionCase, verify_chain


@dataclass(frozen=True)
class CaseResult:
    ok: bool
    count: int
    head: str
    message: str
    broken_seq: int | None
    documents: list[tuple[Document, bool]]

    @property
    def bad_documents(self) -> list[Document]:
        return [d for d, intact in self.documents if not intact]


def verify_case(case: SelectionCase, events=None, documents=None) -> CaseResult:
    """Chain from genesis, then every signed head (signature, and the chain still passing through it),
    then every stored document's SHA-256. Events are streamed in seq order, so memory stays flat; a page
    that already holds them (prefetched) passes them in."""
    hashes: dict[int, str] = {}
    source = (
        events
        if events is not None
        else RecordEvent.objects.filter(case=case).order_by("seq").iterator(chunk_size=500)
    )

    def events_seen():
        for event in source:
            hashes[event.seq] = event.hash
            yield event

    chain = verify_chain(events_seen())
    head = hashes.get(chain.count, "") if chain.ok else ""
    message, broken = chain.message, chain.broken_seq
    ok = chain.ok
    if ok:
        proof = signing.check_signed_heads(case, chain.count, hashes)
        if not proof.ok:
            ok, message, broken = False, proof.message, proof.first_bad_seq
        else:
            message = f"{chain.message[:-1]}；{proof.message}"
    documents = documents if documents is not None else Document.objects.filter(case=case).order_by("pk")
    checked = [(d, d.intact) for d in documents]
    return CaseResult(ok, chain.count, head, message, broken, checked)


def store(case: SelectionCase, result: CaseResult) -> CaseVerification:
    now = timezone.now()
    bad = result.bad_documents
    with transaction.atomic():
        verification, _ = CaseVerification.objects.update_or_create(
            case=case,
            defaults={
                "seq": result.count,
                "head": result.head,
                "ok": result.ok,
                "message": result.message[:300],
                "broken_seq": result.broken_seq,
                "documents_ok": not bad,
                "checked_at": now,
            },
        )
        for pk in Document.objects.filter(case=case).values_list("pk", flat=True):
            FileCheck.objects.update_or_create(
                document_id=pk, defaults={"ok": pk not in bad, "checked_at": now}
            )
    return verification


def verify_and_store(case: SelectionCase) -> tuple[CaseResult, CaseVerification]:
    result = verify_case(case)
    return result, store(case, result)


def daily(cases=None) -> tuple[int, int, int]:
    """Sign every head that changed since it was last signed, then verify and store every case.
    Returns (cases verified, cases with a problem, heads signed)."""
    cases = cases if cases is not None else SelectionCase.objects.order_by("pk")
    total = broken = signed = 0
    for case in cases.iterator():
        result = verify_case(case)
        if result.ok and signing.sign_head(case, "daily", only_if_changed=True):
            signed += 1
        store(case, result)
        total += 1
        broken += int(not result.ok or bool(result.bad_documents))
    return total, broken, signed
