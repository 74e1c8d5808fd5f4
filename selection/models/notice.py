"""任职前公示 and 任职 (R-NOT-*, R-APP-*)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .cadre import date_rule_errors
from .case import Candidate, SelectionCase


class PublicNotice(models.Model):
    case = models.OneToOneField(SelectionCase, on_delete=models.CASCADE, related_name="public_notice")
    published_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示截止日期")  # computed in working days (R-NOT-2); only extended
    scope = models.CharField("公示范围", max_length=200)
    channels = models.CharField("监督举报方式", max_length=200)
    text = models.TextField("公示内容", blank=True)

    class Meta:
        verbose_name = "任职前公示"
        verbose_name_plural = "任职前公示"

    def __str__(self) -> str:
        return f"{self.case} 公示"


class Complaint(models.Model):
    class Conclusion(models.TextChoices):
        PENDING = "", "调查中"
        NO_EFFECT = "no_effect", "不影响任职"
        AFFECTS = "affects", "影响任职"

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="complaints")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="complaints")
    received_on = models.DateField("收到日期")
    summary = models.TextField("反映内容")
    investigation = models.TextField("调查核实情况", blank=True)
    conclusion = models.CharField("结论", max_length=20, choices=Conclusion.choices, blank=True, default="")
    concluded_on = models.DateField("办结日期", null=True, blank=True)

    class Meta:
        verbose_name = "信访举报"
        verbose_name_plural = "信访举报"
        ordering = ["notice", "received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(concluded_on__isnull=True)
                | models.Q(concluded_on__gte=models.F("received_on")),
                name="complaint_concluded_after_received",
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate.cadre} 信访举报（{self.received_on:%Y.%m.%d}）"

    def clean(self) -> None:
        if errors := date_rule_errors(
            self, "received_on", "concluded_on", order=(("received_on", "concluded_on"),)
        ):
            raise ValidationError(errors)


class Appointment(models.Model):
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="appointment")
    notice_number = models.CharField("任职通知文号", max_length=100)
    notice_date = models.DateField("任职通知日期")
    tenure_starts_on = models.DateField("任职时间（党组会议通过之日）")
    probation_ends_on = models.DateField("试用期满", null=True, blank=True)
    talk_on = models.DateField("任职谈话日期", null=True, blank=True)
    talk_by = models.CharField("谈话人", max_length=50, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"

    def __str__(self) -> str:
        return f"{self.candidate} {self.notice_number}"

    def clean(self) -> None:
        errors = date_rule_errors(
            self, "notice_date", "tenure_starts_on", "talk_on", order=(("tenure_starts_on", "notice_date"),)
        )
        if errors:
            raise ValidationError(errors)
