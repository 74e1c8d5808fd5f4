"""Stage notices as printable PDFs: 考察预告 (R-INS-4), 任职前公示 (R-NOT-1, R-EXC-5), 任职通知 (with its 文号).

Each renderer reads the case's recorded facts and writes nothing. A notice whose facts are not recorded
yet raises `DocumentUnavailable` (the views turn it into a 404 with the Chinese message).
"""

from datetime import date
from typing import Any

from selection.models import Candidate, CandidateStatus, PostHolding, SelectionCase

from .adapters import current_post, education_summary, prefetch_cadre
from .common import BLANK_DATE, DocumentUnavailable, cn_date
from .render import render_pdf


def _month(day: date) -> str:
    return f"{day.year}年{day.month}月"


def bio_sentence(candidate: Candidate, on: date) -> str:
    """陈晓明，男，1985年3月生，汉族，浙江安吉人，…，现任…，拟任…。 (the usual notice wording)"""
    cadre = prefetch_cadre(candidate.cadre)
    parts = [cadre.name, cadre.sex, f"{_month(cadre.birth_date)}生", cadre.ethnicity]
    if cadre.native_place:
        parts.append(f"{cadre.native_place}人")
    if cadre.party_joined_on:
        parts.append(f"{_month(cadre.party_joined_on)}加入中国共产党")
    if cadre.party_note:
        parts.append(cadre.party_note)
    parts.append(f"{_month(cadre.work_started_on)}参加工作")
    if summary := education_summary(cadre):
        parts.append(summary)
    if present := current_post(cadre, on, candidate):
        parts.append(f"现任{present}")
    parts.append(f"拟任{candidate.vacancy.post}")
    return "，".join(p for p in parts if p) + "。"


def exceptional_sentence(candidate: Candidate) -> str:
    """R-EXC-5: the 破格 circumstances and reasons, and the county department's consent."""
    from selection.gates import exceptional_statement

    return exceptional_statement(candidate)


def _party_group(case: SelectionCase) -> str:
    return f"中共{case.organization.name}党组"


def _candidates(case: SelectionCase, statuses: list[str]) -> list[Candidate]:
    return list(
        case.candidates.filter(status__in=statuses)
        .select_related("cadre__organization", "vacancy__post__department", "case__organization")
        .order_by("vacancy", "pk")
    )


# ---- 考察预告 ------------------------------------------------------------------------------------------------


def inspection_notice_context(candidate: Candidate) -> dict[str, Any]:
    inspection = getattr(candidate, "inspection", None)
    if inspection is None:
        raise DocumentUnavailable(f"{candidate.cadre.name}尚未确定为考察对象，不能生成考察预告。")
    case = candidate.case
    on = inspection.notice_published_on or inspection.started_on or date.today()
    team = [u.get_full_name() for u in inspection.team.all()]
    return {
        "title": "考察预告",
        "issuer": _party_group(case),
        "case": case,
        "intro": (
            f"根据工作需要，经{_party_group(case)}研究，决定对{candidate.cadre.name}同志进行考察。"
            "现将有关情况预告如下："
        ),
        "items": [
            ("考察对象", bio_sentence(candidate, on)),
            ("考察组成员", "、".join(team)),
            ("考察时间", f"{cn_date(inspection.started_on)}起" if inspection.started_on else ""),
            ("预告范围", inspection.notice_scope),
            ("监督举报电话", inspection.notice_phone),
        ],
        "closing": [
            "预告期间，干部群众可通过来电、来信、来访等方式向考察组反映考察对象的有关情况和问题。"
            "反映问题要实事求是，提倡署实名。"
        ],
        "date": cn_date(inspection.notice_published_on, BLANK_DATE),
    }


def render_inspection_notice(candidate: Candidate) -> bytes:
    return render_pdf("pdf/notice.html", inspection_notice_context(candidate))


# ---- 任职前公示 ----------------------------------------------------------------------------------------------


def public_notice_context(case: SelectionCase) -> dict[str, Any]:
    notice = getattr(case, "public_notice", None)
    if notice is None:
        raise DocumentUnavailable("该批次尚未发布任职前公示。")
    named = _candidates(
        case, [CandidateStatus.APPROVED, CandidateStatus.APPOINTED, CandidateStatus.WITHDRAWN]
    )
    # A withdrawn candidate was on the notice only if a complaint during the notice withdrew them.
    listed = [
        c
        for c in named
        if c.status != CandidateStatus.WITHDRAWN or c.complaints.filter(notice=notice).exists()
    ]
    people = [
        {"bio": bio_sentence(c, notice.published_on), "exceptional": exceptional_sentence(c)} for c in listed
    ]
    return {
        "title": "任职前公示",
        "issuer": _party_group(case),
        "case": case,
        "intro": (
            f"根据《党政领导干部选拔任用工作条例》有关规定，经{_party_group(case)}研究，"
            "现将拟任职人选予以公示："
        ),
        "people": people,
        "items": [
            ("公示时间", f"{cn_date(notice.published_on)}至{cn_date(notice.ends_on)}"),
            ("公示范围", notice.scope),
            ("监督举报方式", notice.channels),
        ],
        "closing": [
            "公示期间，干部群众可通过来电、来信、来访等方式反映公示对象的有关情况和问题。"
            "反映问题要实事求是，提倡署实名；以个人名义反映问题的，请提供真实姓名和联系方式。"
        ],
        "date": cn_date(notice.published_on),
    }


def render_public_notice(case: SelectionCase) -> bytes:
    return render_pdf("pdf/notice.html", public_notice_context(case))


# ---- 任职通知 ------------------------------------------------------------------------------------------------


def _removed_post(candidate: Candidate, tenure_start: date) -> str:
    """The post the appointment ended (services.cases.appoint closes open holdings on the tenure date)."""
    holding = (
        PostHolding.objects.filter(cadre=candidate.cadre, ended_on=tenure_start)
        .exclude(post=candidate.vacancy.post)
        .select_related("post__department")
        .first()
    )
    return str(holding.post) if holding else ""


def appointment_notice_context(case: SelectionCase) -> dict[str, Any]:
    appointed = [
        c
        for c in _candidates(case, [CandidateStatus.APPOINTED])
        if getattr(c, "appointment", None) is not None
    ]
    if not appointed:
        raise DocumentUnavailable("该批次尚未办理任职，没有任职通知。")
    first = appointed[0].appointment
    names = [c.cadre.name for c in appointed]
    title = f"关于{names[0]}{'等' if len(names) > 1 else ''}同志任职的通知"
    lines = []
    for c in appointed:
        a = c.appointment
        probation = "（试用期一年）" if a.probation_ends_on else ""
        line = f"任命{c.cadre.name}同志为{c.vacancy.post}{probation}"
        if removed := _removed_post(c, a.tenure_starts_on):
            line += f"，免去其{removed}职务"
        lines.append(line + "；")
    lines[-1] = lines[-1][:-1] + "。"
    return {
        "title": title,
        "red_header": f"{_party_group(case)}文件",
        "number": first.notice_number,
        "issuer": _party_group(case),
        "case": case,
        "salutation": "局机关各科室，下属各单位：",
        "intro": f"经{_party_group(case)}{cn_date(first.tenure_starts_on)}会议研究决定：",
        "decisions": lines,
        "closing": ["任职时间自党组会议研究决定之日起计算。", "特此通知。"],
        "date": cn_date(first.notice_date),
    }


def render_appointment_notice(case: SelectionCase) -> bytes:
    return render_pdf("pdf/notice.html", appointment_notice_context(case))
