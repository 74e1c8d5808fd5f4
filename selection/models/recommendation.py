"""民主推荐: conversation (谈话调研推荐) and meeting (会议推荐) rounds and their results (R-REC-*)."""

from django.core.exceptions import ValidationError
from django.db import models

from .cadre import Cadre, date_rule_errors
from .case import SelectionCase, Vacancy


class RecommendationRound(models.Model):
    class Kind(models.TextChoices):
        CONVERSATION = "conversation", "谈话调研推荐"
        MEETING = "meeting", "会议推荐"

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="rounds")
    kind = models.CharField("推荐方式", max_length=20, choices=Kind.choices)
    held_on = models.DateField("推荐日期")
    scope = models.CharField("参加范围", max_length=200, blank=True)
    expected = models.PositiveIntegerField("应参加人数")
    actual = models.PositiveIntegerField("实参加人数")
    valid_ballots = models.PositiveIntegerField("有效票数", null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "推荐轮次"
        verbose_name_plural = "推荐轮次"
        ordering = ["-case_id", "held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actual__lte=models.F("expected")), name="round_actual_le_expected"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_ballots__isnull=True)
                | models.Q(valid_ballots__lte=models.F("actual")),
                name="round_valid_le_actual",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.held_on:%Y.%m.%d}）"

    def clean(self) -> None:
        errors = date_rule_errors(self, "held_on")
        if self.expected is not None and self.actual is not None and self.actual > self.expected:
            errors["actual"] = "实参加人数不能多于应参加人数。"
        if self.valid_ballots is not None and self.actual is not None and self.valid_ballots > self.actual:
            errors["valid_ballots"] = "有效票数不能多于实参加人数。"
        if errors:
            raise ValidationError(errors)


class RoundResult(models.Model):
    """Votes one person received in a round, for a vacancy; rank is computed on entry (R-REC-8)."""

    round = models.ForeignKey(RecommendationRound, on_delete=models.CASCADE, related_name="results")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="round_results")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="round_results")
    votes = models.PositiveIntegerField("得票数")
    rank = models.PositiveSmallIntegerField("排名", null=True, blank=True)

    class Meta:
        verbose_name = "推荐得票"
        verbose_name_plural = "推荐得票"
        ordering = ["round", "vacancy", "-votes", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "vacancy", "cadre"], name="round_result_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.votes}票"

    def clean(self) -> None:
        # A person's votes never exceed the round's valid ballots (or, without that count, its attendance).
        if self.round_id and self.votes is not None:
            limit = self.round.valid_ballots if self.round.valid_ballots is not None else self.round.actual
            if self.votes > limit:
                raise ValidationError({"votes": f"个人得票数（{self.votes}）不能多于有效票数（{limit}）。"})
