"""竞争上岗 (R-CMP-1..7): the plan, registration, screening, exam scores and the advancing list.

Pure functions like the rest of selection.rules: facts in, Findings out. R-CMP-8 (from 考察 on, the daily
procedure's rules unchanged) is wiring, not a rule of its own: selection/gates_competitive.py hands a
competitive case to the same gate functions as a daily one.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .base import (
    DEFAULT_SETTINGS,
    EDUCATION_LABEL,
    EDUCATION_ORDER,
    Finding,
    Level,
    RuleSettings,
    cn_date,
)

TWO_PLACES = Decimal("0.01")


def _f(rule: str, level: Level, text: str) -> Finding:
    return Finding(rule, level, f"{rule}：{text}")


# ---------------------------------------------------------------------------------------------------------
# R-CMP-1: the plan


@dataclass(frozen=True)
class CompetitionPlanFacts:
    decided_on: date | None  # the party group's meeting
    publish_on: date  # the day it is (to be) published
    posts: int
    registration_opens: date | None
    registration_closes: date | None
    written_on: date | None
    interview_on: date | None
    written_first: bool
    written_weight: int
    interview_weight: int
    advance_ratio: int
    max_posts_per_applicant: int
    conditions_stated: bool  # the R-ELIG conditions apply always; the plan's own are stated or none


def competition_plan(facts: CompetitionPlanFacts) -> list[Finding]:
    """R-CMP-1: decided by the party group, published before registration, complete."""
    problems = []
    if facts.decided_on is None:
        problems.append("实施方案尚未经党组会议研究决定（请记录党组会议日期）")
    elif facts.decided_on > facts.publish_on:
        problems.append(f"党组会议日期（{cn_date(facts.decided_on)}）晚于方案公布日期")
    if facts.posts < 1:
        problems.append("方案没有竞争职位")
    if not (facts.registration_opens and facts.registration_closes):
        problems.append("未确定报名时间")
    elif facts.registration_opens > facts.registration_closes:
        problems.append("报名开始日期晚于截止日期")
    elif facts.registration_opens < facts.publish_on:
        problems.append(
            f"报名开始日期（{cn_date(facts.registration_opens)}）早于方案公布日期（{cn_date(facts.publish_on)}），"
            "方案须在报名前公布"
        )
    if not (facts.written_on and facts.interview_on):
        problems.append("未确定笔试、面试日期")
    else:
        first, second = (
            (facts.written_on, facts.interview_on)
            if facts.written_first
            else (facts.interview_on, facts.written_on)
        )
        if first > second:
            problems.append("笔试、面试日期与方案规定的先后顺序不一致")
        if facts.registration_closes and min(first, second) <= facts.registration_closes:
            problems.append("考试日期须在报名截止之后")
    if facts.written_weight + facts.interview_weight != 100:
        problems.append(f"笔试、面试权重之和为 {facts.written_weight + facts.interview_weight}%，应为 100%")
    if facts.advance_ratio < 1:
        problems.append("未确定每个职位进入考察的人数")
    if facts.max_posts_per_applicant < 1:
        problems.append("未确定每人可报名的职位数")
    if problems:
        return [_f("R-CMP-1", Level.BLOCK, "实施方案不能公布：" + "；".join(problems) + "。")]
    return [
        _f(
            "R-CMP-1",
            Level.OK,
            f"实施方案已经党组会议（{cn_date(facts.decided_on)}）研究决定：竞争职位 {facts.posts} 个，"
            f"报名时间 {cn_date(facts.registration_opens)} 至 {cn_date(facts.registration_closes)}，"
            f"笔试 {facts.written_weight}%、面试 {facts.interview_weight}%，每个职位按 1:{facts.advance_ratio} 进入考察。",
        )
    ]


# ---------------------------------------------------------------------------------------------------------
# R-CMP-2: registration


@dataclass(frozen=True)
class RegistrationFacts:
    today: date
    plan_published: bool
    opens: date | None
    closes: date | None
    posts_chosen: int
    max_posts: int
    by_applicant: bool  # online with the applicant's own account
    signed_form: bool  # entered by HR: the applicant's signed form is attached
    already_registered: bool = False


def registration(facts: RegistrationFacts) -> list[Finding]:
    """R-CMP-2: inside the published window, by the applicant or from a signed form, ≤ the plan's posts."""
    if not facts.plan_published or not (facts.opens and facts.closes):
        return [_f("R-CMP-2", Level.BLOCK, "竞争上岗实施方案尚未公布，不能报名。")]
    if facts.today < facts.opens:
        return [_f("R-CMP-2", Level.BLOCK, f"报名自 {cn_date(facts.opens)} 开始，尚未开始报名。")]
    if facts.today > facts.closes:
        return [_f("R-CMP-2", Level.BLOCK, f"报名已于 {cn_date(facts.closes)} 截止。")]
    if facts.already_registered:
        return [_f("R-CMP-2", Level.BLOCK, "本人已经报名，不能重复报名。")]
    if facts.posts_chosen < 1:
        return [_f("R-CMP-2", Level.BLOCK, "请至少选择一个报名职位。")]
    if facts.posts_chosen > facts.max_posts:
        return [
            _f(
                "R-CMP-2",
                Level.BLOCK,
                f"每人最多报名 {facts.max_posts} 个职位，本次选择了 {facts.posts_chosen} 个。",
            )
        ]
    if not facts.by_applicant and not facts.signed_form:
        return [_f("R-CMP-2", Level.BLOCK, "由人事干部代为录入的，须上传本人签字的报名表。")]
    how = "本人网上报名" if facts.by_applicant else "人事干部依本人签字报名表录入"
    return [_f("R-CMP-2", Level.OK, f"{how}，报名职位 {facts.posts_chosen} 个，在报名时间内。")]


def registration_closed(today: date, closes: date | None, registrations: int) -> list[Finding]:
    """R-CMP-2 at the close: the window is over and someone registered."""
    if closes is None or today <= closes:
        when = cn_date(closes) if closes else "（未确定）"
        return [_f("R-CMP-2", Level.BLOCK, f"报名截止日期为 {when}，报名时间结束后才能进行资格审查。")]
    if registrations == 0:
        return [_f("R-CMP-2", Level.BLOCK, "没有人报名，不能进行资格审查（可终止或重新组织报名）。")]
    return [_f("R-CMP-2", Level.OK, f"报名已于 {cn_date(closes)} 截止，共 {registrations} 人报名。")]


# ---------------------------------------------------------------------------------------------------------
# R-CMP-3: eligibility screening


@dataclass(frozen=True)
class PlanConditions:
    """The plan's own conditions on top of R-ELIG (None / "": the plan adds none)."""

    max_age: int | None = None  # under this age in full years
    min_education: str = ""  # an EDUCATION_ORDER value
    min_work_years: int | None = None


@dataclass(frozen=True)
class ApplicantFacts:
    age: int | None
    education: str | None
    months_of_work: int


def _condition(finding: Finding) -> str:
    """The condition and the fact of an R-ELIG finding, without the daily procedure's advice (破格 …)."""
    text = finding.message.partition("：")[2] or finding.message
    return text.split("；")[0].rstrip("。")


def screening(
    eligibility_findings: Sequence[Finding], conditions: PlanConditions, applicant: ApplicantFacts
) -> list[Finding]:
    """R-CMP-3: the refusals of one applicant for one post, each naming its condition.

    `eligibility_findings` are R-ELIG-* for the post (R-ELIG-7, the health attestation, is due at 考察).
    In a competition there is no 破格: an R-ELIG warning refuses like a block."""
    refused = [
        Finding("R-CMP-3", Level.BLOCK, f"R-CMP-3：不符合{f.rule}：{_condition(f)}。")
        for f in eligibility_findings
        if f.level in (Level.BLOCK, Level.WARN) and f.rule != "R-ELIG-7"
    ]
    if conditions.max_age is not None and (applicant.age is None or applicant.age >= conditions.max_age):
        age = "未记录出生日期" if applicant.age is None else f"{applicant.age} 周岁"
        refused.append(
            _f("R-CMP-3", Level.BLOCK, f"不符合方案条件“{conditions.max_age} 周岁以下”（{age}）。")
        )
    if conditions.min_education:
        minimum = EDUCATION_LABEL[conditions.min_education]
        if applicant.education is None or EDUCATION_ORDER.index(applicant.education) < EDUCATION_ORDER.index(
            conditions.min_education
        ):
            has = EDUCATION_LABEL.get(applicant.education or "", "未记录学历")
            refused.append(_f("R-CMP-3", Level.BLOCK, f"不符合方案条件“{minimum}及以上学历”（{has}）。"))
    if conditions.min_work_years is not None and applicant.months_of_work < conditions.min_work_years * 12:
        refused.append(
            _f(
                "R-CMP-3",
                Level.BLOCK,
                f"不符合方案条件“工作满 {conditions.min_work_years} 年”（{applicant.months_of_work} 个月）。",
            )
        )
    if refused:
        return refused
    return [_f("R-CMP-3", Level.OK, "符合任职资格条件和方案规定的条件。")]


@dataclass(frozen=True)
class ScreeningState:
    registrations: int
    unscreened: int
    published_on: date | None
    open_reviews: int  # review requests not yet answered


def screening_complete(state: ScreeningState) -> list[Finding]:
    """R-CMP-3 before the exam: every registration screened, results published, reviews answered."""
    problems = []
    if state.unscreened:
        problems.append(f"{state.unscreened} 人尚未审查")
    if state.published_on is None:
        problems.append("资格审查结果尚未公布")
    if state.open_reviews:
        problems.append(f"{state.open_reviews} 份复核申请尚未答复")
    if problems:
        return [_f("R-CMP-3", Level.BLOCK, "不能进入笔试面试：" + "；".join(problems) + "。")]
    return [
        _f(
            "R-CMP-3",
            Level.OK,
            f"{state.registrations} 人的资格审查结果已于 {cn_date(state.published_on)} 公布，复核申请均已答复。",
        )
    ]


# ---------------------------------------------------------------------------------------------------------
# R-CMP-4: effective competition


def effective_competition(
    qualified_per_post: Mapping[str, int], settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-CMP-4: at least n qualified applicants per post; below that the post is withdrawn or registration
    reopened, with a reason (one warning per post)."""
    minimum = settings.competition_min_qualified
    found = []
    for post, count in qualified_per_post.items():
        if count >= minimum:
            found.append(_f("R-CMP-4", Level.OK, f"“{post}”资格审查合格 {count} 人，形成有效竞争。"))
        else:
            found.append(
                _f(
                    "R-CMP-4",
                    Level.WARN,
                    f"“{post}”资格审查合格仅 {count} 人（不足 {minimum} 人），不能形成有效竞争；"
                    "应调整出竞争职位或重新组织报名，继续进行须说明理由。",
                )
            )
    return found


# ---------------------------------------------------------------------------------------------------------
# R-CMP-5: the exam, the panel, the composite, the ranking


def interview_panel(
    members: Sequence[str], related: Sequence[str], settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R-CMP-5 and R-KIN: an odd number of examiners ≥ the setting, none related to an applicant.

    `members` are the examiners who are not recused; `related` those of them related to an applicant."""
    found = []
    minimum = settings.interview_panel_min
    n = len(members)
    if n < minimum or n % 2 == 0:
        found.append(
            _f("R-CMP-5", Level.BLOCK, f"面试考官须为 {minimum} 人以上的单数，目前为 {n} 人（回避者不计）。")
        )
    else:
        found.append(_f("R-CMP-5", Level.OK, f"面试考官 {n} 人。"))
    if related:
        found.append(
            _f("R-KIN-3", Level.BLOCK, f"面试考官{'、'.join(related)}与报名人有亲属关系，必须回避。")
        )
    else:
        found.append(_f("R-KIN-3", Level.OK, "面试考官中与报名人有亲属关系的人员均已回避。"))
    return found


def interview_average(scores: Sequence[Decimal], settings: RuleSettings = DEFAULT_SETTINGS) -> Decimal | None:
    """The interview score: the mean of the examiners' scores, without the highest and the lowest one
    when the panel has ≥ the setting's examiners; rounded to two places (half up)."""
    if not scores:
        return None
    kept = sorted(scores)
    if len(kept) >= settings.interview_trim_from:
        kept = kept[1:-1]
    return (sum(kept, Decimal(0)) / len(kept)).quantize(TWO_PLACES, ROUND_HALF_UP)


def composite_score(
    written: Decimal, interview: Decimal, written_weight: int, interview_weight: int
) -> Decimal:
    """综合成绩 = 笔试 × 笔试权重 + 面试 × 面试权重 (weights in percent), two places."""
    total = written * written_weight / Decimal(100) + interview * interview_weight / Decimal(100)
    return total.quantize(TWO_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class ScoreLine:
    key: int  # the registration
    name: str
    written: Decimal
    interview: Decimal
    composite: Decimal
    rank: int = 0


def ranking(lines: Sequence[ScoreLine], tie_rule: str) -> list[ScoreLine]:
    """Rank by composite, ties broken by the plan's rule ("interview" or "written"); still equal: the same
    rank (competition ranking 1, 2, 2, 4)."""

    def sort_key(line: ScoreLine) -> tuple:
        second = line.interview if tie_rule == "interview" else line.written
        return (-line.composite, -second)

    ordered = sorted(lines, key=lambda line: (*sort_key(line), line.key))
    out = []
    for index, line in enumerate(ordered):
        rank = index + 1
        if index and sort_key(ordered[index - 1]) == sort_key(line):
            rank = out[-1].rank
        out.append(ScoreLine(line.key, line.name, line.written, line.interview, line.composite, rank))
    return out


@dataclass(frozen=True)
class ExamState:
    qualified: int
    written_missing: int
    interview_missing: int  # (applicant, examiner) pairs without a score
    panel: Sequence[str] = field(default_factory=tuple)
    related: Sequence[str] = field(default_factory=tuple)


def exam_complete(state: ExamState, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """R-CMP-5 before the advancing list: the panel is valid and every score is in."""
    found = interview_panel(state.panel, state.related, settings)
    problems = []
    if state.written_missing:
        problems.append(f"{state.written_missing} 人的笔试成绩未录入")
    if state.interview_missing:
        problems.append(f"面试评分缺 {state.interview_missing} 项")
    if problems:
        found.append(_f("R-CMP-5", Level.BLOCK, "成绩不完整：" + "；".join(problems) + "。"))
    else:
        found.append(_f("R-CMP-5", Level.OK, f"{state.qualified} 名合格报名人的笔试、面试成绩均已录入。"))
    return found


def exam_order(written_first: bool, written_done: bool, interview_done: bool, entering: str) -> list[Finding]:
    """R-CMP-5: scores in the plan's order: the second test's scores wait for the first's."""
    first, first_done = ("written", written_done) if written_first else ("interview", interview_done)
    if entering != first and not first_done:
        label = "笔试" if first == "written" else "面试"
        return [_f("R-CMP-5", Level.BLOCK, f"按方案规定的顺序，须先完成{label}成绩录入。")]
    return [_f("R-CMP-5", Level.OK, "考试按方案规定的顺序进行。")]


# ---------------------------------------------------------------------------------------------------------
# R-CMP-6 / R-CMP-7: the advancing list, published


def advancing(post: str, ranked: Sequence[ScoreLine], chosen: Sequence[int], ratio: int) -> list[Finding]:
    """R-CMP-6: the top n of the post's ranking advance; anyone chosen over a better-ranked applicant is a
    skip that needs the party group's reason (WARN); more than n, or someone not ranked, is refused."""
    keys = {line.key for line in ranked}
    if not chosen:
        return [_f("R-CMP-6", Level.BLOCK, f"“{post}”尚未确定进入考察的人选。")]
    if any(key not in keys for key in chosen):
        return [_f("R-CMP-6", Level.BLOCK, f"“{post}”的考察人选须是该职位资格审查合格并参加考试的报名人。")]
    if len(chosen) > ratio:
        return [
            _f(
                "R-CMP-6",
                Level.BLOCK,
                f"“{post}”按方案 1:{ratio} 进入考察，最多 {ratio} 人，本次确定了 {len(chosen)} 人。",
            )
        ]
    expected = min(ratio, len(ranked))
    by_key = {line.key: line for line in ranked}
    cutoff = sorted(line.rank for line in ranked)[expected - 1]
    skipped_over = [line.name for line in ranked if line.rank <= cutoff and line.key not in chosen]
    jumped = [by_key[k].name for k in chosen if by_key[k].rank > cutoff]
    if skipped_over or jumped:
        return [
            _f(
                "R-CMP-6",
                Level.WARN,
                f"“{post}”未按综合成绩排名确定考察人选（{'、'.join(jumped) or '人数不足'}替代"
                f"{'、'.join(skipped_over)}），须记录党组研究的理由。",
            )
        ]
    if len(chosen) < expected:
        return [
            _f(
                "R-CMP-6",
                Level.WARN,
                f"“{post}”按方案应有 {expected} 人进入考察，本次确定 {len(chosen)} 人，须记录理由。",
            )
        ]
    names = "、".join(by_key[k].name for k in chosen)
    return [_f("R-CMP-6", Level.OK, f"“{post}”按综合成绩排名前 {len(chosen)} 名确定考察人选：{names}。")]


def advancing_fixed(decided_on: date | None, posts_without: Sequence[str]) -> list[Finding]:
    """R-CMP-6 at the step into 考察: the party group fixed the list for every post."""
    if decided_on is None or posts_without:
        missing = "、".join(posts_without) if posts_without else "全部职位"
        return [_f("R-CMP-6", Level.BLOCK, f"党组尚未研究确定考察人选（{missing}）。")]
    return [_f("R-CMP-6", Level.OK, f"党组已于 {cn_date(decided_on)} 研究确定考察人选。")]


def results_published(published_on: date | None) -> list[Finding]:
    """R-CMP-7: scores and the advancing list are published to the participants (a RECORD fact, due at
    the step into 考察: missing there, it blocks)."""
    if published_on is None:
        return [_f("R-CMP-7", Level.BLOCK, "考试成绩和考察人选尚未向报名人公布，请公布后进入考察。")]
    return [_f("R-CMP-7", Level.OK, f"考试成绩和考察人选已于 {cn_date(published_on)} 向报名人公布。")]
