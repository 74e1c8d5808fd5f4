"""Online votes: a meeting's agenda, secret ballots, sign-offs, and staff ballots (DESIGN.md "Votes and ballots").

Secrecy by construction (R-REC-8, R-DEC-3 无记名; docs/SECURITY.md): who voted (`SecretParticipation`,
`Invitation.used`) and what was chosen live apart, and what was chosen is never stored in the clear. Each
ballot (`SecretBallot`, `StaffBallot`) holds only a fixed-length sealed blob under its box's `SealingKey`
(selection/sealing.py); at close the blobs are opened in memory, only counts are stored (`SecretCount`,
`BallotBox.tally`) and the private key is destroyed. Pairing a ballot row with its participation row by
transaction id (xmin), physical order (ctid, SQLite rowid), dead row versions or the WAL therefore yields
a blob nobody can open. None of these models is registered in the admin or with django-simple-history.
"""

import hashlib
import json
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from .case import Candidate, CandidateStatus, SelectionCase
from .decision import Meeting, VoteChoice
from .recommendation import RecommendationRound

# ---- 党组会议 ---------------------------------------------------------------------------------------


class AgendaItem(models.Model):
    """A candidate the meeting votes on, fixed when voting opens (or when it closes, for a meeting recorded
    by HR), so the tally of a closed meeting can be recomputed later."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="agenda_items")

    class Meta:
        verbose_name = "表决事项"
        verbose_name_plural = "表决事项"
        constraints = [models.UniqueConstraint(fields=["meeting", "candidate"], name="agenda_item_once")]

    def __str__(self) -> str:
        return f"{self.meeting}：{self.candidate}"


def meeting_agenda(meeting: Meeting) -> list[Candidate]:
    """The candidates a meeting votes on: its fixed items, else (a meeting recorded by HR while it is still
    voting) every candidate proposed for discussion."""
    qs = Candidate.objects.select_related("cadre", "inspection").order_by("pk")
    if meeting.items.exists():
        return list(qs.filter(agenda_items__meeting=meeting))
    return list(qs.filter(case_id=meeting.case_id, status=CandidateStatus.PROPOSED))


class SecretParticipation(models.Model):
    """Who has voted on one agenda item of a secret meeting; never what they chose."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="secret_participations")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "无记名投票参与"
        verbose_name_plural = "无记名投票参与"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "candidate", "member"], name="secret_participation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} 已投票"


class SealingKey(models.Model):
    """One secret vote's key pair (generic: `scope` names the box, e.g. "meeting:12", "box:5",
    "evaluation:3"). The private key is stored only wrapped by the key-encryption key from the environment
    and is erased when the vote closes (selection/sealing.py)."""

    scope = models.CharField(max_length=50, unique=True)
    public_key = models.BinaryField(max_length=32)
    wrapped_private = models.BinaryField(null=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "投票密钥"
        verbose_name_plural = "投票密钥"

    def __str__(self) -> str:
        return f"投票密钥 {self.scope}"


def meeting_scope(meeting) -> str:
    return f"meeting:{meeting.pk}"


# Sealed plaintext of one secret meeting ballot: {"c": "postpone", "k": <candidate id>} padded to this size.
SECRET_BALLOT_SIZE = 64


class SecretBallot(models.Model):
    """One sealed ballot on one agenda item of a secret meeting. No voter, no time, no choice in the clear."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="secret_ballots")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField("密封选票", default=b"")

    class Meta:
        verbose_name = "无记名选票"
        verbose_name_plural = "无记名选票"
        ordering = ["id"]

    def __str__(self) -> str:
        return "无记名选票"


class SecretCount(models.Model):
    """The counts of a closed secret meeting, written in one batch when the sealed ballots are opened."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="secret_counts")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField("表决意见", max_length=10, choices=VoteChoice.choices)
    count = models.PositiveIntegerField("票数")

    class Meta:
        verbose_name = "无记名投票计票"
        verbose_name_plural = "无记名投票计票"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "candidate", "choice"], name="secret_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_choice_display()} {self.count} 票"


class SignOff(models.Model):
    """签字确认: a present member confirms, after re-entering their password, the tally with this digest.
    A signature counts only while the digest equals that of the tally recomputed now."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sign_offs")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tally_sha256 = models.CharField("表决结果摘要（SHA-256）", max_length=64)
    signed_at = models.DateTimeField("签字时间", auto_now_add=True)

    class Meta:
        verbose_name = "签字确认"
        verbose_name_plural = "签字确认"
        ordering = ["meeting", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member", "tally_sha256"], name="sign_off_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} 签字确认"


def canonical_result(meeting: Meeting, tallies: dict[int, dict]) -> bytes:
    """The canonical bytes a signature confirms: the tally per candidate and, for an open vote, each named
    choice (so swapping two members' votes changes it too); for a secret vote, who took part."""
    open_votes: dict[str, dict[str, str]] = {}
    for candidate_id, name, choice in meeting.open_votes.order_by("pk").values_list(
        "candidate_id", "member__full_name", "choice"
    ):
        open_votes.setdefault(str(candidate_id), {})[name] = choice
    voted: dict[str, list[str]] = {}
    for candidate_id, name in meeting.secret_participations.values_list("candidate_id", "member__full_name"):
        voted.setdefault(str(candidate_id), []).append(name)
    body = {
        "meeting": meeting.pk,
        "held_on": meeting.held_on,
        "method": meeting.method,
        "tallies": {str(k): v for k, v in tallies.items()},
        "open_votes": open_votes,
        "secret_voters": {k: sorted(v) for k, v in voted.items()},
    }
    return json.dumps(
        body, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def result_digest(meeting: Meeting, tallies: dict[int, dict]) -> str:
    return hashlib.sha256(canonical_result(meeting, tallies)).hexdigest()


class MeetingReconsideration(models.Model):
    """复议 (R-DEC-7): the earlier outcome of a candidate that a later meeting votes on again."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reconsiderations")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    previous_outcome = models.CharField("原表决结果", max_length=20)
    reason = models.CharField("复议理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "复议"
        verbose_name_plural = "复议"
        constraints = [models.UniqueConstraint(fields=["meeting", "candidate"], name="reconsideration_once")]

    def __str__(self) -> str:
        return f"复议 {self.candidate}"


# ---- 会议推荐、民主测评 ------------------------------------------------------------------------------


class ParticipantCategory(models.TextChoices):
    LEADERSHIP = "leadership", "班子成员"
    MIDDLE = "middle", "中层干部"
    OTHER = "other", "其他干部职工"


class AppraisalRating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"


class PromotionOpinion(models.TextChoices):
    AGREE = "agree", "同意提拔"
    DISAGREE = "disagree", "不同意提拔"


class BallotBox(models.Model):
    """One staff ballot: a 会议推荐 round or a 民主测评, with its invitations, ballots and tally."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "会议推荐"
        APPRAISAL = "appraisal", "民主测评"

    class Phase(models.TextChoices):
        PREPARING = "preparing", "准备中"
        OPEN = "open", "投票中"
        CLOSED = "closed", "已计票"

    class Source(models.TextChoices):
        ONLINE = "online", "网上投票"
        PAPER = "paper", "纸质票录入"

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="ballot_boxes")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    title = models.CharField("名称", max_length=100)
    held_on = models.DateField("日期")
    scope = models.CharField("参加范围", max_length=200, blank=True)
    phase = models.CharField("进度", max_length=10, choices=Phase.choices, default=Phase.PREPARING)
    source = models.CharField("计票来源", max_length=10, choices=Source.choices, blank=True)
    candidates = models.ManyToManyField(Candidate, verbose_name="人选", related_name="ballot_boxes")
    tally = models.JSONField("计票结果", default=dict, blank=True, encoder=DjangoJSONEncoder)
    round = models.ForeignKey(
        RecommendationRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "民主推荐（测评）投票"
        verbose_name_plural = "民主推荐（测评）投票"
        ordering = ["-case_id", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_kind_display()}）"


class Invitation(models.Model):
    """Who may cast one ballot in a box: an account, or the holder of a one-time code printed on a slip.
    Only an HMAC of the code is stored; `used` is all that records participation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="invitations")
    category = models.CharField("人员类别", max_length=20, choices=ParticipantCategory.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    used = models.BooleanField("已投票", default=False)

    class Meta:
        verbose_name = "投票邀请"
        verbose_name_plural = "投票邀请"
        constraints = [
            models.UniqueConstraint(
                fields=["box", "user"], condition=Q(user__isnull=False), name="invitation_once_per_user"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, code_hash__isnull=True)
                | Q(user__isnull=True, code_hash__isnull=False),
                name="invitation_account_or_code",
            ),
        ]

    def __str__(self) -> str:
        return "投票邀请"


class ReceiptBallot(models.Model):
    """What every invitation-and-receipt ballot stores (a staff ballot, a yearly evaluation): a random key,
    the fixed-length sealed content and the SHA-256 of the receipt only the voter holds. Subclasses add
    the box they belong to, nothing else: no voter, no time, no invitation, nothing in the clear."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sealed = models.BinaryField("密封选票", default=b"")
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        abstract = True


class StaffBallot(ReceiptBallot):
    """One staff ballot: sealed content (the voter's category, for the tally by category, and what was
    chosen) and the SHA-256 of the receipt code only the voter holds. No voter, no time, no invitation."""

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="ballots")

    class Meta:
        verbose_name = "推荐（测评）票"
        verbose_name_plural = "推荐（测评）票"
        ordering = ["id"]

    def __str__(self) -> str:
        return "推荐（测评）票"


def box_scope(box) -> str:
    return f"box:{box.pk}"
