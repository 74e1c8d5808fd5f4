"""PDF downloads: the 干部任免审批表 of a cadre or candidate, the case's documents, stored official copies.
The case file (一批一档) is built in the background instead: views/exports.py.

Each view: authorize → pick the object the user may see (other organizations 404) → call a pure renderer
→ wrap the bytes. Stored official copies are streamed as stored, byte for byte.
"""

import io

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET

from .. import files
from ..models import Candidate, Document, SelectionCase
from ..pdf.adapters import render_approval_form
from ..pdf.common import DocumentUnavailable, sha256_hex
from ..pdf.limits import RenderTimedOut, time_limit
from ..pdf.notices import render_appointment_notice, render_inspection_notice, render_public_notice
from ..pdf.record_form import render_record_form
from ..permissions import Action, can, can_read_document, get_cadre_for
from ..services.documents import file_kind_of


def _pdf(data: bytes, filename: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-SHA256"] = sha256_hex(data)
    return response


def _case_for(request: HttpRequest, pk: int, *actions: Action) -> SelectionCase:
    """The case if visible (404 otherwise) and the user holds one of the actions (403 otherwise)."""
    if not can(request.user, Action.VIEW_CASES):
        raise PermissionDenied
    case = get_object_or_404(
        SelectionCase.objects.visible_to(request.user).select_related("organization"), pk=pk
    )
    if actions and not any(can(request.user, action) for action in actions):
        raise PermissionDenied
    return case


def _timed_out(error: RenderTimedOut) -> HttpResponse:
    response = HttpResponse(error.message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = "60"
    return response


def _render(renderer, obj, filename: str, **options) -> HttpResponse:
    try:
        with time_limit():
            data = renderer(obj, **options)
    except DocumentUnavailable as error:
        raise Http404(error.message) from error
    except RenderTimedOut as error:
        return _timed_out(error)
    return _pdf(data, filename)


# Documents of the case file are for HR (who keeps it) and auditors (who check it).
ARCHIVE_ACTIONS = (Action.MANAGE_CASES, Action.AUDIT)


@require_GET
def cadre_approval_form(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_cadre_for(request.user, pk, Action.VIEW_REGISTRY)
    return _render(
        render_approval_form,
        cadre,
        f"{cadre.name}-干部任免审批表.pdf",
        filled_by=request.user.get_full_name(),
    )


def latest_official_copy(candidate: Candidate, kind: str) -> Document | None:
    return (
        Document.objects.filter(candidate=candidate, kind=kind, official_copy=True)
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def _stored(document: Document) -> HttpResponse:
    kind = file_kind_of(document)
    response = files.serve(
        document.file, filename=f"{document.title}.{kind.extension}", content_type=kind.content_type
    )
    response["X-Content-SHA256"] = document.sha256
    return response


@require_GET
def candidate_approval_form(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    """The form the party group reads: the frozen official copy once stored (R-DEC-4), else a fresh one."""
    case = _case_for(request, case_pk)
    candidate = get_object_or_404(
        Candidate.objects.select_related("cadre", "vacancy__post", "case"), case=case, pk=pk
    )
    official = latest_official_copy(candidate, Document.Kind.APPROVAL_FORM)
    if official is not None and request.GET.get("fresh") != "1":
        return _stored(official)
    return _render(
        render_approval_form,
        candidate,
        f"{candidate.cadre.name}-干部任免审批表.pdf",
        filled_by=request.user.get_full_name(),
    )


# kind in the URL → (renderer over the case, file name)
CASE_DOCUMENTS = {
    "public-notice": (render_public_notice, "任职前公示"),
    "appointment-notice": (render_appointment_notice, "任职通知"),
}
CANDIDATE_DOCUMENTS = {
    "record-form": (render_record_form, "纪实表"),
    "inspection-notice": (render_inspection_notice, "考察预告"),
}


@require_GET
def case_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The case file or a case-level notice, for HR and auditors."""
    case = _case_for(request, pk, *ARCHIVE_ACTIONS)
    if kind not in CASE_DOCUMENTS:
        raise Http404("没有这种文书。")
    renderer, label = CASE_DOCUMENTS[kind]
    return _render(renderer, case, f"{case.title}-{label}.pdf")


@require_GET
def candidate_document(request: HttpRequest, case_pk: int, pk: int, kind: str) -> HttpResponse:
    """A candidate's 纪实表 or 考察预告, for HR and auditors."""
    case = _case_for(request, case_pk, *ARCHIVE_ACTIONS)
    candidate = get_object_or_404(Candidate.objects.select_related("cadre", "case"), case=case, pk=pk)
    if kind not in CANDIDATE_DOCUMENTS:
        raise Http404("没有这种文书。")
    renderer, label = CANDIDATE_DOCUMENTS[kind]
    return _render(renderer, candidate, f"{candidate.cadre.name}-{label}.pdf")


@require_GET
def stored_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A stored document (official copy or attachment), byte for byte as stored.

    HR and auditors see every document; the party group may read the official 任免审批表 (R-DEC-4).
    """
    case = _case_for(request, pk)
    document = get_object_or_404(Document, case=case, pk=document_pk)
    if not can_read_document(request.user, document):
        raise PermissionDenied
    return _stored(document)


urlpatterns = [
    path("cadres/<int:pk>/approval-form.pdf", cadre_approval_form, name="cadre_approval_form"),
    path(
        "cases/<int:case_pk>/candidates/<int:pk>/approval-form.pdf",
        candidate_approval_form,
        name="candidate_approval_form",
    ),
    path(
        "cases/<int:case_pk>/candidates/<int:pk>/documents/<slug:kind>.pdf",
        candidate_document,
        name="candidate_document",
    ),
    path("cases/<int:pk>/documents/<slug:kind>.pdf", case_document, name="case_document"),
    path("cases/<int:pk>/documents/<int:document_pk>/file", stored_document, name="stored_document"),
]
