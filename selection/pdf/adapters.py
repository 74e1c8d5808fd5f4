"""ORM → plain document data: a registry `Cadre` (and, in a case, its `Candidate`) as `ApprovalFormData`.

Reads only; one query per related section (prefetched once). Everything the form prints is decided here,
so `approval_form.py` stays free of the ORM.
"""

from datetime import date

from django.db.models import Prefetch, prefetch_related_objects

from selection.models import Cadre, Candidate, EducationLevel, EducationRecord, PostHolding, SelectionCase

from .approval_form import (
    ApprovalFormData,
    Education,
    FamilyMember,
    assessment_sentence,
    render_approval_form_data,
)
from .common import ym

DEFAULT_REASON = "工作需要。"


def prefetch_cadre(cadre: Cadre) -> Cadre:
    """Load every section the documents read, one query each (no-op for already loaded relations)."""
    prefetch_cadres([cadre])
    return cadre


def prefetch_cadres(cadres: list[Cadre]) -> None:
    """`prefetch_cadre` for several people at once: still one query per section."""
    prefetch_related_objects(
        cadres,
        "organization__parent",
        "education",
        "assessments",
        "resume",
        "family",
        Prefetch(
            "holdings",
            queryset=PostHolding.objects.select_related("post__department", "post__organization").order_by(
                "started_on"
            ),
        ),
    )


def party_joining(cadre: Cadre) -> str:
    """入党时间 as printed: "2007.06", "民建", "2001.08；民建"."""
    joined = ym(cadre.party_joined_on)
    note = cadre.party_note.strip()
    if joined and note:
        return f"{joined}；{note}"
    return joined or note


def education(cadre: Cadre, kind: str) -> Education:
    record = cadre.highest_education(kind)
    if record is None:
        return Education()
    return Education(
        level=str(EducationLevel(record.level).label), degree=record.degree, school=record.school_and_major
    )


def education_summary(cadre: Cadre) -> str:
    """ "大学本科、管理学学士" for the highest record of any kind (notices, 纪实表)."""
    record = cadre.highest_education()
    if record is None:
        return ""
    level = str(EducationLevel(record.level).label)
    return f"{level}、{record.degree}" if record.degree else level


def post_title(holding_or_post, organization=None) -> str:
    """A post with its organization's full name: "安吉县医疗保障局待遇保障科科长"."""
    post = getattr(holding_or_post, "post", holding_or_post)
    org = organization or post.organization
    return f"{org.name}{post}"


def current_holding(cadre: Cadre, on: date, candidate: Candidate | None = None) -> PostHolding | None:
    """The post held on the date; for a candidate, never the vacancy itself (once appointed, the
    documents still describe the cadre as they were when proposed)."""
    appointment = getattr(candidate, "appointment", None) if candidate is not None else None
    if appointment is not None:
        on = min(on, appointment.tenure_starts_on)
    held = [
        h
        for h in cadre.holdings.all()
        if h.started_on <= on
        and (h.ended_on is None or h.ended_on >= on)
        and (candidate is None or h.post_id != candidate.vacancy.post_id)
    ]
    return max(held, key=lambda h: h.started_on) if held else None


def current_post(cadre: Cadre, on: date, candidate: Candidate | None = None) -> str:
    holding = current_holding(cadre, on, candidate)
    return post_title(holding) if holding else ""


def reporting_unit_for(cadre: Cadre, case: SelectionCase | None = None) -> str:
    """呈报单位: the party group of the case's organization, else of the cadre's bureau."""
    org = case.organization if case else (cadre.organization.parent or cadre.organization)
    return f"中共{org.name}党组"


def appointment_reason(candidate: Candidate) -> str:
    """任免理由: work need; a 破格 candidate adds the circumstances (R-EXC-5)."""
    from selection.gates import is_exceptional

    reason = DEFAULT_REASON
    if is_exceptional(candidate):
        kind = candidate.get_exceptional_type_display() or "破格"
        detail = candidate.exceptional_reason.strip().rstrip("。")
        reason += f"破格提拔（{kind}）" + (f"：{detail}" if detail else "") + "。"
    return reason


def _photo_bytes(cadre: Cadre) -> bytes | None:
    if not cadre.photo:
        return None
    try:
        with cadre.photo.open("rb") as stored:
            return stored.read()
    except (OSError, ValueError):
        return None


def default_age_on(candidate: Candidate | None) -> date:
    """计算年龄时间: the last party-group meeting of the case when there is one, else today."""
    if candidate is not None:
        held = candidate.case.meetings.order_by("-held_on").values_list("held_on", flat=True).first()
        if held:
            return held
    return date.today()


def approval_form_data(
    cadre: Cadre,
    *,
    candidate: Candidate | None = None,
    age_on: date | None = None,
    filled_by: str = "",
    reporting_unit: str = "",
    fill_date: date | None = None,
    reason: str | None = None,
) -> ApprovalFormData:
    """The 干部任免审批表 of a registry cadre, for a vacancy when `candidate` is given (FORMS.md §1)."""
    prefetch_cadre(cadre)
    on = age_on or default_age_on(candidate)
    present = current_post(cadre, on, candidate)
    proposed = removed = ""
    case = None
    if candidate is not None:
        case = candidate.case
        proposed = post_title(candidate.vacancy.post, case.organization)
        # Taking the new post ends every open holding (services.cases.appoint): the current post goes.
        removed = present if present and present != proposed else ""
    family = tuple(
        FamilyMember(
            relation=member.relation,
            name=member.name,
            birth=(member.birth_date.year, member.birth_date.month) if member.birth_date else None,
            political_status=member.political_status,
            unit_and_post=member.unit_and_post,
            deceased=member.deceased,
        )
        for member in cadre.family.all()
    )
    return ApprovalFormData(
        name=cadre.name,
        sex=cadre.sex,
        birth=(cadre.birth_date.year, cadre.birth_date.month),
        age_on=on,
        ethnicity=cadre.ethnicity,
        native_place=cadre.native_place,
        birthplace=cadre.birthplace,
        party_joining=party_joining(cadre),
        work_start=(cadre.work_started_on.year, cadre.work_started_on.month),
        health=cadre.health,
        professional_title=cadre.professional_title,
        expertise=cadre.expertise,
        full_time_education=education(cadre, EducationRecord.Kind.FULL_TIME),
        in_service_education=education(cadre, EducationRecord.Kind.IN_SERVICE),
        current_post=present,
        proposed_post=proposed,
        post_to_remove=removed,
        resume=tuple(cadre.resume_lines()),
        rewards_and_punishments=cadre.rewards_and_punishments,
        annual_assessment=assessment_sentence((a.year, a.result) for a in cadre.last_assessments(on, 2)),
        appointment_reason=reason
        if reason is not None
        else (appointment_reason(candidate) if candidate else ""),
        family=family,
        reporting_unit=reporting_unit or reporting_unit_for(cadre, case),
        photo=_photo_bytes(cadre),
        filler=filled_by,
        fill_date=fill_date or on,
    )


def render_approval_form(candidate_or_cadre: Candidate | Cadre, **options) -> bytes:
    """The two-page 干部任免审批表 as PDF bytes, for a candidate (with the vacancy) or a registry cadre."""
    if isinstance(candidate_or_cadre, Candidate):
        data = approval_form_data(candidate_or_cadre.cadre, candidate=candidate_or_cadre, **options)
    else:
        data = approval_form_data(candidate_or_cadre, **options)
    return render_approval_form_data(data)
