"""竞争上岗 documents (R-CMP-1, R-CMP-2, R-CMP-3, R-CMP-7): the plan notice, one applicant's registration
form, the eligibility result notice and the score sheet. Renderers read recorded facts and write nothing.
"""

from typing import Any

from selection import gates_competitive as cg
from selection.models import CompetitionPlan, Registration, SelectionCase

from .common import BLANK_DATE, DocumentUnavailable, cn_date
from .render import render_pdf


def _party_group(case: SelectionCase) -> str:
    return f"中共{case.organization.name}党组"


def _plan(case: SelectionCase) -> CompetitionPlan:
    plan = cg.plan_of(case)
    if plan.pk is None:
        raise DocumentUnavailable("该竞争上岗尚未制定实施方案。")
    return plan


def _posts(case: SelectionCase) -> str:
    return "、".join(str(v.post) for v in case.vacancies.select_related("post__department"))


def plan_notice_context(case: SelectionCase) -> dict[str, Any]:
    plan = _plan(case)
    conditions = ["符合《党政领导干部选拔任用工作条例》和本局中层干部选拔任用有关规定的任职资格条件"]
    if plan.max_age:
        conditions.append(f"年龄在 {plan.max_age} 周岁以下")
    if plan.min_education:
        conditions.append(f"具有{plan.get_min_education_display()}及以上学历")
    if plan.min_work_years:
        conditions.append(f"参加工作满 {plan.min_work_years} 年")
    if plan.conditions.strip():
        conditions.append(plan.conditions.strip().rstrip("。"))
    first, second = ("笔试", "面试") if plan.exam_order == plan.ExamOrder.WRITTEN_FIRST else ("面试", "笔试")
    return {
        "title": f"{case.title}实施方案",
        "issuer": _party_group(case),
        "intro": (
            f"经{_party_group(case)}{cn_date(plan.decided_on, BLANK_DATE)}会议研究，决定通过竞争上岗方式选拔"
            "中层干部。现将实施方案公布如下："
        ),
        "items": [
            ("竞争职位", _posts(case)),
            ("资格条件", "；".join(conditions) + "。"),
            ("报名时间", f"{cn_date(plan.registration_opens)}至{cn_date(plan.registration_closes)}"),
            (
                "报名方式",
                f"本人通过系统网上报名，或填写报名表本人签字后交人事科；每人最多报名 {plan.max_posts_per_applicant} 个职位",
            ),
            (
                "考试安排",
                f"先{first}后{second}；笔试 {cn_date(plan.written_on)}，面试 {cn_date(plan.interview_on)}",
            ),
            (
                "成绩计算",
                f"综合成绩＝笔试成绩×{plan.written_weight}%＋面试成绩×{plan.interview_weight}%；{plan.get_tie_rule_display()}",
            ),
            (
                "考察人选",
                f"每个职位按综合成绩从高到低，以 1:{plan.advance_ratio} 的比例确定民主测评和考察人选",
            ),
            (
                "工作程序",
                "公布方案、报名与资格审查、笔试面试、民主测评与组织考察、党组讨论决定、办理任职手续",
            ),
        ],
        "closing": [
            "资格审查结果、考试成绩和考察人选将在本单位公布。对资格审查结果有异议的，可在公布后、考试前申请复核。"
        ],
        "date": cn_date(plan.published_on, BLANK_DATE),
    }


def render_plan_notice(case: SelectionCase) -> bytes:
    return render_pdf("pdf/competitive_notice.html", plan_notice_context(case))


def eligibility_notice_context(case: SelectionCase) -> dict[str, Any]:
    plan = _plan(case)
    if plan.screening_published_on is None:
        raise DocumentUnavailable("资格审查结果尚未公布。")
    regs = list(
        case.registrations.select_related("cadre")
        .prefetch_related("vacancies__post__department")
        .order_by("pk")
    )
    rows = []
    for reg in regs:
        reason = "；".join(r["message"].partition("：")[2] for r in reg.refusals) if not reg.qualified else ""
        if reg.review_overturned:
            reason = "经复核符合条件"
        rows.append(
            {
                "name": reg.cadre.name,
                "posts": "、".join(str(v.post) for v in reg.vacancies.all()),
                "result": "符合" if reg.qualified else "不符合",
                "reason": reason,
            }
        )
    return {
        "title": f"{case.title}资格审查结果",
        "issuer": _party_group(case),
        "intro": f"根据实施方案规定的资格条件，对报名人员进行了资格审查，现将结果公布如下（共 {len(regs)} 人报名）：",
        "table": {
            "head": ["姓名", "报名职位", "审查结果", "不符合的条件"],
            "rows": [list(r.values()) for r in rows],
        },
        "closing": ["对审查结果有异议的，可在笔试前向人事科申请复核。"],
        "date": cn_date(plan.screening_published_on),
    }


def render_eligibility_notice(case: SelectionCase) -> bytes:
    return render_pdf("pdf/competitive_notice.html", eligibility_notice_context(case))


def score_sheet_context(case: SelectionCase) -> dict[str, Any]:
    plan = _plan(case)
    applicants = cg.qualified(case)
    if not applicants:
        raise DocumentUnavailable("没有资格审查合格的报名人，没有成绩表。")
    examiners = cg.panel(case)
    rows = cg.score_rows(case, applicants, examiners)
    advancing = {(a.vacancy_id, a.registration_id) for a in cg.advancements(case)}
    sections = []
    for vacancy in case.vacancies.select_related("post__department"):
        ranked = {line.key: line.rank for line in cg.post_ranking(case, rows, vacancy)}
        lines = []
        for row in rows:
            if not any(v.pk == vacancy.pk for v in row.registration.vacancies.all()):
                continue
            lines.append(
                {
                    "name": row.registration.cadre.name,
                    "by_examiner": [row.by_examiner.get(e.pk, "") for e in examiners],
                    "written": row.written if row.written is not None else "",
                    "interview": row.interview if row.interview is not None else "",
                    "composite": row.composite if row.composite is not None else "",
                    "rank": ranked.get(row.registration.pk, ""),
                    "advances": "是" if (vacancy.pk, row.registration.pk) in advancing else "",
                }
            )
        lines.sort(key=lambda line: (line["rank"] == "", line["rank"] or 0))
        sections.append({"post": str(vacancy.post), "lines": lines})
    trimmed = len(examiners) >= cg.gates.settings_for(case.organization).interview_trim_from
    return {
        "title": f"{case.title}成绩汇总表",
        "case": case,
        "plan": plan,
        "examiners": [e.user.get_full_name() for e in examiners],
        "sections": sections,
        "formula": f"综合成绩＝笔试×{plan.written_weight}%＋面试×{plan.interview_weight}%"
        + ("；面试成绩去掉一个最高分和一个最低分后取平均" if trimmed else "；面试成绩取各考官评分的平均"),
        "published": cn_date(plan.results_published_on, "未公布"),
    }


def render_score_sheet(case: SelectionCase) -> bytes:
    return render_pdf("pdf/competitive_scores.html", score_sheet_context(case))


def registration_form_context(registration: Registration) -> dict[str, Any]:
    cadre = registration.cadre
    best = cadre.highest_education()
    on = registration.submitted_at.date()
    holding = cadre.current_holding(on)
    return {
        "title": "竞争上岗报名表",
        "case": registration.case,
        "reg": registration,
        "rows": [
            ("姓名", cadre.name, "性别", cadre.get_sex_display()),
            (
                "出生年月",
                f"{cadre.birth_date.year}年{cadre.birth_date.month}月",
                "参加工作时间",
                f"{cadre.work_started_on.year}年{cadre.work_started_on.month}月",
            ),
            (
                "学历",
                best.get_level_display() if best else "",
                "现任职务",
                str(holding.post) if holding else "一般干部",
            ),
        ],
        "posts": "、".join(str(v.post) for v in registration.vacancies.all()),
        "channel": registration.get_channel_display(),
        "submitted": cn_date(registration.submitted_at),
        "resume": cadre.resume_lines(),
        "result": (
            "符合" if registration.qualified else ("不符合" if registration.eligible is False else "尚未审查")
        ),
        "refusals": [r["message"].partition("：")[2] for r in registration.refusals],
    }


def render_registration_form(registration: Registration) -> bytes:
    return render_pdf("pdf/competitive_registration.html", registration_form_context(registration))


# ---- the 纪实表's 竞争上岗 section (in place of 民主推荐 for a competitive case) ------------------------


def record_section(case: SelectionCase, candidate, row):
    """三、竞争上岗: plan, registration, screening, scores and the advancing decision of one candidate."""
    from .record_sections import Grid, Section

    plan = cg.plan_of(case)
    registration = (
        case.registrations.filter(cadre=candidate.cadre)
        .select_related("submitted_by")
        .prefetch_related("vacancies__post__department", "interview_scores")
        .first()
    )
    plan_text = ""
    if plan.pk and plan.published_on:
        plan_text = (
            f"党组会议 {cn_date(plan.decided_on)} 研究，{cn_date(plan.published_on)} 在{plan.publish_scope or '本单位'}公布；"
            f"笔试 {plan.written_weight}%、面试 {plan.interview_weight}%，按 1:{plan.advance_ratio} 确定考察人选"
        )
    reg_text = screening_text = scores = advancing = ""
    if registration is not None:
        reg_text = (
            f"{cn_date(registration.submitted_at)} {registration.get_channel_display()}，报名"
            + "、".join(str(v.post) for v in registration.vacancies.all())
        )
        if registration.eligible is not None:
            screening_text = "符合条件" if registration.qualified else "不符合条件"
            if registration.review_overturned:
                screening_text += "（经复核）"
            if plan.screening_published_on:
                screening_text += f"；{cn_date(plan.screening_published_on)} 公布"
        applicants = cg.qualified(case)
        rows = cg.score_rows(case, applicants, cg.panel(case))
        mine = next((r for r in rows if r.registration.pk == registration.pk), None)
        if mine is not None and mine.composite is not None:
            ranked = cg.post_ranking(case, rows, candidate.vacancy)
            rank = next((line.rank for line in ranked if line.key == registration.pk), "")
            scores = Grid(
                ("笔试", "面试", "综合成绩", "排名", "公布日期"),
                (
                    (
                        str(mine.written),
                        str(mine.interview),
                        str(mine.composite),
                        f"{rank}/{len(ranked)}",
                        cn_date(plan.results_published_on),
                    ),
                ),
            )
        adv = registration.advancements.filter(vacancy=candidate.vacancy).first()
        if adv is not None and plan.advancing_decided_on:
            advancing = (
                f"党组 {cn_date(plan.advancing_decided_on)} 研究确定为考察人选（综合成绩第 {adv.rank} 名）"
            )
            if adv.skip_reason:
                advancing += f"；不按排名顺序的理由：{adv.skip_reason}"
    return Section(
        "三",
        "竞争上岗",
        (
            row("competition.plan", "实施方案", plan_text),
            row("competition.registration", "报名", reg_text),
            row("competition.screening", "资格审查", screening_text),
            row("competition.scores", "笔试面试成绩", scores or ""),
            row("competition.advancing", "确定考察人选", advancing),
        ),
    )
