"""考察: each candidate's record (negative list, health, inspection) and the step to 讨论决定."""

from django.db import transaction

from selection import gates
from selection.models import (
    Candidate,
    CandidateStatus,
    Document,
    Inspection,
    SelectionCase,
)
from selection.permissions import assign_inspection_duty

from ..base import ServiceError, Step, as_actor, check_findings, lock_case, record_event, run_case_step
from .common import _check_dates, _valid

# ---- 考察 -----------------------------------------------------------------------------------------

# Ordered as the inspection form shows them.
INSPECTION_FIELDS = (
    "started_on",
    "notice_published_on",
    "notice_scope",
    "notice_phone",
    "appraisal_expected",
    "appraisal_actual",
    "rated_excellent",
    "rated_competent",
    "rated_basic",
    "rated_incompetent",
    "agree_promotion",
    "disagree_promotion",
    "opinions",
    "negative_list",
    "dossier_items",
    "dossier_reviewer",
    "dossier_checked_on",
    "discipline_opinion_on",
    "discipline_conclusion",
    "discipline_clear",
    "personal_matters_checked_on",
    "personal_matters_result",
    "complaints_resolved",
    "pre_review_on",
    "pre_review_reply",
)
CANDIDATE_FIELDS = {
    "exceptional",
    "exceptional_type",
    "exceptional_reason",
    "county_consent_number",
    "county_consent_date",
    "health_attested_fit",
    "target_reason",
}


def update_candidate_record(candidate: Candidate, *, by, **changes) -> Candidate:
    """Record or correct inspection facts of one candidate; every change is an event with old and new values."""
    actor = as_actor(by)
    unknown = set(changes) - set(INSPECTION_FIELDS) - CANDIDATE_FIELDS - {"team"}
    if unknown:
        raise ServiceError(f"不能修改这些项目：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        case = lock_case(candidate.case)
        if not case.is_open:
            raise ServiceError("该批次已结束，不能再修改。")
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if not candidate.is_open:
            raise ServiceError("该人选已退出或已任职，不能再修改。")
        inspection, _ = Inspection.objects.get_or_create(candidate=candidate)
        diff = {}
        team = changes.pop("team", None)
        if team is not None:
            findings = gates.inspection_team(candidate, team)
            check_findings(findings, None)
            before = sorted(u.get_full_name() for u in inspection.team.all())
            inspection.team.set(team)
            assign_inspection_duty(candidate, team)
            diff["team"] = {"old": before, "new": sorted(u.get_full_name() for u in team)}
        for name, value in changes.items():
            target = inspection if name in INSPECTION_FIELDS else candidate
            old = getattr(target, name)
            if old != value:
                diff[name] = {"old": old, "new": value}
                setattr(target, name, value)
        _valid(inspection, exclude=["candidate"])  # R-REG-4 dates, R-INS-5 counts
        _check_dates({"县委组织部同意日期": candidate.county_consent_date})
        inspection.save()
        candidate.save()
        if diff:
            record_event(
                case,
                by=actor,
                action="update_candidate_record",
                candidate=candidate,
                summary=f"记录考察情况：{candidate.cadre.name}（{len(diff)} 项）",
                payload={"changes": diff},
            )
    return candidate


def submit_for_decision(
    case: SelectionCase, *, by, justifications: dict[str, str] | None = None
) -> SelectionCase:
    """考察 → 讨论决定: every target's inspection record is complete (R-INS-3..10, R-EXC-3, R-ELIG-*)."""

    actor = as_actor(by)

    def propose_targets(locked: SelectionCase) -> None:
        from selection.pdf.adapters import render_approval_form
        from selection.pdf.official import store_official_copy

        targets = locked.candidates.select_for_update(of=("self",)).filter(status=CandidateStatus.TARGET)
        for candidate in targets.select_related("cadre", "vacancy__post"):
            candidate.propose()
            candidate.save()
            # R-DEC-4: the form the party group reads is frozen now, its SHA-256 in the record.
            store_official_copy(
                locked,
                kind=Document.Kind.APPROVAL_FORM,
                title=f"{candidate.cadre.name}干部任免审批表（提交党组会议）",
                pdf_bytes=render_approval_form(candidate, filled_by=actor.name),
                by=actor,
                candidate=candidate,
            )

    return run_case_step(
        case,
        Step("submit_for_decision", "提交党组讨论决定", gates.inspection),
        by=by,
        justifications=justifications,
        before_save=propose_targets,
    )
