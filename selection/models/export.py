"""A background export (selection/exports.py lists the kinds): requested on a page, built by the task
worker, stored as a file with its SHA-256, downloaded after a permission check.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from selection.files import export_name

from .case import SelectionCase
from .org import Organization


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在生成"
        DONE = "done", "已完成"
        FAILED = "failed", "生成失败"

    kind = models.CharField("类别", max_length=40)
    params = models.JSONField("参数", default=dict, blank=True)
    params_key = models.CharField(max_length=64, editable=False)  # SHA-256 of the canonical params
    organization = models.ForeignKey(
        Organization, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        SelectionCase,
        verbose_name="批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="export_jobs",
    )
    # The case's record head (hash of its last event) the file was built from; case-scoped kinds only.
    source_version = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)  # 0–100
    error = models.TextField("错误信息", blank=True)
    file = models.FileField("文件", upload_to=export_name, blank=True)
    filename = models.CharField("文件名", max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField("大小", default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # reuse: the newest job of this kind for this case/params
            models.Index(fields=["kind", "case", "params_key", "-created_at"], name="export_job_reuse_idx"),
            models.Index(fields=["requested_by", "-created_at"], name="export_job_mine_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("export_job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
