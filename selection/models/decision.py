"""讨论决定: the party-group meeting, attendance, recusals and each member's vote (R-DEC-*)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .case import Candidate, SelectionCase


class Meeting(models.Model):
    class Method(models.TextChoices):
        ORAL = "oral", "口头表决"
        HANDS = "hands", "举手表决"
        SECRET = "secret", "无记名投票"

    class Phase(models.TextChoices):
        PREPARING = "preparing", "准备中"
        VOTING = "voting", "表决中"
        CLOSED = "closed", "表决结束"

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("会议日期")
    method = models.CharField("表决方式", max_length=10, choices=Method.choices, default=Method.HANDS)
    phase = models.CharField("进度", max_length=10, choices=Phase.choices, default=Phase.PREPARING)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="主持人", on_delete=models.PROTECT, related_name="+"
    )
    is_reconsideration = models.BooleanField("复议", default=False)
    reopen_agree = models.PositiveSmallIntegerField("同意复议人数", null=True, blank=True)
    minutes = models.TextField("会议纪要", blank=True)

    class Meta:
        verbose_name = "党组会议"
        verbose_name_plural = "党组会议"
        ordering = ["-case_id", "held_on", "pk"]
        permissions = [("vote_in_meeting", "在该次党组会议上表决（出席成员）")]

    def __str__(self) -> str:
        return f"党组会议（{self.held_on:%Y.%m.%d}）"

    def clean(self) -> None:
        from .cadre import date_rule_errors

        # A meeting is scheduled ahead (a planned date); once it has voted, its date is not in the future.
        if self.phase == self.Phase.CLOSED and (errors := date_rule_errors(self, "held_on")):
            raise ValidationError(errors)


class Attendance(models.Model):
    """A party-group member who should attend (N), and whether they did."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField("出席", default=False)
    absence_reason = models.CharField("缺席原因", max_length=100, blank=True)

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique_member")]

    def __str__(self) -> str:
        return f"{self.member} {'出席' if self.present else '缺席'}"


class Recusal(models.Model):
    """A member recused from one candidate (R-DEC-6, R-KIN-3)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField("回避原因", max_length=200)

    class Meta:
        verbose_name = "回避"
        verbose_name_plural = "回避"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member", "candidate"], name="recusal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} 回避 {self.candidate}"


class VoteChoice(models.TextChoices):
    AGREE = "agree", "同意"
    DISAGREE = "disagree", "不同意"
    POSTPONE = "postpone", "缓议"


class OpenVote(models.Model):
    """An open vote (口头/举手): stored with the member's name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="open_votes")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="open_votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField("表决意见", max_length=10, choices=VoteChoice.choices)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "表决"
        verbose_name_plural = "表决"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "candidate", "member"], name="open_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.member}：{self.get_choice_display()}"


class MeetingUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK object permissions (guardian): who takes part in a meeting's vote."""

    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)


class MeetingGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)
