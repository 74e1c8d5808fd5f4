"""Findings, vocabularies, settings, messages and date arithmetic shared by every rule area."""

import calendar
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from django.db import models

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
        "R-INS-3/self": "R-INS-3：{names}是考察对象本人，不能参加对自己的考察，请调整考察组。",
        "R-INS-3/admin": "R-INS-3：{names}是系统管理员账号，不参加选拔任用工作，请调整考察组。",
        "R-INS-3/related": "R-INS-3：考察组成员{names}与考察对象有亲属关系，须回避，请调整考察组（R-KIN-3）。",
        "R-INS-4/ok": "R-INS-4：已于 {on} 发布考察预告。",
        "R-INS-4/missing": "R-INS-4：考察前须发布考察预告，请记录发布日期。",
        "R-INS-4/late": "R-INS-4：考察预告须在考察前发布，预告日期 {on} 晚于考察开始日期 {start}。",
        "R-INS-4/content": "R-INS-4：考察预告缺少{missing}，请补充后发布。",
        "R-INS-5/ok": "R-INS-5：民主测评应参加 {expected} 人，实参加 {actual} 人，已记录各等次票数和征求意见情况。",
        "R-INS-5/block": "R-INS-5：请记录民主测评（含政治素质）应参加和实参加人数、各等次票数，以及征求意见情况。",
        "R-INS-5/count": "R-INS-5：民主测评票数合计 {total} 张，多于实参加人数 {actual} 人，请核对。",
        "R-INS-5/promotion": "R-INS-5：同意与不同意提拔票合计 {total} 张，多于实参加人数 {actual} 人，请核对。",
        "R-INS-5/attendance": "R-INS-5：民主测评应参加 {expected} 人，实参加 {actual} 人，不足{share}（至少 {needed} 人），"
        "测评结果代表性不足；如仍以此结果提交，请说明理由。",
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


def cn_date(day: date) -> str:
    """Dates in messages as Chinese government usage writes them: 2026年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _iso(day: date | None) -> str:
    return cn_date(day) if day else ""
