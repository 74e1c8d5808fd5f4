"""The rules of RULES.md as pure functions: facts in, Findings out (STYLE.md "Rules are data you can read").

No ORM, no database, no clock: the service layer gathers the facts (today's date included) into the small
frozen dataclasses below and acts on the findings — it refuses on a BLOCK and demands a recorded
justification for each WARN. Every function returns a Finding for every rule it checks, OK included, so
the case page can show the checklist. A RECORD fact that is missing when its gate is reached is a BLOCK.

Vocabularies that the models also store (ranks, education, assessment results, votes, …) are given here
by their stored values, so this module never imports the models; tests pin that the values agree.
Legal arithmetic (RULES.md): 以上/以下/以内/届满 include the number, 超过/不满 exclude it; integers only.
"""

import calendar
import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from django.db import models

from .workdays import CalendarUnavailable, WorkdayCalendar

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
    effect_periods: Mapping[str, int | None] = DEFAULT_EFFECT_PERIODS  # R-INS-9, months
    no_promotion_periods: Mapping[str, int] = DEFAULT_NO_PROMOTION_PERIODS  # R-INS-9, months
    recused_stay_in_n: bool = True  # R-DEC-6
    notice_workdays: int = 5  # R-NOT-2
    notice_start_counts: bool = True  # R-CAL-2
    probation_months: int = 12  # R-APP-3
    rotation_due_years: int = 5  # R-REQ-2
    rotation_overdue_years: int = 10  # R-REQ-2


DEFAULT_SETTINGS = RuleSettings()

# Where each rule area comes from, for the case page and the 纪实表 (data, not logic).
RULE_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "R-ELIG": "本局制度二；《党政领导干部选拔任用工作条例》第八条",
        "R-EXC": "本局制度三（二）；条例第九条（2014 年版条号）",
        "R-MET": "本局制度三；《党政机关竞争上岗工作暂行规定》",
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

# ---------------------------------------------------------------------------------------------------------
# Messages: every text a finding can carry, in one place so tests can assert them.

MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        # Eligibility
        "R-ELIG-1/na": "R-ELIG-1：拟任岗位不是中层正职，不适用。",
        "R-ELIG-1/ok": "R-ELIG-1：已在副职岗位工作 {months} 个月，符合正职须副职满 {years} 年的条件。",
        "R-ELIG-1/lateral": "R-ELIG-1：现任中层正职，平级任职，符合条件。",
        "R-ELIG-1/warn": "R-ELIG-1：担任中层正职一般应在副职岗位工作 {years} 年以上，现仅 {months} 个月；"
        "如确需任用，请记录理由，并按破格提拔办理（R-EXC-1）。",
        "R-ELIG-2/na": "R-ELIG-2：拟任岗位不是中层副职，不适用。",
        "R-ELIG-2/ok": "R-ELIG-2：工作经历 {months} 个月，符合副职须 {years} 年以上工作经历的条件。",
        "R-ELIG-2/warn": "R-ELIG-2：担任中层副职一般应具有 {years} 年以上工作经历，现仅 {months} 个月；"
        "如确需任用，请记录理由，并按破格提拔办理（R-EXC-1）。",
        "R-ELIG-3/na": "R-ELIG-3：拟任岗位不是中层副职，不适用。",
        "R-ELIG-3/ok": "R-ELIG-3：试用期满考核合格。",
        "R-ELIG-3/missing": "R-ELIG-3：未记录试用期考核结果，请在干部信息中补录后再继续。",
        "R-ELIG-3/block": "R-ELIG-3：担任中层副职须试用期满且考核合格，该同志不符合，不能列为人选。",
        "R-ELIG-4/ok": "R-ELIG-4：文化程度{education}，符合{minimum}以上的条件。",
        "R-ELIG-4/missing": "R-ELIG-4：未记录文化程度，请在干部信息中补录学历后再继续。",
        "R-ELIG-4/warn": "R-ELIG-4：文化程度一般应为{minimum}以上，该同志为{education}；"
        "如确需任用，请记录理由，并按破格提拔办理（R-EXC-1）。",
        "R-ELIG-5/na": "R-ELIG-5：不是新提任中层副职，不适用年龄条件。",
        "R-ELIG-5/ok": "R-ELIG-5：动议时 {age} 周岁，符合新提任中层副职一般在 {limit} 周岁以下的条件。",
        "R-ELIG-5/missing": "R-ELIG-5：未记录出生日期，无法判断年龄条件，请在干部信息中补录。",
        "R-ELIG-5/warn": "R-ELIG-5：新提任中层副职一般应在 {limit} 周岁以下，该同志动议时已满 {age} 周岁；"
        "如确需任用，请记录理由，并按破格提拔办理（R-EXC-1）。",
        "R-ELIG-6/ok": "R-ELIG-6：{years}年度考核均为称职（合格）以上等次。",
        "R-ELIG-6/missing": "R-ELIG-6：缺少{years}年度考核结果，请在干部信息中补录后再继续。",
        "R-ELIG-6/block": "R-ELIG-6：任职资格年限内年度考核须均为称职（合格）以上，{detail}，不能列为人选。",
        "R-ELIG-7/ok": "R-ELIG-7：已记录具有正常履行职责的身体条件。",
        "R-ELIG-7/missing": "R-ELIG-7：未记录身体条件情况，请记录能否正常履行职责后再继续。",
        "R-ELIG-7/block": "R-ELIG-7：已记录身体条件不能正常履行职责，不能列为人选。",
        "R-ELIG-8/ok": "R-ELIG-8：由{current}提任{target}，属逐级提拔。",
        "R-ELIG-8/consented": "R-ELIG-8：由{current}越级提任{target}，已经县委组织部同意，按破格提拔办理。",
        "R-ELIG-8/block": "R-ELIG-8：由{current}直接提任{target}属越级提拔（破格），"
        "须先经县委组织部书面同意（R-EXC-2）后才能继续。",
        # Exceptional promotion
        "R-EXC-1/ok": "R-EXC-1：不属于破格提拔。",
        "R-EXC-1/recorded": "R-EXC-1：属于破格提拔（{grounds}），类型“{kind}”，理由已记录。",
        "R-EXC-1/block": "R-EXC-1：该人选因{grounds}属于破格提拔，请记录破格类型（特别优秀或工作特殊需要）和理由。",
        "R-EXC-2/na": "R-EXC-2：不属于越级提拔，且经民主推荐产生，无需事先请示县委组织部。",
        "R-EXC-2/ok": "R-EXC-2：已取得县委组织部同意（{number}，{on}）。",
        "R-EXC-2/block": "R-EXC-2：{why}，考察前须取得县委组织部书面同意，请录入同意文号、日期并上传附件。",
        "R-EXC-3/na": "R-EXC-3：不属于破格提拔，不适用。",
        "R-EXC-3/ok": "R-EXC-3：破格提拔已取得县委组织部同意（{number}，{on}）。",
        "R-EXC-3/block": "R-EXC-3：破格提拔人选提交讨论决定前，须录入县委组织部同意的文号、日期和附件。",
        "R-EXC-4/na": "R-EXC-4：不属于破格提拔，不适用。",
        "R-EXC-4/ok": "R-EXC-4：不存在不得破格提拔的情形。",
        "R-EXC-4/block": "R-EXC-4：{why}，不得破格提拔。",
        "R-EXC-5/na": "R-EXC-5：不属于破格提拔，不适用。",
        "R-EXC-5/ok": "R-EXC-5：公示内容已说明破格提拔的情形和理由。",
        "R-EXC-5/block": "R-EXC-5：破格提拔人选的公示须说明破格的具体情形和理由，请补充公示内容。",
        # Method
        "R-MET-1/ok": "R-MET-1：选拔方式为{method}，共 {posts} 个职位。",
        "R-MET-1/warn": "R-MET-1：本批调整 {posts} 个职位（{threshold} 个及以上），一般应采用竞争上岗；"
        "采用日常选拔任用程序须记录理由。",
        "R-MET-2/na": "R-MET-2：未采用竞争上岗，不适用。",
        "R-MET-2/ok": "R-MET-2：竞争上岗职位均为副职。",
        "R-MET-2/warn": "R-MET-2：竞争上岗一般用于副职，本批包含正职职位，须记录理由。",
        "R-MET-2/order_ok": "R-MET-2：可以进行“{step}”。",
        "R-MET-2/order": "R-MET-2：竞争上岗须依次进行：{sequence}；进行“{step}”前须先完成“{missing}”。",
        "R-MET-2/done": "R-MET-2：“{step}”已完成，不能重复进行。",
        # Motion
        "R-MOT-1/ok": "R-MOT-1：中层{rank}核定 {approved} 名，现任 {holders} 名、待任 {pending} 名、"
        "本批拟任 {proposed} 名，未超职数。",
        "R-MOT-1/block": "R-MOT-1：中层{rank}核定 {approved} 名，现任 {holders} 名、待任 {pending} 名，"
        "本批拟任 {proposed} 名将超出职数 {excess} 名，请减少拟任职位。",
        "R-MOT-1/missing": "R-MOT-1：未录入本单位核定职数，请先在“核定职数”中录入。",
        "R-MOT-2/ok": "R-MOT-2：{origin}，主要领导{leader}于 {on} 同意启动（{form}）。",
        "R-MOT-2/no_origin": "R-MOT-2：请记录动议方式：党组主要领导决定启动，或分管领导提出、主要领导同意。",
        "R-MOT-2/no_proposer": "R-MOT-2：由分管干部人事工作的领导提出建议的，请记录提出人。",
        "R-MOT-2/no_decision": "R-MOT-2：尚无党组主要领导启动（同意）的记录，请记录主要领导姓名和日期。",
        "R-MOT-2/no_attachment": "R-MOT-2：启动意见为书面形式的，请上传书面意见。",
        "R-MOT-3/ok": "R-MOT-3：已记录党组分析研判情况。",
        "R-MOT-3/block": "R-MOT-3：请记录党组分析研判情况后再启动。",
        # Recommendation
        "R-REC-1/ok": "R-REC-1：已进行民主推荐（{count} 轮）。",
        "R-REC-1/block": "R-REC-1：提拔任用须经民主推荐，尚无推荐记录，请先录入民主推荐情况。",
        "R-REC-1/inspection_ok": "R-REC-1：已进行民主推荐和考察。",
        "R-REC-1/no_inspection": "R-REC-1：提拔任用须经考察，该人选尚未完成考察，不能提交讨论决定。",
        "R-REC-2/ok": "R-REC-2：推荐顺序：{order}。",
        "R-REC-2/missing": "R-REC-2：{kind}未记录日期，请补录。",
        "R-REC-3/na": "R-REC-3：未在谈话调研推荐后进行会议推荐，不适用。",
        "R-REC-3/ok": "R-REC-3：会议推荐参考人选 {candidates} 名，多于职位数 {posts} 个（差额）。",
        "R-REC-3/missing": "R-REC-3：请记录谈话调研推荐后提出的会议推荐参考人选人数。",
        "R-REC-3/block": "R-REC-3：会议推荐参考人选应差额提出，现 {candidates} 名，须多于职位数 {posts} 个。",
        "R-REC-4/ok": "R-REC-4：已进行会议推荐。",
        "R-REC-4/missing": "R-REC-4：未进行会议推荐。如不再进行，须确认单位人数较少、参加范围与谈话调研推荐"
        "基本相同、谈话调研推荐意见集中三项条件并记录理由；否则请进行会议推荐。",
        "R-REC-4/block": "R-REC-4：不进行会议推荐须同时具备三项条件，{missing}未确认，请进行会议推荐。",
        "R-REC-4/warn": "R-REC-4：三项条件均已确认，不再进行会议推荐；请记录理由。",
        "R-REC-5/ok": "R-REC-5：{kind}应参加 {expected} 人，实参加 {actual} 人，范围：{scope}。",
        "R-REC-5/block": "R-REC-5：{kind}请记录参加范围、应参加人数和实参加人数（实参加不能多于应参加）。",
        "R-REC-6/ok": "R-REC-6：会议推荐应参加 {expected} 人，实参加 {actual} 人，达到三分之二（至少 {needed} 人）。",
        "R-REC-6/block": "R-REC-6：会议推荐应参加 {expected} 人，实参加 {actual} 人，不足三分之二"
        "（至少 {needed} 人），推荐无效，请重新组织。",
        "R-REC-7/ok": "R-REC-7：推荐于 {recommended_on} 进行，有效期至 {valid_until}。",
        "R-REC-7/expired": "R-REC-7：非定向推荐结果一年内有效，该推荐于 {recommended_on} 进行，已于 {valid_until} "
        "期满，请重新进行民主推荐。",
        "R-REC-7/post_changed": "R-REC-7：定向推荐后拟任职位已变化，原推荐结果失效，请重新进行民主推荐。",
        "R-REC-8/ok": "R-REC-8：{kind}已记录得票数、有效票数和排名，选票不记名。",
        "R-REC-8/block": "R-REC-8：{kind}请记录每人得票数、有效票数和排名。",
        "R-REC-8/named": "R-REC-8：{kind}的选票不得记录投票人姓名，请删除投票人信息。",
        # Inspection
        "R-INS-1/ok": "R-INS-1：考察对象经党组会议（{on}，应到 {expected} 人、实到 {present} 人）集体研究确定。",
        "R-INS-1/missing": "R-INS-1：考察对象须由党组集体研究确定，请记录党组会议日期和到会人数。",
        "R-INS-1/quorum": "R-INS-1：确定考察对象的党组会议应到 {expected} 人，实到 {present} 人，"
        "不足三分之二（至少 {needed} 人），请重新研究。",
        "R-INS-1/rank_ok": "R-INS-1：考察对象在推荐中排名第 {rank}。",
        "R-INS-1/warn": "R-INS-1：考察对象推荐排名{rank}，未居前 {posts} 位；不得简单以票取人，"
        "请记录综合考虑的理由。",
        "R-INS-2/ok": "R-INS-2{mark}：无此情形（{by}确认）。",
        "R-INS-2/missing": "R-INS-2{mark}：请回答是否存在“{item}”的情形，并写明回答人。",
        "R-INS-2/block": "R-INS-2{mark}：存在“{item}”的情形（{by}确认），不得列为考察对象。",
        "R-INS-2/special_post": "R-INS-2⑤：配偶（子女）已移居国（境）外，但拟任岗位属特殊岗位（{by}确认），可以列为考察对象。",
        "R-INS-2/assessment_ok": "R-INS-2③：{year}年度考核结果为{grade}。",
        "R-INS-2/assessment_missing": "R-INS-2③：缺少{year}年度考核结果，请在干部信息中补录。",
        "R-INS-2/assessment_block": "R-INS-2③：{year}年度考核结果为{grade}，不得列为考察对象。",
        "R-INS-2/sanction_ok": "R-INS-2⑥：无影响期未满的诫勉、组织处理或处分。",
        "R-INS-2/sanction_block": "R-INS-2⑥：{kind}（{effective} 起）影响期{until}，不得列为考察对象（R-INS-9）。",
        "R-INS-3/ok": "R-INS-3：考察组 {size} 人（{members}），均与考察对象无亲属关系。",
        "R-INS-3/size": "R-INS-3：考察组至少 {minimum} 人，现 {size} 人，请增加考察组成员。",
        "R-INS-3/related": "R-INS-3：考察组成员{names}与考察对象有亲属关系，须回避，请调整考察组（R-KIN-3）。",
        "R-INS-4/ok": "R-INS-4：已于 {on} 发布考察预告。",
        "R-INS-4/missing": "R-INS-4：考察前须发布考察预告，请记录发布日期。",
        "R-INS-4/late": "R-INS-4：考察预告须在考察前发布，预告日期 {on} 晚于考察开始日期 {start}。",
        "R-INS-4/content": "R-INS-4：考察预告缺少{missing}，请补充后发布。",
        "R-INS-5/ok": "R-INS-5：民主测评应参加 {expected} 人，实参加 {actual} 人，已记录各等次票数和征求意见情况。",
        "R-INS-5/block": "R-INS-5：请记录民主测评（含政治素质）应参加和实参加人数、各等次票数，以及征求意见情况。",
        "R-INS-5/count": "R-INS-5：民主测评票数合计 {total} 张，多于实参加人数 {actual} 人，请核对。",
        "R-INS-6/ok": "R-INS-6：“三龄两历一身份”已审核，审核人{reviewer}。",
        "R-INS-6/block": "R-INS-6：干部档案任前审核未完成：{missing}。",
        "R-INS-7/ok": "R-INS-7：已于 {on} 取得派驻纪检监察组书面意见：{conclusion}。",
        "R-INS-7/block": "R-INS-7：请书面征求派驻纪检监察组对考察对象党风廉政情况的意见，并记录日期和结论。",
        "R-INS-8/ok": "R-INS-8：考察材料已形成并上传。",
        "R-INS-8/block": "R-INS-8：请撰写并上传考察材料。",
        "R-INS-10/ok": "R-INS-10：个人有关事项报告已查核，反映的问题已查清。",
        "R-INS-10/unchecked": "R-INS-10：讨论决定前须完成个人有关事项报告查核，请记录查核日期和结果。",
        "R-INS-10/complaints": "R-INS-10：尚有 {count} 件具体、可查的反映问题未查清，须查清后再讨论决定。",
        # Decision
        "R-DEC-1/ok": "R-DEC-1：于 {on} 召开党组会议集体讨论决定。",
        "R-DEC-1/missing": "R-DEC-1：干部任免须由党组集体讨论决定，请记录党组会议。",
        "R-DEC-1/authority": "R-DEC-1：该职务不在本党组干部管理权限内，不能由本党组决定。",
        "R-DEC-2/ok": "R-DEC-2：党组成员应到 {expected} 人，实到 {present} 人，达到三分之二（至少 {needed} 人）。",
        "R-DEC-2/block": "R-DEC-2：党组成员应到 {expected} 人，实到 {present} 人，不足三分之二（至少 {needed} 人），"
        "不能讨论决定。",
        "R-DEC-3/ok": "R-DEC-3：{candidate}：{method}，到会且未回避的 {voters} 人均已表态。",
        "R-DEC-3/method": "R-DEC-3：请选择表决方式（口头表决、举手表决或无记名投票）。",
        "R-DEC-3/count": "R-DEC-3：{candidate}：应表态 {voters} 人，已表态 {cast} 人（同意、不同意、缓议），"
        "请每位到会且未回避的成员表态。",
        "R-DEC-3/leader_last": "R-DEC-3：{candidate}：党组主要领导应最后表态，请按程序重新表决。",
        "R-DEC-4/ok": "R-DEC-4：{candidate}：考察材料和《干部任免审批表》已提交。",
        "R-DEC-4/block": "R-DEC-4：{candidate}：提交讨论前须备齐{missing}。",
        "R-DEC-5/ok": "R-DEC-5：同意 {agree} 票，超过应到会成员 {expected} 人的半数，通过。",
        "R-DEC-5/block": "R-DEC-5：同意 {agree} 票，未超过应到会成员 {expected} 人的半数（至少 {needed} 票），未通过。",
        "R-DEC-6/ok": "R-DEC-6：{candidate}：须回避的成员均已回避。",
        "R-DEC-6/block": "R-DEC-6：{candidate}：{names}与其有亲属关系，须回避，不能参加对其的表决（R-KIN-3）。",
        "R-DEC-7/ok": "R-DEC-7：同意复议 {agree} 人，超过应到会成员 {expected} 人的半数，可以复议（原结果：{outcome}）。",
        "R-DEC-7/block": "R-DEC-7：复议须经应到会成员半数以上同意，现同意 {agree} 人（应到 {expected} 人，"
        "至少 {needed} 人），不能复议。",
        "R-DEC-7/missing": "R-DEC-7：原表决结果未存档，不能复议。",
        "R-DEC-8/ok": "R-DEC-8：已于 {on} 报县委组织部预审：{reply}。",
        "R-DEC-8/block": "R-DEC-8：讨论决定前须报县委组织部预审，请记录预审日期和答复。",
        "R-DEC-8/late": "R-DEC-8：预审日期 {on} 晚于党组会议日期 {meeting}，预审须在讨论决定前完成。",
        "R-DEC-9/ok": "R-DEC-9：《干部任免审批表》已于 {on} 归入干部人事档案。",
        "R-DEC-9/block": "R-DEC-9：请将《干部任免审批表》归入干部人事档案并记录日期。",
        # Public notice
        "R-NOT-1/ok": "R-NOT-1：{on} 起在{scope}公示，监督举报方式：{channels}。",
        "R-NOT-1/missing": "R-NOT-1：任职前须公示，请记录公示日期、范围和监督举报方式。",
        "R-NOT-1/order": "R-NOT-1：公示须在党组讨论决定（{decided}）之后、下发任职通知之前进行。",
        "R-NOT-2/ok": "R-NOT-2：公示期至 {end}（{days} 个工作日）。",
        "R-NOT-2/short": "R-NOT-2：公示期不少于 {days} 个工作日，自 {start} 起应至少到 {minimum}，"
        "不能提前到 {end} 结束，只能延长。",
        "R-NOT-3/ok": "R-NOT-3：公示期间收到的 {count} 件反映均已调查核实，不影响任职。",
        "R-NOT-3/pending": "R-NOT-3：尚有 {count} 件反映未形成调查核实材料和结论，办结后才能任职。",
        "R-NOT-3/affects": "R-NOT-3：有反映经调查核实影响任职，应撤回该人选。",
        # Appointment
        "R-APP-1/ok": "R-APP-1：公示已于 {end} 期满，反映均已办结。",
        "R-APP-1/missing": "R-APP-1：尚未公示，不能任职。",
        "R-APP-1/complaints": "R-APP-1：公示期间的反映尚未全部办结，不能任职（{detail}）。",
        "R-APP-1/early": "R-APP-1：公示至 {end} 期满，期满后才能办理任职。",
        "R-APP-2/ok": "R-APP-2：任职时间自党组会议通过之日 {tenure} 起计算；任职通知 {number}（{on}）。",
        "R-APP-2/missing": "R-APP-2：请记录{missing}。",
        "R-APP-3/na": "R-APP-3：不是新提任，无试用期。",
        "R-APP-3/running": "R-APP-3：试用期至 {end}。",
        "R-APP-3/due": "R-APP-3：试用期已于 {end} 期满，请进行考核并录入结果（胜任或不胜任）。",
        "R-APP-3/passed": "R-APP-3：试用期满考核胜任，正式任职。",
        "R-APP-3/failed": "R-APP-3：试用期满考核不胜任，应免去试任职务，请办理。",
        "R-APP-4/ok": "R-APP-4：{by}于 {on} 进行任职谈话。",
        "R-APP-4/missing": "R-APP-4：请记录任职谈话日期和谈话人。",
        "R-APP-5/ok": "R-APP-5：任职后中层{rank}在任 {after} 名，核定 {approved} 名。",
        "R-APP-5/block": "R-APP-5：任职后中层{rank}在任 {after} 名，超过核定职数 {approved} 名，不能办理。",
        # Kinship
        "R-KIN-2/ok": "R-KIN-2：拟任职务与亲属之间不存在须回避的任职关系。",
        "R-KIN-2/same_leader": "R-KIN-2：拟任职务与其{relation}{name}直接隶属于同一领导人员，须任职回避。",
        "R-KIN-2/superior": "R-KIN-2：拟任职务与其{relation}{name}有直接上下级领导关系，须任职回避。",
        "R-KIN-2/sensitive": "R-KIN-2：其{relation}{name}担任领导的单位（科室）中，{who}从事{work}工作，须任职回避。",
        "R-KIN-3/ok": "R-KIN-3：{role}中与{subject}有亲属关系的人员均已回避。",
        "R-KIN-3/block": "R-KIN-3：{role}{names}与{subject}有亲属关系，必须回避。",
        # Record and oversight
        "R-REQ-1/ok": "R-REQ-1：纪实表各项均已填写或注明不适用理由。",
        "R-REQ-1/block": "R-REQ-1：纪实表以下项目为空且未注明不适用理由：{rows}。请补记或注明“不适用”的理由。",
        "R-REQ-2/ok": "R-REQ-2：同一岗位任职 {months} 个月，未到交流年限。",
        "R-REQ-2/due": "R-REQ-2：同一岗位任职已满 {years} 年（{months} 个月），应当交流轮岗。",
        "R-REQ-2/overdue": "R-REQ-2：同一岗位任职已满 {years} 年（{months} 个月），超期未交流，请尽快安排。",
        "R-REQ-3/ok": "R-REQ-3：{year}年度“一报告两评议”数据完整。",
        "R-REQ-3/block": "R-REQ-3：{year}年度“一报告两评议”数据有误：{problems}。",
        "R-REQ-4/na": "R-REQ-4：不是下属事业单位科室负责人，不适用。",
        "R-REQ-4/ok": "R-REQ-4：任免结果已于 {on} 提交局党组会议集体商议。",
        "R-REQ-4/block": "R-REQ-4：下属事业单位科室负责人的任免结果须提交局党组会议集体商议，请记录会议日期。",
        # Working days
        "R-CAL-3/block": "R-CAL-3：{detail}",
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


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


# ---------------------------------------------------------------------------------------------------------
# Eligibility (R-ELIG-1..8) and the 破格 flag (R-EXC-1)


@dataclass(frozen=True)
class EligibilityFacts:
    target_rank: str  # DEPUTY or CHIEF
    current_rank: str  # STAFF, DEPUTY or CHIEF
    age: int | None  # full years on the motion date (age_in_full_years); None: no birth date
    months_in_deputy_post: int  # cumulative, in 副职岗位
    months_of_work: int
    education: str | None  # an EDUCATION_ORDER value; None: not recorded
    probation_passed: bool | None  # None: not recorded
    assessments: Mapping[int, str]  # year → result (AssessmentResult value)
    latest_assessment_year: int  # the last year whose assessment should be on file (usually motion year − 1)
    health_fit: bool | None  # None: no attestation recorded
    level_skip_consented: bool = False  # the county's consent to a 越级 promotion is on file (R-EXC-2)


def eligibility(facts: EligibilityFacts, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """R-ELIG-1..8 for one candidate and one target post."""
    return [
        _deputy_years(facts, settings),
        _work_years(facts, settings),
        _probation_before(facts),
        _education(facts, settings),
        _age(facts, settings),
        _assessments(facts, settings),
        _health(facts),
        _one_level(facts),
    ]


_EXCEPTIONAL_RULES = ("R-ELIG-1", "R-ELIG-2", "R-ELIG-4", "R-ELIG-5")


def exceptional_grounds(
    facts: EligibilityFacts, settings: RuleSettings = DEFAULT_SETTINGS
) -> tuple[str, ...]:
    """R-EXC-1: the eligibility rules a candidate misses that make the promotion 破格 (empty: not 破格)."""
    grounds = [
        f.rule for f in eligibility(facts, settings) if f.rule in _EXCEPTIONAL_RULES and f.level == Level.WARN
    ]
    if _levels_up(facts) > 1:
        grounds.append("R-ELIG-8")
    return tuple(grounds)


def _levels_up(facts: EligibilityFacts) -> int:
    return RANK_LEVEL[facts.target_rank] - RANK_LEVEL[facts.current_rank]


def _deputy_years(facts: EligibilityFacts, settings: RuleSettings) -> Finding:
    years, months = settings.deputy_years_for_chief, facts.months_in_deputy_post
    if facts.target_rank != CHIEF:
        return _finding("R-ELIG-1", Level.OK, "R-ELIG-1/na")
    if facts.current_rank == CHIEF:
        return _finding("R-ELIG-1", Level.OK, "R-ELIG-1/lateral")
    if months >= years * 12:
        return _finding("R-ELIG-1", Level.OK, "R-ELIG-1/ok", years=years, months=months)
    return _finding("R-ELIG-1", Level.WARN, "R-ELIG-1/warn", years=years, months=months)


def _work_years(facts: EligibilityFacts, settings: RuleSettings) -> Finding:
    years, months = settings.work_years_for_deputy, facts.months_of_work
    if facts.target_rank != DEPUTY:
        return _finding("R-ELIG-2", Level.OK, "R-ELIG-2/na")
    if months >= years * 12:
        return _finding("R-ELIG-2", Level.OK, "R-ELIG-2/ok", years=years, months=months)
    return _finding("R-ELIG-2", Level.WARN, "R-ELIG-2/warn", years=years, months=months)


def _probation_before(facts: EligibilityFacts) -> Finding:
    if facts.target_rank != DEPUTY:
        return _finding("R-ELIG-3", Level.OK, "R-ELIG-3/na")
    if facts.probation_passed is None:
        return _finding("R-ELIG-3", Level.BLOCK, "R-ELIG-3/missing")
    if not facts.probation_passed:
        return _finding("R-ELIG-3", Level.BLOCK, "R-ELIG-3/block")
    return _finding("R-ELIG-3", Level.OK, "R-ELIG-3/ok")


def _education(facts: EligibilityFacts, settings: RuleSettings) -> Finding:
    minimum = EDUCATION_LABEL[settings.min_education]
    if facts.education is None:
        return _finding("R-ELIG-4", Level.BLOCK, "R-ELIG-4/missing")
    label = EDUCATION_LABEL[facts.education]
    if EDUCATION_ORDER.index(facts.education) >= EDUCATION_ORDER.index(settings.min_education):
        return _finding("R-ELIG-4", Level.OK, "R-ELIG-4/ok", education=label, minimum=minimum)
    return _finding("R-ELIG-4", Level.WARN, "R-ELIG-4/warn", education=label, minimum=minimum)


def _age(facts: EligibilityFacts, settings: RuleSettings) -> Finding:
    limit = settings.new_deputy_age_limit
    if not (facts.target_rank == DEPUTY and facts.current_rank == STAFF):
        return _finding("R-ELIG-5", Level.OK, "R-ELIG-5/na")
    if facts.age is None:
        return _finding("R-ELIG-5", Level.BLOCK, "R-ELIG-5/missing")
    if facts.age < limit:
        return _finding("R-ELIG-5", Level.OK, "R-ELIG-5/ok", age=facts.age, limit=limit)
    return _finding("R-ELIG-5", Level.WARN, "R-ELIG-5/warn", age=facts.age, limit=limit)


def qualifying_years(
    target_rank: str, latest_year: int, settings: RuleSettings = DEFAULT_SETTINGS
) -> list[int]:
    """R-ELIG-6: the assessment years that count, most recent first (chief: last 1, deputy: last 2)."""
    count = settings.assessment_years_chief if target_rank == CHIEF else settings.assessment_years_deputy
    return [latest_year - i for i in range(count)]


def _assessments(facts: EligibilityFacts, settings: RuleSettings) -> Finding:
    years = qualifying_years(facts.target_rank, facts.latest_assessment_year, settings)
    missing = [y for y in years if y not in facts.assessments]
    if missing:
        return _finding("R-ELIG-6", Level.BLOCK, "R-ELIG-6/missing", years="、".join(map(str, missing)))
    failing = [y for y in years if facts.assessments[y] not in PASSING_GRADES]
    if failing:
        detail = "；".join(f"{y}年度为{facts.assessments[y]}" for y in failing)
        return _finding("R-ELIG-6", Level.BLOCK, "R-ELIG-6/block", detail=detail)
    return _finding("R-ELIG-6", Level.OK, "R-ELIG-6/ok", years="、".join(map(str, years)))


def _health(facts: EligibilityFacts) -> Finding:
    if facts.health_fit is None:
        return _finding("R-ELIG-7", Level.BLOCK, "R-ELIG-7/missing")
    if not facts.health_fit:
        return _finding("R-ELIG-7", Level.BLOCK, "R-ELIG-7/block")
    return _finding("R-ELIG-7", Level.OK, "R-ELIG-7/ok")


def _one_level(facts: EligibilityFacts) -> Finding:
    ranks = {"current": RANK_LABEL[facts.current_rank], "target": RANK_LABEL[facts.target_rank]}
    if _levels_up(facts) <= 1:
        return _finding("R-ELIG-8", Level.OK, "R-ELIG-8/ok", **ranks)
    if facts.level_skip_consented:
        return _finding("R-ELIG-8", Level.OK, "R-ELIG-8/consented", **ranks)
    return _finding("R-ELIG-8", Level.BLOCK, "R-ELIG-8/block", **ranks)


# ---------------------------------------------------------------------------------------------------------
# Exceptional promotion (R-EXC-1..5)


@dataclass(frozen=True)
class CountyConsent:
    """The county organisation department's written consent (县委组织部同意)."""

    document_number: str
    consented_on: date | None
    has_attachment: bool

    def complete_by(self, on_date: date) -> bool:
        return (
            bool(self.document_number.strip())
            and self.has_attachment
            and self.consented_on is not None
            and (self.consented_on <= on_date)
        )


@dataclass(frozen=True)
class ExceptionalFacts:
    grounds: tuple[str, ...]  # exceptional_grounds(...)
    on_date: date  # the day of the gate
    kind: str = ""  # an ExceptionalKind value
    reason: str = ""
    from_democratic_recommendation: bool = True
    consent: CountyConsent | None = None
    in_probation: bool = False  # the candidate is still in a probation period (试用期)
    last_promotion_on: date | None = None
    previous_promotion_exceptional: bool = False
    levels_skipped: int = 0  # 越级: ranks jumped beyond the next one (2 = across two levels)
    notice_states_circumstances: bool = False  # the 公示 text states the 破格 circumstances and reasons


_KIND_LABEL = {ExceptionalKind.OUTSTANDING: "特别优秀", ExceptionalKind.SPECIAL_NEED: "工作特殊需要"}
_GROUND_LABEL = {
    "R-ELIG-1": "副职任职年限不足",
    "R-ELIG-2": "工作经历年限不足",
    "R-ELIG-4": "文化程度不够",
    "R-ELIG-5": "年龄超过",
    "R-ELIG-8": "越级提拔",
}


def exceptional_promotion(
    facts: ExceptionalFacts, stage: Stage, settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-EXC-1..5 at the gate `stage`: consent before 考察 (R-EXC-2), before 讨论决定 (R-EXC-3), the notice (R-EXC-5)."""
    exceptional = bool(facts.grounds)
    findings = [_exceptional_recorded(facts)]
    if _reached(stage, Stage.INSPECTION):
        findings.append(_consent_before_inspection(facts))
    if _reached(stage, Stage.DECISION):
        findings.append(_consent_before_decision(facts))
    findings.append(_exceptional_barred(facts, settings))
    if _reached(stage, Stage.NOTICE):
        if not exceptional:
            findings.append(_finding("R-EXC-5", Level.OK, "R-EXC-5/na"))
        elif facts.notice_states_circumstances:
            findings.append(_finding("R-EXC-5", Level.OK, "R-EXC-5/ok"))
        else:
            findings.append(_finding("R-EXC-5", Level.BLOCK, "R-EXC-5/block"))
    return findings


def _exceptional_recorded(facts: ExceptionalFacts) -> Finding:
    if not facts.grounds:
        return _finding("R-EXC-1", Level.OK, "R-EXC-1/ok")
    grounds = "、".join(_GROUND_LABEL[g] for g in facts.grounds)
    if facts.kind in _KIND_LABEL and facts.reason.strip():
        return _finding(
            "R-EXC-1", Level.OK, "R-EXC-1/recorded", grounds=grounds, kind=_KIND_LABEL[facts.kind]
        )
    return _finding("R-EXC-1", Level.BLOCK, "R-EXC-1/block", grounds=grounds)


def _consent_before_inspection(facts: ExceptionalFacts) -> Finding:
    reasons = []
    if "R-ELIG-8" in facts.grounds or facts.levels_skipped > 0:
        reasons.append("越级提拔")
    if not facts.from_democratic_recommendation:
        reasons.append("人选不是经民主推荐产生")
    if not reasons:
        return _finding("R-EXC-2", Level.OK, "R-EXC-2/na")
    consent = facts.consent
    if consent is not None and consent.complete_by(facts.on_date):
        return _finding(
            "R-EXC-2", Level.OK, "R-EXC-2/ok", number=consent.document_number, on=_iso(consent.consented_on)
        )
    return _finding("R-EXC-2", Level.BLOCK, "R-EXC-2/block", why="、".join(reasons))


def _consent_before_decision(facts: ExceptionalFacts) -> Finding:
    if not facts.grounds:
        return _finding("R-EXC-3", Level.OK, "R-EXC-3/na")
    consent = facts.consent
    if consent is not None and consent.complete_by(facts.on_date):
        return _finding(
            "R-EXC-3", Level.OK, "R-EXC-3/ok", number=consent.document_number, on=_iso(consent.consented_on)
        )
    return _finding("R-EXC-3", Level.BLOCK, "R-EXC-3/block")


def _exceptional_barred(facts: ExceptionalFacts, settings: RuleSettings) -> Finding:
    if not facts.grounds:
        return _finding("R-EXC-4", Level.OK, "R-EXC-4/na")
    why = []
    if facts.in_probation:
        why.append("该同志尚在试用期内")
    if facts.last_promotion_on is not None and facts.on_date <= period_end(
        facts.last_promotion_on, settings.exceptional_months_since_promotion
    ):
        why.append(f"该同志于 {facts.last_promotion_on.isoformat()} 提拔，至今不满一年")
    if facts.previous_promotion_exceptional:
        why.append("上一次提拔已是破格提拔，不得连续破格")
    if facts.levels_skipped >= 2:
        why.append("不得越两级提拔")
    if why:
        return _finding("R-EXC-4", Level.BLOCK, "R-EXC-4/block", why="；".join(why))
    return _finding("R-EXC-4", Level.OK, "R-EXC-4/ok")


# ---------------------------------------------------------------------------------------------------------
# Method (R-MET-1..2)


def method_choice(
    method: str, posts: int, target_ranks: Collection[str], settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-MET-1 (many posts by the daily procedure needs a reason) and R-MET-2 (competition is for deputies)."""
    threshold = settings.daily_procedure_post_threshold
    label = "竞争上岗" if method == Method.COMPETITIVE else "日常选拔任用程序"
    if method == Method.DAILY and posts >= threshold:
        met1 = _finding("R-MET-1", Level.WARN, "R-MET-1/warn", posts=posts, threshold=threshold)
    else:
        met1 = _finding("R-MET-1", Level.OK, "R-MET-1/ok", method=label, posts=posts)
    if method != Method.COMPETITIVE:
        met2 = _finding("R-MET-2", Level.OK, "R-MET-2/na")
    elif CHIEF in target_ranks:
        met2 = _finding("R-MET-2", Level.WARN, "R-MET-2/warn")
    else:
        met2 = _finding("R-MET-2", Level.OK, "R-MET-2/ok")
    return [met1, met2]


def competition_order(done: Sequence[str], next_step: str) -> list[Finding]:
    """R-MET-2: a competition step may start only when every earlier step is done, in order."""
    step = CompetitionStep(next_step)
    if step in done:
        return [_finding("R-MET-2", Level.BLOCK, "R-MET-2/done", step=step.label)]
    before = COMPETITION_STEPS[: COMPETITION_STEPS.index(step)]
    if tuple(done) == before:
        return [_finding("R-MET-2", Level.OK, "R-MET-2/order_ok", step=step.label)]
    missing = next(s for i, s in enumerate(before) if i >= len(done) or done[i] != s)
    sequence = " → ".join(str(s.label) for s in COMPETITION_STEPS)
    return [
        _finding(
            "R-MET-2", Level.BLOCK, "R-MET-2/order", sequence=sequence, step=step.label, missing=missing.label
        )
    ]


# ---------------------------------------------------------------------------------------------------------
# Motion (R-MOT-1..3)


@dataclass(frozen=True)
class QuotaLine:
    """One rank's approved quota (核定职数) against the people who hold or will hold it."""

    rank: str  # DEPUTY or CHIEF
    approved: int
    holders: int  # current holders
    pending: int  # decided in other open cases, not yet appointed
    proposed: int  # posts of this rank in this batch


@dataclass(frozen=True)
class MotionFacts:
    quotas: tuple[QuotaLine, ...]
    origin: str  # a MotionOrigin value, "" when not recorded
    main_leader: str = ""  # who decided or approved
    decided_on: date | None = None  # when the main leader decided or approved
    proposer: str = ""  # the leader in charge of personnel, when origin is PERSONNEL_LEAD
    form: str = MotionForm.ORAL
    has_attachment: bool = False  # the written opinion, when form is WRITTEN
    analysis_recorded: bool = False


def quota(lines: Sequence[QuotaLine]) -> list[Finding]:
    """R-MOT-1: holders + pending + proposed ≤ approved, per rank."""
    if not lines:
        return [_finding("R-MOT-1", Level.BLOCK, "R-MOT-1/missing")]
    findings = []
    for line in lines:
        values = {
            "rank": RANK_LABEL[line.rank].removeprefix("中层"),
            "approved": line.approved,
            "holders": line.holders,
            "pending": line.pending,
            "proposed": line.proposed,
        }
        excess = line.holders + line.pending + line.proposed - line.approved
        if excess > 0:
            findings.append(_finding("R-MOT-1", Level.BLOCK, "R-MOT-1/block", excess=excess, **values))
        else:
            findings.append(_finding("R-MOT-1", Level.OK, "R-MOT-1/ok", **values))
    return findings


def motion(facts: MotionFacts) -> list[Finding]:
    """R-MOT-1..3, checked when the batch is started."""
    return [*quota(facts.quotas), _motion_started(facts), _analysis(facts)]


def _motion_started(facts: MotionFacts) -> Finding:
    if facts.origin not in set(MotionOrigin):
        return _finding("R-MOT-2", Level.BLOCK, "R-MOT-2/no_origin")
    if facts.origin == MotionOrigin.PERSONNEL_LEAD and not facts.proposer.strip():
        return _finding("R-MOT-2", Level.BLOCK, "R-MOT-2/no_proposer")
    if not facts.main_leader.strip() or facts.decided_on is None:
        return _finding("R-MOT-2", Level.BLOCK, "R-MOT-2/no_decision")
    if facts.form == MotionForm.WRITTEN and not facts.has_attachment:
        return _finding("R-MOT-2", Level.BLOCK, "R-MOT-2/no_attachment")
    origin = "主要领导决定启动" if facts.origin == MotionOrigin.MAIN_LEADER else f"{facts.proposer}提出建议"
    form = "书面" if facts.form == MotionForm.WRITTEN else "口头"
    return _finding(
        "R-MOT-2",
        Level.OK,
        "R-MOT-2/ok",
        origin=origin,
        leader=facts.main_leader,
        on=_iso(facts.decided_on),
        form=form,
    )


def _analysis(facts: MotionFacts) -> Finding:
    if facts.analysis_recorded:
        return _finding("R-MOT-3", Level.OK, "R-MOT-3/ok")
    return _finding("R-MOT-3", Level.BLOCK, "R-MOT-3/block")


# ---------------------------------------------------------------------------------------------------------
# Democratic recommendation (R-REC-1..8)


@dataclass(frozen=True)
class RoundFacts:
    kind: str  # a RoundKind value
    held_on: date | None
    scope: str
    expected: int
    actual: int
    tallies_recorded: bool  # votes, valid ballots and rank per person
    ballots_name_voters: bool = False


@dataclass(frozen=True)
class MeetingSkip:
    """R-REC-4: the three conditions for not holding the meeting round, each affirmed, and the reason."""

    small_unit: bool
    same_scope: bool
    concentrated: bool
    reason: str


@dataclass(frozen=True)
class RecommendationFacts:
    posts: int
    rounds: tuple[RoundFacts, ...]
    reference_candidates: int | None = None  # meeting reference candidates proposed after the conversations
    meeting_skip: MeetingSkip | None = None


def recommendation_attendance(expected: int, actual: int) -> list[Finding]:
    """R-REC-6: a meeting round counts only with actual ≥ ⌈2·expected/3⌉."""
    values = {"expected": expected, "actual": actual, "needed": two_thirds(expected)}
    if actual * 3 >= 2 * expected:
        return [_finding("R-REC-6", Level.OK, "R-REC-6/ok", **values)]
    return [_finding("R-REC-6", Level.BLOCK, "R-REC-6/block", **values)]


def recommendation(facts: RecommendationFacts) -> list[Finding]:
    """R-REC-1..6 and R-REC-8, checked when the recommendation closes (inspection targets are then fixed)."""
    if not facts.rounds:
        return [_finding("R-REC-1", Level.BLOCK, "R-REC-1/block")]
    findings = [_finding("R-REC-1", Level.OK, "R-REC-1/ok", count=len(facts.rounds))]
    undated = [r for r in facts.rounds if r.held_on is None]
    for r in undated:
        findings.append(_finding("R-REC-2", Level.BLOCK, "R-REC-2/missing", kind=ROUND_LABEL[r.kind]))
    rounds = sorted((r for r in facts.rounds if r.held_on is not None), key=lambda r: r.held_on or date.min)
    if not undated:
        order = " → ".join(ROUND_LABEL[r.kind] for r in rounds)
        findings.append(_finding("R-REC-2", Level.OK, "R-REC-2/ok", order=order))
    findings.append(_reference_candidates(facts, rounds))
    findings.append(_meeting_round(facts))
    for r in facts.rounds:
        kind = ROUND_LABEL[r.kind]
        if not r.scope.strip() or r.expected <= 0 or r.actual < 0 or r.actual > r.expected:
            findings.append(_finding("R-REC-5", Level.BLOCK, "R-REC-5/block", kind=kind))
        else:
            findings.append(
                _finding(
                    "R-REC-5",
                    Level.OK,
                    "R-REC-5/ok",
                    kind=kind,
                    expected=r.expected,
                    actual=r.actual,
                    scope=r.scope,
                )
            )
        if r.kind == RoundKind.MEETING:
            findings += recommendation_attendance(r.expected, r.actual)
        if r.ballots_name_voters:
            findings.append(_finding("R-REC-8", Level.BLOCK, "R-REC-8/named", kind=kind))
        elif not r.tallies_recorded:
            findings.append(_finding("R-REC-8", Level.BLOCK, "R-REC-8/block", kind=kind))
        else:
            findings.append(_finding("R-REC-8", Level.OK, "R-REC-8/ok", kind=kind))
    return findings


def _reference_candidates(facts: RecommendationFacts, rounds: Sequence[RoundFacts]) -> Finding:
    kinds = [r.kind for r in rounds]
    conversation_then_meeting = (
        RoundKind.CONVERSATION in kinds
        and RoundKind.MEETING in kinds
        and kinds.index(RoundKind.CONVERSATION) < kinds.index(RoundKind.MEETING)
    )
    if not conversation_then_meeting:
        return _finding("R-REC-3", Level.OK, "R-REC-3/na")
    if facts.reference_candidates is None:
        return _finding("R-REC-3", Level.BLOCK, "R-REC-3/missing")
    values = {"candidates": facts.reference_candidates, "posts": facts.posts}
    if facts.reference_candidates > facts.posts:
        return _finding("R-REC-3", Level.OK, "R-REC-3/ok", **values)
    return _finding("R-REC-3", Level.BLOCK, "R-REC-3/block", **values)


def _meeting_round(facts: RecommendationFacts) -> Finding:
    if any(r.kind == RoundKind.MEETING for r in facts.rounds):
        return _finding("R-REC-4", Level.OK, "R-REC-4/ok")
    skip = facts.meeting_skip
    if skip is None:
        return _finding("R-REC-4", Level.BLOCK, "R-REC-4/missing")
    missing = [
        label
        for label, affirmed in (
            ("单位人数较少", skip.small_unit),
            ("参加范围与谈话调研推荐基本相同", skip.same_scope),
            ("谈话调研推荐意见集中", skip.concentrated),
            ("理由", bool(skip.reason.strip())),
        )
        if not affirmed
    ]
    if missing:
        return _finding("R-REC-4", Level.BLOCK, "R-REC-4/block", missing="、".join(missing))
    return _finding("R-REC-4", Level.WARN, "R-REC-4/warn")


def recommendation_validity(
    recommended_on: date,
    targets_fixed_on: date,
    *,
    targeted: bool = False,
    post_changed: bool = False,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> list[Finding]:
    """R-REC-7: a non-targeted result is valid for a year (一年内: the anniversary is the last day);
    a targeted one is void once the post changes."""
    if targeted and post_changed:
        return [_finding("R-REC-7", Level.BLOCK, "R-REC-7/post_changed")]
    valid_until = period_end(recommended_on, settings.recommendation_valid_months)
    values = {"recommended_on": recommended_on.isoformat(), "valid_until": valid_until.isoformat()}
    if not targeted and targets_fixed_on > valid_until:
        return [_finding("R-REC-7", Level.BLOCK, "R-REC-7/expired", **values)]
    return [_finding("R-REC-7", Level.OK, "R-REC-7/ok", **values)]


def procedure_complete(recommended: bool, inspected: bool) -> list[Finding]:
    """R-REC-1 at the decision: a promotion skips neither democratic recommendation nor inspection."""
    if not recommended:
        return [_finding("R-REC-1", Level.BLOCK, "R-REC-1/block")]
    if not inspected:
        return [_finding("R-REC-1", Level.BLOCK, "R-REC-1/no_inspection")]
    return [_finding("R-REC-1", Level.OK, "R-REC-1/inspection_ok")]


# ---------------------------------------------------------------------------------------------------------
# Inspection (R-INS-1..10)


@dataclass(frozen=True)
class TargetDecisionFacts:
    meeting_on: date | None
    members_expected: int
    members_present: int
    posts: int  # posts of the vacancy the target is considered for
    recommendation_rank: int | None  # the target's place in the recommendation (1 = first); None: unranked


def inspection_target_decision(facts: TargetDecisionFacts) -> list[Finding]:
    """R-INS-1: targets fixed collectively by a quorate party-group meeting; a reason when not ranked first."""
    if facts.meeting_on is None or facts.members_expected <= 0:
        return [_finding("R-INS-1", Level.BLOCK, "R-INS-1/missing")]
    values = {"expected": facts.members_expected, "present": facts.members_present}
    if facts.members_present * 3 < 2 * facts.members_expected:
        return [
            _finding(
                "R-INS-1", Level.BLOCK, "R-INS-1/quorum", needed=two_thirds(facts.members_expected), **values
            )
        ]
    findings = [_finding("R-INS-1", Level.OK, "R-INS-1/ok", on=facts.meeting_on.isoformat(), **values)]
    rank = facts.recommendation_rank
    if rank is not None and rank <= facts.posts:
        findings.append(_finding("R-INS-1", Level.OK, "R-INS-1/rank_ok", rank=rank))
    else:
        shown = f"第 {rank} 名" if rank is not None else "无名次"
        findings.append(_finding("R-INS-1", Level.WARN, "R-INS-1/warn", rank=shown, posts=facts.posts))
    return findings


@dataclass(frozen=True)
class NegativeAnswer:
    """An explicit answer to one item of the negative list, with who answered."""

    item: str  # a NegativeItem value
    applies: bool
    answered_by: str
    special_post: bool = False  # ⑤ only: the post is one of the special posts the rule exempts


@dataclass(frozen=True)
class SanctionRecord:
    sanction_type: str  # a SanctionType value
    effective_on: date
    rights_restored_on: date | None = None  # 留党察看: the day party rights were restored


@dataclass(frozen=True)
class NegativeListFacts:
    on_date: date  # the day targets are fixed
    answers: tuple[NegativeAnswer, ...]
    assessment_year: int  # 上一年
    last_year_result: str | None  # AssessmentResult value for assessment_year; None: missing
    sanctions: tuple[SanctionRecord, ...] = ()
    promotion: bool = True  # a promotion (提拔), not a lateral move: the longer no-promotion periods apply


def sanction_in_effect(
    sanction_type: str,
    effective_date: date,
    on_date: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
    *,
    promotion: bool = True,
) -> bool:
    """R-INS-9: is the effect period still running on `on_date`? Its last day is in effect, the next is not.

    For 留党察看 pass the day party rights were restored as `effective_date`. An unknown type is treated
    as in effect: the registry must say what it is before it can be ignored.
    """
    if on_date < effective_date:
        return False
    if sanction_type not in settings.effect_periods:
        return True
    months = settings.effect_periods[sanction_type]
    if months is None:
        return True
    if promotion:
        months = max(months, settings.no_promotion_periods.get(sanction_type, 0))
    return on_date <= period_end(effective_date, months)


def _record_in_effect(record: SanctionRecord, on_date: date, settings: RuleSettings, promotion: bool) -> bool:
    if record.sanction_type == SanctionType.PARTY_PROBATION:
        if record.rights_restored_on is None:  # still on probation
            return on_date >= record.effective_on
        return sanction_in_effect(
            record.sanction_type, record.rights_restored_on, on_date, settings, promotion=promotion
        )
    return sanction_in_effect(
        record.sanction_type, record.effective_on, on_date, settings, promotion=promotion
    )


def _effect_until(record: SanctionRecord, settings: RuleSettings, promotion: bool) -> str:
    months = settings.effect_periods.get(record.sanction_type)
    start = record.effective_on
    if record.sanction_type == SanctionType.PARTY_PROBATION:
        if record.rights_restored_on is None:
            return "尚未开始计算（留党察看期间，党员权利未恢复）"
        start = record.rights_restored_on
    if months is None:
        return "长期有效"
    if promotion:
        months = max(months, settings.no_promotion_periods.get(record.sanction_type, 0))
    return f"{months} 个月，至 {period_end(start, months).isoformat()} 止"


def _sanction_label(value: str) -> str:
    return str(SanctionType(value).label) if value in SanctionType.values else value


def negative_list(facts: NegativeListFacts, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """R-INS-2 ①–⑦, one finding per item: ③ and ⑥ computed from the registry, the others answered."""
    answers = {a.item: a for a in facts.answers}
    findings = []
    for item in NegativeItem:
        mark = item.label[0]
        if item == NegativeItem.ASSESSMENT:
            findings.append(_last_year_assessment(facts))
        elif item == NegativeItem.SANCTION:
            findings += _sanctions(facts, settings)
        else:
            answer = answers.get(item)
            text = item.label[1:]
            if answer is None or not answer.answered_by.strip():
                findings.append(_finding("R-INS-2", Level.BLOCK, "R-INS-2/missing", mark=mark, item=text))
            elif not answer.applies:
                findings.append(_finding("R-INS-2", Level.OK, "R-INS-2/ok", mark=mark, by=answer.answered_by))
            elif item == NegativeItem.EMIGRATED and answer.special_post:
                findings.append(_finding("R-INS-2", Level.OK, "R-INS-2/special_post", by=answer.answered_by))
            else:
                findings.append(
                    _finding(
                        "R-INS-2", Level.BLOCK, "R-INS-2/block", mark=mark, item=text, by=answer.answered_by
                    )
                )
    return findings


def _last_year_assessment(facts: NegativeListFacts) -> Finding:
    year, grade = facts.assessment_year, facts.last_year_result
    if grade is None:
        return _finding("R-INS-2", Level.BLOCK, "R-INS-2/assessment_missing", year=year)
    if grade in LOW_GRADES:
        return _finding("R-INS-2", Level.BLOCK, "R-INS-2/assessment_block", year=year, grade=grade)
    return _finding("R-INS-2", Level.OK, "R-INS-2/assessment_ok", year=year, grade=grade)


def _sanctions(facts: NegativeListFacts, settings: RuleSettings) -> list[Finding]:
    running = [s for s in facts.sanctions if _record_in_effect(s, facts.on_date, settings, facts.promotion)]
    if not running:
        return [_finding("R-INS-2", Level.OK, "R-INS-2/sanction_ok")]
    return [
        _finding(
            "R-INS-2",
            Level.BLOCK,
            "R-INS-2/sanction_block",
            kind=_sanction_label(s.sanction_type),
            effective=s.effective_on.isoformat(),
            until=_effect_until(s, settings, facts.promotion),
        )
        for s in running
    ]


@dataclass(frozen=True)
class InspectionNotice:
    """考察预告 (R-INS-4)."""

    published_on: date | None
    basic_facts: bool  # the target's basic facts are stated
    team_listed: bool
    phone: str  # reporting telephone, e.g. 12380
    scope: str


def inspection_start(
    team: Sequence[str],
    relatives_of_target: Collection[str],
    notice: InspectionNotice | None,
    started_on: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> list[Finding]:
    """R-INS-3 (team of ≥ 2, none related to the target) and R-INS-4 (notice published before), at the start."""
    return [*inspection_team(team, relatives_of_target, settings), _inspection_notice(notice, started_on)]


def inspection_team(
    team: Sequence[str], relatives_of_target: Collection[str], settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-INS-3; a related member must step aside (R-KIN-3)."""
    related = [m for m in team if m in relatives_of_target]
    if related:
        return [_finding("R-INS-3", Level.BLOCK, "R-INS-3/related", names="、".join(related))]
    if len(team) < settings.min_inspection_team:
        return [
            _finding(
                "R-INS-3", Level.BLOCK, "R-INS-3/size", minimum=settings.min_inspection_team, size=len(team)
            )
        ]
    return [_finding("R-INS-3", Level.OK, "R-INS-3/ok", size=len(team), members="、".join(team))]


def _inspection_notice(notice: InspectionNotice | None, started_on: date) -> Finding:
    if notice is None or notice.published_on is None:
        return _finding("R-INS-4", Level.BLOCK, "R-INS-4/missing")
    if notice.published_on > started_on:
        return _finding(
            "R-INS-4",
            Level.BLOCK,
            "R-INS-4/late",
            on=notice.published_on.isoformat(),
            start=started_on.isoformat(),
        )
    missing = [
        label
        for label, present in (
            ("考察对象基本情况", notice.basic_facts),
            ("考察组成员", notice.team_listed),
            ("监督举报电话", bool(notice.phone.strip())),
            ("发布范围", bool(notice.scope.strip())),
        )
        if not present
    ]
    if missing:
        return _finding("R-INS-4", Level.BLOCK, "R-INS-4/content", missing="、".join(missing))
    return _finding("R-INS-4", Level.OK, "R-INS-4/ok", on=notice.published_on.isoformat())


@dataclass(frozen=True)
class Appraisal:
    """民主测评 (incl. political quality) and solicited opinions (R-INS-5)."""

    expected: int
    actual: int
    counts: Mapping[str, int]  # rating → ballots
    opinions_recorded: bool


@dataclass(frozen=True)
class DossierAudit:
    """干部人事档案任前审核 (R-INS-6)."""

    checked: frozenset[str]  # DossierItem values checked
    unresolved_discrepancies: int
    reviewer: str
    form_attached: bool  # 《干部人事档案任前审核登记表》


@dataclass(frozen=True)
class InspectionFacts:
    appraisal: Appraisal | None
    dossier: DossierAudit | None
    discipline_opinion_on: date | None
    discipline_conclusion: str
    material_attached: bool
    personal_matters_checked: bool
    unresolved_complaints: int


def inspection_complete(facts: InspectionFacts) -> list[Finding]:
    """R-INS-5..8 and R-INS-10: what must be on file before the candidate goes to the decision."""
    return [
        _appraisal(facts.appraisal),
        _dossier(facts.dossier),
        _discipline_opinion(facts),
        _finding("R-INS-8", Level.OK, "R-INS-8/ok")
        if facts.material_attached
        else _finding("R-INS-8", Level.BLOCK, "R-INS-8/block"),
        _personal_matters(facts),
    ]


def _appraisal(appraisal: Appraisal | None) -> Finding:
    if (
        appraisal is None
        or appraisal.expected <= 0
        or not 0 < appraisal.actual <= appraisal.expected
        or not appraisal.counts
        or not appraisal.opinions_recorded
    ):
        return _finding("R-INS-5", Level.BLOCK, "R-INS-5/block")
    total = sum(appraisal.counts.values())
    if total > appraisal.actual:
        return _finding("R-INS-5", Level.BLOCK, "R-INS-5/count", total=total, actual=appraisal.actual)
    return _finding("R-INS-5", Level.OK, "R-INS-5/ok", expected=appraisal.expected, actual=appraisal.actual)


def _dossier(audit: DossierAudit | None) -> Finding:
    if audit is None:
        return _finding("R-INS-6", Level.BLOCK, "R-INS-6/block", missing="尚未审核")
    missing = [f"{item.label}未核对" for item in DossierItem if item not in audit.checked]
    if audit.unresolved_discrepancies:
        missing.append(f"{audit.unresolved_discrepancies} 处不一致未处理")
    if not audit.reviewer.strip():
        missing.append("未写明审核人")
    if not audit.form_attached:
        missing.append("未上传《干部人事档案任前审核登记表》")
    if missing:
        return _finding("R-INS-6", Level.BLOCK, "R-INS-6/block", missing="；".join(missing))
    return _finding("R-INS-6", Level.OK, "R-INS-6/ok", reviewer=audit.reviewer)


def _discipline_opinion(facts: InspectionFacts) -> Finding:
    if facts.discipline_opinion_on is None or not facts.discipline_conclusion.strip():
        return _finding("R-INS-7", Level.BLOCK, "R-INS-7/block")
    return _finding(
        "R-INS-7",
        Level.OK,
        "R-INS-7/ok",
        on=facts.discipline_opinion_on.isoformat(),
        conclusion=facts.discipline_conclusion,
    )


def _personal_matters(facts: InspectionFacts) -> Finding:
    if not facts.personal_matters_checked:
        return _finding("R-INS-10", Level.BLOCK, "R-INS-10/unchecked")
    if facts.unresolved_complaints:
        return _finding("R-INS-10", Level.BLOCK, "R-INS-10/complaints", count=facts.unresolved_complaints)
    return _finding("R-INS-10", Level.OK, "R-INS-10/ok")


# ---------------------------------------------------------------------------------------------------------
# Decision (R-DEC-1..9)


def meeting_quorum(expected: int, present: int) -> list[Finding]:
    """R-DEC-2: present ≥ ⌈2N/3⌉ of the party group's N members."""
    values = {"expected": expected, "present": present, "needed": two_thirds(expected)}
    if expected > 0 and present * 3 >= 2 * expected:
        return [_finding("R-DEC-2", Level.OK, "R-DEC-2/ok", **values)]
    return [_finding("R-DEC-2", Level.BLOCK, "R-DEC-2/block", **values)]


def approval_majority(agree: int, expected_members: int) -> list[Finding]:
    """R-DEC-5: agree > N/2, N = every member who should attend (not those present)."""
    values = {"agree": agree, "expected": expected_members, "needed": more_than_half(expected_members)}
    if agree * 2 > expected_members:
        return [_finding("R-DEC-5", Level.OK, "R-DEC-5/ok", **values)]
    return [_finding("R-DEC-5", Level.BLOCK, "R-DEC-5/block", **values)]


def reconsideration(
    agree_to_reopen: int, expected_members: int, previous_outcome: str | None
) -> list[Finding]:
    """R-DEC-7: reopening needs the same majority as a decision, and the earlier outcome on file."""
    if previous_outcome not in set(Outcome):
        return [_finding("R-DEC-7", Level.BLOCK, "R-DEC-7/missing")]
    values = {"agree": agree_to_reopen, "expected": expected_members}
    if agree_to_reopen * 2 > expected_members:
        label = {"approved": "通过", "rejected": "未通过", "deferred": "缓议"}[str(previous_outcome)]
        return [_finding("R-DEC-7", Level.OK, "R-DEC-7/ok", outcome=label, **values)]
    return [
        _finding("R-DEC-7", Level.BLOCK, "R-DEC-7/block", needed=more_than_half(expected_members), **values)
    ]


@dataclass(frozen=True)
class CandidateTally:
    """One candidate's votes at the meeting. For an open vote the counts come from the named votes."""

    candidate: str
    agree: int
    disagree: int
    postpone: int
    recused: frozenset[str] = frozenset()  # members recorded as 回避
    must_recuse: frozenset[str] = frozenset()  # members related to the candidate (R-KIN-3)
    main_leader_stated_last: bool | None = None  # open votes only; None: not recorded
    material_on_file: bool = False  # 考察材料
    approval_form_on_file: bool = False  # 《干部任免审批表》


@dataclass(frozen=True)
class DecisionFacts:
    meeting_on: date | None
    within_authority: bool
    members: frozenset[str]  # everyone who should attend: N
    present: frozenset[str]
    voting_method: str  # a VotingMethod value, "" when not chosen
    candidates: tuple[CandidateTally, ...]
    pre_review_on: date | None = None  # R-DEC-8
    pre_review_reply: str = ""


def members_counted(
    facts: DecisionFacts, tally: CandidateTally, settings: RuleSettings = DEFAULT_SETTINGS
) -> int:
    """N for one candidate: recused members stay in N unless the organisation's setting says otherwise."""
    if settings.recused_stay_in_n:
        return len(facts.members)
    return len(facts.members - tally.recused)


def decision(facts: DecisionFacts, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """R-DEC-1..6 and R-DEC-8 for a meeting: per meeting, then per candidate."""
    findings = [_collective(facts), *meeting_quorum(len(facts.members), len(facts.present & facts.members))]
    findings.append(_pre_review(facts))
    if facts.voting_method not in set(VotingMethod):
        findings.append(_finding("R-DEC-3", Level.BLOCK, "R-DEC-3/method"))
    for tally in facts.candidates:
        findings += candidate_vote(facts, tally, settings)
    return findings


def candidate_vote(
    facts: DecisionFacts, tally: CandidateTally, settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-DEC-3..6 for one candidate."""
    name = tally.candidate
    findings = []
    missing = [
        label
        for label, present in (
            ("考察材料", tally.material_on_file),
            ("《干部任免审批表》", tally.approval_form_on_file),
        )
        if not present
    ]
    if missing:
        findings.append(
            _finding("R-DEC-4", Level.BLOCK, "R-DEC-4/block", candidate=name, missing="和".join(missing))
        )
    else:
        findings.append(_finding("R-DEC-4", Level.OK, "R-DEC-4/ok", candidate=name))
    not_recused = sorted((tally.must_recuse & facts.present) - tally.recused)
    if not_recused:
        findings.append(
            _finding("R-DEC-6", Level.BLOCK, "R-DEC-6/block", candidate=name, names="、".join(not_recused))
        )
    else:
        findings.append(_finding("R-DEC-6", Level.OK, "R-DEC-6/ok", candidate=name))
    voters = len((facts.present & facts.members) - tally.recused)
    cast = tally.agree + tally.disagree + tally.postpone
    if cast != voters:
        findings.append(
            _finding("R-DEC-3", Level.BLOCK, "R-DEC-3/count", candidate=name, voters=voters, cast=cast)
        )
    elif facts.voting_method in (VotingMethod.ORAL, VotingMethod.HANDS) and not tally.main_leader_stated_last:
        findings.append(_finding("R-DEC-3", Level.BLOCK, "R-DEC-3/leader_last", candidate=name))
    elif facts.voting_method in set(VotingMethod):
        method = {"oral": "口头表决", "hands": "举手表决", "secret": "无记名投票"}[facts.voting_method]
        findings.append(
            _finding("R-DEC-3", Level.OK, "R-DEC-3/ok", candidate=name, method=method, voters=voters)
        )
    findings += approval_majority(tally.agree, members_counted(facts, tally, settings))
    return findings


def _collective(facts: DecisionFacts) -> Finding:
    if facts.meeting_on is None:
        return _finding("R-DEC-1", Level.BLOCK, "R-DEC-1/missing")
    if not facts.within_authority:
        return _finding("R-DEC-1", Level.BLOCK, "R-DEC-1/authority")
    return _finding("R-DEC-1", Level.OK, "R-DEC-1/ok", on=facts.meeting_on.isoformat())


def _pre_review(facts: DecisionFacts) -> Finding:
    if facts.pre_review_on is None or not facts.pre_review_reply.strip():
        return _finding("R-DEC-8", Level.BLOCK, "R-DEC-8/block")
    if facts.meeting_on is not None and facts.pre_review_on > facts.meeting_on:
        return _finding(
            "R-DEC-8",
            Level.BLOCK,
            "R-DEC-8/late",
            on=facts.pre_review_on.isoformat(),
            meeting=facts.meeting_on.isoformat(),
        )
    return _finding(
        "R-DEC-8", Level.OK, "R-DEC-8/ok", on=facts.pre_review_on.isoformat(), reply=facts.pre_review_reply
    )


def approval_form_filed(filed_on: date | None) -> list[Finding]:
    """R-DEC-9: the 任免审批表 goes into the cadre's dossier after the decision (due when the batch closes)."""
    if filed_on is None:
        return [_finding("R-DEC-9", Level.BLOCK, "R-DEC-9/block")]
    return [_finding("R-DEC-9", Level.OK, "R-DEC-9/ok", on=filed_on.isoformat())]


# ---------------------------------------------------------------------------------------------------------
# Public notice (R-NOT-1..3, with R-CAL) and appointment (R-APP-1..5)


@dataclass(frozen=True)
class NoticeFacts:
    decided_on: date  # the party-group decision
    published_on: date | None
    scope: str
    channels: str  # reporting channels (telephone, letters, 12380 …)
    ends_on: date | None = None  # the end the user chose; None: the computed minimum
    appointment_notice_on: date | None = None  # 任职通知, if already issued


@dataclass(frozen=True)
class ComplaintFacts:
    received_on: date
    conclusion: str  # a ComplaintConclusion value; "" while under investigation
    record_attached: bool  # the written investigation record


def public_notice(
    facts: NoticeFacts, calendar: WorkdayCalendar, settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-NOT-1 and R-NOT-2 when the notice is published; R-CAL-3 when the calendar cannot count its days."""
    if facts.published_on is None or not facts.scope.strip() or not facts.channels.strip():
        return [_finding("R-NOT-1", Level.BLOCK, "R-NOT-1/missing")]
    if facts.published_on < facts.decided_on or (
        facts.appointment_notice_on is not None and facts.appointment_notice_on <= facts.published_on
    ):
        return [_finding("R-NOT-1", Level.BLOCK, "R-NOT-1/order", decided=facts.decided_on.isoformat())]
    findings = [
        _finding(
            "R-NOT-1",
            Level.OK,
            "R-NOT-1/ok",
            on=facts.published_on.isoformat(),
            scope=facts.scope,
            channels=facts.channels,
        )
    ]
    try:
        minimum = notice_minimum_end(facts.published_on, calendar, settings)
    except CalendarUnavailable as exc:
        return [*findings, _finding("R-CAL-3", Level.BLOCK, "R-CAL-3/block", detail=str(exc))]
    end = facts.ends_on or minimum
    days = settings.notice_workdays
    if end < minimum:
        findings.append(
            _finding(
                "R-NOT-2",
                Level.BLOCK,
                "R-NOT-2/short",
                days=days,
                start=facts.published_on.isoformat(),
                minimum=minimum.isoformat(),
                end=end.isoformat(),
            )
        )
    else:
        findings.append(_finding("R-NOT-2", Level.OK, "R-NOT-2/ok", end=end.isoformat(), days=days))
    return findings


def notice_minimum_end(
    published_on: date, calendar: WorkdayCalendar, settings: RuleSettings = DEFAULT_SETTINGS
) -> date:
    """R-NOT-2: the earliest end of a notice published on that day (raises CalendarUnavailable, R-CAL-3)."""
    return calendar.notice_end_date(published_on, settings.notice_workdays, settings.notice_start_counts)


def notice_complaints(complaints: Sequence[ComplaintFacts]) -> list[Finding]:
    """R-NOT-3: every complaint investigated, with a written record and a conclusion; 影响任职 withdraws."""
    if any(c.conclusion == ComplaintConclusion.AFFECTS for c in complaints):
        return [_finding("R-NOT-3", Level.BLOCK, "R-NOT-3/affects")]
    pending = [
        c for c in complaints if c.conclusion != ComplaintConclusion.NO_EFFECT or not c.record_attached
    ]
    if pending:
        return [_finding("R-NOT-3", Level.BLOCK, "R-NOT-3/pending", count=len(pending))]
    return [_finding("R-NOT-3", Level.OK, "R-NOT-3/ok", count=len(complaints))]


@dataclass(frozen=True)
class AppointmentFacts:
    on_date: date  # the appointment being recorded
    notice_ends_on: date | None
    complaints: tuple[ComplaintFacts, ...]
    decided_on: date | None  # the party-group decision: tenure counts from it
    notice_number: str  # 任职通知文号
    notice_date: date | None


def tenure_start(decided_on: date) -> date:
    """R-APP-2: tenure counts from the day the party-group meeting decided (任职时间从党组会议通过之日起计算)."""
    return decided_on


def appointment(facts: AppointmentFacts) -> list[Finding]:
    """R-APP-1 and R-APP-2 when the appointment is recorded."""
    findings = []
    if facts.notice_ends_on is None:
        findings.append(_finding("R-APP-1", Level.BLOCK, "R-APP-1/missing"))
    elif facts.on_date <= facts.notice_ends_on:
        findings.append(
            _finding("R-APP-1", Level.BLOCK, "R-APP-1/early", end=facts.notice_ends_on.isoformat())
        )
    else:
        complaints = notice_complaints(facts.complaints)
        if blocking(complaints):
            detail = "；".join(f.message for f in complaints)
            findings.append(_finding("R-APP-1", Level.BLOCK, "R-APP-1/complaints", detail=detail))
        else:
            findings.append(_finding("R-APP-1", Level.OK, "R-APP-1/ok", end=facts.notice_ends_on.isoformat()))
    missing = [
        label
        for label, present in (
            ("党组会议通过日期", facts.decided_on is not None),
            ("任职通知文号", bool(facts.notice_number.strip())),
            ("任职通知日期", facts.notice_date is not None),
        )
        if not present
    ]
    if missing:
        findings.append(_finding("R-APP-2", Level.BLOCK, "R-APP-2/missing", missing="、".join(missing)))
    else:
        assert facts.decided_on is not None  # for the type checker; checked just above
        findings.append(
            _finding(
                "R-APP-2",
                Level.OK,
                "R-APP-2/ok",
                tenure=tenure_start(facts.decided_on).isoformat(),
                number=facts.notice_number,
                on=_iso(facts.notice_date),
            )
        )
    return findings


def probation_end(tenure_starts_on: date, settings: RuleSettings = DEFAULT_SETTINGS) -> date:
    """R-APP-3: the last day of a new promotion's probation (1 year from the tenure start)."""
    return period_end(tenure_starts_on, settings.probation_months)


def probation_review(
    new_promotion: bool,
    tenure_starts_on: date,
    today: date,
    passed: bool | None,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> list[Finding]:
    """R-APP-3: after the probation ends, a task (RECORD) until the assessment 胜任/不胜任 is recorded."""
    if not new_promotion:
        return [_finding("R-APP-3", Level.OK, "R-APP-3/na")]
    end = probation_end(tenure_starts_on, settings)
    if passed is True:
        return [_finding("R-APP-3", Level.OK, "R-APP-3/passed")]
    if passed is False:
        return [_finding("R-APP-3", Level.RECORD, "R-APP-3/failed")]
    if today <= end:
        return [_finding("R-APP-3", Level.OK, "R-APP-3/running", end=end.isoformat())]
    return [_finding("R-APP-3", Level.RECORD, "R-APP-3/due", end=end.isoformat())]


def appointment_talk(talk_on: date | None, talk_by: str) -> list[Finding]:
    """R-APP-4: the 任职谈话, due when the batch closes."""
    if talk_on is None or not talk_by.strip():
        return [_finding("R-APP-4", Level.BLOCK, "R-APP-4/missing")]
    return [_finding("R-APP-4", Level.OK, "R-APP-4/ok", on=talk_on.isoformat(), by=talk_by)]


def staffing_after(holders: Mapping[str, int], from_rank: str, to_rank: str) -> dict[str, int]:
    """R-APP-5: holders per rank after one cadre moves from `from_rank` (STAFF: none) to `to_rank`."""
    after = {rank: holders.get(rank, 0) for rank in (DEPUTY, CHIEF)}
    if from_rank in after:
        after[from_rank] -= 1
    after[to_rank] += 1
    return after


def staffing_change(
    approved: Mapping[str, int], holders: Mapping[str, int], from_rank: str, to_rank: str
) -> list[Finding]:
    """R-APP-5: the unit's staffing after the appointment stays within the approved quota."""
    after = staffing_after(holders, from_rank, to_rank)
    values = {
        "rank": RANK_LABEL[to_rank].removeprefix("中层"),
        "after": after[to_rank],
        "approved": approved.get(to_rank, 0),
    }
    if after[to_rank] > approved.get(to_rank, 0):
        return [_finding("R-APP-5", Level.BLOCK, "R-APP-5/block", **values)]
    return [_finding("R-APP-5", Level.OK, "R-APP-5/ok", **values)]


# ---------------------------------------------------------------------------------------------------------
# Kinship (R-KIN-1..3)


def relation_counts(relation: str) -> bool:
    """R-KIN-1: does this relation (or its adoptive/step form) require recusal?"""
    return relation in KINSHIP_CATEGORIES or (relation in Relation.values and relation != Relation.OTHER)


@dataclass(frozen=True)
class PostFacts:
    """Where a person sits, enough to see R-KIN-2 conflicts."""

    person: str
    department: str
    direct_leader: str | None  # the person they report to directly
    work: str = WorkKind.OTHER
    leads: frozenset[str] = frozenset()  # departments led; WHOLE_UNIT for the unit's leaders


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def kinship_posting(candidate: PostFacts, relatives: Sequence[tuple[str, PostFacts]]) -> list[Finding]:
    """R-KIN-2: the candidate's new post against each relative's post (relation, post)."""
    findings = []
    for relation, other in relatives:
        if not relation_counts(relation):
            continue
        values = {"relation": _label(Relation, relation), "name": other.person}
        if candidate.direct_leader is not None and candidate.direct_leader == other.direct_leader:
            findings.append(_finding("R-KIN-2", Level.BLOCK, "R-KIN-2/same_leader", **values))
        if (
            candidate.direct_leader == other.person
            or other.direct_leader == candidate.person
            or candidate.department in other.leads
            or other.department in candidate.leads
        ):
            findings.append(_finding("R-KIN-2", Level.BLOCK, "R-KIN-2/superior", **values))
        for worker, leader, who in ((candidate, other, "本人"), (other, candidate, other.person)):
            if worker.work in SENSITIVE_WORK and (
                worker.department in leader.leads or WHOLE_UNIT in leader.leads
            ):
                findings.append(
                    _finding(
                        "R-KIN-2",
                        Level.BLOCK,
                        "R-KIN-2/sensitive",
                        who=who,
                        work=_label(WorkKind, worker.work),
                        **values,
                    )
                )
    return findings or [_finding("R-KIN-2", Level.OK, "R-KIN-2/ok")]


@dataclass(frozen=True)
class KinshipFact:
    """Two people related by `relation` (stored once, valid both ways)."""

    first: str
    second: str
    relation: str


def relatives_among(subject: str, people: Iterable[str], kinships: Iterable[KinshipFact]) -> frozenset[str]:
    """R-KIN-3: the people related to `subject` in a relation that counts (R-KIN-1)."""
    related = set()
    for k in kinships:
        if not relation_counts(k.relation):
            continue
        if k.first == subject:
            related.add(k.second)
        elif k.second == subject:
            related.add(k.first)
    return frozenset(p for p in people if p in related)


def recusal(role: str, subject: str, must_recuse: Collection[str], recused: Collection[str]) -> list[Finding]:
    """R-KIN-3: everyone related to the subject (a party-group member, an inspection team member) steps aside."""
    missing = sorted(set(must_recuse) - set(recused))
    if missing:
        return [
            _finding(
                "R-KIN-3", Level.BLOCK, "R-KIN-3/block", role=role, names="、".join(missing), subject=subject
            )
        ]
    return [_finding("R-KIN-3", Level.OK, "R-KIN-3/ok", role=role, subject=subject)]


# ---------------------------------------------------------------------------------------------------------
# Record and oversight (R-REQ-1..4)


@dataclass(frozen=True)
class RecordRow:
    """A row of the 纪实表."""

    label: str
    filled: bool
    not_applicable_reason: str = ""


def record_completeness(rows: Sequence[RecordRow]) -> list[Finding]:
    """R-REQ-1: a batch closes only when every row is filled or carries a "不适用" reason."""
    empty = [r.label for r in rows if not r.filled and not r.not_applicable_reason.strip()]
    if empty:
        return [_finding("R-REQ-1", Level.BLOCK, "R-REQ-1/block", rows="、".join(empty))]
    return [_finding("R-REQ-1", Level.OK, "R-REQ-1/ok")]


def rotation_status(months_in_post: int, settings: RuleSettings = DEFAULT_SETTINGS) -> Rotation:
    """R-REQ-2: 满 5 年 due, 满 10 年 overdue (both included)."""
    if months_in_post >= settings.rotation_overdue_years * 12:
        return Rotation.OVERDUE
    if months_in_post >= settings.rotation_due_years * 12:
        return Rotation.DUE
    return Rotation.NOT_DUE


def rotation(in_post_since: date, on_date: date, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """R-REQ-2 for the dashboard: RECORD (attention, not a block) once rotation is due."""
    months = full_months_between(in_post_since, on_date)
    status = rotation_status(months, settings)
    if status == Rotation.OVERDUE:
        return [_finding("R-REQ-2", Level.RECORD, "R-REQ-2/overdue", years=months // 12, months=months)]
    if status == Rotation.DUE:
        return [_finding("R-REQ-2", Level.RECORD, "R-REQ-2/due", years=months // 12, months=months)]
    return [_finding("R-REQ-2", Level.OK, "R-REQ-2/ok", months=months)]


@dataclass(frozen=True)
class AnnualReport:
    """一报告两评议 (R-REQ-3): the numbers of a year and the rating options of the two evaluations."""

    year: int
    by_stage: Mapping[str, int]  # ReportStage value → people
    by_kind: Mapping[str, int]  # kind of appointment (提拔, 交流, …) → people appointed
    work_rating_options: tuple[str, ...]  # evaluation of the selection work
    cadre_rating_options: tuple[str, ...]  # evaluation of the newly appointed cadres
    ballots_name_voters: bool = False


def annual_report(report: AnnualReport) -> list[Finding]:
    """R-REQ-3: the report's numbers are consistent and both evaluations are anonymous with real options."""
    problems = []
    counts = [report.by_stage.get(stage, 0) for stage in ReportStage]
    if any(c < 0 for c in [*counts, *report.by_kind.values()]):
        problems.append("人数不能为负数")
    labels = {"recommended": "推荐", "inspected": "考察", "decided": "决定", "appointed": "任职"}
    for earlier, later in zip(list(ReportStage), list(ReportStage)[1:], strict=False):
        if report.by_stage.get(later, 0) > report.by_stage.get(earlier, 0):
            problems.append(f"{labels[later]}人数多于{labels[earlier]}人数")
    if sum(report.by_kind.values()) != report.by_stage.get(ReportStage.APPOINTED, 0):
        problems.append("按任职方式分类的人数之和与任职人数不符")
    for name, options in (
        ("选人用人工作评议", report.work_rating_options),
        ("新提任干部评议", report.cadre_rating_options),
    ):
        if len(set(options)) < 2 or len(set(options)) != len(options):
            problems.append(f"{name}须有两个以上互不相同的评价选项")
    if report.ballots_name_voters:
        problems.append("评议票不得记录评议人姓名")
    if problems:
        return [
            _finding("R-REQ-3", Level.BLOCK, "R-REQ-3/block", year=report.year, problems="；".join(problems))
        ]
    return [_finding("R-REQ-3", Level.OK, "R-REQ-3/ok", year=report.year)]


def institution_deliberation(institution_section_head: bool, deliberated_on: date | None) -> list[Finding]:
    """R-REQ-4: a subordinate institution's section head goes to a party-group meeting for deliberation."""
    if not institution_section_head:
        return [_finding("R-REQ-4", Level.OK, "R-REQ-4/na")]
    if deliberated_on is None:
        return [_finding("R-REQ-4", Level.BLOCK, "R-REQ-4/block")]
    return [_finding("R-REQ-4", Level.OK, "R-REQ-4/ok", on=deliberated_on.isoformat())]
