"""干部结构分析 snapshots: one organization's computed statistics tables for a year, kept to compare."""

from django.conf import settings
from django.db import models

from .org import Organization


class StructureSnapshot(models.Model):
    """The 情况统计表 of a year as computed when saved (`selection.structure.structure_tables`)."""

    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.CASCADE, related_name="structure_snapshots"
    )
    year = models.PositiveSmallIntegerField("年度")
    taken_on = models.DateField("统计日期")
    tables = models.JSONField("统计表", default=list)
    team = models.JSONField("领导班子结构", default=list)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "干部结构年度快照"
        verbose_name_plural = "干部结构年度快照"
        ordering = ["organization", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="structure_snapshot_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}年干部结构"
