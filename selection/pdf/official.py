"""Official copies (DESIGN.md "Record integrity"): a document produced at a transition is stored once, with
its SHA-256 on the `Document` row and in the hash-chained record; later downloads stream the stored bytes.

`document_integrity(case)` is what the auditor page shows: each stored document and whether its file still
matches the digest on the row *and* the digest written into the record (the row alone could be edited
together with the file; the chained event cannot without breaking `verify_chain`).
"""

from django.core.files.base import ContentFile

from selection.models import Candidate, Document, RecordEvent, SelectionCase
from selection.services.base import Actor, as_actor, record_event

from .common import sha256_hex

STORE_ACTION = "store_official_copy"


def attachment_entry(document: Document) -> dict:
    """How a stored document is cited in a RecordEvent's `attachments`."""
    return {
        "document": document.pk,
        "kind": document.kind,
        "title": document.title,
        "file": document.file.name,
        "sha256": document.sha256,
        "official_copy": document.official_copy,
    }


def store_official_copy(
    case: SelectionCase,
    *,
    kind: str,
    title: str,
    pdf_bytes: bytes,
    by,
    candidate: Candidate | None = None,
    record: bool = True,
) -> Document:
    """Save the bytes as an official copy of the case (or candidate) with their SHA-256.

    With `record=True` an event `store_official_copy` carrying the digest is appended; the caller must hold
    the case's row lock (call it inside the service's transaction, e.g. from `run_case_step(before_save=…)`).
    With `record=False` put `attachment_entry(document)` into the caller's own event instead.
    """
    if kind not in Document.Kind.values:
        raise ValueError(f"Unknown document kind: {kind}")
    if not pdf_bytes.startswith(b"%PDF"):
        raise ValueError("An official copy must be a PDF.")
    actor: Actor = as_actor(by)
    digest = sha256_hex(pdf_bytes)
    document = Document(
        case=case,
        candidate=candidate,
        kind=kind,
        title=title,
        sha256=digest,
        official_copy=True,
        uploaded_by=actor.user,
    )
    owner = f"c{candidate.pk}" if candidate else "case"
    document.file.save(f"{kind}-{case.pk}-{owner}-{digest[:16]}.pdf", ContentFile(pdf_bytes), save=False)
    document.save()
    if record:
        record_event(
            case,
            by=actor,
            action=STORE_ACTION,
            candidate=candidate,
            summary=f"存档正式文本：{title}",
            payload={"document": document.pk, "sha256": digest},
            attachments=[attachment_entry(document)],
        )
    return document


def recorded_digests(case: SelectionCase) -> dict[int, str]:
    """Document pk → the last SHA-256 the record cites for it."""
    digests: dict[int, str] = {}
    for attachments in (
        RecordEvent.objects.filter(case=case).order_by("seq").values_list("attachments", flat=True)
    ):
        for entry in attachments or []:
            if isinstance(entry, dict) and entry.get("document") and entry.get("sha256"):
                digests[int(entry["document"])] = str(entry["sha256"])
    return digests


def document_intact(document: Document, recorded: dict[int, str] | None = None) -> bool:
    """The stored file matches the row's digest, and the row's digest matches the record's (if cited)."""
    if not document.intact:
        return False
    cited = (recorded if recorded is not None else recorded_digests(document.case)).get(document.pk)
    return cited is None or cited == document.sha256


def document_integrity(case: SelectionCase) -> list[tuple[Document, bool]]:
    """Every stored document of the case with whether it is unchanged (for the auditor page)."""
    recorded = recorded_digests(case)
    documents = case.documents.select_related("candidate__cadre", "uploaded_by").order_by("uploaded_at", "pk")
    return [(document, document_intact(document, recorded)) for document in documents]
