"""The cadre registry: one record per person, complete enough for the 干部任免审批表 (FORMS.md §1).

Derived facts (age, years of work, years in a deputy post, …) are methods that take an "as of" date and
read only prefetched relations, so lists stay at a constant number of queries (see `Cadre.objects.for_list`).
"""

import re
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxLengthValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from selection.files import photo_name
from selection.rules import DEFAULT_SETTINGS, age_in_full_years, full_months_between
from selection.validators import no_control_characters

from .org import Department, Organization
from .post import PostHolding, Rank

if TYPE_CHECKING:
    from .cadre_records import AnnualAssessment, EducationRecord, Kinship, Sanction

# R-REQ-2, from the one place settings live (selection.rules.RuleSettings).
ROTATION_DUE_YEARS = DEFAULT_SETTINGS.rotation_due_years
ROTATION_OVERDUE_YEARS = DEFAULT_SETTINGS.rotation_overdue_years


def format_ym(day: date | None) -> str:
    """Official year-month form: 1985.03."""
    return f"{day.year}.{day.month:02d}" if day else ""


FUTURE_DATE_MESSAGE = "日期不能晚于今天。"
ID_NUMBER_MESSAGE = "公民身份号码无效：请检查位数（18位）和最后一位校验码。"
_ID_NUMBER_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def id_number_problem(number: str) -> str | None:
    """Why an 18-digit resident ID number is invalid, or None.

    Not `ric.validate`: it also requires the county code to have existed in the birth year, but codes are
    those of the place of registration when the number was issued, so 330523 (安吉县 since 1983) is right
    for a person born there in 1975. The address code must exist in some period.
    """
    if not _ID_NUMBER_SHAPE.fullmatch(number) or ric.calc_check_digit(number) != number[-1]:
        return ID_NUMBER_MESSAGE
    try:
        ric.get_birth_date(number)
    except StdnumError:
        return "公民身份号码中的出生日期（第7–14位）无效。"
    places = {key for _part, props in numdb.get("cn/loc").info(number[:6]) for key in props}
    if "county" not in places:
        return "公民身份号码的前6位（地址码）不是有效的行政区划代码。"
    return None


def future_date_errors(instance: models.Model, *fields: str) -> dict[str, str]:
    """The Chinese error for each named date field that lies after today."""
    today = date.today()
    return {
        field: FUTURE_DATE_MESSAGE
        for field in fields
        if getattr(instance, field) is not None and getattr(instance, field) > today
    }


def search_keys(name: str) -> tuple[str, str]:
    """The full pinyin and the initials of a name, lower case without tones: 张三 → ("zhangsan", "zs")."""
    from pypinyin import lazy_pinyin

    syllables = [
        "".join(ch for ch in s.lower() if ch.isascii() and ch.isalnum()) for s in lazy_pinyin(name.strip())
    ]
    syllables = [s for s in syllables if s]
    return "".join(syllables)[:120], "".join(s[0] for s in syllables)[:30]


def date_rule_errors(
    instance: models.Model, *fields: str, order: tuple[tuple[str, str], ...] = ()
) -> dict[str, str]:
    """R-REG-4 for any model: the named dates are not after today; each (earlier, later) pair is in order."""
    errors = {
        name: f"R-REG-4：{instance._meta.get_field(name).verbose_name}不能晚于今天。"
        for name in future_date_errors(instance, *fields)
    }
    for earlier, later in order:
        first, second = getattr(instance, earlier), getattr(instance, later)
        if first and second and second < first:
            labels = [instance._meta.get_field(n).verbose_name for n in (later, earlier)]
            errors.setdefault(later, f"R-REG-4：{labels[0]}不能早于{labels[1]}。")
    return errors


REWARDS_MAX_LENGTH = 1000
# The list's sort key of a cadre without a department: after every department (Department.order is a
# PositiveSmallIntegerField, so no department sorts here).
NO_DEPARTMENT = 1_000_000


class Sex(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class EducationLevel(models.TextChoices):
    """学历, from the highest. `rank` orders them for R-ELIG-4 (大学专科 or higher)."""

    POSTGRADUATE = "postgraduate", "研究生"
    UNDERGRADUATE = "undergraduate", "大学本科"
    COLLEGE = "college", "大学专科"
    TECHNICAL = "technical", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    BELOW = "below", "初中及以下"

    @property
    def rank(self) -> int:
        return len(EducationLevel) - list(EducationLevel).index(self)


class AssessmentResult(models.TextChoices):
    EXCELLENT = "优秀", "优秀"
    COMPETENT = "称职", "称职"
    BASIC = "基本称职", "基本称职"
    INCOMPETENT = "不称职", "不称职"
    QUALIFIED = "合格", "合格"
    BASIC_QUALIFIED = "基本合格", "基本合格"
    UNQUALIFIED = "不合格", "不合格"
    UNRATED = "不定等次", "不定等次"

    @property
    def is_competent_or_better(self) -> bool:
        """称职/合格 or better (R-ELIG-6)."""
        return self in {self.EXCELLENT, self.COMPETENT, self.QUALIFIED}


class PoliticalStatus(models.TextChoices):
    CPC = "中共党员", "中共党员"
    CPC_PROBATIONARY = "中共预备党员", "中共预备党员"
    CYL = "共青团员", "共青团员"
    RCCK = "民革党员", "民革党员"
    CDL = "民盟盟员", "民盟盟员"
    CNDCA = "民建会员", "民建会员"
    CAPD = "民进会员", "民进会员"
    CPWDP = "农工党党员", "农工党党员"
    CZGP = "致公党党员", "致公党党员"
    JS = "九三学社社员", "九三学社社员"
    TDSGL = "台盟盟员", "台盟盟员"
    NONPARTY = "无党派人士", "无党派人士"
    MASSES = "群众", "群众"


class CadreQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CadreQuerySet":
        """Cadres of the user's organization and its subordinate institutions."""
        if user.is_superuser:
            return self
        if not user.organization_id:
            return self.none()
        # IN (a small subquery) rather than an OR through a join: the (organization, …) indexes apply.
        scope = Organization.objects.filter(Q(pk=user.organization_id) | Q(parent_id=user.organization_id))
        return self.filter(organization_id__in=scope.values("pk"))

    def for_list(self) -> "CadreQuerySet":
        """What a list row shows: department, current post, last assessments — in a fixed number of queries."""
        from .cadre_records import AnnualAssessment

        return self.select_related("organization", "department").prefetch_related(
            Prefetch(
                "holdings",
                queryset=PostHolding.objects.select_related("post", "post__department").order_by(
                    "started_on"
                ),
            ),
            Prefetch("assessments", queryset=AnnualAssessment.objects.order_by("-year")),
        )

    def for_detail(self) -> "CadreQuerySet":
        """Everything the cadre page shows, one query per section whatever the record's size."""
        from .cadre_records import Kinship

        return self.for_list().prefetch_related(
            "education",
            "resume",
            "family",
            "sanctions",
            Prefetch("kinships_from", queryset=Kinship.objects.select_related("other__department")),
            Prefetch("kinships_to", queryset=Kinship.objects.select_related("cadre__department")),
        )


class Cadre(models.Model):
    """A person in the registry (干部)."""

    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.PROTECT, related_name="cadres"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="科室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadres",
    )
    name = models.CharField("姓名", max_length=30, db_index=True)
    # Search keys, derived from the name on every save and import (see `set_search_keys`).
    name_pinyin = models.CharField("姓名拼音", max_length=120, blank=True, editable=False)
    name_initials = models.CharField("姓名首字母", max_length=30, blank=True, editable=False)
    # The list's sort key (issue 11): the department's 排序, copied here on every save (and by
    # Department.save when it changes) so the default order is one index, not a sort through a join.
    department_order = models.PositiveIntegerField("科室排序", default=NO_DEPARTMENT, editable=False)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    birthplace = models.CharField("出生地", max_length=50, blank=True)
    party_joined_on = models.DateField("入党时间", null=True, blank=True)
    party_note = models.CharField(
        "党派", max_length=50, blank=True, help_text="非中共党员填写党派名称，如“民建”“无党派”。"
    )
    work_started_on = models.DateField("参加工作时间")
    health = models.CharField("健康状况", max_length=50, default="健康")
    professional_title = models.CharField("专业技术职务", max_length=50, blank=True)
    expertise = models.CharField("熟悉专业有何专长", max_length=100, blank=True)
    # Printed in one box of the 任免审批表: bounded, so a pasted 300,000-character text cannot stall a render.
    rewards_and_punishments = models.TextField(
        "奖惩情况",
        blank=True,
        max_length=REWARDS_MAX_LENGTH,
        validators=[MaxLengthValidator(REWARDS_MAX_LENGTH), no_control_characters],
        help_text=f"不超过 {REWARDS_MAX_LENGTH} 字。",
    )
    photo = models.ImageField(
        "照片",
        upload_to=photo_name,
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png"], "照片只能是 JPG 或 PNG 格式。")],
    )
    is_active = models.BooleanField("在职", default=True)
    account = models.OneToOneField(
        "accounts.User",
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
        help_text="本人的系统账号；用于判断党组成员、考察组成员与人选的亲属关系（回避）。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "name_pinyin", "name_initials", "department_order"]
    )
    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["organization_id", "department_order", "pk"]
        indexes = [
            # the cadre list's default order (selection/selectors.py LIST_KEYS)
            models.Index(fields=["organization", "department_order", "id"], name="cadre_list_order"),
            models.Index(fields=["organization", "birth_date"]),
            models.Index(fields=["name_pinyin", "id"], name="cadre_pinyin_order"),
            # The pinyin and initials search (prefix LIKE, selectors.search): a plain index serves a prefix
            # only under the C collation; these serve it under any (zh_CN.UTF-8, C.UTF-8, …) on PostgreSQL.
            models.Index(
                fields=["name_pinyin"], name="cadre_pinyin_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["name_initials"], name="cadre_initials", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.set_search_keys()
        self.set_sort_key()
        if (fields := kwargs.get("update_fields")) is not None:
            fields = set(fields)
            if "name" in fields:
                fields |= {"name_pinyin", "name_initials"}
            if "department" in fields or "department_id" in fields:
                fields.add("department_order")
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cadre_detail", args=[self.pk])

    def set_sort_key(self) -> None:
        """The department's 排序 (the list's sort key); a query only when the department is not loaded."""
        if self.department_id is None:
            self.department_order = NO_DEPARTMENT
        elif Cadre.department.is_cached(self) and self.department.pk == self.department_id:
            self.department_order = self.department.order
        else:
            order = Department.objects.filter(pk=self.department_id).values_list("order", flat=True).first()
            self.department_order = NO_DEPARTMENT if order is None else order

    def set_search_keys(self) -> None:
        """姓名 → "zhangsan" and "zs" (pypinyin), for search and the 姓名 sort."""
        self.name_pinyin, self.name_initials = search_keys(self.name or "")

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = date.today()
        number = (self.id_number or "").strip().upper()
        self.id_number = number
        if number:
            if problem := id_number_problem(number):
                errors["id_number"] = problem
            else:
                if self.birth_date and ric.get_birth_date(number) != self.birth_date:
                    errors["birth_date"] = "出生日期与公民身份号码中的出生日期不一致。"
                expected_sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
                if self.sex and self.sex != expected_sex:
                    errors["sex"] = f"性别与公民身份号码不一致（号码显示为{expected_sex.label}）。"
        for field in ("birth_date", "party_joined_on", "work_started_on"):
            value = getattr(self, field)
            if value and value > today:
                errors.setdefault(field, "日期不能晚于今天。")
        if self.birth_date and self.work_started_on and self.work_started_on <= self.birth_date:
            errors.setdefault("work_started_on", "参加工作时间应晚于出生日期。")
        if self.birth_date and self.party_joined_on and self.party_joined_on <= self.birth_date:
            errors.setdefault("party_joined_on", "入党时间应晚于出生日期。")
        if errors:
            raise ValidationError(errors)

    # ---- derived facts, each taking an "as of" date -------------------------------------------------

    def age_on(self, on: date) -> int:
        """Age in full years on a date (R-ELIG-5)."""
        return age_in_full_years(self.birth_date, on)

    def years_of_work(self, on: date) -> int:
        """Full years since the work start (R-ELIG-2)."""
        return age_in_full_years(self.work_started_on, on)

    def _holdings(self) -> list[PostHolding]:
        return list(self.holdings.all())

    def current_holding(self, on: date | None = None) -> PostHolding | None:
        on = on or date.today()
        current = [
            h for h in self._holdings() if h.started_on <= on and (h.ended_on is None or h.ended_on >= on)
        ]
        # The 实职 post, not a 兼任 one (R-REG-3), unless only concurrent posts are held.
        return max(current, key=lambda h: (not h.is_concurrent, h.started_on)) if current else None

    def rank_on(self, on: date) -> str:
        """正职 / 副职 / '' (一般干部) from the post held on the date."""
        holding = self.current_holding(on)
        return holding.post.rank if holding else ""

    def months_in_deputy_post(self, on: date) -> int:
        """Full months spent in deputy posts up to the date, all holdings added up."""
        total = 0
        for holding in self._holdings():
            if holding.post.rank != Rank.DEPUTY or holding.started_on > on:
                continue
            end = min(holding.ended_on or on, on)
            total += full_months_between(holding.started_on, end)
        return total

    def years_in_deputy_post(self, on: date) -> int:
        """Full years in deputy posts (R-ELIG-1)."""
        return self.months_in_deputy_post(on) // 12

    def months_in_current_post(self, on: date) -> int | None:
        holding = self.current_holding(on)
        return full_months_between(holding.started_on, on) if holding else None

    def rotation_status(
        self, on: date, due_years: int = ROTATION_DUE_YEARS, overdue_years: int = ROTATION_OVERDUE_YEARS
    ) -> str:
        """'' / 'due' / 'overdue': same post ≥ 5 years is due, ≥ 10 overdue (R-REQ-2)."""
        months = self.months_in_current_post(on)
        if months is None:
            return ""
        if months >= overdue_years * 12:
            return "overdue"
        if months >= due_years * 12:
            return "due"
        return ""

    def last_assessments(self, on: date, count: int = 2) -> list["AnnualAssessment"]:
        """The last `count` annual assessments completed before the date's year, newest first."""
        done = [a for a in self.assessments.all() if a.year < on.year]
        return sorted(done, key=lambda a: a.year, reverse=True)[:count]

    def sanctions_in_effect(self, on: date, periods: dict[str, int] | None = None) -> list["Sanction"]:
        """Sanctions whose effect period (R-INS-9 table) has not ended on the date."""
        return [s for s in self.sanctions.all() if s.in_effect_on(on, periods)]

    def highest_education(self, kind: str | None = None) -> "EducationRecord | None":
        records = [e for e in self.education.all() if kind is None or e.kind == kind]
        return max(records, key=lambda e: EducationLevel(e.level).rank) if records else None

    def relatives(self) -> list[tuple["Cadre", "Kinship"]]:
        """(relative, kinship) for each kinship row, whichever side it is stored on (reads prefetches)."""
        return [(k.other, k) for k in self.kinships_from.all()] + [
            (k.cadre, k) for k in self.kinships_to.all()
        ]

    def resume_lines(self) -> list[str]:
        """The 简历 in the official line format (FORMS.md §1)."""
        lines = []
        for entry in self.resume.all():
            lines.extend(entry.lines())
        return lines

    def resume_text(self) -> str:
        return "\n".join(self.resume_lines())


@receiver(pre_delete, sender=Department)
def _department_deleted(sender, instance: Department, **kwargs) -> None:
    """Its cadres lose the department (SET_NULL) and so its place in the list's order."""
    Cadre.objects.filter(department=instance).update(department_order=NO_DEPARTMENT)
