"""Attachments and the record's integrity: upload and download a case's documents; the auditor's pages.

The audit list reads each case's stored verification (selection/integrity.py: refreshed by the daily
task, `manage.py verify_record`, or the 立即核验 button), one page at a time; a case's own page verifies
that case in full (chain, signed heads, documents) and stores the result. Receipts (selection/signing.py)
are downloaded from, and checked on, these pages. Queries stay constant.
"""

import json
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from .. import files, integrity, signing
from ..models import (
    Candidate,
    CandidateStatus,
    CaseStatus,
    Document,
    RecordEvent,
    SelectionCase,
    SignedHead,
)
from ..paging import paginate
from ..permissions import Action, can_read_document, get_case_for, require
from ..services.base import Actor, ServiceError
from ..services.documents import file_kind_of, upload_document
from ..validators import Bounded, NextForm


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
    return NextForm(request.POST).target(request.get_host()) or case.get_absolute_url()


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


AUDIT_PAGE_SIZE = 50


@require_GET
def record_audit(request: HttpRequest) -> HttpResponse:
    """The organization's cases, a page at a time (newest first, the case list's indexed order: a capped
    count and keyset pages, selection/paging.py), each with its last stored verification."""
    require(request.user, Action.AUDIT)
    cases = SelectionCase.objects.visible_to(request.user).select_related("organization", "verification")
    page = paginate(cases, request.GET, keys=SelectionCase.LIST_KEYS, per_page=AUDIT_PAGE_SIZE)
    rows = list(page.object_list)
    return render(
        request,
        "selection/record/audit.html",
        {
            "rows": rows,
            "page": page,
            "broken": sum(
                1
                for c in rows
                if hasattr(c, "verification") and not (c.verification.ok and c.verification.documents_ok)
            ),
            "unchecked": sum(1 for c in rows if not hasattr(c, "verification")),
            "fingerprint": signing.current_fingerprint(),
            "breadcrumbs": [("纪实核验", None)],
        },
    )


@require_POST
def record_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """立即核验: verify one case in full now and store the result."""
    case = get_case_for(request.user, pk, Action.AUDIT)
    result, _ = integrity.verify_and_store(case)
    if result.ok and not result.bad_documents:
        messages.success(request, f"《{case.title}》核验通过：{result.message}")
    else:
        files = "".join(f"文书《{d.title}》与归档时的摘要不符或文件丢失。" for d in result.bad_documents)
        messages.error(request, f"《{case.title}》核验发现异常：{'' if result.ok else result.message}{files}")
    return redirect("record_case", pk=case.pk)


class ReceiptForm(Bounded, forms.Form):
    receipt = forms.FileField(label="回执文件", required=False)
    digest = forms.CharField(label="链头摘要", max_length=80, required=False)


@require_POST
def record_check_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Prove the case's chain still extends an uploaded receipt or a digest typed off a printed copy."""
    case = get_case_for(request.user, pk, Action.AUDIT)
    form = ReceiptForm(request.POST, request.FILES)
    if not form.is_valid() or not (form.cleaned_data["receipt"] or form.cleaned_data["digest"].strip()):
        messages.error(request, "请上传纪实回执文件，或输入文书上打印的链头摘要。")
        return redirect("record_case", pk=case.pk)
    upload = form.cleaned_data["receipt"]
    if upload is not None:
        if upload.size > 2 * 1024 * 1024:
            messages.error(request, "回执文件过大，请上传本系统导出的纪实回执。")
            return redirect("record_case", pk=case.pk)
        proof = signing.check_receipt(upload.read())
        if proof.case_id is not None and proof.case_id != case.pk:
            messages.error(request, "该回执不属于本批次，请在对应批次的纪实记录页面核验。")
            return redirect("record_case", pk=case.pk)
    else:
        proof = signing.check_digest(case, form.cleaned_data["digest"])
    (messages.success if proof.ok else messages.error)(
        request, f"回执核验：{'✓' if proof.ok else '✗'} {proof.message}"
    )
    target = reverse("record_case", args=[case.pk])
    return redirect(f"{target}#event-{proof.first_bad_seq}" if proof.first_bad_seq else target)


@require_GET
def record_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's signed head and every event hash up to it, as a small JSON file to keep."""
    case = get_case_for(request.user, pk, Action.VIEW_CASES)
    if not case.events.exists():
        raise Http404("该批次还没有纪实记录。")
    try:
        receipt = signing.receipt_bytes(case)
    except ValueError as refused:  # a chain that fails its check is never signed (signing._chain_sound)
        messages.error(request, str(refused))
        return redirect("record_case", pk=case.pk)
    response = HttpResponse(receipt, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="record-receipt-{case.pk}.json"'
    return response


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
    result = integrity.verify_case(case, case.events.all(), case.documents.all())
    integrity.store(case, result)
    broken_seq = result.broken_seq
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
            "integrity": result,
            "rows": rows,
            "heads": SignedHead.objects.filter(case=case).order_by("-seq", "-pk")[:5],
            "fingerprint": signing.current_fingerprint(),
            "breadcrumbs": [("纪实核验", reverse("record_audit")), (case.title, None)],
        },
    )


urlpatterns = [
    path("cases/<int:pk>/documents/upload/", document_upload, name="document_upload"),
    path("documents/<int:pk>/", document_download, name="document_download"),
    path("audit/", record_audit, name="record_audit"),
    path("audit/cases/<int:pk>/", record_case, name="record_case"),
    path("audit/cases/<int:pk>/verify/", record_verify, name="record_verify"),
    path("audit/cases/<int:pk>/receipt/check/", record_check_receipt, name="record_check_receipt"),
    path("cases/<int:pk>/record-receipt/", record_receipt, name="record_receipt"),
]
