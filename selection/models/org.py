"""Organizations (单位) and their departments (科室). Every other object is scoped to an organization."""

from django.db import models


class Organization(models.Model):
    """A bureau or a subordinate institution (单位)."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", "机关"
        INSTITUTION = "institution", "下属事业单位"

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    rule_overrides = models.JSONField(
        "规则参数", default=dict, blank=True, help_text="覆盖 RULES.md 中标注为可设置的参数；留空使用默认值。"
    )

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department (科室) of an organization."""

    organization = models.ForeignKey(
        Organization, verbose_name="所属单位", on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField("科室名称", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "科室"
        verbose_name_plural = "科室"
        ordering = ["organization", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="department_unique_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:  # the cadres' copy of the 排序 (Cadre.department_order, the list's sort key)
            self.cadres.exclude(department_order=self.order).update(department_order=self.order)
