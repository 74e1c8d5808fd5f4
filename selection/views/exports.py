"""Background exports: request one (returns at once), watch its progress (htmx polls the status partial),
download the stored file (permission checked again, byte for byte as stored, its SHA-256 in a header).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..exports import export_kind
from ..permissions import can_export, get_case_for, get_export_for
from ..services.base import ServiceError
from ..services.exports import request_export


@require_POST
def case_export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Request a case-scoped export (the case file); redirect to its progress page."""
    export = export_kind(kind)
    if export is None or not export.case_scoped:
        raise Http404("没有这种导出。")
    case = get_case_for(request.user, pk)
    if not can_export(request.user, export):
        raise PermissionDenied
    try:
        job = request_export(request.user, kind, case=case)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(case.get_absolute_url())
    if job.status == job.Status.DONE:
        messages.success(request, f"{export.label}已生成，记录自生成后没有变化，可直接下载。")
    else:
        messages.info(request, f"{export.label}正在后台生成，完成后即可在本页下载。")
    return redirect(job.get_absolute_url())


def _context(job) -> dict:
    kind = export_kind(job.kind)
    back = job.case.get_absolute_url() if job.case_id else None
    crumbs = [(job.case.title, back)] if job.case_id else []
    return {"job": job, "kind": kind, "breadcrumbs": [*crumbs, (kind.label, None)]}


@require_GET
@never_cache
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_export_for(request.user, pk)
    return render(request, "selection/exports/job.html", _context(job))


@require_GET
@never_cache
def export_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress card alone (htmx polls it every second until the job is finished)."""
    job = get_export_for(request.user, pk)
    return render(request, "selection/exports/_status.html", _context(job))


@require_GET
def export_job_file(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_export_for(request.user, pk)
    if job.status != job.Status.DONE or not job.file:
        raise Http404("文件尚未生成。")
    try:
        handle = job.file.open("rb")
    except (OSError, ValueError) as error:
        raise Http404("该文件已丢失，请重新生成。") from error
    response = FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=job.content_type or None
    )
    response["X-Content-SHA256"] = job.sha256
    return response


urlpatterns = [
    path("cases/<int:pk>/exports/<slug:kind>", case_export, name="case_export"),
    path("exports/<int:pk>/", export_job, name="export_job"),
    path("exports/<int:pk>/status", export_job_status, name="export_job_status"),
    path("exports/<int:pk>/file", export_job_file, name="export_job_file"),
]
