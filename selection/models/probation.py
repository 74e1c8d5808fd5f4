"""试用期 (R-PRB-1..3): the review of a probationary holding and the party-group meetings that decide it.

A review belongs to one probationary `PostHolding`. HR records the democratic appraisal (民主测评) and the
assessment (考核); the party group decides 转正 or 免去试用职务 at a recorded meeting whose attendance and
votes are stored per member (R-DEC-1/2/5/6). Only a passed decision changes the registry.
"""

from django.conf import settings
from django.db import models

from .case import Candidate
from .decision import Meeting, VoteChoice
from .org import Organization
from .post import PostHolding


class ProbationOutcome(models.TextChoices):
    CONFIRM = "confirm", "转正"
    REMOVE = "remove", "免去试用职务"


class ProbationReview(models.Model):
    """The probation of one holding: appraisal, assessment and the outcome once decided."""

    class Assessment(models.TextChoices):
        COMPETENT = "competent", "胜任"
        INCOMPETENT = "incompetent", "不胜任"

    holding = models.OneToOneField(PostHolding, on_delete=models.PROTECT, related_name="probation_review")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        Candidate,
        verbose_name="选拔任用人选",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="probation_reviews",
    )

    # 民主测评 (R-PRB-2)
    appraisal_on = models.DateField("民主测评日期", null=True, blank=True)
    appraisal_expected = models.PositiveSmallIntegerField("应参加测评人数", null=True, blank=True)
    appraisal_actual = models.PositiveSmallIntegerField("实参加测评人数", null=True, blank=True)
    appraisal_competent = models.PositiveSmallIntegerField("胜任票", null=True, blank=True)
    appraisal_basically = models.PositiveSmallIntegerField("基本胜任票", null=True, blank=True)
    appraisal_incompetent = models.PositiveSmallIntegerField("不胜任票", null=True, blank=True)

    # 考核 (R-PRB-2)
    assessment_on = models.DateField("考核日期", null=True, blank=True)
    assessment = models.CharField("考核结论", max_length=20, choices=Assessment.choices, blank=True)
    assessment_text = models.TextField("考核情况", blank=True)

    # 党组决定 (R-PRB-3)
    outcome = models.CharField("决定", max_length=10, choices=ProbationOutcome.choices, blank=True)
    decided_on = models.DateField("党组决定日期", null=True, blank=True)
    basis = models.TextField("决定依据", blank=True)
    returned_to = models.ForeignKey(
        PostHolding,
        verbose_name="免去试用职务后任职",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "试用期考核"
        verbose_name_plural = "试用期考核"
        ordering = ["holding__probation_ends_on", "pk"]

    def __str__(self) -> str:
        return f"{self.holding.cadre.name} {self.holding.post} 试用期考核"

    @property
    def appraisal_recorded(self) -> bool:
        return self.appraisal_on is not None

    @property
    def assessment_recorded(self) -> bool:
        return bool(self.assessment)

    @property
    def proposal(self) -> str:
        """What the party group is asked to decide, from the assessment."""
        if self.assessment == self.Assessment.COMPETENT:
            return ProbationOutcome.CONFIRM
        if self.assessment == self.Assessment.INCOMPETENT:
            return ProbationOutcome.REMOVE
        return ""


class ProbationMeeting(models.Model):
    """A party-group meeting on one probation: every member who should attend (N), presence, votes."""

    review = models.ForeignKey(ProbationReview, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("会议日期")
    method = models.CharField(
        "表决方式", max_length=10, choices=Meeting.Method.choices, default=Meeting.Method.HANDS
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="主持人", on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.CharField("表决事项", max_length=10, choices=ProbationOutcome.choices)
    passed = models.BooleanField("通过", default=False)
    agree = models.PositiveSmallIntegerField("同意", default=0)
    expected = models.PositiveSmallIntegerField("应到", default=0)
    present = models.PositiveSmallIntegerField("实到", default=0)
    minutes = models.TextField("会议纪要", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "试用期党组会议"
        verbose_name_plural = "试用期党组会议"
        ordering = ["review", "held_on", "pk"]

    def __str__(self) -> str:
        return f"党组会议（{self.held_on:%Y.%m.%d}）{self.get_proposal_display()}"


class ProbationMeetingMember(models.Model):
    """A member who should attend: present or not, recused or not, and the opinion given."""

    meeting = models.ForeignKey(ProbationMeeting, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField("出席", default=False)
    recused = models.BooleanField("回避", default=False)
    choice = models.CharField("表决意见", max_length=10, choices=VoteChoice.choices, blank=True)

    class Meta:
        verbose_name = "出席及表决"
        verbose_name_plural = "出席及表决"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="probation_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_choice_display() or ('出席' if self.present else '缺席')}"
