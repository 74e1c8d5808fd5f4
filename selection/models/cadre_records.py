"""What the register keeps about a cadre besides the person: education, 简历, annual assessments, family,
kinship between cadres (R-KIN, 任职回避) and sanctions with their effect periods (R-INS-9).

Each row belongs to one `Cadre` (cadre.py) and keeps a change history; `Cadre.objects.for_detail` prefetches
them all, so the cadre page reads each section in one query whatever the record's size.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..rules import RuleSettings, SanctionType, sanction_in_effect
from .cadre import AssessmentResult, Cadre, EducationLevel, PoliticalStatus, format_ym, future_date_errors


class EducationRecord(models.Model):
    class Kind(models.TextChoices):
        FULL_TIME = "full_time", "全日制教育"
        IN_SERVICE = "in_service", "在职教育"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="education")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    level = models.CharField("学历", max_length=20, choices=EducationLevel.choices)
    degree = models.CharField("学位", max_length=30, blank=True)
    school_and_major = models.CharField("毕业院校系及专业", max_length=100, blank=True)
    graduated_on = models.DateField("毕业时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "学历学位"
        verbose_name_plural = "学历学位"
        ordering = ["cadre", "kind", "graduated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_level_display()} {self.degree}".strip()

    def clean(self) -> None:
        if errors := future_date_errors(self, "graduated_on"):
            raise ValidationError(errors)


class ResumeEntry(models.Model):
    """One line of the 简历; `is_note` lines are （其间：…） notes printed on their own line."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="resume")
    started_on = models.DateField("起始时间", null=True, blank=True)
    ended_on = models.DateField("截止时间", null=True, blank=True)
    text = models.CharField("经历", max_length=200)
    is_note = models.BooleanField("备注行", default=False)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "简历"
        verbose_name_plural = "简历"
        ordering = ["cadre", "order", "started_on", "pk"]

    def __str__(self) -> str:
        return self.lines()[0] if self.lines() else self.text

    def clean(self) -> None:
        errors = future_date_errors(self, "started_on", "ended_on")
        if not self.is_note and not self.started_on:
            errors.setdefault("started_on", "请填写起始时间（备注行除外）。")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors.setdefault("ended_on", "截止时间不能早于起始时间。")
        if errors:
            raise ValidationError(errors)

    def lines(self) -> list[str]:
        if self.is_note or not self.started_on:
            return [self.text]
        end = format_ym(self.ended_on) if self.ended_on else " " * 7
        return [f"{format_ym(self.started_on)}--{end}  {self.text}"]


class AnnualAssessment(models.Model):
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField("年度")
    result = models.CharField("考核结果", max_length=10, choices=AssessmentResult.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["cadre", "-year"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="assessment_unique_year")]

    def __str__(self) -> str:
        return f"{self.year}年度{self.result}"

    def clean(self) -> None:
        if self.year is not None and not 1950 <= self.year <= date.today().year:
            raise ValidationError({"year": f"年度应在1950年至{date.today().year}年之间。"})


class FamilyMember(models.Model):
    """家庭主要成员及重要社会关系 (not necessarily a cadre; kinship between cadres is `Kinship`)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="family")
    relation = models.CharField("称谓", max_length=10)
    name = models.CharField("姓名", max_length=30)
    birth_date = models.DateField("出生年月", null=True, blank=True)
    political_status = models.CharField(
        "政治面貌", max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    unit_and_post = models.CharField("工作单位及职务", max_length=100, blank=True)
    deceased = models.BooleanField("已去世", default=False)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["cadre", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"

    def clean(self) -> None:
        if errors := future_date_errors(self, "birth_date"):
            raise ValidationError(errors)


KINSHIP_DUPLICATE_MESSAGE = "这两名干部之间已登记亲属关系；如需更改，请先删除原有记录。"


class Kinship(models.Model):
    """A relation between two cadres in the registry (R-KIN-1). Stored once; read both ways."""

    class Category(models.TextChoices):
        SPOUSE = "spouse", "夫妻关系"
        LINEAL = "lineal", "直系血亲关系"
        COLLATERAL = "collateral", "三代以内旁系血亲关系"
        IN_LAW = "in_law", "近姻亲关系"

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="kinships_from"
    )
    other = models.ForeignKey(
        Cadre, verbose_name="亲属", on_delete=models.CASCADE, related_name="kinships_to"
    )
    category = models.CharField("关系类别", max_length=20, choices=Category.choices)
    adoptive_or_step = models.BooleanField("拟制血亲（收养、继父母子女）", default=False)
    description = models.CharField("具体关系", max_length=50, blank=True, help_text="如：兄妹、岳父与女婿。")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "亲属关系"
        verbose_name_plural = "亲属关系"
        constraints = [
            # One row per pair, lower id first: symmetry by construction.
            models.CheckConstraint(condition=Q(cadre__lt=models.F("other")), name="kinship_ordered_pair"),
            models.UniqueConstraint(fields=["cadre", "other"], name="kinship_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} — {self.other}（{self.get_category_display()}）"

    def save(self, *args, **kwargs) -> None:
        if self.cadre_id and self.other_id and self.cadre_id > self.other_id:
            self.cadre_id, self.other_id = self.other_id, self.cadre_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not (self.cadre_id and self.other_id):
            return
        if self.cadre_id == self.other_id:
            raise ValidationError("不能与本人建立亲属关系。")
        # Order the pair before the constraints are checked, as save() does.
        if self.cadre_id > self.other_id:
            self.cadre_id, self.other_id = self.other_id, self.cadre_id

    def unique_error_message(self, model_class, unique_check):
        if set(unique_check) == {"cadre", "other"}:
            return ValidationError(KINSHIP_DUPLICATE_MESSAGE, code="unique_together")
        return super().unique_error_message(model_class, unique_check)


def relatives_of(cadre: Cadre) -> models.QuerySet[Cadre]:
    """Every cadre related to this one in an R-KIN-1 category, whichever side the row was stored on."""
    return Cadre.objects.filter(Q(kinships_from__other=cadre) | Q(kinships_to__cadre=cadre)).distinct()


def are_relatives(first: Cadre, second: Cadre) -> bool:
    low, high = sorted([first.pk, second.pk])
    return Kinship.objects.filter(cadre_id=low, other_id=high).exists()


class Sanction(models.Model):
    """诫勉、组织处理、党纪政务处分 with its effective date; its effect period comes from R-INS-9."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField("处分（处理）类型", max_length=30, choices=SanctionType.choices)
    effective_on = models.DateField("生效日期")
    rights_restored_on = models.DateField(
        "恢复党员权利日期",
        null=True,
        blank=True,
        help_text="仅留党察看填写：影响期自恢复党员权利之日起计算。",
    )
    document = models.CharField("决定文号", max_length=100, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "处分处理"
        verbose_name_plural = "处分处理"
        ordering = ["cadre", "-effective_on"]

    def __str__(self) -> str:
        return f"{self.kind_label}（{self.effective_on:%Y.%m.%d}）"

    def clean(self) -> None:
        errors = future_date_errors(self, "effective_on", "rights_restored_on")
        if self.rights_restored_on and self.kind != SanctionType.PARTY_PROBATION:
            errors.setdefault("rights_restored_on", "只有留党察看需要填写恢复党员权利日期。")
        if self.rights_restored_on and self.effective_on and self.rights_restored_on < self.effective_on:
            errors.setdefault("rights_restored_on", "恢复党员权利日期不能早于处分生效日期。")
        if errors:
            raise ValidationError(errors)

    @property
    def kind_label(self) -> str:
        try:
            return str(SanctionType(self.kind).label)
        except ValueError:
            return self.kind

    def in_effect_on(self, on: date, periods: dict[str, int] | None = None) -> bool:
        """R-INS-9: the last day of the effect period is in effect, the next day is not."""
        settings = RuleSettings() if periods is None else RuleSettings(effect_periods=periods)
        if self.kind == SanctionType.PARTY_PROBATION:
            if self.rights_restored_on is None:  # still on probation: the period has not started
                return on >= self.effective_on
            return sanction_in_effect(self.kind, self.rights_restored_on, on, settings)
        return sanction_in_effect(self.kind, self.effective_on, on, settings)
