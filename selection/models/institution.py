"""下属事业单位 (R-REQ-4): the bureau party group's collective deliberation of an institution's results.

A subordinate institution (`Organization.Kind.INSTITUTION`) runs its section heads' cases with the same
procedure; before 任职 the results go to its parent bureau's party-group meeting. The deliberation is a
step with its own record; the appointment gate requires one that agreed.
"""

from django.conf import settings
from django.db import models

from .case import SelectionCase


class BureauDeliberation(models.Model):
    class Opinion(models.TextChoices):
        AGREE = "agree", "同意"
        DISAGREE = "disagree", "不同意"

    case = models.ForeignKey(SelectionCase, on_delete=models.PROTECT, related_name="bureau_deliberations")
    held_on = models.DateField("局党组会议日期")
    expected = models.PositiveSmallIntegerField("应到人数")
    present = models.PositiveSmallIntegerField("实到人数")
    opinion = models.CharField("集体商议意见", max_length=10, choices=Opinion.choices)
    candidates = models.JSONField("商议的任免人选", default=list)
    minutes = models.TextField("商议情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "局党组集体商议"
        verbose_name_plural = "局党组集体商议"
        ordering = ["-case_id", "held_on", "pk"]

    def __str__(self) -> str:
        return f"局党组会议（{self.held_on:%Y.%m.%d}）{self.get_opinion_display()}"

    @property
    def agreed(self) -> bool:
        return self.opinion == self.Opinion.AGREE
