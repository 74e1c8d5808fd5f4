"""考察: the party group's choice of targets and each target's inspection record (R-INS-*)."""

from django.conf import settings
from django.db import models

from .case import Candidate, SelectionCase


class TargetDecision(models.Model):
    """The party group's collective decision fixing the inspection targets (R-INS-1)."""

    case = models.OneToOneField(SelectionCase, on_delete=models.CASCADE, related_name="target_decision")
    meeting_date = models.DateField("党组会议日期")
    expected_members = models.PositiveSmallIntegerField("应到人数")
    present_members = models.PositiveSmallIntegerField("实到人数")
    considerations = models.TextField("综合考虑情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "确定考察对象"
        verbose_name_plural = "确定考察对象"

    def __str__(self) -> str:
        return f"{self.case} 确定考察对象（{self.meeting_date:%Y.%m.%d}）"


class Inspection(models.Model):
    """Everything recorded while inspecting one target."""

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="inspection")
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="考察组成员", blank=True, related_name="+"
    )
    started_on = models.DateField("考察开始日期", null=True, blank=True)

    # R-INS-4 考察预告
    notice_published_on = models.DateField("考察预告发布日期", null=True, blank=True)
    notice_scope = models.CharField("预告范围", max_length=200, blank=True)
    notice_phone = models.CharField("监督举报电话", max_length=50, blank=True)

    # R-INS-5 民主测评 and opinions
    appraisal_expected = models.PositiveIntegerField("测评应参加人数", null=True, blank=True)
    appraisal_actual = models.PositiveIntegerField("测评实参加人数", null=True, blank=True)
    rated_excellent = models.PositiveIntegerField("优秀票", default=0)
    rated_competent = models.PositiveIntegerField("称职票", default=0)
    rated_basic = models.PositiveIntegerField("基本称职票", default=0)
    rated_incompetent = models.PositiveIntegerField("不称职票", default=0)
    agree_promotion = models.PositiveIntegerField("同意提拔票", default=0)
    disagree_promotion = models.PositiveIntegerField("不同意提拔票", default=0)
    opinions = models.TextField("征求意见情况", blank=True)

    # R-INS-2 negative list: explicit answers {item: {"hit": bool, "by": name, "at": iso}}
    negative_list = models.JSONField("负面清单核查", default=dict, blank=True)

    # R-INS-6 dossier audit 三龄两历一身份
    dossier_items = models.JSONField("档案审核项目", default=dict, blank=True)
    dossier_reviewer = models.CharField("审核人", max_length=50, blank=True)
    dossier_checked_on = models.DateField("审核日期", null=True, blank=True)

    # R-INS-7 discipline opinion
    discipline_opinion_on = models.DateField("纪检监察意见日期", null=True, blank=True)
    discipline_conclusion = models.TextField("纪检监察意见", blank=True)
    discipline_clear = models.BooleanField("廉政意见无影响", null=True, blank=True)

    # R-INS-10 personal-matters check and complaints
    personal_matters_checked_on = models.DateField("个人有关事项报告查核日期", null=True, blank=True)
    personal_matters_result = models.CharField("查核结果", max_length=200, blank=True)
    complaints_resolved = models.BooleanField("反映问题已查清", default=True)

    # R-DEC-8 pre-review by the county organisation department
    pre_review_on = models.DateField("预审日期", null=True, blank=True)
    pre_review_reply = models.CharField("预审意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "考察"
        verbose_name_plural = "考察"

    def __str__(self) -> str:
        return f"考察 {self.candidate}"

    @property
    def appraisal_total(self) -> int:
        return self.rated_excellent + self.rated_competent + self.rated_basic + self.rated_incompetent
