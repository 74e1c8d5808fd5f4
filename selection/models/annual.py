"""一报告两评议 (R-ANR-1..4, R-REQ-3): the yearly report and its two anonymous evaluations.

The report stores only HR's text sections: its numbers are computed from the year's closed cases each
time (services/annual/) and never typed. Each evaluation is a staff ballot on the same machinery as a
`BallotBox` (models/ballot.py, services/ballots.py, selection/sealing.py; docs/SECURITY.md): who may vote
(`EvaluationInvitation.used`) and what was chosen (`EvaluationBallot`, a `ReceiptBallot`) live in separate
tables with nothing that names the other — random UUID keys, no voter column, no timestamp — and what was
chosen is stored only sealed under the evaluation's key (scope "evaluation:<pk>"), opened in memory when
the evaluation closes, after which the key is destroyed and only the tally remains.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from .ballot import ReceiptBallot
from .cadre import Cadre
from .org import Organization

WORK_OPTIONS = (("good", "好"), ("fair_good", "较好"), ("average", "一般"), ("poor", "差"))
CADRE_OPTIONS = (("agree", "认同"), ("basic", "基本认同"), ("disagree", "不认同"), ("unknown", "不了解"))
WORK_QUESTIONS = (
    "对本单位选人用人工作的总体评价",
    "对执行《党政领导干部选拔任用工作条例》和本单位制度情况的评价",
    "对本单位选人用人工作风气的评价",
    "对防止和整治选人用人不正之风工作的评价",
    "对本年度新选拔任用中层干部的总体评价",
)
WORK_PROBLEMS = (
    "任人唯亲、拉帮结派",
    "跑官要官、说情打招呼",
    "拉票贿选",
    "超职数配备干部",
    "突击提拔调整干部",
    "干部档案造假",
    "把关不严、带病提拔",
    "干部能上不能下",
    "选拔任用程序不规范",
)


class AnnualReport(models.Model):
    """One organization's 一报告 for a year: HR's text sections; the numbers are computed."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField("年度")
    overall = models.TextField("选人用人工作总体情况", blank=True)
    rules_applied = models.TextField("执行政策法规和制度情况", blank=True)
    problems = models.TextField("存在问题及整改措施", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "选人用人工作报告"
        verbose_name_plural = "选人用人工作报告"
        ordering = ["organization", "-year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="annual_report_once")]

    def __str__(self) -> str:
        return f"{self.organization}{self.year}年度选人用人工作报告"


class AnnualEvaluation(models.Model):
    """One of the two evaluations (两评议) of a report: its options, questions or cadres, and tally."""

    class Kind(models.TextChoices):
        WORK = "work", "干部选拔任用工作民主评议"
        CADRE = "cadre", "新提拔任用干部民主评议"

    class Phase(models.TextChoices):
        PREPARING = "preparing", "准备中"
        OPEN = "open", "评议中"
        CLOSED = "closed", "已统计"

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="evaluations")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    phase = models.CharField("进度", max_length=10, choices=Phase.choices, default=Phase.PREPARING)
    options = models.JSONField("评价选项", default=list)  # [[value, label], …] (R-REQ-3: configurable)
    questions = models.JSONField("评议问题", default=list, blank=True)  # work: question texts
    problems = models.JSONField("问题选项", default=list, blank=True)  # work: problems to tick
    tally = models.JSONField("统计结果", default=dict, blank=True)
    # Who opened and closed the evaluation, and when (the ballots themselves record neither, R-ANR-2).
    opened_at = models.DateTimeField("开始评议时间", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="开始评议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField("结束统计时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="结束统计",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"
        ordering = ["report", "kind"]
        constraints = [models.UniqueConstraint(fields=["report", "kind"], name="annual_evaluation_once")]

    def __str__(self) -> str:
        return f"{self.report.year}年度{self.get_kind_display()}"

    @property
    def option_labels(self) -> dict[str, str]:
        return {value: label for value, label in self.options}


class EvaluatedCadre(models.Model):
    """A cadre promoted in the year, evaluated in the cadre evaluation (R-ANR-3)."""

    evaluation = models.ForeignKey(AnnualEvaluation, on_delete=models.CASCADE, related_name="cadres")
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+")
    post = models.CharField("任职", max_length=200)
    appointed_on = models.DateField("任职时间")

    class Meta:
        verbose_name = "评议对象"
        verbose_name_plural = "评议对象"
        ordering = ["evaluation", "appointed_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "cadre"], name="evaluated_cadre_once")]

    def __str__(self) -> str:
        return f"{self.cadre.name}（{self.post}）"


class EvaluationInvitation(models.Model):
    """Who may fill one evaluation ballot: an account or a one-time code (only its keyed hash is kept)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(AnnualEvaluation, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    used = models.BooleanField("已评议", default=False)

    class Meta:
        verbose_name = "评议邀请"
        verbose_name_plural = "评议邀请"
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "user"], condition=Q(user__isnull=False), name="evaluation_invite_once"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, code_hash__isnull=True)
                | Q(user__isnull=True, code_hash__isnull=False),
                name="evaluation_invite_account_or_code",
            ),
        ]

    def __str__(self) -> str:
        return "评议邀请"


class EvaluationBallot(ReceiptBallot):
    """One filled evaluation, sealed like a staff ballot (`ReceiptBallot`): the fixed-length sealed
    answers and the SHA-256 of the voter's receipt. No voter, no time, no invitation, nothing in the clear."""

    evaluation = models.ForeignKey(AnnualEvaluation, on_delete=models.CASCADE, related_name="ballots")

    class Meta:
        verbose_name = "评议票"
        verbose_name_plural = "评议票"
        ordering = ["id"]

    def __str__(self) -> str:
        return "评议票"


class CadreFollowUp(models.Model):
    """调查核实 of a cadre whose 不认同 share passed the threshold (R-ANR-3)."""

    evaluated = models.OneToOneField(EvaluatedCadre, on_delete=models.PROTECT, related_name="follow_up")
    investigated_on = models.DateField("核实日期")
    findings = models.TextField("调查核实情况")
    conclusion = models.TextField("处理意见")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评议后调查核实"
        verbose_name_plural = "评议后调查核实"

    def __str__(self) -> str:
        return f"{self.evaluated.cadre.name} 调查核实"


def evaluation_scope(evaluation) -> str:
    return f"evaluation:{evaluation.pk}"
