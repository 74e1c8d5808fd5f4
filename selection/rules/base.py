"""Findings, vocabularies, settings, messages and date arithmetic shared by every rule area."""

import calendar
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from django.db import models

from .messages import MESSAGES

# ---------------------------------------------------------------------------------------------------------
# Findings


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"  # may go on with a recorded justification (一般 / 原则上)
    BLOCK = "block"  # refused until fixed
    RECORD = "record"  # something to capture or act on that does not stop the current step (a task)


@dataclass(frozen=True)
class Finding:
    rule: str  # "R-DEC-2"
    level: Level
    message: str  # Chinese: what is missing and what to do

    @property
    def ok(self) -> bool:
        return self.level == Level.OK

    @property
    def key(self) -> str:
        """Stable key of this exact finding: a justification answers one warning, not every one of a rule."""
        return f"{self.rule}-{hashlib.sha1(self.message.encode()).hexdigest()[:8]}"


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == Level.BLOCK]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == Level.WARN]


# ---------------------------------------------------------------------------------------------------------
# Vocabularies (values match the models' choices; see tests/test_rules.py)

STAFF = ""  # no middle-level post: 一般干部 (selection.models.post.Rank has only CHIEF and DEPUTY)
DEPUTY = "deputy"
CHIEF = "chief"
RANK_LEVEL: Mapping[str, int] = MappingProxyType({STAFF: 0, DEPUTY: 1, CHIEF: 2})
RANK_LABEL: Mapping[str, str] = MappingProxyType({STAFF: "一般干部", DEPUTY: "中层副职", CHIEF: "中层正职"})

# selection.models.cadre.EducationLevel, lowest first.
EDUCATION_ORDER: tuple[str, ...] = (
    "below",
    "high_school",
    "technical",
    "college",
    "undergraduate",
    "postgraduate",
)
EDUCATION_LABEL: Mapping[str, str] = MappingProxyType(
    {
        "below": "初中及以下",
        "high_school": "高中",
        "technical": "中专",
        "college": "大学专科",
        "undergraduate": "大学本科",
        "postgraduate": "研究生",
    }
)

# selection.models.cadre.AssessmentResult stores the Chinese grade itself.
PASSING_GRADES = frozenset({"优秀", "称职", "合格"})  # R-ELIG-6: 称职/合格 or better
LOW_GRADES = frozenset({"基本称职", "基本合格", "不称职", "不合格"})  # R-INS-2 ③: 基本称职/基本合格 or lower


class Stage(StrEnum):
    """The gate being entered; rules due at a later gate are not returned before it."""

    MOTION = "motion"
    RECOMMENDATION = "recommendation"
    INSPECTION = "inspection"
    DECISION = "decision"
    NOTICE = "notice"
    APPOINTMENT = "appointment"


_STAGE_ORDER = list(Stage)


def _reached(stage: Stage, gate: Stage) -> bool:
    return _STAGE_ORDER.index(stage) >= _STAGE_ORDER.index(gate)


class Method(StrEnum):  # SelectionCase.Mode
    DAILY = "daily"
    COMPETITIVE = "competitive"


class CompetitionStep(models.TextChoices):
    """R-MET-2: the order of 《党政机关竞争上岗工作暂行规定》, as data."""

    PLAN = "plan", "公布竞争上岗工作方案"
    REGISTRATION = "registration", "报名与资格审查"
    EXAM = "exam", "笔试、面试"
    APPRAISAL = "appraisal", "民主测评与组织考察"
    DECISION = "decision", "党组讨论决定"
    APPOINTMENT = "appointment", "办理任职手续"


COMPETITION_STEPS: tuple[CompetitionStep, ...] = tuple(CompetitionStep)


class MotionOrigin(StrEnum):  # SelectionCase.MotionOrigin
    MAIN_LEADER = "main_leader"
    PERSONNEL_LEAD = "personnel_lead"


class MotionForm(StrEnum):  # SelectionCase.MotionForm
    ORAL = "oral"
    WRITTEN = "written"


class RoundKind(StrEnum):  # RecommendationRound.Kind
    CONVERSATION = "conversation"
    MEETING = "meeting"


ROUND_LABEL: Mapping[str, str] = MappingProxyType(
    {RoundKind.CONVERSATION: "谈话调研推荐", RoundKind.MEETING: "会议推荐"}
)


class VotingMethod(StrEnum):  # Meeting.Method
    ORAL = "oral"
    HANDS = "hands"
    SECRET = "secret"


class Outcome(StrEnum):  # the CandidateStatus a decision leaves
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"


class ComplaintConclusion(StrEnum):  # Complaint.Conclusion
    PENDING = ""
    NO_EFFECT = "no_effect"
    AFFECTS = "affects"


class ExceptionalKind(StrEnum):  # Candidate.ExceptionalType
    OUTSTANDING = "outstanding"
    SPECIAL_NEED = "special_need"


class DossierItem(models.TextChoices):
    """R-INS-6 "三龄两历一身份"."""

    BIRTH_DATE = "birth_date", "出生日期"
    PARTY_DATE = "party_date", "入党时间"
    WORK_START = "work_start", "参加工作时间"
    EDUCATION = "education", "学历学位"
    WORK_HISTORY = "work_history", "工作经历"
    CADRE_STATUS = "cadre_status", "干部身份"


class NegativeItem(models.TextChoices):
    """R-INS-2: who may not be an inspection target. ③ and ⑥ are computed; the rest are answered."""

    POLITICAL = "1", "①违反政治纪律和政治规矩"
    RECOGNITION = "2", "②群众公认度不高"
    ASSESSMENT = "3", "③上一年年度考核结果为基本称职（基本合格）以下等次"
    CANVASSING = "4", "④有跑官、拉票等非组织行为"
    EMIGRATED = "5", "⑤配偶已移居国（境）外，或者没有配偶但子女均已移居国（境）外"
    SANCTION = "6", "⑥受到诫勉、组织处理或者党纪政务处分等影响期未满或者期满影响使用"
    OTHER = "7", "⑦其他原因不宜提拔或使用"


ANSWERED_ITEMS = (
    NegativeItem.POLITICAL,
    NegativeItem.RECOGNITION,
    NegativeItem.CANVASSING,
    NegativeItem.EMIGRATED,
    NegativeItem.OTHER,
)


class SanctionType(models.TextChoices):
    """诫勉、组织处理、党纪政务处分 (R-INS-9). The registry's Sanction.kind stores these values."""

    PARTY_WARNING = "party_warning", "党内警告"
    PARTY_SERIOUS_WARNING = "party_serious_warning", "党内严重警告"
    PARTY_POST_REMOVAL = "party_post_removal", "撤销党内职务"
    PARTY_PROBATION = "party_probation", "留党察看"
    PARTY_EXPULSION = "party_expulsion", "开除党籍"
    GOV_WARNING = "gov_warning", "政务警告"
    DEMERIT = "demerit", "记过"
    MAJOR_DEMERIT = "major_demerit", "记大过"
    DEMOTION = "demotion", "降级"
    DISMISSAL = "dismissal", "撤职"
    EXPULSION = "expulsion", "开除"
    POST_ADJUSTMENT = "post_adjustment", "调整职务"
    ORDERED_RESIGNATION = "ordered_resignation", "责令辞职"
    REMOVAL_FROM_POST = "removal_from_post", "免职"
    RANK_REDUCTION = "rank_reduction", "降职"
    ADMONITION = "admonition", "诫勉"


# Months of effect (影响期). None: never ends. 留党察看 counts from the day party rights are restored.
# Sources: 《中国共产党纪律处分条例》Art. 10–13; 《公职人员政务处分法》Art. 8, 22; 《推进领导干部能上能下规定》
# Art. 21 (调整职务 1 年；责令辞职、免职 1 年不安排职务、2 年不得提拔；降职 2 年); 诫勉 6 个月.
DEFAULT_EFFECT_PERIODS: Mapping[str, int | None] = MappingProxyType(
    {
        SanctionType.PARTY_WARNING: 12,
        SanctionType.PARTY_SERIOUS_WARNING: 18,
        SanctionType.PARTY_POST_REMOVAL: 24,
        SanctionType.PARTY_PROBATION: 24,
        SanctionType.PARTY_EXPULSION: None,
        SanctionType.GOV_WARNING: 6,
        SanctionType.DEMERIT: 12,
        SanctionType.MAJOR_DEMERIT: 18,
        SanctionType.DEMOTION: 24,
        SanctionType.DISMISSAL: 24,
        SanctionType.EXPULSION: None,
        SanctionType.POST_ADJUSTMENT: 12,
        SanctionType.ORDERED_RESIGNATION: 12,
        SanctionType.REMOVAL_FROM_POST: 12,
        SanctionType.RANK_REDUCTION: 24,
        SanctionType.ADMONITION: 6,
    }
)
# Longer periods that apply to a promotion only (免职、责令辞职: 两年内不得提拔).
DEFAULT_NO_PROMOTION_PERIODS: Mapping[str, int] = MappingProxyType(
    {SanctionType.REMOVAL_FROM_POST: 24, SanctionType.ORDERED_RESIGNATION: 24}
)


DEFAULT_RETIREMENT_AGES: Mapping[str, int] = MappingProxyType(
    {"男/chief": 60, "男/deputy": 60, "男/": 60, "女/chief": 55, "女/deputy": 55, "女/": 55}
)


class Relation(models.TextChoices):
    """R-KIN-1: the relations that count, plus OTHER for a relation that does not. Adoptive and step
    relations (拟制血亲) count as the natural ones."""

    SPOUSE = "spouse", "夫妻"
    PARENT = "parent", "父母"
    CHILD = "child", "子女"
    GRANDPARENT = "grandparent", "祖父母、外祖父母"
    GRANDCHILD = "grandchild", "孙子女、外孙子女"
    OTHER_LINEAL = "other_lineal", "其他直系血亲"
    SIBLING = "sibling", "兄弟姐妹"
    UNCLE_AUNT = "uncle_aunt", "伯叔姑舅姨"
    NEPHEW_NIECE = "nephew_niece", "侄子女、甥子女"
    COUSIN = "cousin", "堂兄弟姐妹、表兄弟姐妹"
    SPOUSE_PARENT = "spouse_parent", "配偶的父母"
    SPOUSE_SIBLING = "spouse_sibling", "配偶的兄弟姐妹及其配偶"
    CHILD_SPOUSE = "child_spouse", "子女的配偶及子女配偶的父母"
    COLLATERAL_SPOUSE = "collateral_spouse", "三代以内旁系血亲的配偶"
    OTHER = "other", "其他关系"


# The registry's Kinship.Category groups the same relations; every category counts.
KINSHIP_CATEGORIES = frozenset({"spouse", "lineal", "collateral", "in_law"})


class WorkKind(models.TextChoices):
    """R-KIN-2: work where a relative of the leader may not serve."""

    ORGANIZATION = "organization", "组织"
    PERSONNEL = "personnel", "人事"
    DISCIPLINE = "discipline", "纪检"
    SUPERVISION = "supervision", "监察"
    AUDIT = "audit", "审计"
    FINANCE = "finance", "财务"
    OTHER = "other", "其他"


SENSITIVE_WORK = frozenset(WorkKind) - {WorkKind.OTHER}
WHOLE_UNIT = "*"  # in PostFacts.leads: leads the whole unit


class Rotation(StrEnum):
    NOT_DUE = "not_due"
    DUE = "due"
    OVERDUE = "overdue"


class ReportStage(StrEnum):
    """R-REQ-3: the yearly report counts people at each stage; later stages cannot exceed earlier ones."""

    RECOMMENDED = "recommended"
    INSPECTED = "inspected"
    DECIDED = "decided"
    APPOINTED = "appointed"


# ---------------------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class RuleSettings:
    """Every *(setting)* of RULES.md, with its default. One instance per organisation."""

    deputy_years_for_chief: int = 1  # R-ELIG-1
    work_years_for_deputy: int = 2  # R-ELIG-2
    min_education: str = "college"  # R-ELIG-4: 大学专科
    new_deputy_age_limit: int = 40  # R-ELIG-5: "under 40" = age in full years < 40 on the motion date
    assessment_years_chief: int = 1  # R-ELIG-6
    assessment_years_deputy: int = 2  # R-ELIG-6
    exceptional_months_since_promotion: int = 12  # R-EXC-4: not within 1 year of the last promotion
    daily_procedure_post_threshold: int = 3  # R-MET-1
    recommendation_valid_months: int = 12  # R-REC-7
    min_inspection_team: int = 2  # R-INS-3
    appraisal_min_attendance: str = "2/3"  # R-INS-5: 民主测评 attendance below this share warns
    effect_periods: Mapping[str, int | None] = DEFAULT_EFFECT_PERIODS  # R-INS-9, months
    no_promotion_periods: Mapping[str, int] = DEFAULT_NO_PROMOTION_PERIODS  # R-INS-9, months
    recused_stay_in_n: bool = True  # R-DEC-6
    notice_workdays: int = 5  # R-NOT-2
    notice_start_counts: bool = True  # R-CAL-2
    probation_months: int = 12  # R-APP-3, R-PRB-1
    probation_task_days: int = 30  # R-PRB-2: the task appears this many days before the end
    rotation_due_years: int = 5  # R-REQ-2
    rotation_overdue_years: int = 10  # R-REQ-2
    annual_flag_numerator: int = 1  # R-ANR-3: a cadre is flagged when 不认同 share > 1/3
    annual_flag_denominator: int = 3
    # 预警提醒 (issue 15): statutory retirement age by "sex/rank" (rank "" = 一般干部), in full years
    retirement_ages: Mapping[str, int] = DEFAULT_RETIREMENT_AGES
    stale_case_days: int = 30  # a case waiting longer than this at one step is shown on the dashboard
    vacant_post_months: int = 3  # a post vacant longer than this is shown on the dashboard
    young_cadre_age: int = 40  # 年轻干部 in the leadership-team structure: under this age
    competition_min_qualified: int = 2  # R-CMP-4: qualified applicants per post
    interview_panel_min: int = 5  # R-CMP-5: an odd number of examiners, at least this many
    interview_trim_from: int = 7  # R-CMP-5: drop the highest and lowest score from this panel size


DEFAULT_SETTINGS = RuleSettings()

# Where each rule area comes from, for the case page and the 纪实表 (data, not logic).
RULE_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "R-ELIG": "本局制度二；《党政领导干部选拔任用工作条例》第八条",
        "R-EXC": "本局制度三（二）；条例第九条（2014 年版条号）",
        "R-MET": "本局制度三；《党政机关竞争上岗工作暂行规定》",
        "R-CMP": "本局制度三（一）（三）；《党政机关竞争上岗工作暂行规定》第五、六条",
        "R-MOT": "本局制度四（一）",
        "R-REC": "本局制度四（二）；条例第十八至二十条",
        "R-INS": "本局制度四（三）；条例第二十三、二十四、三十一条",
        "R-DEC": "本局制度四（四）；条例第三十七、三十八条（2014 年版条号）",
        "R-NOT": "本局制度四（五）；条例第四十一条（2014 年版条号）",
        "R-APP": "本局制度四（五）；条例第四十二至四十四条（2014 年版条号）",
        "R-KIN": "本局制度五（二）；《公务员法》第七十四条；《公务员回避规定》第五条",
        "R-REQ": "本局制度五",
        "R-CAL": "国务院办公厅节假日安排通知",
    }
)


def _finding(rule: str, level: Level, key: str, **values: object) -> Finding:
    return Finding(rule, level, MESSAGES[key].format(**values))


# ---------------------------------------------------------------------------------------------------------
# Date arithmetic (民法典 Art. 201–203: the start day is not counted; a period in months ends on the
# corresponding day of the last month, or that month's last day when it has no such day)


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, months: int) -> date:
    """The last day of a period of `months` months starting on `start` (that day is still inside)."""
    return add_months(start, months)


def full_months_between(start: date, on: date) -> int:
    """Full months from start to on: month m is complete once `on` reaches add_months(start, m)."""
    if on < start:
        return 0
    months = (on.year - start.year) * 12 + on.month - start.month
    while months > 0 and add_months(start, months) > on:
        months -= 1
    return months


def age_in_full_years(birth: date, on_date: date) -> int:
    """周岁 on a date: one more on each birthday (a 29 February birthday counts on 1 March)."""
    return on_date.year - birth.year - ((on_date.month, on_date.day) < (birth.month, birth.day))


def two_thirds(n: int) -> int:
    """The least count that is "三分之二以上" of n: ⌈2n/3⌉."""
    return (2 * n + 2) // 3


def more_than_half(n: int) -> int:
    """The least count that is "超过半数" of n."""
    return n // 2 + 1


def cn_date(day: date) -> str:
    """Dates in messages as Chinese government usage writes them: 2026年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _iso(day: date | None) -> str:
    return cn_date(day) if day else ""
