"""Posts (职位), approved quotas (核定职数) and who holds which post when (任职经历)."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .org import Department, Organization


class Rank(models.TextChoices):
    """The rank of a middle-level post. A cadre without one is a 一般干部."""

    CHIEF = "chief", "正职"
    DEPUTY = "deputy", "副职"


class Post(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.PROTECT, related_name="posts"
    )
    department = models.ForeignKey(
        Department, verbose_name="科室", null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField("职务名称", max_length=100)
    rank = models.CharField("职级", max_length=10, choices=Rank.choices)
    is_leadership = models.BooleanField("领导职务", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "职位"
        verbose_name_plural = "职位"
        ordering = ["organization", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "department", "title"], name="post_unique_title")
        ]

    def __str__(self) -> str:
        return f"{self.department.name}{self.title}" if self.department_id else self.title


class Quota(models.Model):
    """核定职数: how many posts of a rank an organization may fill (R-MOT-1)."""

    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.PROTECT, related_name="quotas"
    )
    rank = models.CharField("职级", max_length=10, choices=Rank.choices)
    approved = models.PositiveSmallIntegerField("核定职数")

    class Meta:
        verbose_name = "核定职数"
        verbose_name_plural = "核定职数"
        constraints = [models.UniqueConstraint(fields=["organization", "rank"], name="quota_unique_rank")]

    def __str__(self) -> str:
        return f"{self.organization}·中层{self.get_rank_display()} {self.approved} 名"


class PostHolding(models.Model):
    """A cadre in a post from a date (until another date). The open holding is the current post."""

    class How(models.TextChoices):
        PROMOTION = "promotion", "提拔"
        EXCHANGE = "exchange", "交流"
        TRANSFER = "transfer", "转任"
        COMPETITION = "competition", "竞争上岗"
        OTHER = "other", "其他"

    class Probation(models.TextChoices):
        NONE = "", "无试用期"
        PENDING = "pending", "试用期中"
        PASSED = "passed", "胜任"
        FAILED = "failed", "不胜任"

    cadre = models.ForeignKey("selection.Cadre", on_delete=models.CASCADE, related_name="holdings")
    post = models.ForeignKey(Post, verbose_name="职位", on_delete=models.PROTECT, related_name="holdings")
    started_on = models.DateField("任职时间")
    ended_on = models.DateField("免职时间", null=True, blank=True)
    how = models.CharField("任职方式", max_length=20, choices=How.choices, default=How.PROMOTION)
    probation_ends_on = models.DateField("试用期满", null=True, blank=True)
    probation_result = models.CharField(
        "试用期考核", max_length=10, choices=Probation.choices, default=Probation.NONE, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "任职经历"
        verbose_name_plural = "任职经历"
        ordering = ["cadre", "started_on"]
        indexes = [models.Index(fields=["post", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="holding_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post}（{self.started_on:%Y.%m}起）"

    def clean(self) -> None:
        from .cadre import future_date_errors

        errors = future_date_errors(self, "started_on", "ended_on")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors.setdefault("ended_on", "免职时间不能早于任职时间。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
