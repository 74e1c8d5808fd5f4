"""一批一档: the batch's case file as one PDF (FORMS.md §3, last paragraph).

Cover and index, each candidate's 纪实表, each 任免审批表 (the stored official copy when there is one, else
generated now), the stage notices, the party-group meetings' tallies with signature lines, the uploaded
attachments (PDF pages merged as they are, images placed on pages), the record of events, and a final page
with the record chain's verification and the SHA-256 of every included part.

Each generated part is laid out on its own (its own page numbers in the footer, as when printed alone).
On one core, all generated pages are then written by WeasyPrint as ONE PDF: one write, one embedded subset
per font instead of one per part (the file used to carry ~36 copies of the Noto subsets). With several
cores (parallel.py) child processes take the parts from one queue, each writing those it took as one PDF.
When stored PDFs are included (official copies, PDF attachments, merged as they are) or parts were laid
out by children, pypdf joins the page ranges and the stored files in file order. Either way the outline
has one item per part with the part's own headings beneath it. The index is rendered last, once the page
counts are known.

Digests on the verification page:
- stored documents (official copies, attachments): SHA-256 of the stored file, checked against the
  digest on record (unchanged);
- generated parts: SHA-256 of the part's HTML source, UTF-8 — the exact input its pages were laid out
  from. A generated part is no longer written as a PDF of its own (that was the cost we removed), and
  the bytes of such a PDF were never in the case file anyway (pypdf rewrote them); the HTML digest is
  reproducible: the same data and fonts give the same HTML, hence the same digest, on every export.
"""

import base64
import io
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pydyf
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import Fit
from weasyprint import Document as Layout

from selection import signing
from selection.models import Candidate, CandidateStatus, Document, Meeting, SelectionCase, verify_chain

from . import parallel
from .adapters import approval_form_data
from .approval_form import TEMPLATE as APPROVAL_TEMPLATE
from .approval_form import approval_form_context
from .common import DocumentUnavailable, cn_date, cn_datetime, sha256_hex
from .notices import appointment_notice_context, inspection_notice_context, public_notice_context
from .record_form import load_candidates, meetings_of, record_form_context, record_form_data, tallies_for
from .render import layout, render_html, write
from .sanitize import strip_active_content

# Candidates who reached the inspection have a 任免审批表 in the file.
FORM_STATES = {
    CandidateStatus.TARGET,
    CandidateStatus.PROPOSED,
    CandidateStatus.APPROVED,
    CandidateStatus.REJECTED,
    CandidateStatus.DEFERRED,
    CandidateStatus.APPOINTED,
}

PRODUCER = "选拔通"

GENERATED = "系统生成"
OFFICIAL = "正式文本"
ATTACHMENT = "上传附件"


@dataclass(frozen=True)
class Part:
    """One included document: its laid-out pages (generated) or a stored PDF, and where it comes from."""

    title: str
    group: str  # the index heading: 纪实表, 任免审批表, 阶段文书, …
    layout: Layout | None = None  # pages laid out by WeasyPrint in this process, written with the others
    stored: PdfReader | None = None  # a stored PDF, merged as it is
    source: str = GENERATED
    document: Document | None = None
    digest: str = ""  # see the module docstring (stored: of the file; generated: of the HTML source)
    intact: bool | None = None  # stored documents: does the file still match the digest on record?
    recorded: str = ""  # stored documents: the digest on record
    html: str = ""  # generated parts: the source, laid out by `_lay_out`
    rendered: parallel.Rendered | None = None  # generated parts laid out and written by a child process

    @property
    def pages(self) -> int:
        if self.layout is not None:
            return len(self.layout.pages)
        if self.rendered is not None:
            return self.rendered.pages
        return len(self.stored.pages)


def _generated(title: str, group: str, template: str, context: dict[str, Any]) -> Part:
    """A generated part, not laid out yet (`_lay_out` does it for all parts at once)."""
    html = render_html(template, context)
    return Part(title, group, html=html, digest=sha256_hex(html.encode()))


def _lay_out(parts: list[Part], progress: Callable[[float], None] = lambda _fraction: None) -> list[Part]:
    """Lay out every generated part not laid out yet: on several cores when there are enough of them
    (parallel.py), else here, one by one. `progress(fraction)` after each part."""
    pending = [n for n, part in enumerate(parts) if part.html and part.layout is None and not part.rendered]
    parts = list(parts)
    count = parallel.processes()
    if count > 1 and len(pending) >= parallel.MIN_PARTS:
        try:
            rendered = parallel.render_parallel(
                [parts[n].html for n in pending], count, lambda done: progress(done / len(pending))
            )
        except (BrokenProcessPool, OSError):
            pass  # a child died (out of memory, killed): lay the parts out here instead
        else:
            for n, result in zip(pending, rendered, strict=True):
                parts[n] = replace(parts[n], rendered=result)
            return parts
    images: dict = {}  # one decoded photo per candidate, shared by the 纪实表 and the 审批表
    for done, n in enumerate(pending, 1):
        parts[n] = replace(parts[n], layout=layout(parts[n].html, image_cache=images))
        progress(done / len(pending))
    return parts


def _stored_bytes(document: Document) -> bytes | None:
    try:
        with document.file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def _stored_part(document: Document, group: str, source: str) -> Part:
    """A stored document as pages: a PDF as is, an image on a page, anything else as a notice page."""
    return _stored_file(
        document.title,
        group,
        source,
        _stored_bytes(document),
        _document_facts(document),
        recorded=document.sha256,
        document=document,
    )


def _stored_file(
    title: str,
    group: str,
    source: str,
    data: bytes | None,
    facts: dict[str, str],
    *,
    recorded: str,
    document: Document | None = None,
) -> Part:
    """Stored bytes as pages (an attachment, a signed paper form): a PDF as is, an image on a page,
    anything else as a notice page. `recorded` is the digest on record ("" when none was recorded)."""
    if data is None:
        pages = _note_page(facts, "文件缺失，未能并入。")
        return Part(title, group, pages, None, source, document, "", False, recorded)
    digest = sha256_hex(data)
    intact = digest == recorded if recorded else None
    mime = _image_mime(data)
    if data.startswith(b"%PDF"):
        try:
            reader = PdfReader(io.BytesIO(data))
            reader.pages[0]
            return Part(title, group, None, reader, source, document, digest, intact, recorded)
        except (PyPdfError, IndexError, ValueError):
            pages = _note_page(facts, "PDF 文件无法解析，未能并入，请查阅电子档案。")
    elif mime:
        pages = layout(
            render_html(
                "pdf/case_attachment.html",
                {"document": facts, "image": f"data:{mime};base64,{base64.b64encode(data).decode()}"},
            )
        )
    else:
        pages = _note_page(facts, "该附件不是 PDF 或图片，未能并入，请查阅电子档案。")
    return Part(title, group, pages, None, source, document, digest, intact, recorded)


def _image_mime(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return ""


def _document_facts(document: Document) -> dict[str, str]:
    return {
        "title": document.title,
        "kind": document.get_kind_display(),
        "candidate": document.candidate.cadre.name if document.candidate_id else "",
        "uploaded_by": document.uploaded_by.get_full_name(),
        "uploaded_at": cn_datetime(document.uploaded_at),
        "sha256": document.sha256,
        "name": document.file.name.rsplit("/", 1)[-1],
    }


def _note_page(facts: dict[str, str], note: str) -> Layout:
    return layout(render_html("pdf/case_attachment.html", {"document": facts, "note": note}))


def _try(context: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any] | None:
    try:
        return context(*args)
    except DocumentUnavailable:
        return None


def _tally_context(
    case: SelectionCase, meetings: list[Meeting], candidates: list[Candidate]
) -> dict[str, Any]:
    blocks = []
    for meeting in meetings:
        tallies = tallies_for(meeting, candidates)
        members = [a.member.get_full_name() for a in meeting.attendance.all()]
        blocks.append(
            {
                "meeting": meeting,
                "date": cn_date(meeting.held_on),
                "attendance": [
                    (
                        a.member.get_full_name(),
                        "出席"
                        if a.present
                        else f"缺席{f'（{a.absence_reason}）' if a.absence_reason else ''}",
                    )
                    for a in meeting.attendance.all()
                ],
                "tallies": [
                    {
                        "name": t.candidate.cadre.name,
                        "post": str(t.candidate.vacancy.post),
                        "cells": [t.votes.get(m) or ("回避" if m in t.recused else "—") for m in members],
                        "t": t,
                        "threshold": t.expected // 2 + 1,
                    }
                    for t in tallies
                ],
                "members": members,
                "recusals": [
                    f"{r.member.get_full_name()}（{r.candidate.cadre.name}：{r.reason}）"
                    for r in meeting.recusals.all()
                ],
            }
        )
    return {"case": case, "blocks": blocks}


def _event_log_context(case: SelectionCase, events: list) -> dict[str, Any]:
    return {
        "case": case,
        "events": [
            {
                "seq": e.seq,
                "at": cn_datetime(e.at),
                "actor": e.actor_name,
                "summary": e.summary,
                "candidate": e.candidate.cadre.name if e.candidate_id else "",
                "hash": e.hash[:16],
            }
            for e in events
        ],
    }


def competitive_parts(case: SelectionCase) -> list[Part]:
    """竞争上岗's sheets: the plan, each registration form, the eligibility result and the score sheet."""
    from . import competitive as sheets

    parts = []
    if context := _try(sheets.plan_notice_context, case):
        parts.append(_generated("竞争上岗实施方案", "竞争上岗", "pdf/competitive_notice.html", context))
    registrations = case.registrations.select_related("cadre", "case__organization", "submitted_by")
    recorded = signed_form_digests(case)
    for registration in registrations.order_by("pk"):
        context = sheets.registration_form_context(registration)
        title = f"竞争上岗报名表（{registration.cadre.name}）"
        parts.append(_generated(title, "竞争上岗", "pdf/competitive_registration.html", context))
        if registration.signed_form:  # R-CMP-2: the paper the applicant signed, as HR uploaded it
            parts.append(_signed_form_part(registration, recorded.get(registration.pk, "")))
    if context := _try(sheets.eligibility_notice_context, case):
        parts.append(_generated("资格审查结果", "竞争上岗", "pdf/competitive_notice.html", context))
    if context := _try(sheets.score_sheet_context, case):
        parts.append(_generated("成绩汇总表", "竞争上岗", "pdf/competitive_scores.html", context))
    return parts


SIGNED_FORM = "本人签字的报名表"


def signed_form_digests(case: SelectionCase) -> dict[int, str]:
    """registration pk → SHA-256 of its signed paper form, as the record of its registration holds it."""
    out = {}
    for payload, attachments in case.events.filter(action="register").values_list("payload", "attachments"):
        pk = payload.get("registration") if isinstance(payload, dict) else None
        digest = next((a.get("sha256") for a in attachments or [] if a.get("kind") == "signed_form"), "")
        if pk and digest:
            out[pk] = digest
    return out


def _signed_form_part(registration, recorded: str) -> Part:
    try:
        with registration.signed_form.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        data = None
    facts = {
        "title": f"{SIGNED_FORM}（{registration.cadre.name}）",
        "kind": SIGNED_FORM,
        "candidate": registration.cadre.name,
        "uploaded_by": registration.submitted_by.get_full_name(),
        "uploaded_at": cn_datetime(registration.submitted_at),
        "sha256": recorded or "（报名时未记录）",
        "name": registration.signed_form.name.rsplit("/", 1)[-1],
    }
    return _stored_file(facts["title"], "竞争上岗", ATTACHMENT, data, facts, recorded=recorded)


def _no_progress(_fraction: float) -> None:
    pass


def case_file_parts(case: SelectionCase, progress: Callable[[float], None] = _no_progress) -> list[Part]:
    """Every included part except the cover/index and the final verification page, in file order, laid out.

    `progress(fraction)` is told how far the parts are (0.0–1.0), one call per laid-out part.
    """
    return _lay_out(_part_sources(case), progress)


def _part_sources(case: SelectionCase) -> list[Part]:
    """The parts of `case_file_parts`, the generated ones not laid out yet (their HTML and digest)."""
    case = SelectionCase.objects.select_related("organization").get(pk=case.pk)
    events = list(case.events.select_related("candidate__cadre").order_by("seq"))
    meetings = meetings_of(case)
    candidates = list(
        case.candidates.select_related("cadre", "vacancy__post__department", "case__organization").order_by(
            "vacancy", "pk"
        )
    )
    documents = list(
        case.documents.select_related("uploaded_by", "candidate__cadre").order_by("uploaded_at", "pk")
    )
    official_forms: dict[int, Document] = {}
    for document in documents:
        if document.official_copy and document.kind == Document.Kind.APPROVAL_FORM and document.candidate_id:
            official_forms[document.candidate_id] = document  # the latest wins

    parts: list[Part] = []
    signed = signing.printed_head(case) if candidates else None  # the same head on every 纪实表
    for candidate in load_candidates(candidates):  # everybody's facts in one read
        data = record_form_data(candidate, events=events, meetings=meetings, loaded=True)
        parts.append(
            _generated(
                f"{candidate.cadre.name}纪实表",
                "纪实表",
                "pdf/record_form.html",
                record_form_context(data, signed=signed),
            )
        )
    for candidate in candidates:
        if candidate.pk in official_forms:
            parts.append(_stored_part(official_forms[candidate.pk], "干部任免审批表", OFFICIAL))
        elif candidate.status in FORM_STATES:
            form = approval_form_context(approval_form_data(candidate.cadre, candidate=candidate))
            parts.append(
                _generated(f"{candidate.cadre.name}干部任免审批表", "干部任免审批表", APPROVAL_TEMPLATE, form)
            )
    for candidate in candidates:
        if context := _try(inspection_notice_context, candidate):
            parts.append(
                _generated(f"考察预告（{candidate.cadre.name}）", "阶段文书", "pdf/notice.html", context)
            )
    for title, notice in (("任职前公示", public_notice_context), ("任职通知", appointment_notice_context)):
        if context := _try(notice, case):
            parts.append(_generated(title, "阶段文书", "pdf/notice.html", context))
    if case.is_competitive:  # R-CMP-7: the case file holds every sheet of the competition
        parts += competitive_parts(case)
    if meetings:
        tallies = _tally_context(case, meetings, candidates)
        parts.append(_generated("党组会议出席、回避和表决情况", "会议表决", "pdf/case_tallies.html", tallies))
    included = {part.document.pk for part in parts if part.document}
    for document in documents:
        if document.pk not in included:
            source = OFFICIAL if document.official_copy else ATTACHMENT
            parts.append(_stored_part(document, "附件", source))
    parts.append(_generated("纪实记录", "纪实记录", "pdf/case_log.html", _event_log_context(case, events)))
    return parts


def _index(parts: list[Part], first_page: int) -> list[dict[str, Any]]:
    rows, page = [], first_page
    for number, part in enumerate(parts, 1):
        count = part.pages
        rows.append(
            {"number": number, "title": part.title, "group": part.group, "page": page, "count": count}
        )
        page += count
    return rows


def render_case_file(case: SelectionCase, progress: Callable[[float], None] = _no_progress) -> bytes:
    """The whole case file as PDF bytes. Reads the database and the stored files; writes nothing but,
    when the chain's head is not signed yet, its signature (selection/signing.py).

    `progress(fraction)`: the parts take the first 80 %, the cover and the final write the rest.
    """
    case = SelectionCase.objects.select_related("organization").get(pk=case.pk)
    sources = _part_sources(case)
    now = timezone.now()
    # The verification page lists digests, not pages: it is laid out with the parts (on several cores).
    *parts, final = _lay_out(
        [*sources, _verification(case, sources, now)], lambda fraction: progress(0.8 * fraction)
    )
    listed = [*parts, final]
    cover_pages = _cover_pages_guess(len(listed))
    while True:  # the index's page numbers count the cover's own pages: lay it out again if it guessed wrong
        cover = layout(
            render_html(
                "pdf/case_cover.html",
                {
                    "case": case,
                    "index": _index(listed, cover_pages + 1),
                    "generated": cn_date(now),
                    "period": _period(case),
                    "candidates": [
                        c.cadre.name
                        for c in case.candidates.select_related("cadre").order_by("vacancy", "pk")
                    ],
                },
            )
        )
        pages = len(cover.pages)
        if pages == cover_pages:
            break
        cover_pages = pages
    progress(0.85)
    return _assemble(case, Part("封面及目录", "", cover), listed)


# Rows of one-line titles that the index holds on its first page (under its heading) and on each further
# page (pdf/case_cover.html, A4). Titles that wrap make it longer: then the cover is laid out once more.
INDEX_ROWS_FIRST, INDEX_ROWS_NEXT = 28, 31


def _cover_pages_guess(rows: int) -> int:
    """The cover page and the index pages, as `rows` one-line titles fill them."""
    return 2 + max(0, -(-(rows - INDEX_ROWS_FIRST) // INDEX_ROWS_NEXT))


def _verification(case: SelectionCase, parts: list[Part], now: datetime) -> Part:
    """The final page: the record chain's check and the digest of every included part."""
    return _generated(
        "纪实记录链及文书完整性核验",
        "核验",
        "pdf/case_verification.html",
        {
            "case": case,
            "check": verify_chain(case.events.order_by("seq")),
            "head": case.events.order_by("-seq").values_list("hash", flat=True).first() or "",
            "signed": signing.printed_head(case),
            "generated": cn_datetime(now),
            "parts": [
                {
                    "number": n,
                    "title": p.title,
                    "source": p.source,
                    "digest": p.digest,
                    "recorded": p.recorded,
                    "intact": p.intact,
                }
                for n, p in enumerate(parts, 1)
            ],
        },
    )


def build_case_file_export(job, progress: Callable[[float], None]):
    """The export kind "case-file" (selection/exports.py): the job's case file, named after the case."""
    from selection.exports import ExportFile

    data = render_case_file(job.case, progress)
    return ExportFile(data, f"{job.case.title}-一批一档.pdf")


def _assemble(case: SelectionCase, cover: Part, listed: list[Part]) -> bytes:
    """Write every generated page as one PDF; join stored PDFs in with pypdf when there are any.

    Outline: one item per part (the cover and index first), the part's own headings beneath it.
    """
    title = f"{case.title}（一批一档）"
    generated = [cover, *(part for part in listed if part.layout is not None)]
    if len(generated) == len(listed) + 1:  # nothing stored to merge: WeasyPrint writes the whole file
        for part in generated:
            _nest_bookmarks(part)
        return write(_joined(generated, title), finisher=_producer)
    combined = PdfReader(io.BytesIO(write(_joined(generated, title))))
    shares: dict[int, PdfReader] = {}  # each child's PDF, read once (pypdf then copies its fonts once)
    writer = PdfWriter()
    start = 0
    for part in (cover, *listed):
        first = len(writer.pages)
        if part.layout is not None:
            writer.append(combined, pages=(start, start + part.pages), import_outline=False)
            start += part.pages
            parent = writer.add_outline_item(title=part.title, page_number=first, fit=Fit.fit())
            _add_headings(writer, part.layout.make_bookmark_tree(), first, parent)
        elif (rendered := part.rendered) is not None:
            if id(rendered.pdf) not in shares:
                shares[id(rendered.pdf)] = PdfReader(io.BytesIO(rendered.pdf))
            pages = (rendered.start, rendered.start + rendered.pages)
            writer.append(shares[id(rendered.pdf)], pages=pages, import_outline=False)
            parent = writer.add_outline_item(title=part.title, page_number=first, fit=Fit.fit())
            _add_headings(writer, rendered.bookmarks, first, parent)
        else:
            writer.append(part.stored, outline_item=part.title)
    strip_active_content(writer)  # uploaded PDFs keep their pages, never their scripts or links out
    writer.add_metadata({"/Title": title, "/Producer": PRODUCER})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _joined(parts: list[Part], title: str) -> Layout:
    joined = parts[0].layout.copy([page for part in parts for page in part.layout.pages])
    joined.metadata.title = title
    return joined


def _producer(_document: Layout, pdf: Any) -> None:
    pdf.info["Producer"] = pydyf.String(PRODUCER)


def _nest_bookmarks(part: Part) -> None:
    """Put the part's title above its own bookmarks (levels shifted by one keep their nesting)."""
    pages = part.layout.pages
    for page in pages:
        page.bookmarks = [(level + 1, label, point, state) for level, label, point, state in page.bookmarks]
    pages[0].bookmarks.insert(0, (1, part.title, (0, 0), "open"))


def _add_headings(writer: PdfWriter, tree: list, first: int, parent: Any) -> None:
    """The part's own bookmarks (its headings, as WeasyPrint would outline it alone: its
    `make_bookmark_tree()`) under its title."""

    def add(nodes: list, under: Any) -> None:
        for label, (page, x, y), children, _state in nodes:
            height = float(writer.pages[first + page].mediabox.height)
            item = writer.add_outline_item(
                title=label,
                page_number=first + page,
                parent=under,
                fit=Fit.xyz(left=x * 0.75, top=height - y * 0.75),
            )
            add(children, item)

    add(tree, parent)


def _period(case: SelectionCase) -> str:
    start = case.motion_date or case.created_at.date()
    last = case.events.order_by("-seq").values_list("at", flat=True).first()
    end: date | None = timezone.localtime(last).date() if last else None
    return f"{cn_date(start)}至{cn_date(end)}" if end else cn_date(start)
