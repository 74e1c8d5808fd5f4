"""节假日安排: an administrator's holiday schedule for a year, overriding chinese_calendar (R-CAL-3)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


def parse_dates(text: str, year: int) -> list[date]:
    days = []
    for line_no, raw in enumerate(text.replace("，", ",").replace(",", "\n").splitlines(), start=1):
        value = raw.strip()
        if not value:
            continue
        try:
            day = date.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError(
                f"第 {line_no} 项“{value}”不是有效日期，请按 2027-01-01 的格式填写。"
            ) from exc
        if day.year != year:
            raise ValidationError(f"日期 {value} 不属于 {year} 年。")
        days.append(day)
    return days


class HolidaySchedule(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    holidays = models.TextField(
        "法定节假日及调休休息日", help_text="每行一个日期，如 2027-01-01。", blank=True
    )
    makeup_workdays = models.TextField("调休上班的周末", help_text="每行一个日期。", blank=True)
    source = models.CharField("依据（国务院办公厅通知文号）", max_length=200, blank=True)
    notice_text = models.TextField(
        "通知原文",
        blank=True,
        max_length=5000,
        help_text="按通知原文逐行填写，如“二、春节：2月15日至23日放假调休，共9天。”",
    )
    updated_at = models.DateTimeField("录入时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"

    def clean(self) -> None:
        errors = {}
        for field in ("holidays", "makeup_workdays"):
            try:
                parse_dates(getattr(self, field), self.year)
            except ValidationError as exc:
                errors[field] = exc.messages
        if errors:
            raise ValidationError(errors)

    def holiday_dates(self) -> frozenset[date]:
        return frozenset(parse_dates(self.holidays, self.year))

    def makeup_dates(self) -> frozenset[date]:
        return frozenset(parse_dates(self.makeup_workdays, self.year))
