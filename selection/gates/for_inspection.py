"""The gates of 考察: the inspection team's recusals and each candidate's inspection record."""

from selection import rules
from selection.models import (
    Cadre,
    Candidate,
    CandidateStatus,
    Document,
    Inspection,
    Kinship,
    SelectionCase,
)
from selection.rules import Finding, Level, Stage

from .common import CADRE_FACTS, _about, _today, settings_for
from .for_recommendation import candidate_eligibility, exceptional_facts, inspection_of

# ---- 考察 ------------------------------------------------------------------------------------------


def _names(users) -> list[str]:
    return [u.get_full_name() for u in users]


def related_users(cadre: Cadre, users) -> list:
    """Users whose linked cadre is a relative of `cadre` (R-KIN-1 categories)."""
    by_cadre = {c.pk: u for u in users if (c := getattr(u, "cadre", None)) is not None}
    if not by_cadre:
        return []
    pairs = Kinship.objects.filter(cadre=cadre, other_id__in=by_cadre).values_list("other_id", flat=True)
    pairs2 = Kinship.objects.filter(other=cadre, cadre_id__in=by_cadre).values_list("cadre_id", flat=True)
    return [by_cadre[pk] for pk in {*pairs, *pairs2}]


def inspection_team(candidate: Candidate, team) -> list[Finding]:
    """R-INS-3 / R-KIN-3: at least two members, none related to the target."""
    team = list(team)
    related = related_users(candidate.cadre, team)
    return _about(candidate.cadre.name, _team_findings(candidate, team, related))


def _people_who_must_not_inspect(candidate: Candidate, team: list) -> dict[str, list[str]]:
    """R-INS-3: the target's own account and the system administrator are never on the team."""
    return {
        "targets_in_team": _names([u for u in team if u.pk == candidate.cadre.account_id]),
        "administrators_in_team": _names([u for u in team if u.is_superuser]),
    }


def _team_findings(candidate: Candidate, team: list, related: list) -> list[Finding]:
    return rules.inspection_team(
        _names(team),
        _names(related),
        settings_for(candidate.case.organization),
        **_people_who_must_not_inspect(candidate, team),
    )


def inspection_facts(candidate: Candidate, inspection: Inspection) -> rules.InspectionFacts:
    kinds = set(candidate.documents.values_list("kind", flat=True))
    appraisal = None
    if inspection.appraisal_expected is not None and inspection.appraisal_actual is not None:
        appraisal = rules.Appraisal(
            inspection.appraisal_expected,
            inspection.appraisal_actual,
            {
                "优秀": inspection.rated_excellent,
                "称职": inspection.rated_competent,
                "基本称职": inspection.rated_basic,
                "不称职": inspection.rated_incompetent,
            },
            bool(inspection.opinions.strip()),
            {"同意": inspection.agree_promotion, "不同意": inspection.disagree_promotion},
        )
    dossier = None
    if inspection.dossier_items:
        checked = frozenset(k for k, v in inspection.dossier_items.items() if v.get("checked"))
        unresolved = sum(
            1 for v in inspection.dossier_items.values() if v.get("discrepancy") and not v.get("resolved")
        )
        dossier = rules.DossierAudit(
            checked, unresolved, inspection.dossier_reviewer, Document.Kind.DOSSIER_AUDIT in kinds
        )
    return rules.InspectionFacts(
        appraisal=appraisal,
        dossier=dossier,
        discipline_opinion_on=inspection.discipline_opinion_on,
        discipline_conclusion=inspection.discipline_conclusion,
        material_attached=Document.Kind.INSPECTION_MATERIAL in kinds,
        personal_matters_checked=inspection.personal_matters_checked_on is not None,
        unresolved_complaints=0 if inspection.complaints_resolved else 1,
    )


def pre_review(candidate: Candidate) -> Finding:
    """R-DEC-8: the county organisation department's pre-review (date and reply) is on file. Checked when
    the case is submitted for discussion (提交讨论) and again when the meeting is recorded."""
    inspection = getattr(candidate, "inspection", None)
    name = candidate.cadre.name
    if inspection is None or inspection.pre_review_on is None or not inspection.pre_review_reply.strip():
        return Finding("R-DEC-8", Level.BLOCK, f"R-DEC-8：{name}尚未记录县委组织部预审情况（日期、意见）。")
    return Finding(
        "R-DEC-8",
        Level.OK,
        f"R-DEC-8：{name}已于 {inspection.pre_review_on:%Y年%-m月%-d日} 经县委组织部预审。",
    )


def candidate_inspection(candidate: Candidate) -> list[Finding]:
    """Everything on file for one target before the decision."""
    inspection = inspection_of(candidate)
    team = list(inspection.team.all()) if inspection.pk else []
    notice = None
    if inspection.notice_published_on:
        notice = rules.InspectionNotice(
            inspection.notice_published_on, True, bool(team), inspection.notice_phone, inspection.notice_scope
        )
    started = inspection.started_on or _today()
    settings = settings_for(candidate.case.organization)
    related = related_users(candidate.cadre, team)
    found = rules.inspection_start(
        _names(team),
        _names(related),
        notice,
        started,
        settings,
        **_people_who_must_not_inspect(candidate, team),
    )
    found += rules.inspection_complete(inspection_facts(candidate, inspection), settings)
    found += rules.exceptional_promotion(exceptional_facts(candidate, _today()), Stage.DECISION)
    found += [f for f in candidate_eligibility(candidate) if f.rule in {"R-ELIG-3", "R-ELIG-6", "R-ELIG-7"}]
    return [*_about(candidate.cadre.name, found), pre_review(candidate)]


def inspection(case: SelectionCase) -> list[Finding]:
    """R-INS-3..10, R-EXC-3, R-REC-1: before the case goes to the party group."""
    chosen = list(
        case.candidates.filter(status=CandidateStatus.TARGET)
        .select_related("cadre", "vacancy__post", "case")
        .prefetch_related(*CADRE_FACTS)
    )
    if not chosen:
        return [Finding("R-INS-1", Level.BLOCK, "R-INS-1：没有考察对象，不能提交讨论决定。")]
    # 竞争上岗: the exam and the party group's advancing list take the recommendation's place (R-CMP-8)
    recommended = case.rounds.exists() or (case.is_competitive and case.advancements.exists())
    found = rules.procedure_complete(recommended, True)
    for candidate in chosen:
        found += candidate_inspection(candidate)
    return found
