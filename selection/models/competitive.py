"""竞争上岗 (R-CMP): the plan of a competitive case, registrations, the examiner panel and the scores.

The case itself is a `SelectionCase` in `competitive` mode; its own steps before 考察 are transitions of the
case graph (case.py). These rows hold what each step records; only selection/services/competitive/
writes them.
"""

from django.conf import settings
from django.db import models

from selection.files import registration_name

from .cadre import Cadre, EducationLevel
from .case import SelectionCase, Vacancy


class CompetitionPlan(models.Model):
    """竞争上岗实施方案 (R-CMP-1): decided by the party group, published before registration."""

    class ExamOrder(models.TextChoices):
        WRITTEN_FIRST = "written_first", "先笔试后面试"
        INTERVIEW_FIRST = "interview_first", "先面试后笔试"

    class TieRule(models.TextChoices):
        INTERVIEW = "interview", "综合成绩相同的，面试成绩高者排名在前"
        WRITTEN = "written", "综合成绩相同的，笔试成绩高者排名在前"

    case = models.OneToOneField(SelectionCase, on_delete=models.CASCADE, related_name="competition_plan")
    decided_on = models.DateField("党组会议研究日期", null=True, blank=True)
    decision_note = models.CharField("党组会议研究情况", max_length=200, blank=True)
    published_on = models.DateField("方案公布日期", null=True, blank=True)
    publish_scope = models.CharField("公布范围", max_length=100, blank=True)
    conditions = models.TextField("方案规定的其他资格条件（说明）", blank=True)
    max_age = models.PositiveSmallIntegerField("年龄上限（周岁以下）", null=True, blank=True)
    min_education = models.CharField("最低学历", max_length=20, choices=EducationLevel.choices, blank=True)
    min_work_years = models.PositiveSmallIntegerField("最少工作年限（年）", null=True, blank=True)
    registration_opens = models.DateField("报名开始日期", null=True, blank=True)
    registration_closes = models.DateField("报名截止日期", null=True, blank=True)
    written_on = models.DateField("笔试日期", null=True, blank=True)
    interview_on = models.DateField("面试日期", null=True, blank=True)
    exam_order = models.CharField(
        "笔试面试顺序", max_length=20, choices=ExamOrder.choices, default=ExamOrder.WRITTEN_FIRST
    )
    written_weight = models.PositiveSmallIntegerField("笔试成绩权重（%）", default=40)
    interview_weight = models.PositiveSmallIntegerField("面试成绩权重（%）", default=60)
    advance_ratio = models.PositiveSmallIntegerField("每个职位进入考察人数（1:n）", default=2)
    max_posts_per_applicant = models.PositiveSmallIntegerField("每人最多报名职位数", default=1)
    tie_rule = models.CharField(
        "同分排序规则", max_length=20, choices=TieRule.choices, default=TieRule.INTERVIEW
    )

    screening_published_on = models.DateField("资格审查结果公布日期", null=True, blank=True)
    advancing_decided_on = models.DateField("党组研究确定考察人选日期", null=True, blank=True)
    results_published_on = models.DateField("成绩及考察人选公布日期", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "竞争上岗实施方案"
        verbose_name_plural = "竞争上岗实施方案"

    def __str__(self) -> str:
        return f"{self.case.title}实施方案"

    def registration_open_on(self, day) -> bool:
        return bool(
            self.registration_opens
            and self.registration_closes
            and self.registration_opens <= day <= self.registration_closes
        )


class Registration(models.Model):
    """报名: one applicant's registration for one or more posts of the plan (R-CMP-2)."""

    class Channel(models.TextChoices):
        ONLINE = "online", "本人网上报名"
        PAPER = "paper", "人事干部录入（本人签字报名表）"

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="registrations")
    cadre = models.ForeignKey(
        Cadre, verbose_name="报名人", on_delete=models.PROTECT, related_name="registrations"
    )
    vacancies = models.ManyToManyField(Vacancy, verbose_name="报名职位", related_name="registrations")
    channel = models.CharField("报名方式", max_length=10, choices=Channel.choices)
    statement = models.TextField("个人简要情况及竞岗优势", blank=True)
    signed_form = models.FileField("本人签字的报名表", upload_to=registration_name, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报名时间", auto_now_add=True)

    # 资格审查 (R-CMP-3): computed, never typed
    eligible = models.BooleanField("资格审查通过", null=True)
    refusals = models.JSONField("不符合的条件", default=list, blank=True)
    screened_at = models.DateTimeField("审查时间", null=True, blank=True)
    review_request = models.TextField("复核申请", blank=True)
    review_requested_at = models.DateTimeField("申请复核时间", null=True, blank=True)
    review_answer = models.TextField("复核答复", blank=True)
    review_answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    review_overturned = models.BooleanField("复核后确认符合条件", default=False)

    # 笔试 (entered by HR from the marked papers)
    written_score = models.DecimalField("笔试成绩", max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "竞争上岗报名"
        verbose_name_plural = "竞争上岗报名"
        ordering = ["-case_id", "submitted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "cadre"], name="registration_unique_cadre")]

    def __str__(self) -> str:
        return f"{self.cadre.name}（{self.case.title}）"

    @property
    def qualified(self) -> bool:
        return bool(self.eligible) or self.review_overturned


class Examiner(models.Model):
    """A member of the interview panel (面试考官). Related to an applicant: recused (R-KIN)."""

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="examiners")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="考官",
        on_delete=models.PROTECT,
        related_name="examiner_duties",
    )
    recused = models.BooleanField("回避", default=False)
    recusal_reason = models.CharField("回避原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "面试考官"
        verbose_name_plural = "面试考官"
        ordering = ["-case_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="examiner_unique_user")]

    def __str__(self) -> str:
        return self.user.get_full_name()


class InterviewScore(models.Model):
    """One examiner's interview score for one applicant (R-CMP-5: scores per examiner are kept)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="interview_scores")
    examiner = models.ForeignKey(Examiner, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField("面试评分", max_digits=5, decimal_places=2)
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "面试评分"
        verbose_name_plural = "面试评分"
        constraints = [
            models.UniqueConstraint(fields=["registration", "examiner"], name="interview_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.examiner}：{self.value}"


class Advancement(models.Model):
    """进入民主测评和考察的人选 for one post (R-CMP-6), with the party group's reason for a skip."""

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="advancements")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="advancements")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="advancements")
    rank = models.PositiveSmallIntegerField("综合成绩排名")
    composite = models.DecimalField("综合成绩", max_digits=6, decimal_places=2)
    skip_reason = models.TextField("不按排名顺序的理由", blank=True)

    class Meta:
        verbose_name = "考察人选"
        verbose_name_plural = "考察人选"
        ordering = ["-case_id", "vacancy_id", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["vacancy", "registration"], name="advancement_unique")]

    def __str__(self) -> str:
        return f"{self.vacancy}：第 {self.rank} 名"
