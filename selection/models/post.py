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
    seats = models.PositiveSmallIntegerField(
        "职数", default=1, help_text="同一时间可任职的人数（R-REG-1），一般为1。"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()  # who changed a post's rank or seats, and when (and the register's version)

    class Meta:
        verbose_name = "职位"
        verbose_name_plural = "职位"
        ordering = ["organization", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "department", "title"], name="post_unique_title"),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="post_seats_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.department.name}{self.title}" if self.department_id else self.title

    def clean(self) -> None:
        if self.pk and self.seats:
            holders = self.holdings.filter(ended_on__isnull=True).count()
            if holders > self.seats:
                raise ValidationError(
                    {"seats": f"R-REG-1：该职位现有{holders}人任职，职数不能少于{holders}。"}
                )


class Quota(models.Model):
    """核定职数: how many posts of a rank an organization may fill (R-MOT-1)."""

    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.PROTECT, related_name="quotas"
    )
    rank = models.CharField("职级", max_length=10, choices=Rank.choices)
    approved = models.PositiveSmallIntegerField("核定职数")

    history = HistoricalRecords()  # 核定职数 changes stay on record (and change the register's version)

    class Meta:
        verbose_name = "核定职数"
        verbose_name_plural = "核定职数"
        constraints = [models.UniqueConstraint(fields=["organization", "rank"], name="quota_unique_rank")]

    def __str__(self) -> str:
        return f"{self.organization}·中层{self.get_rank_display()} {self.approved} 名"

    def clean(self) -> None:
        if self.organization_id and self.rank and self.approved is not None:
            filled = PostHolding.objects.filter(
                post__organization_id=self.organization_id,
                post__rank=self.rank,
                ended_on__isnull=True,
                is_concurrent=False,
            ).count()
            if filled > self.approved:
                raise ValidationError(
                    {"approved": f"R-REG-2：现配{filled}名，核定职数不能少于{filled}（请先办理免职）。"}
                )


class PostHolding(models.Model):
    """A cadre in a post from a date (until another date). The open holding is the current post.

    Only `selection.services.registry` creates, changes or deletes holdings (R-REG-1..3 hold there).
    """

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

    cadre = models.ForeignKey(
        "selection.Cadre", verbose_name="干部", on_delete=models.CASCADE, related_name="holdings"
    )
    post = models.ForeignKey(Post, verbose_name="职位", on_delete=models.PROTECT, related_name="holdings")
    started_on = models.DateField("任职时间")
    ended_on = models.DateField("免职时间", null=True, blank=True)
    how = models.CharField("任职方式", max_length=20, choices=How.choices, default=How.PROMOTION)
    is_concurrent = models.BooleanField(
        "兼任", default=False, help_text="兼任的职务不占实职（R-REG-3），也不计入核定职数（R-REG-2）。"
    )
    probation_ends_on = models.DateField("试用期满", null=True, blank=True)
    probation_result = models.CharField(
        "试用期考核", max_length=10, choices=Probation.choices, default=Probation.NONE, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "任职经历"
        verbose_name_plural = "任职经历"
        ordering = ["cadre", "started_on"]
        indexes = [
            models.Index(fields=["post", "ended_on"]),
            # running, undecided probations soonest end first (我的待办, the 试用期 cards and page)
            models.Index(
                fields=["probation_ends_on", "id"],
                name="holding_probation_due_idx",
                condition=models.Q(probation_result="pending", ended_on__isnull=True),
            ),
        ]
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
        # R-REG-4: born < work start <= post start (the cadre may be unsaved, as in an import).
        cadre = getattr(self, "cadre", None)
        if cadre is not None and self.started_on:
            if cadre.birth_date and self.started_on <= cadre.birth_date:
                errors.setdefault("started_on", "R-REG-4：任职时间应晚于出生日期。")
            elif cadre.work_started_on and self.started_on < cadre.work_started_on:
                errors.setdefault("started_on", "R-REG-4：任职时间不能早于参加工作时间。")
        if self.probation_ends_on and self.started_on and self.probation_ends_on < self.started_on:
            errors.setdefault("probation_ends_on", "R-REG-4：试用期满日期不能早于任职时间。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
