"""Attachments and the record's integrity: upload and download a case's documents; the auditor's pages.

The auditor pages recompute every hash chain (RecordEvent) and every stored document's SHA-256 on each
request; they read, never write. Queries stay constant: cases, events and documents are each one query.
"""

import json
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .. import files
from ..models import (
    Candidate,
    CandidateStatus,
    CaseStatus,
    Document,
    RecordEvent,
    SelectionCase,
    verify_chain,
)
from ..models.record import ChainCheck
from ..permissions import Action, can_read_document, get_case_for, require
from ..services.base import Actor, ServiceError
from ..services.documents import file_kind_of, upload_document
from ..validators import Bounded


def request_actor(request: HttpRequest) -> Actor:
    """Who acts and from where (the direct peer; a proxy in front must set REMOTE_ADDR itself)."""
    return Actor(request.user, request.META.get("REMOTE_ADDR") or None)


# ---- attachments ---------------------------------------------------------------------------------------


class DocumentUploadForm(Bounded, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Document.Kind.choices)
    title = forms.CharField(label="标题", max_length=200)
    file = forms.FileField(label="文件")
    candidate = forms.IntegerField(label="人选", required=False)


def _back_to(request: HttpRequest, case) -> str:
    """Where the upload came from (the case or a candidate page), if it is one of ours; else the case."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return case.get_absolute_url()


@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES)
    back = _back_to(request, case)
    form = DocumentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = "；".join(f"{form.fields[f].label}：{' '.join(e)}" for f, e in form.errors.items())
        messages.error(request, f"上传失败：{errors}")
        return redirect(back)
    candidate = None
    if form.cleaned_data["candidate"]:
        candidate = Candidate.objects.filter(case=case, pk=form.cleaned_data["candidate"]).first()
        if candidate is None:
            messages.error(request, "上传失败：所选人选不属于该批次。")
            return redirect(back)
    try:
        document = upload_document(
            case,
            by=request_actor(request),
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            uploaded_file=form.cleaned_data["file"],
            candidate=candidate,
        )
    except ServiceError as error:
        messages.error(request, f"上传失败：{error.message}")
    else:
        messages.success(request, f"已上传“{document.title}”，SHA-256：{document.sha256[:12]}…")
    return redirect(back)


@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    document = get_object_or_404(
        Document.objects.filter(case__in=SelectionCase.objects.visible_to(request.user)), pk=pk
    )
    if not can_read_document(request.user, document):
        raise PermissionDenied
    kind = file_kind_of(document)
    response = files.serve(
        document.file, filename=f"{document.title}.{kind.extension}", content_type=kind.content_type
    )
    response["X-Content-SHA256"] = document.sha256
    return response


# ---- the auditor's pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseIntegrity:
    case: SelectionCase
    chain: ChainCheck
    documents: list[tuple[Document, bool]]

    @property
    def documents_ok(self) -> bool:
        return all(intact for _, intact in self.documents)

    @property
    def broken_documents(self) -> list[Document]:
        return [d for d, intact in self.documents if not intact]


def _integrity(case: SelectionCase) -> CaseIntegrity:
    return CaseIntegrity(
        case=case,
        chain=verify_chain(case.events.all()),
        documents=[(d, d.intact) for d in case.documents.all()],
    )


@require_GET
def record_audit(request: HttpRequest) -> HttpResponse:
    """Every case of the organization with its chain status and its documents' integrity."""
    require(request.user, Action.AUDIT)
    cases = (
        SelectionCase.objects.visible_to(request.user)
        .select_related("organization")
        .prefetch_related(
            Prefetch("events", queryset=RecordEvent.objects.order_by("seq")),
            Prefetch("documents", queryset=Document.objects.order_by("uploaded_at", "pk")),
        )
        .order_by("-year", "-pk")
    )
    rows = [_integrity(case) for case in cases]
    return render(
        request,
        "selection/record/audit.html",
        {
            "rows": rows,
            "broken": sum(1 for r in rows if not r.chain.ok or not r.documents_ok),
            "breadcrumbs": [("纪实核验", None)],
        },
    )


def _pretty(value) -> str:
    if value in (None, "", [], {}):
        return ""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True)


@dataclass(frozen=True)
class EventRow:
    event: RecordEvent
    payload: str
    findings: list[dict]
    justification: list[dict]
    attachments: list[dict]
    broken: bool
    transition: str


def _transition(event: RecordEvent) -> str:
    """从→到 in Chinese: candidate states for a candidate's event, case states otherwise."""
    if not (event.from_state or event.to_state):
        return ""
    labels = dict(CandidateStatus.choices if event.candidate_id else CaseStatus.choices)
    return f"{labels.get(event.from_state, event.from_state) or '—'} → {labels.get(event.to_state, event.to_state) or '—'}"


def _justifications(value) -> list[dict]:
    """The stored shape is {key: {"rule", "finding", "justification"}}; anything else is shown raw."""
    if not isinstance(value, dict):
        return [{"rule": "", "finding": "", "justification": _pretty(value)}]
    out = []
    for key, item in value.items():
        if isinstance(item, dict):
            out.append(
                {
                    "rule": item.get("rule", key),
                    "finding": item.get("finding", ""),
                    "justification": item.get("justification", ""),
                }
            )
        else:
            out.append({"rule": key, "finding": "", "justification": str(item)})
    return out


@require_GET
def record_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Every event of one case with its hashes, and the verification result."""
    case = get_case_for(
        request.user,
        pk,
        Action.AUDIT,
        queryset=SelectionCase.objects.select_related("organization").prefetch_related(
            Prefetch(
                "events",
                queryset=RecordEvent.objects.select_related("candidate__cadre").order_by("seq"),
            ),
            Prefetch(
                "documents",
                queryset=Document.objects.select_related("candidate__cadre", "uploaded_by").order_by(
                    "uploaded_at", "pk"
                ),
            ),
        ),
    )
    integrity = _integrity(case)
    broken_seq = integrity.chain.broken_seq
    rows = [
        EventRow(
            event=event,
            payload=_pretty(event.payload),
            findings=event.findings if isinstance(event.findings, list) else [],
            justification=_justifications(event.justification) if event.justification else [],
            attachments=event.attachments if isinstance(event.attachments, list) else [],
            broken=event.seq == broken_seq,
            transition=_transition(event),
        )
        for event in case.events.all()
    ]
    return render(
        request,
        "selection/record/case.html",
        {
            "case": case,
            "integrity": integrity,
            "rows": rows,
            "breadcrumbs": [("纪实核验", reverse("record_audit")), (case.title, None)],
        },
    )


urlpatterns = [
    path("cases/<int:pk>/documents/upload/", document_upload, name="document_upload"),
    path("documents/<int:pk>/", document_download, name="document_download"),
    path("audit/", record_audit, name="record_audit"),
    path("audit/cases/<int:pk>/", record_case, name="record_case"),
]
