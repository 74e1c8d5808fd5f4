"""The 纪实表's sections (FORMS.md §3): each builds its rows from the case, its stage rows and its record.

`build_sections` returns the seven sections in the form's order; `record_form.record_form_data` reads the
case once and passes it in. A row with no value takes the recorded "不适用" reason (`mark_not_applicable`
events) or one derived from the facts; the case file and the 竞争上岗 forms reuse `Grid`, `Row` and `Section`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from selection import gates, rules
from selection.models import (
    Candidate,
    Document,
    Meeting,
    PostHolding,
    RecordEvent,
    SelectionCase,
)
from selection.rules import age_in_full_years

from .adapters import (
    current_holding,
    current_post,
    education,
    party_joining,
    post_title,
)
from .approval_form import FamilyMember, assessment_sentence, family_rows, photo_data_uri
from .common import cn_date, cn_period, percent, ym

NOT_APPLICABLE_ACTION = "mark_not_applicable"


@dataclass(frozen=True)
class Grid:
    """A small table inside a row (rounds, votes, family)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Row:
    key: str  # stable: `mark_not_applicable` events name it
    label: str
    value: str | Grid = ""
    not_applicable: str = ""  # the reason, when the row does not apply

    @property
    def filled(self) -> bool:
        if isinstance(self.value, Grid):
            return bool(self.value.rows)
        return bool(self.value.strip())

    @property
    def is_grid(self) -> bool:
        return isinstance(self.value, Grid)

    @property
    def lines(self) -> list[str]:
        return [] if isinstance(self.value, Grid) else self.value.splitlines()


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Tally:
    """One candidate's result at one meeting (R-DEC-5: agree > N/2, N = all who should attend)."""

    meeting: Meeting
    candidate: Candidate
    expected: int
    present: int
    recused: tuple[str, ...]
    votes: dict[str, str]  # member name → 同意/不同意/缓议
    agree: int
    disagree: int
    postpone: int

    @property
    def outcome(self) -> str:
        if self.agree * 2 > self.expected:
            return "通过"
        if self.postpone > self.agree and self.postpone >= self.disagree:
            return "缓议"
        return "未通过"


def not_applicable_reasons(events: Iterable[RecordEvent], candidate: Candidate) -> dict[str, str]:
    """Row key → the last recorded "不适用" reason for this candidate (or the whole case)."""
    reasons: dict[str, str] = {}
    for event in events:
        if event.action != NOT_APPLICABLE_ACTION or event.candidate_id not in (None, candidate.pk):
            continue
        payload = event.payload or {}
        keys = payload.get("rows") or [payload.get("row")]
        for key in keys:
            if key and str(payload.get("reason", "")).strip():
                reasons[key] = str(payload["reason"]).strip()
    return reasons


def _finding_message(events: Iterable[RecordEvent], rule: str) -> str:
    """The last recorded finding message of a rule, without its "R-XXX：" prefix."""
    message = ""
    for event in events:
        for finding in event.findings or []:
            if finding.get("rule") == rule and finding.get("message"):
                message = finding["message"]
    return message.split("：", 1)[1] if message.startswith(rule) and "：" in message else message


def _quota_text(case: SelectionCase, candidate: Candidate, events: list[RecordEvent]) -> str:
    recorded = _finding_message(events, "R-MOT-1")
    if recorded:
        return recorded
    rank = candidate.vacancy.post.rank
    quota = case.organization.quotas.filter(rank=rank).first()
    if quota is None:
        return ""
    on = case.motion_date or case.created_at.date()
    holders = (
        PostHolding.objects.filter(post__organization=case.organization, post__rank=rank, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .count()
    )
    planned = case.vacancies.filter(post__rank=rank).count()
    over = "是" if holders + planned > quota.approved else "否"
    label = candidate.vacancy.post.get_rank_display()
    return f"中层{label}核定 {quota.approved} 名，现配 {holders} 名，本批拟配 {planned} 名，超职数：{over}。"


def _date_or_blank(day: date | None) -> str:
    return cn_date(day) if day else ""


def _names(users: Iterable) -> str:
    return "、".join(u.get_full_name() for u in users)


# ---- the sections ------------------------------------------------------------------------------------------


class _Rows:
    """Builds rows, applying recorded or derived "不适用" reasons to the empty ones."""

    def __init__(self, reasons: dict[str, str]):
        self.reasons = reasons

    def __call__(self, key: str, label: str, value: str | Grid = "", *, na: str = "") -> Row:
        row = Row(key, label, value)
        if row.filled:
            return row
        reason = self.reasons.get(key) or na
        return Row(key, label, value, not_applicable=reason)


def _basic(cadre, candidate: Candidate, on: date, row: _Rows) -> tuple[dict[str, str], Section, str]:
    holding = current_holding(cadre, on, candidate)
    full, part = education(cadre, "full_time"), education(cadre, "in_service")
    basic = {
        "name": cadre.name,
        "sex": cadre.sex,
        "birth": f"{ym(cadre.birth_date)}（{age_in_full_years(cadre.birth_date, on)}岁）",
        "ethnicity": cadre.ethnicity,
        "native_place": cadre.native_place,
        "work_start": ym(cadre.work_started_on),
        "party": party_joining(cadre),
        "full_time": "　".join(x for x in (full.level, full.degree, full.school) if x),
        "in_service": "　".join(x for x in (part.level, part.degree, part.school) if x),
        "current_post": current_post(cadre, on, candidate),
        "since": ym(holding.started_on) if holding else "",
        "proposed_post": post_title(candidate.vacancy.post, candidate.case.organization),
    }
    family = Grid(
        ("称谓", "姓名", "年龄", "政治面貌", "工作单位及职务"),
        tuple(
            (r.relation, r.name, r.age, r.political_status, r.unit_and_post)
            for r in family_rows(
                [
                    FamilyMember(
                        m.relation,
                        m.name,
                        (m.birth_date.year, m.birth_date.month) if m.birth_date else None,
                        m.political_status,
                        m.unit_and_post,
                        m.deceased,
                    )
                    for m in cadre.family.all()
                ],
                on,
            )
            if r.name
        ),
    )
    rows = (
        row("basic.resume", "简历", "\n".join(cadre.resume_lines())),
        row("basic.family", "家庭主要成员", family),
    )
    photo = ""
    if cadre.photo:
        try:
            with cadre.photo.open("rb") as stored:
                photo = photo_data_uri(stored.read())
        except (OSError, ValueError):
            photo = ""
    return basic, Section("一", "拟任人选基本情况", rows), photo


def _motion(case: SelectionCase, candidate: Candidate, row: _Rows, events: list[RecordEvent]) -> Section:
    origin = ""
    if case.motion_origin:
        who = case.motion_proposed_by.get_full_name() if case.motion_proposed_by else ""
        origin = f"{case.get_motion_origin_display()}（{case.get_motion_form_display()}）" + (
            f"，提出人：{who}" if who else ""
        )
    approval = ""
    if case.motion_approved_at:
        leader = case.motion_approved_by.get_full_name() if case.motion_approved_by else ""
        approval = f"主要领导{leader}于{cn_date(case.motion_approved_at)}同意启动"
    method = case.get_mode_display() + (f"。理由：{case.method_reason}" if case.method_reason.strip() else "")
    consent = ""
    if candidate.county_consent_number or candidate.county_consent_date:
        consent = "县委组织部同意，文号 " + candidate.county_consent_number
        if candidate.county_consent_date:
            consent += f"，{cn_date(candidate.county_consent_date)}"
    consent_na = (
        "非破格提拔，人选经民主推荐产生，无需事先报告县委组织部"
        if not gates.is_exceptional(candidate) and candidate.from_recommendation
        else ""
    )
    return Section(
        "二",
        "动议",
        (
            row("motion.origin", "动议方式", origin),
            row("motion.date", "动议时间", _date_or_blank(case.motion_date)),
            row("motion.approval", "主要领导意见", approval),
            row("motion.analysis", "分析研判情况", case.motion_analysis),
            row("motion.quota", "职数情况", _quota_text(case, candidate, events)),
            row("motion.method", "选拔方式", method),
            row("motion.report", "事先报告情况", consent, na=consent_na),
        ),
    )


def _recommendation(case: SelectionCase, candidate: Candidate, row: _Rows) -> Section:
    rounds = sorted(case.rounds.all(), key=lambda r: (r.held_on, r.pk))  # prefetched with their results
    results = {
        r.round_id: r
        for round_ in rounds
        for r in round_.results.all()
        if r.vacancy_id == candidate.vacancy_id and r.cadre_id == candidate.cadre_id
    }
    grid = Grid(
        ("推荐方式", "日期", "参加范围", "应参加", "实参加", "有效票", "得票", "排名"),
        tuple(
            (
                r.get_kind_display(),
                cn_date(r.held_on),
                r.scope,
                str(r.expected),
                str(r.actual),
                "" if r.valid_ballots is None else str(r.valid_ballots),
                str(results[r.pk].votes) if r.pk in results else "—",
                str(results[r.pk].rank or "") if r.pk in results else "—",
            )
            for r in rounds
        ),
    )
    na = "" if candidate.from_recommendation else "人选未经民主推荐产生"
    return Section("三", "民主推荐", (row("recommendation.rounds", "推荐情况", grid, na=na),))


def _competition(case: SelectionCase, candidate: Candidate, row: _Rows) -> Section:
    from .competitive import record_section  # 竞争上岗 (R-CMP-7): in place of 民主推荐

    return record_section(case, candidate, row)


def _inspection(case: SelectionCase, candidate: Candidate, row: _Rows, on: date) -> Section:
    decision = getattr(case, "target_decision", None)
    inspection = getattr(candidate, "inspection", None)
    targets = ""
    if decision:
        targets = (
            f"{cn_date(decision.meeting_date)}党组会议集体研究确定，应到 {decision.expected_members} 人，"
            f"实到 {decision.present_members} 人。"
        )
        if decision.considerations.strip():
            targets += decision.considerations.strip()
    if candidate.target_reason.strip():
        targets += f"\n确定理由（非推荐第一名）：{candidate.target_reason.strip()}"
    i = inspection
    notice = appraisal = discipline = dossier = matters = pre_review = negative = ""
    if i is not None:
        if i.notice_published_on:
            notice = f"{cn_date(i.notice_published_on)}在{i.notice_scope or '　'}发布，监督举报电话：{i.notice_phone}"
        if i.appraisal_expected:
            total = i.appraisal_total
            good = i.rated_excellent + i.rated_competent
            votes = i.agree_promotion + i.disagree_promotion
            appraisal = (
                f"应参加 {i.appraisal_expected} 人，实参加 {i.appraisal_actual or 0} 人。"
                f"优秀 {i.rated_excellent} 票、称职 {i.rated_competent} 票、基本称职 {i.rated_basic} 票、"
                f"不称职 {i.rated_incompetent} 票，优秀和称职率 {percent(good, total) or '—'}。"
            )
            if votes:
                appraisal += (
                    f"\n同意提拔 {i.agree_promotion} 票、不同意 {i.disagree_promotion} 票，"
                    f"同意率 {percent(i.agree_promotion, votes)}。"
                )
        if i.discipline_opinion_on or i.discipline_conclusion.strip():
            discipline = f"{_date_or_blank(i.discipline_opinion_on)}：{i.discipline_conclusion.strip()}"
        if i.dossier_items or i.dossier_reviewer:
            parts = [
                f"{item.label}：{_dossier_state(i.dossier_items.get(item.value))}"
                for item in rules.DossierItem
            ]
            dossier = "；".join(parts) + "。"
            dossier += (
                f"\n审核人：{i.dossier_reviewer or '　'}　审核日期：{_date_or_blank(i.dossier_checked_on)}"
            )
        if i.personal_matters_checked_on or i.personal_matters_result:
            matters = f"{_date_or_blank(i.personal_matters_checked_on)}查核：{i.personal_matters_result}"
        if i.pre_review_on or i.pre_review_reply:
            pre_review = f"{_date_or_blank(i.pre_review_on)}：{i.pre_review_reply}"
        if i.negative_list:
            negative = "\n".join(_negative_line(item, i.negative_list) for item in rules.NegativeItem)
    assessments = assessment_sentence((a.year, a.result) for a in candidate.cadre.last_assessments(on, 2))
    material = next(  # the first uploaded (the documents come in upload order)
        (d for d in candidate.documents.all() if d.kind == Document.Kind.INSPECTION_MATERIAL), None
    )
    complaints = ""
    if i is not None and (i.started_on or i.appraisal_expected):
        complaints = "考察期间反映的问题已调查核实。" if i.complaints_resolved else "尚有反映的问题未查清。"
    return Section(
        "四",
        "考察",
        (
            row("inspection.targets", "确定考察对象", targets),
            row(
                "inspection.dates",
                "考察时间",
                _date_or_blank(i.started_on) + "起" if i and i.started_on else "",
            ),
            row("inspection.team", "考察组成员", _names(i.team.all()) if i else ""),
            row("inspection.notice", "考察预告", notice),
            row("inspection.appraisal", "民主测评", appraisal),
            row("inspection.opinions", "征求意见情况", i.opinions if i else ""),
            row("inspection.negative", "负面清单核查", negative),
            row("inspection.discipline", "纪检监察机构意见", discipline),
            row("inspection.complaints", "反映问题及核查", complaints),
            row("inspection.assessments", "近两年年度考核", assessments),
            row("inspection.dossier", "干部人事档案审核", dossier),
            row("inspection.personal_matters", "个人有关事项报告查核", matters),
            row("inspection.pre_review", "预审情况", pre_review),
            row("inspection.material", "考察材料", f"已存档：{material.title}" if material else ""),
        ),
    )


def _dossier_state(value: object) -> str:
    if value in (None, "", {}):
        return "未核对"
    if value is True:
        return "已核对"
    if value is False:
        return "未核对"
    if isinstance(value, dict):
        if not value.get("checked", True):
            return "未核对"
        text = "已核对"
        if value.get("consistent") is False:
            text += "，不一致"
            if value.get("resolution") or value.get("note"):
                text += f"（{value.get('resolution') or value.get('note')}）"
        elif value.get("consistent") is True:
            text += "，一致"
        return text
    return str(value)


def _negative_line(item: rules.NegativeItem, answers: dict) -> str:
    label = item.label
    if item == rules.NegativeItem.ASSESSMENT or item == rules.NegativeItem.SANCTION:
        return f"{label}：由系统据干部信息核查"
    answer = answers.get(item.value) or {}
    if not answer:
        return f"{label}：未核查"
    hit = "是" if answer.get("hit") else "否"
    by = answer.get("by", "")
    return f"{label}：{hit}" + (f"（{by}核查）" if by else "")


def _decision(candidate: Candidate, tallies: list[Tally], row: _Rows) -> Section:
    mine = [t for t in tallies if t.candidate.pk == candidate.pk]
    grid = Grid(
        ("会议日期", "表决方式", "应到", "实到", "回避", "同意", "不同意", "缓议", "结果"),
        tuple(
            (
                cn_date(t.meeting.held_on) + ("（复议）" if t.meeting.is_reconsideration else ""),
                t.meeting.get_method_display(),
                str(t.expected),
                str(t.present),
                str(len(t.recused)),
                str(t.agree),
                str(t.disagree),
                str(t.postpone),
                t.outcome,
            )
            for t in mine
        ),
    )
    recusals = "；".join(
        f"{r.member.get_full_name()}（{r.reason}）"
        for t in mine
        for r in t.meeting.recusals.all()
        if r.candidate_id == candidate.pk
    )
    absent = "；".join(
        sorted(
            {
                f"{a.member.get_full_name()}" + (f"（{a.absence_reason}）" if a.absence_reason else "")
                for t in mine
                for a in t.meeting.attendance.all()
                if not a.present
            }
        )
    )
    return Section(
        "五",
        "讨论决定",
        (
            row("decision.votes", "表决情况", grid),
            row("decision.recusals", "回避情况", recusals, na="无应回避人员" if mine else ""),
            row("decision.absent", "缺席情况", absent, na="应到成员全部出席" if mine else ""),
        ),
    )


def _notice(case: SelectionCase, candidate: Candidate, row: _Rows) -> Section:
    notice = getattr(case, "public_notice", None)
    complaints = ""
    if notice is not None:
        lines = []
        for c in candidate.complaints.all():
            line = f"{cn_date(c.received_on)}收到：{c.summary}"
            if c.investigation:
                line += f"\n核查：{c.investigation}"
            line += f"\n结论：{c.get_conclusion_display()}" + (
                f"（{cn_date(c.concluded_on)}办结）" if c.concluded_on else ""
            )
            lines.append(line)
        complaints = "\n".join(lines) or "公示期间未收到反映该同志的问题。"
    exceptional = gates.exceptional_statement(candidate)
    return Section(
        "六",
        "任职前公示",
        (
            row("notice.scope", "公示形式和范围", notice.scope if notice else ""),
            row(
                "notice.period", "公示时间", cn_period(notice.published_on, notice.ends_on) if notice else ""
            ),
            row("notice.channels", "监督举报方式", notice.channels if notice else ""),
            row("notice.exceptional", "破格情形说明", exceptional, na="非破格提拔"),
            row("notice.complaints", "反映问题及核查", complaints),
        ),
    )


def _appointment(candidate: Candidate, row: _Rows) -> Section:
    a = getattr(candidate, "appointment", None)
    probation = ""
    probation_na = ""
    if a is not None:
        if a.probation_ends_on:
            probation = f"试用期一年，至{cn_date(a.probation_ends_on)}期满"
        else:
            probation_na = "非提拔任职，不实行试用期"
    talk = f"{cn_date(a.talk_on)}，谈话人：{a.talk_by}" if a and a.talk_on else ""
    probation_result, result_na = _probation_result(candidate, a)
    return Section(
        "七",
        "任职",
        (
            row(
                "appointment.notice", "任职通知", f"{a.notice_number}，{cn_date(a.notice_date)}" if a else ""
            ),
            row("appointment.tenure", "任职时间", cn_date(a.tenure_starts_on) if a else ""),
            row("appointment.probation", "试用期", probation, na=probation_na),
            row("appointment.talk", "任职谈话", talk),
            row("appointment.probation_result", "试用期满考核及转正", probation_result, na=result_na),
            *_bureau_row(candidate, row),
        ),
    )


def _bureau_row(candidate: Candidate, row: _Rows) -> tuple[Row, ...]:
    """R-REQ-4: an institution's results go to the bureau party group's meeting before 任职."""
    case = candidate.case
    if case.organization.kind != case.organization.Kind.INSTITUTION:
        return ()
    lines = [
        f"{cn_date(d.held_on)}局党组会议集体商议（应到{d.expected}人，实到{d.present}人）：{d.get_opinion_display()}"
        for d in case.bureau_deliberations.all()
    ]
    return (row("appointment.bureau_deliberation", "局党组集体商议", "\n".join(lines)),)


def _probation_result(candidate: Candidate, a) -> tuple[str, str]:
    """R-PRB-2/3: the appraisal, assessment and the party group's decision, once recorded."""
    if a is not None and not a.probation_ends_on:
        return "", "非提拔任职，不实行试用期"
    reviews = list(candidate.probation_reviews.all()) if candidate.pk else []
    review = reviews[0] if reviews else None
    if review is None:
        return "", "试用期尚未期满" if a is not None and a.probation_ends_on > date.today() else ""
    parts = []
    if review.appraisal_on:
        parts.append(
            f"{cn_date(review.appraisal_on)}民主测评：应参加{review.appraisal_expected}人，"
            f"实参加{review.appraisal_actual}人，胜任{review.appraisal_competent}票、"
            f"基本胜任{review.appraisal_basically}票、不胜任{review.appraisal_incompetent}票"
        )
    if review.assessment:
        parts.append(f"{cn_date(review.assessment_on)}考核：{review.get_assessment_display()}")
    if review.outcome:
        parts.append(
            f"{cn_date(review.decided_on)}党组会议决定{review.get_outcome_display()}（依据：{review.basis}）"
        )
    return "\n".join(parts), ""


def build_sections(
    case: SelectionCase, candidate: Candidate, events: list[RecordEvent], tallies: list[Tally], on: date
) -> tuple[dict[str, str], tuple[Section, ...], str]:
    """The basic fields, the seven sections in the form's order and the photo (data URI or "")."""
    row = _Rows(not_applicable_reasons(events, candidate))
    basic, basic_section, photo = _basic(candidate.cadre, candidate, on, row)
    sections = (
        basic_section,
        _motion(case, candidate, row, events),
        _competition(case, candidate, row) if case.is_competitive else _recommendation(case, candidate, row),
        _inspection(case, candidate, row, on),
        _decision(candidate, tallies, row),
        _notice(case, candidate, row),
        _appointment(candidate, row),
    )
    return basic, sections, photo
