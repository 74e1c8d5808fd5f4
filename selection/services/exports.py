"""Background exports (selection/exports.py lists the kinds): request a job, run it in the task worker.

`request_export` returns at once: it reuses a finished file of the same kind and parameters while the
case's record head is unchanged (case-scoped kinds), joins a job still queued or running, or creates a
job and enqueues `selection.tasks.run_export` in the same transaction (the database backend's task row
commits with the job row, so the worker never sees one without the other).

`run_export_job` is the task's body: it marks the job running, calls the kind's builder with a progress
callback (written to the row as it goes, so the page polling it sees the bar move), stores the file
through the storage API with its SHA-256, and marks the job done — or failed with a Chinese message.
"""

import hashlib
import json
import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from selection.exports import ExportKind, export_kind
from selection.models import ExportJob, SelectionCase
from selection.pdf.common import DocumentUnavailable, sha256_hex
from selection.permissions import can_export

from .base import ServiceError

logger = logging.getLogger(__name__)

# A queued or running job not touched for this long is presumed lost (a worker killed mid-way): a new
# request starts afresh instead of joining it.
STALE_AFTER = timedelta(minutes=15)


def params_key(params: dict) -> str:
    canonical = json.dumps(params, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_head(case: SelectionCase) -> str:
    """The hash of the case's last record event (one indexed lookup); '' before the first event."""
    return case.events.order_by("-seq").values_list("hash", flat=True).first() or ""


def _reusable(kind: ExportKind, case: SelectionCase | None, key: str, head: str) -> ExportJob | None:
    jobs = ExportJob.objects.filter(kind=kind.key, case=case, params_key=key).order_by("-created_at", "-pk")
    for job in jobs[:5]:
        if job.status == ExportJob.Status.DONE and kind.case_scoped and job.source_version == head:
            if job.file and job.file.storage.exists(job.file.name):
                return job
        elif (
            job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
            and job.updated_at >= timezone.now() - STALE_AFTER
            and (not kind.case_scoped or job.source_version == head)
        ):
            return job
    return None


def request_export(
    user, kind_key: str, *, case: SelectionCase | None = None, params: dict | None = None
) -> ExportJob:
    """The job that will give (or gave) the user this export; enqueues a task when nothing fits."""
    from selection.tasks import run_export

    kind = export_kind(kind_key)
    if kind is None:
        raise ServiceError("没有这种导出。")
    if not can_export(user, kind):
        raise ServiceError("您没有导出该文件的权限。")
    if kind.case_scoped and case is None:
        raise ServiceError("请先选择选拔任用工作。")
    params = params or {}
    key = params_key(params)
    organization_id = case.organization_id if case is not None else user.organization_id
    with transaction.atomic():
        head = record_head(case) if kind.case_scoped else ""
        if existing := _reusable(kind, case, key, head):
            return existing
        job = ExportJob.objects.create(
            kind=kind.key,
            params=params,
            params_key=key,
            organization_id=organization_id,
            case=case,
            source_version=head,
            requested_by=user,
        )
        result = run_export.enqueue(job.pk)
        ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
        job.refresh_from_db()
    return job


def _update(job: ExportJob, **fields) -> None:
    fields["updated_at"] = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def run_export_job(job_id: int) -> str:
    """Build the job's file (the task's body). Returns the job's final status."""
    job = ExportJob.objects.select_related("case", "requested_by").filter(pk=job_id).first()
    if job is None or job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
        return job.status if job else "missing"
    kind = export_kind(job.kind)
    if kind is None:
        _update(job, status=ExportJob.Status.FAILED, error="没有这种导出。", finished_at=timezone.now())
        return job.status
    head = record_head(job.case) if kind.case_scoped and job.case_id else ""
    _update(job, status=ExportJob.Status.RUNNING, progress=1, source_version=head)

    last = [1]

    def progress(fraction: float) -> None:
        percent = max(1, min(95, int(fraction * 95)))
        if percent > last[0]:  # only forward, and only when the bar moves
            last[0] = percent
            _update(job, progress=percent)

    try:
        built = kind.build(job, progress)
    except DocumentUnavailable as error:
        _update(job, status=ExportJob.Status.FAILED, error=error.message, finished_at=timezone.now())
        return job.status
    except Exception:
        logger.exception("Export job %s (%s) failed", job.pk, job.kind)
        _update(
            job,
            status=ExportJob.Status.FAILED,
            error="生成文件时出错，请稍后重试；如仍失败请联系系统管理员。",
            finished_at=timezone.now(),
        )
        return job.status
    digest = sha256_hex(built.data)
    job.file.save(f"{job.kind}-{job.pk}-{digest[:16]}-{built.filename}", ContentFile(built.data), save=False)
    _update(
        job,
        file=job.file.name,
        filename=built.filename,
        content_type=built.content_type,
        sha256=digest,
        size=len(built.data),
        status=ExportJob.Status.DONE,
        progress=100,
        finished_at=timezone.now(),
    )
    return job.status


def expire_exports(now=None, *, keep_days: int | None = None) -> int:
    """Daily housekeeping: delete the files of finished jobs older than XUANBA_EXPORT_KEEP_DAYS (the row
    stays, marked failed with a message, so a new request builds afresh), and fail jobs a lost worker left
    queued or running. Returns how many jobs it changed."""
    from django.conf import settings

    now = now or timezone.now()
    keep = keep_days if keep_days is not None else getattr(settings, "XUANBA_EXPORT_KEEP_DAYS", 7)
    changed = 0
    for job in ExportJob.objects.filter(
        status=ExportJob.Status.DONE, finished_at__lt=now - timedelta(days=keep)
    ):
        if job.file:
            job.file.delete(save=False)
        _update(job, status=ExportJob.Status.FAILED, file="", error="文件已超过保存期限被清理，请重新生成。")
        changed += 1
    lost = ExportJob.objects.filter(
        status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING), updated_at__lt=now - STALE_AFTER
    )
    changed += lost.update(
        status=ExportJob.Status.FAILED, error="生成任务中断（后台进程已停止），请重新生成。", finished_at=now
    )
    return changed
