"""The gates of 民主推荐: eligibility, exceptional promotion, the negative list, 考察对象 ratios."""

from datetime import date

from django.db.models import Count, prefetch_related_objects

from selection import rules
from selection.models import (
    Cadre,
    Candidate,
    CandidateStatus,
    Document,
    Inspection,
    PostHolding,
    SelectionCase,
)
from selection.rules import Finding, Level, Stage

from .common import CADRE_FACTS, _about, _today, prefetched, settings_for


# ---- 民主推荐 --------------------------------------------------------------------------------------
def is_promotion(candidate: Candidate) -> bool:
    on = candidate.case.motion_date or _today()
    target = candidate.vacancy.post.rank
    return rules.RANK_LEVEL[target] > rules.RANK_LEVEL[candidate.cadre.rank_on(on)]


def round_findings(round_) -> list[Finding]:
    if round_.kind == rules.RoundKind.MEETING:
        return rules.recommendation_attendance(round_.expected, round_.actual)
    return []


def eligibility_facts(candidate: Candidate, on: date) -> rules.EligibilityFacts:
    return cadre_eligibility_facts(
        candidate.cadre,
        candidate.vacancy.post.rank,
        on,
        health_fit=candidate.health_attested_fit,
        level_skip_consented=bool(candidate.county_consent_number and candidate.county_consent_date),
    )


def cadre_eligibility_facts(
    cadre: Cadre, target_rank: str, on: date, *, health_fit=None, level_skip_consented: bool = False
) -> rules.EligibilityFacts:
    """The registry's facts of one cadre for a post of `target_rank` (also 竞争上岗's 资格审查, R-CMP-3)."""
    holding = cadre.current_holding(on)
    probation = holding.probation_result if holding else ""
    best = cadre.highest_education()
    return rules.EligibilityFacts(
        target_rank=target_rank,
        current_rank=cadre.rank_on(on),
        age=cadre.age_on(on),
        months_in_deputy_post=cadre.months_in_deputy_post(on),
        months_of_work=rules.full_months_between(cadre.work_started_on, on),
        education=best.level if best else None,
        probation_passed=probation not in (PostHolding.Probation.PENDING, PostHolding.Probation.FAILED),
        assessments={a.year: a.result for a in cadre.assessments.all()},
        latest_assessment_year=on.year - 1,
        health_fit=health_fit,
        level_skip_consented=level_skip_consented,
    )


def exceptional_grounds(candidate: Candidate, on: date | None = None) -> tuple[str, ...]:
    """R-EXC-1, computed once: the eligibility rules the candidate misses that make the promotion 破格
    (empty: not 破格). The rules, the approval form, the notices and the 纪实表 all use this, never the
    candidate's own 破格 checkbox."""
    on = on or _today()
    return rules.exceptional_grounds(eligibility_facts(candidate, candidate.case.motion_date or on))


def is_exceptional(candidate: Candidate, on: date | None = None) -> bool:
    return bool(exceptional_grounds(candidate, on))


def exceptional_statement(candidate: Candidate, on: date | None = None) -> str:
    """R-EXC-5: the 破格 circumstances and reasons as the 公示 states them ("" when not 破格)."""
    grounds = exceptional_grounds(candidate, on)
    if not grounds:
        return ""
    kind = candidate.get_exceptional_type_display() or "破格"
    text = f"该同志属于破格提拔（{kind}），破格情形：{rules.ground_labels(grounds)}"
    if reason := candidate.exceptional_reason.strip().rstrip("。"):
        text += f"，破格理由：{reason}"
    if candidate.county_consent_number:
        text += f"；已经县委组织部同意（{candidate.county_consent_number}）"
    return text + "。"


def exceptional_facts(
    candidate: Candidate, on: date, *, notice_states: bool | None = None
) -> rules.ExceptionalFacts:
    motion_on = candidate.case.motion_date or on
    eligibility = eligibility_facts(candidate, motion_on)
    if notice_states is None:  # the notice text comes from exceptional_statement: does it give reasons?
        notice_states = "破格理由" in exceptional_statement(candidate, on)
    holding = candidate.cadre.current_holding(on)
    promotions = [h for h in candidate.cadre.holdings.all() if h.how == PostHolding.How.PROMOTION]
    last_promotion = max((h.started_on for h in promotions), default=None)
    consent = None
    if candidate.county_consent_number or candidate.county_consent_date:
        consent = rules.CountyConsent(
            candidate.county_consent_number,
            candidate.county_consent_date,
            candidate.documents.filter(kind=Document.Kind.COUNTY_CONSENT).exists(),
        )
    return rules.ExceptionalFacts(
        grounds=rules.exceptional_grounds(eligibility),
        on_date=on,
        kind=candidate.exceptional_type,
        reason=candidate.exceptional_reason,
        # 竞争上岗: the open competition stands for the democratic recommendation (R-CMP-8)
        from_democratic_recommendation=candidate.from_recommendation or candidate.case.is_competitive,
        consent=consent,
        in_probation=bool(holding and holding.probation_result == PostHolding.Probation.PENDING),
        last_promotion_on=last_promotion,
        levels_skipped=max(
            0, rules.RANK_LEVEL[eligibility.target_rank] - rules.RANK_LEVEL[eligibility.current_rank] - 1
        ),
        notice_states_circumstances=notice_states,
    )


def candidate_eligibility(candidate: Candidate) -> list[Finding]:
    """R-ELIG-* on the motion date (R-ELIG-5: age in full years on that day)."""
    on = candidate.case.motion_date or _today()
    return _about(
        candidate.cadre.name,
        rules.eligibility(eligibility_facts(candidate, on), settings_for(candidate.case.organization)),
    )


def best_rank(candidate: Candidate) -> int | None:
    ranks = [
        r.rank for r in candidate.cadre.round_results.all() if r.vacancy_id == candidate.vacancy_id and r.rank
    ]
    return min(ranks) if ranks else None


def inspection_of(candidate: Candidate) -> Inspection:
    """The candidate's inspection record, or an unsaved empty one: reading a page never writes."""
    try:
        return candidate.inspection
    except Inspection.DoesNotExist:
        return Inspection(candidate=candidate)


def negative_list(candidate: Candidate, on: date) -> list[Finding]:
    inspection = inspection_of(candidate)
    answers = []
    for item, answer in ((inspection.negative_list if inspection else {}) or {}).items():
        answers.append(
            rules.NegativeAnswer(
                item, bool(answer.get("applies")), answer.get("by", ""), bool(answer.get("special_post"))
            )
        )
    last_year = on.year - 1
    result = next((a.result for a in candidate.cadre.assessments.all() if a.year == last_year), None)
    sanctions = tuple(rules.SanctionRecord(s.kind, s.effective_on) for s in candidate.cadre.sanctions.all())
    facts = rules.NegativeListFacts(
        on_date=on,
        answers=tuple(answers),
        assessment_year=last_year,
        last_year_result=result,
        sanctions=sanctions,
        promotion=is_promotion(candidate),
    )
    return _about(candidate.cadre.name, rules.negative_list(facts, settings_for(candidate.case.organization)))


def targets(
    case: SelectionCase, chosen: list[Candidate], meeting_date: date, expected: int, present: int
) -> list[Finding]:
    """R-INS-1, R-INS-2, R-REC-7 and eligibility, when the party group fixes the targets."""
    found: list[Finding] = []
    last_round = case.rounds.order_by("-held_on").first()
    settings = settings_for(case.organization)
    for candidate in chosen:
        name = candidate.cadre.name
        decision = rules.TargetDecisionFacts(meeting_date, expected, present, 1, best_rank(candidate))
        found += _about(name, rules.inspection_target_decision(decision))
        if candidate.target_reason.strip():
            found = [
                Finding(f.rule, Level.OK, f.message + "（已记录理由）")
                if f.rule == "R-INS-1" and f.level == Level.WARN
                else f
                for f in found
            ]
        found += negative_list(candidate, meeting_date)
        if last_round:
            found += _about(
                name,
                rules.recommendation_validity(
                    last_round.held_on, meeting_date, targeted=candidate.vacancy.targeted, settings=settings
                ),
            )
        found += candidate_eligibility(candidate)
        found += _about(
            name,
            rules.exceptional_promotion(exceptional_facts(candidate, meeting_date), Stage.RECOMMENDATION),
        )
    return found


def recommendation(case: SelectionCase) -> list[Finding]:
    """R-REC-1..8, R-INS-1 and R-EXC-2: before the inspection starts."""
    rounds = prefetched(case, "rounds")  # the case page's rows, their results prefetched
    if rounds is None:
        rounds = list(case.rounds.annotate(result_count=Count("results")))
    else:
        for r in rounds:
            r.result_count = len(r.results.all())
    candidates = prefetched(case, "candidates")
    if candidates is None:
        reference = case.candidates.exclude(status=CandidateStatus.WITHDRAWN).count()
        targets = list(
            case.candidates.filter(status=CandidateStatus.TARGET).select_related("cadre", "vacancy__post")
        )
    else:
        reference = sum(1 for c in candidates if c.status != CandidateStatus.WITHDRAWN)
        targets = [c for c in candidates if c.status == CandidateStatus.TARGET]
    prefetch_related_objects(targets, *CADRE_FACTS)
    facts = rules.RecommendationFacts(
        posts=case.vacancies.count(),  # the prefetched rows' number when there are some
        rounds=tuple(
            rules.RoundFacts(
                r.kind,
                r.held_on,
                r.scope,
                r.expected,
                r.actual,
                r.result_count > 0 and r.valid_ballots is not None,
            )
            for r in rounds
        ),
        reference_candidates=reference,
        meeting_skip=rules.MeetingSkip(**case.meeting_skip) if case.meeting_skip else None,
    )
    found = rules.recommendation(facts)
    decision = getattr(case, "target_decision", None) if hasattr(case, "target_decision") else None
    if decision is None:
        found.append(
            Finding("R-INS-1", Level.BLOCK, "R-INS-1：党组尚未集体研究确定考察对象，请先录入“确定考察对象”。")
        )
    else:
        found.append(
            Finding(
                "R-INS-1",
                Level.OK,
                f"R-INS-1：党组已于 {decision.meeting_date:%Y年%-m月%-d日} 集体研究确定考察对象。",
            )
        )
    today = _today()
    for candidate in targets:
        found += _about(
            candidate.cadre.name,
            rules.exceptional_promotion(exceptional_facts(candidate, today), Stage.INSPECTION),
        )
    return found
