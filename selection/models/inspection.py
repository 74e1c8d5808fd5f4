"""考察: the party group's choice of targets and each target's inspection record (R-INS-*)."""

from django.conf import settings
from django.core.exceptions import ValidationError
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(present_members__lte=models.F("expected_members")),
                name="target_decision_present_le_expected",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} 确定考察对象（{self.meeting_date:%Y.%m.%d}）"

    def clean(self) -> None:
        from .cadre import date_rule_errors

        errors = date_rule_errors(self, "meeting_date")
        if (
            self.expected_members is not None
            and self.present_members is not None
            and self.present_members > self.expected_members
        ):
            errors["present_members"] = "实到人数不能多于应到人数。"
        if errors:
            raise ValidationError(errors)


def appraisal_count_errors(obj) -> dict[str, str]:
    """R-INS-5: 同意 + 不同意 ≤ 实参加 ≤ 应参加, and the rating counts add up to no more than the ballots
    cast (a blank or spoilt ballot rates nobody)."""
    errors: dict[str, str] = {}
    expected, actual = obj.appraisal_expected, obj.appraisal_actual
    if expected is not None and actual is not None and actual > expected:
        errors["appraisal_actual"] = f"R-INS-5：实参加人数（{actual}）不能多于应参加人数（{expected}）。"
    ratings = obj.rated_excellent + obj.rated_competent + obj.rated_basic + obj.rated_incompetent
    if ratings and actual is None:
        errors["appraisal_actual"] = "R-INS-5：已填写测评票数，请同时填写实参加人数。"
    elif ratings and ratings > actual:
        errors["rated_excellent"] = (
            f"R-INS-5：优秀、称职、基本称职、不称职票数合计{ratings}票，不能多于实参加人数{actual}人"
            "（每张测评票只评一个等次）。"
        )
    promotion = obj.agree_promotion + obj.disagree_promotion
    if promotion and actual is None:
        errors.setdefault("appraisal_actual", "R-INS-5：已填写同意提拔票数，请同时填写实参加人数。")
    elif promotion and promotion > actual:
        errors["agree_promotion"] = (
            f"R-INS-5：同意与不同意提拔票合计{promotion}票，不能多于实参加人数{actual}人。"
        )
    return errors


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
    complaints_resolved = models.BooleanField("反映问题已查清", default=False)

    # R-DEC-8 pre-review by the county organisation department
    pre_review_on = models.DateField("预审日期", null=True, blank=True)
    pre_review_reply = models.CharField("预审意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "考察"
        verbose_name_plural = "考察"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(appraisal_actual__isnull=True)
                | models.Q(appraisal_expected__isnull=True)
                | models.Q(appraisal_actual__lte=models.F("appraisal_expected")),
                name="inspection_actual_not_above_expected",
            ),
            models.CheckConstraint(
                condition=models.Q(appraisal_actual__isnull=True)
                | models.Q(
                    agree_promotion__lte=models.F("appraisal_actual") - models.F("disagree_promotion")
                ),
                name="inspection_promotion_votes_within_actual",
            ),
            models.CheckConstraint(
                condition=models.Q(appraisal_actual__isnull=True)
                | models.Q(
                    rated_excellent__lte=models.F("appraisal_actual")
                    - models.F("rated_competent")
                    - models.F("rated_basic")
                    - models.F("rated_incompetent")
                ),
                name="inspection_ratings_within_actual",
            ),
        ]

    def __str__(self) -> str:
        return f"考察 {self.candidate}"

    DATE_FIELDS = (
        "started_on",
        "notice_published_on",
        "dossier_checked_on",
        "discipline_opinion_on",
        "personal_matters_checked_on",
        "pre_review_on",
    )

    def clean(self) -> None:
        from .cadre import date_rule_errors

        # R-REG-4: what was done is not dated after today.
        errors = date_rule_errors(self, *self.DATE_FIELDS)
        errors.update(appraisal_count_errors(self))
        if errors:
            raise ValidationError(errors)

    @property
    def appraisal_total(self) -> int:
        return self.rated_excellent + self.rated_competent + self.rated_basic + self.rated_incompetent
