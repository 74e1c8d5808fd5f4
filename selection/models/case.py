"""A selection case (选拔任用工作, one batch), its vacancies, its candidates and its documents.

The state graphs are declared here once (django-fsm-2, protected fields). Transition methods change
nothing else: the services in selection/services/ lock, check the rules, call them, save and record.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from selection.files import document_name

from .cadre import Cadre
from .org import Organization
from .post import Post


class CaseStatus(models.TextChoices):
    MOTION = "motion", "动议"
    # 竞争上岗 only (R-CMP, R-MET-2): after the published plan, before 考察
    REGISTRATION = "registration", "报名"
    SCREENING = "screening", "资格审查"
    EXAM = "exam", "笔试面试"
    RECOMMENDATION = "recommendation", "民主推荐"
    INSPECTION = "inspection", "考察"
    DECISION = "decision", "讨论决定"
    PUBLIC_NOTICE = "public_notice", "任职前公示"
    APPOINTED = "appointed", "任职"
    TERMINATED = "terminated", "终止"


OPEN_CASE_STATES = [
    CaseStatus.MOTION,
    CaseStatus.REGISTRATION,
    CaseStatus.SCREENING,
    CaseStatus.EXAM,
    CaseStatus.RECOMMENDATION,
    CaseStatus.INSPECTION,
    CaseStatus.DECISION,
    CaseStatus.PUBLIC_NOTICE,
]


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CaseQuerySet":
        if user.is_superuser:
            return self
        if not user.organization_id:
            return self.none()
        from selection.permissions import oversees_subordinates

        mine = models.Q(organization_id=user.organization_id)
        if oversees_subordinates(user):  # R-REQ-4: the bureau's HR and auditors see its institutions' cases
            # a subquery on the organizations, not a join: the list's index scan in (-created_at, -id) order
            # can then stop at the page's LIMIT instead of sorting every visible case (issue 11)
            children = Organization.objects.filter(parent_id=user.organization_id).values("pk")
            mine |= models.Q(organization_id__in=children)
        return self.filter(mine)

    def for_list(self) -> "CaseQuerySet":
        """What a list row shows, in a fixed number of queries, in the order of the list's index.

        Counts come from rows prefetched for the page only (`SelectionCase.candidate_count`), never from an
        aggregate over every case before the LIMIT, nor a subquery the database evaluates for every row an
        OFFSET skips (issue 11).
        """
        return (
            self.select_related("organization", "created_by")
            .prefetch_related(
                models.Prefetch("vacancies", queryset=Vacancy.objects.select_related("post__department")),
                models.Prefetch("candidates", queryset=Candidate.objects.only("pk", "case_id", "status")),
            )
            .order_by(*SelectionCase.LIST_KEYS)
        )


class SelectionCase(ConcurrentTransitionMixin, models.Model):
    """One batch (一批): the posts to fill and everything done to fill them."""

    class Mode(models.TextChoices):
        DAILY = "daily", "日常选拔任用"
        COMPETITIVE = "competitive", "竞争上岗"

    class MotionOrigin(models.TextChoices):
        MAIN_LEADER = "main_leader", "党组主要领导决定启动"
        PERSONNEL_LEAD = "personnel_lead", "分管干部人事工作的领导提出建议"

    class MotionForm(models.TextChoices):
        ORAL = "oral", "口头"
        WRITTEN = "written", "书面"

    class MotionReview(models.TextChoices):
        """The main leader's review of the motion (R-MOT-2): HR corrects it until it is approved."""

        PENDING = "pending", "待主要领导审批"
        RETURNED = "returned", "退回修改"
        REJECTED = "rejected", "不同意"
        APPROVED = "approved", "已同意"

    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField("批次名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    mode = models.CharField("选拔方式", max_length=20, choices=Mode.choices, default=Mode.DAILY)
    status = FSMField(
        "状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.MOTION, protected=True
    )

    # 动议 (R-MOT-1..3, R-MET-1)
    motion_origin = models.CharField("动议方式", max_length=20, choices=MotionOrigin.choices, blank=True)
    motion_form = models.CharField(
        "启动意见形式", max_length=10, choices=MotionForm.choices, default=MotionForm.ORAL
    )
    motion_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    motion_date = models.DateField("动议日期", null=True, blank=True)
    motion_analysis = models.TextField("分析研判情况", blank=True)
    motion_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="主要领导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    motion_approved_at = models.DateTimeField("主要领导同意时间", null=True, blank=True)
    motion_review = FSMField(
        "主要领导审批", max_length=10, choices=MotionReview.choices, default=MotionReview.PENDING
    )
    motion_review_comment = models.TextField("主要领导意见", blank=True)
    method_reason = models.TextField("采用日常选拔任用程序的理由", blank=True)

    # R-REC-4: skipping the meeting round, all three conditions affirmed with a reason
    meeting_skip = models.JSONField("不再进行会议推荐的情形", default=dict, blank=True)
    termination_reason = models.TextField("终止原因", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the case last moved: its newest record event's time (its creation before the first one). A
    # copy kept for 我的待办's stale count and urgent list (one indexed read instead of a "last event"
    # lookup per open case); only `services.base.record_event` writes it, and `save()` never does.
    last_step_at = models.DateTimeField("上一步时间", default=timezone.now, editable=False)

    objects = CaseQuerySet.as_manager()
    # the case list's full order, served by case_org_recent_idx / case_recent_idx (selection/paging.py)
    LIST_KEYS = ("-created_at", "-pk")

    class Meta:
        verbose_name = "选拔任用工作"
        verbose_name_plural = "选拔任用工作"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status", "year"]),
            # the case list: one organization's cases newest first (issue 11), and the same across all
            models.Index(fields=["organization", "-created_at", "-id"], name="case_org_recent_idx"),
            models.Index(fields=["-created_at", "-id"], name="case_recent_idx"),
            # 我的待办: open cases waiting longest first, and the count of those waiting too long
            models.Index(fields=["last_step_at", "id"], name="case_last_step_idx"),
            models.Index(fields=["status", "last_step_at", "organization"], name="case_status_step_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # A copy of the case loaded before an event was recorded must not put `last_step_at` back.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "last_step_at"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.pk])

    @property
    def candidate_count(self) -> int:
        """From the rows `for_list()` prefetched for the page, else one count query."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("candidates")
        return len(prefetched) if prefetched is not None else self.candidates.count()

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .cadre import date_rule_errors

        if errors := date_rule_errors(self, "motion_date"):
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATES

    @property
    def is_competitive(self) -> bool:
        return self.mode == self.Mode.COMPETITIVE

    # ---- the graph (DESIGN.md "States") -------------------------------------------------------------
    @transition(
        field=status,
        source=CaseStatus.MOTION,
        target=CaseStatus.RECOMMENDATION,
        conditions=[lambda case: not case.is_competitive],
    )
    def start_recommendation(self) -> None:
        """动议 → 民主推荐."""

    # 竞争上岗 (R-MET-2 order): 方案 → 报名 → 资格审查 → 笔试面试 → 考察, then as the daily procedure
    @transition(
        field=status,
        source=CaseStatus.MOTION,
        target=CaseStatus.REGISTRATION,
        conditions=[lambda case: case.is_competitive],
    )
    def publish_plan(self) -> None:
        """动议（实施方案）→ 报名: the party group's plan is published."""

    @transition(field=status, source=CaseStatus.REGISTRATION, target=CaseStatus.SCREENING)
    def close_registration(self) -> None:
        """报名 → 资格审查."""

    @transition(field=status, source=CaseStatus.SCREENING, target=CaseStatus.EXAM)
    def start_exam(self) -> None:
        """资格审查 → 笔试面试."""

    @transition(field=status, source=CaseStatus.SCREENING, target=CaseStatus.REGISTRATION)
    def reopen_registration(self) -> None:
        """资格审查 → 报名 again (R-CMP-4: too few qualified applicants for a post), with a reason."""

    @transition(field=status, source=CaseStatus.EXAM, target=CaseStatus.INSPECTION)
    def advance_to_inspection(self) -> None:
        """笔试面试 → 考察 (民主测评和考察), the advancing list fixed."""

    @transition(field=status, source=CaseStatus.RECOMMENDATION, target=CaseStatus.INSPECTION)
    def start_inspection(self) -> None:
        """民主推荐 → 考察."""

    @transition(field=status, source=CaseStatus.INSPECTION, target=CaseStatus.DECISION)
    def submit_for_decision(self) -> None:
        """考察 → 讨论决定."""

    @transition(field=status, source=CaseStatus.DECISION, target=CaseStatus.PUBLIC_NOTICE)
    def publish_notice(self) -> None:
        """讨论决定 → 任职前公示."""

    @transition(field=status, source=CaseStatus.PUBLIC_NOTICE, target=CaseStatus.APPOINTED)
    def appoint(self) -> None:
        """任职前公示 → 任职 (final)."""

    @transition(field=status, source=OPEN_CASE_STATES, target=CaseStatus.TERMINATED)
    def terminate(self) -> None:
        """Any open state → 终止 (with a reason, recorded by the service)."""

    # ---- the motion's review (R-MOT-2) ----------------------------------------------------------------
    @transition(field=motion_review, source=MotionReview.PENDING, target=MotionReview.APPROVED)
    def approve_motion(self) -> None:
        """待审批 → 已同意: the motion can no longer be corrected."""

    @transition(field=motion_review, source=MotionReview.PENDING, target=MotionReview.RETURNED)
    def return_motion(self) -> None:
        """待审批 → 退回修改, with the main leader's comment."""

    @transition(field=motion_review, source=MotionReview.PENDING, target=MotionReview.REJECTED)
    def reject_motion(self) -> None:
        """待审批 → 不同意 (the service also ends the case)."""

    @transition(
        field=motion_review,
        source=[MotionReview.PENDING, MotionReview.RETURNED],
        target=MotionReview.PENDING,
    )
    def correct_motion(self) -> None:
        """HR corrects the motion; a returned motion goes back to the main leader."""


class Vacancy(models.Model):
    """拟任职位: a post to fill in the case."""

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="vacancies")
    post = models.ForeignKey(
        Post, verbose_name="拟任职位", on_delete=models.PROTECT, related_name="vacancies"
    )
    targeted = models.BooleanField("定向推荐", default=False)

    class Meta:
        verbose_name = "拟任职位"
        verbose_name_plural = "拟任职位"
        ordering = ["-case_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "post"], name="vacancy_unique_post")]

    def __str__(self) -> str:
        return str(self.post)


class CandidateStatus(models.TextChoices):
    NOMINATED = "nominated", "推荐人选"
    TARGET = "target", "考察对象"
    PROPOSED = "proposed", "提交讨论"
    APPROVED = "approved", "通过"
    REJECTED = "rejected", "未通过"
    DEFERRED = "deferred", "缓议"
    APPOINTED = "appointed", "已任职"
    WITHDRAWN = "withdrawn", "退出"


OPEN_CANDIDATE_STATES = [
    CandidateStatus.NOMINATED,
    CandidateStatus.TARGET,
    CandidateStatus.PROPOSED,
    CandidateStatus.APPROVED,
    CandidateStatus.DEFERRED,
]


class Candidate(ConcurrentTransitionMixin, models.Model):
    """人选: a cadre considered for a vacancy."""

    class ExceptionalType(models.TextChoices):
        OUTSTANDING = "outstanding", "特别优秀"
        SPECIAL_NEED = "special_need", "工作特殊需要"

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="candidates")
    vacancy = models.ForeignKey(
        Vacancy, verbose_name="拟任职位", on_delete=models.PROTECT, related_name="candidates"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="candidacies"
    )
    status = FSMField(
        "状态",
        max_length=20,
        choices=CandidateStatus.choices,
        default=CandidateStatus.NOMINATED,
        protected=True,
    )
    from_recommendation = models.BooleanField("经民主推荐产生", default=True)

    # 破格 (R-EXC-1..5)
    exceptional = models.BooleanField("破格提拔", default=False)
    exceptional_type = models.CharField(
        "破格类型", max_length=20, choices=ExceptionalType.choices, blank=True
    )
    exceptional_reason = models.TextField("破格理由", blank=True)
    county_consent_number = models.CharField("县委组织部同意文号", max_length=100, blank=True)
    county_consent_date = models.DateField("县委组织部同意日期", null=True, blank=True)

    # R-ELIG-7: recorded health attestation
    health_attested_fit = models.BooleanField("身体条件能正常履职", null=True, blank=True)
    target_reason = models.TextField("确定为考察对象的理由（非推荐第一名时）", blank=True)
    withdrawal_reason = models.TextField("退出原因", blank=True)
    justifications = models.JSONField("预警说明", default=dict, blank=True)

    class Meta:
        verbose_name = "人选"
        verbose_name_plural = "人选"
        ordering = ["-case_id", "vacancy_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "cadre"], name="candidate_unique_per_vacancy"),
        ]
        indexes = [
            # 拟任 places (R-MOT-1, the quota page): the few approved candidates, not every candidate ever.
            models.Index(fields=["case"], condition=models.Q(status="approved"), name="candidate_approved"),
        ]
        permissions = [("inspect_candidate", "考察该人选（考察组成员）")]

    def __str__(self) -> str:
        return f"{self.cadre.name}（拟任{self.vacancy.post}）"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .cadre import date_rule_errors

        if errors := date_rule_errors(self, "county_consent_date"):
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CANDIDATE_STATES

    @transition(field=status, source=CandidateStatus.NOMINATED, target=CandidateStatus.TARGET)
    def make_target(self) -> None:
        """推荐人选 → 考察对象 (party group's collective decision, R-INS-1)."""

    @transition(field=status, source=CandidateStatus.TARGET, target=CandidateStatus.PROPOSED)
    def propose(self) -> None:
        """考察对象 → 提交讨论."""

    @transition(
        field=status,
        source=[CandidateStatus.PROPOSED, CandidateStatus.DEFERRED],
        target=CandidateStatus.APPROVED,
    )
    def approve(self) -> None:
        """Passed the party group's vote (R-DEC-5)."""

    @transition(
        field=status,
        source=[CandidateStatus.PROPOSED, CandidateStatus.DEFERRED],
        target=CandidateStatus.REJECTED,
    )
    def reject(self) -> None:
        """Did not pass."""

    @transition(field=status, source=CandidateStatus.PROPOSED, target=CandidateStatus.DEFERRED)
    def defer(self) -> None:
        """缓议: postponed; may be reconsidered (R-DEC-7)."""

    @transition(field=status, source=CandidateStatus.APPROVED, target=CandidateStatus.APPOINTED)
    def appoint(self) -> None:
        """任职."""

    @transition(field=status, source=OPEN_CANDIDATE_STATES, target=CandidateStatus.WITHDRAWN)
    def withdraw(self) -> None:
        """退出, with a reason recorded by the service."""


class Document(models.Model):
    """文书: an uploaded attachment or a generated official copy, with its SHA-256."""

    class Kind(models.TextChoices):
        MOTION = "motion", "书面启动意见"
        ANALYSIS = "analysis", "分析研判材料"
        COUNTY_CONSENT = "county_consent", "县委组织部同意意见"
        INSPECTION_NOTICE = "inspection_notice", "考察预告"
        INSPECTION_MATERIAL = "inspection_material", "考察材料"
        DOSSIER_AUDIT = "dossier_audit", "干部人事档案任前审核登记表"
        DISCIPLINE_OPINION = "discipline_opinion", "党风廉政意见"
        APPROVAL_FORM = "approval_form", "干部任免审批表"
        MINUTES = "minutes", "会议记录"
        PUBLIC_NOTICE = "public_notice", "任职前公示"
        COMPLAINT_RECORD = "complaint_record", "信访举报调查材料"
        APPOINTMENT_NOTICE = "appointment_notice", "任职通知"
        OTHER = "other", "其他"

    case = models.ForeignKey(SelectionCase, on_delete=models.PROTECT, related_name="documents")
    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField("类别", max_length=30, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    file = models.FileField("文件", upload_to=document_name)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    official_copy = models.BooleanField("系统生成的正式文本", default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["-case_id", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def current_digest(self) -> str:
        digest = hashlib.sha256()
        with self.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(65536), b""):
                digest.update(chunk)
        return digest.hexdigest()

    @property
    def intact(self) -> bool:
        try:
            return self.current_digest() == self.sha256
        except (OSError, ValueError):
            return False


class CandidateUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK object permissions (guardian): inspection team duties per candidate."""

    content_object = models.ForeignKey(Candidate, on_delete=models.CASCADE)


class CandidateGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Candidate, on_delete=models.CASCADE)
