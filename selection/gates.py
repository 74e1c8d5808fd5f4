"""Gates: the facts of a case read from the database and handed to the pure rules (selection/rules.py).

Each function here is what a service evaluates before a step and what the case page shows as its
checklist, so the user sees exactly the findings that the service will enforce.
"""

from collections import Counter
from dataclasses import asdict, dataclass, fields
from datetime import date

from django.db.models import Count
from django.utils import timezone

from selection import rules
from selection.models import (
    Cadre,
    Candidate,
    CandidateStatus,
    Complaint,
    Document,
    HolidaySchedule,
    Inspection,
    Kinship,
    Meeting,
    Organization,
    PostHolding,
    Quota,
    SelectionCase,
    SignOff,
    VoteChoice,
    meeting_agenda,
)
from selection.models.ballot import result_digest
from selection.models.post import Rank
from selection.rules import Finding, Level, Stage
from selection.workdays import WorkdayCalendar, YearSchedule


def settings_for(organization) -> rules.RuleSettings:
    """The organization's rule settings: RULES.md defaults overridden by its `rule_overrides`."""
    known = {f.name for f in fields(rules.RuleSettings)}
    overrides = {k: v for k, v in (organization.rule_overrides or {}).items() if k in known}
    return rules.RuleSettings(**overrides) if overrides else rules.DEFAULT_SETTINGS


def calendar() -> WorkdayCalendar:
    """chinese_calendar, overridden by the holiday schedules an administrator entered (R-CAL-3)."""
    schedules = [
        YearSchedule(s.year, s.holiday_dates(), s.makeup_dates()) for s in HolidaySchedule.objects.all()
    ]
    return WorkdayCalendar(schedules)


def _about(name: str, found: list[Finding]) -> list[Finding]:
    """Name the candidate in each message so a checklist over several people stays readable."""
    out = []
    for f in found:
        if name in f.message:
            out.append(f)
            continue
        # Messages start "R-INS-2：" or "R-INS-2①：": the name goes after that head.
        head, sep, rest = f.message.partition("：")
        if sep and head.startswith(f.rule):
            out.append(Finding(f.rule, f.level, f"{head}：{name}：{rest}"))
        else:
            out.append(Finding(f.rule, f.level, f"{name}：{f.message}"))
    return out


def _today() -> date:
    return timezone.localdate()


# ---- 动议 ------------------------------------------------------------------------------------------


def quota_lines(case: SelectionCase, *, cached: bool = False) -> list[rules.QuotaLine]:
    """R-MOT-1 / R-REG-2: per rank of the case's vacancies, 核定, 现配, approved elsewhere, asked for
    (the register's shared counts: `services.registry.filled_counts` and `promised_counts`). The step
    itself counts afresh; the case page may show the count kept while the register is unchanged."""
    from selection.services.registry import filled_counts, promised_counts

    ranks = Counter(case.vacancies.order_by().values_list("post__rank", flat=True))
    approved = dict(Quota.objects.filter(organization=case.organization).values_list("rank", "approved"))
    filled = filled_counts([case.organization_id], cached=cached)
    pending = promised_counts([case.organization_id], except_case=case)
    key = case.organization_id
    return [
        rules.QuotaLine(
            rank, approved.get(rank, 0), filled.get((key, rank), 0), pending.get((key, rank), 0), n
        )
        for rank, n in sorted(ranks.items())
    ]


def motion(case: SelectionCase, quotas: list[rules.QuotaLine] | None = None) -> list[Finding]:
    """R-MOT-1..3 and R-MET-1/2: before the recommendation starts. `quotas`: `quota_lines(case)` when the
    caller has them already (the case page shows them too)."""
    approved_by = case.motion_approved_by
    facts = rules.MotionFacts(
        quotas=tuple(quota_lines(case) if quotas is None else quotas),
        origin=case.motion_origin,
        main_leader=approved_by.get_full_name() if approved_by else "",
        decided_on=timezone.localdate(case.motion_approved_at) if case.motion_approved_at else None,
        proposer=case.motion_proposed_by.get_full_name() if case.motion_proposed_by else "",
        form=case.motion_form,
        has_attachment=case.documents.filter(kind=Document.Kind.MOTION).exists(),
        analysis_recorded=bool(case.motion_analysis.strip()),
    )
    ranks = set(case.vacancies.values_list("post__rank", flat=True))
    settings = settings_for(case.organization)
    return [*rules.motion(facts), *rules.method_choice(case.mode, case.vacancies.count(), ranks, settings)]


# ---- 民主推荐 --------------------------------------------------------------------------------------


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
    rounds = list(case.rounds.annotate(result_count=Count("results")))
    facts = rules.RecommendationFacts(
        posts=case.vacancies.count(),
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
        reference_candidates=case.candidates.exclude(status=CandidateStatus.WITHDRAWN).count(),
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
    for candidate in case.candidates.filter(status=CandidateStatus.TARGET).select_related(
        "cadre", "vacancy__post"
    ):
        found += _about(
            candidate.cadre.name,
            rules.exceptional_promotion(exceptional_facts(candidate, today), Stage.INSPECTION),
        )
    return found


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
        case.candidates.filter(status=CandidateStatus.TARGET).select_related("cadre", "vacancy__post", "case")
    )
    if not chosen:
        return [Finding("R-INS-1", Level.BLOCK, "R-INS-1：没有考察对象，不能提交讨论决定。")]
    # 竞争上岗: the exam and the party group's advancing list take the recommendation's place (R-CMP-8)
    recommended = case.rounds.exists() or (case.is_competitive and case.advancements.exists())
    found = rules.procedure_complete(recommended, True)
    for candidate in chosen:
        found += candidate_inspection(candidate)
    return found


# ---- 讨论决定 --------------------------------------------------------------------------------------


def quorum(expected: int, present: int) -> list[Finding]:
    return rules.meeting_quorum(expected, present)


def required_recusals(case: SelectionCase, members) -> list[tuple]:
    """(member, candidate, reason) for every member related to a proposed candidate (R-DEC-6, R-KIN-3)."""
    out = []
    for candidate in case.candidates.filter(
        status__in=[CandidateStatus.PROPOSED, CandidateStatus.DEFERRED]
    ).select_related("cadre"):
        for member in related_users(candidate.cadre, members):
            out.append((member, candidate, f"与人选{candidate.cadre.name}有亲属关系"))
    return out


def _meeting_people(meeting: Meeting) -> tuple[frozenset[str], frozenset[str], dict[int, str]]:
    rows = list(meeting.attendance.select_related("member"))
    names = {a.member_id: a.member.get_full_name() for a in rows}
    return frozenset(names.values()), frozenset(names[a.member_id] for a in rows if a.present), names


def vote_allowed(meeting: Meeting, candidate: Candidate, user) -> list[Finding]:
    """R-DEC-3 and R-DEC-6 for one vote: present, not recused, and the chair states last."""
    attendance = meeting.attendance.filter(member=user).first()
    if attendance is None or not attendance.present:
        return [Finding("R-DEC-3", Level.BLOCK, "R-DEC-3：您不是本次会议的出席成员，不能表决。")]
    if meeting.recusals.filter(member=user, candidate=candidate).exists():
        return [
            Finding(
                "R-DEC-6",
                Level.BLOCK,
                f"R-DEC-6：您与{candidate.cadre.name}有亲属关系，已回避，不能对其表决。",
            )
        ]
    if meeting.method != Meeting.Method.SECRET and user.pk == meeting.chair_id:
        voters = _voters(meeting, candidate)
        voted = set(meeting.open_votes.filter(candidate=candidate).values_list("member_id", flat=True))
        waiting = voters - voted - {user.pk}
        if waiting:
            return [
                Finding(
                    "R-DEC-3",
                    Level.BLOCK,
                    f"R-DEC-3：主要领导末位表态，请待其他 {len(waiting)} 名成员表决后再表决。",
                )
            ]
    return [Finding("R-DEC-3", Level.OK, "R-DEC-3：可以表决。")]


def _voters(meeting: Meeting, candidate: Candidate) -> set[int]:
    present = set(meeting.attendance.filter(present=True).values_list("member_id", flat=True))
    recused = set(meeting.recusals.filter(candidate=candidate).values_list("member_id", flat=True))
    return present - recused


@dataclass
class Tally:
    name: str
    agree: int
    disagree: int
    postpone: int
    expected: int
    recused: list[str]
    outcome: str  # a Candidate transition: approve / reject / defer

    @property
    def outcome_label(self) -> str:
        return {"approve": "通过", "reject": "未通过", "defer": "缓议"}[self.outcome]

    def as_dict(self) -> dict:
        return {**asdict(self), "outcome_label": self.outcome_label}


def secret_counts(meeting: Meeting) -> Counter:
    """(candidate id, choice) → count of a closed secret meeting (stored when its ballots were opened)."""
    return Counter(
        {
            (c, choice): n
            for c, choice, n in meeting.secret_counts.values_list("candidate_id", "choice", "count")
        }
    )


def decision_facts(
    meeting: Meeting, candidates: list[Candidate], secret: Counter | None = None
) -> rules.DecisionFacts:
    """`secret`: the counts of the sealed ballots just opened in memory (at close); else the stored ones."""
    members, present, names = _meeting_people(meeting)
    votes = list(meeting.open_votes.order_by("cast_at", "pk"))
    # A secret ballot counts alongside the open votes; it never says who cast it.
    if secret is None:
        secret = secret_counts(meeting)
    recusals = list(meeting.recusals.all())
    tallies = []
    for candidate in candidates:
        mine = [v for v in votes if v.candidate_id == candidate.pk]
        counts = Counter(v.choice for v in mine)
        for choice in VoteChoice.values:
            counts[choice] += secret[(candidate.pk, choice)]
        recused = frozenset(names.get(r.member_id, "") for r in recusals if r.candidate_id == candidate.pk)
        must = frozenset(
            _names(
                related_users(
                    candidate.cadre, [a.member for a in meeting.attendance.select_related("member__cadre")]
                )
            )
        )
        leader_last = bool(mine) and mine[-1].member_id == meeting.chair_id
        kinds = set(candidate.documents.values_list("kind", flat=True))
        tallies.append(
            rules.CandidateTally(
                candidate.cadre.name,
                counts[VoteChoice.AGREE],
                counts[VoteChoice.DISAGREE],
                counts[VoteChoice.POSTPONE],
                recused,
                must,
                leader_last if meeting.method != Meeting.Method.SECRET else None,
                Document.Kind.INSPECTION_MATERIAL in kinds,
                Document.Kind.APPROVAL_FORM in kinds,
            )
        )
    pre_review = [getattr(c, "inspection", None) for c in candidates]
    first = next((i for i in pre_review if i and i.pre_review_on), None)
    return rules.DecisionFacts(
        meeting_on=meeting.held_on,
        within_authority=True,
        members=members,
        present=present,
        voting_method=meeting.method,
        candidates=tuple(tallies),
        pre_review_on=first.pre_review_on
        if first and all(i and i.pre_review_on for i in pre_review)
        else None,
        pre_review_reply=first.pre_review_reply if first else "",
    )


def before_meeting(case: SelectionCase) -> list[Finding]:
    """R-DEC-4 and R-DEC-8 per candidate: material, approval form and pre-review on file before the meeting."""
    found = []
    for candidate in case.candidates.filter(status=CandidateStatus.PROPOSED).select_related(
        "cadre", "inspection"
    ):
        kinds = set(candidate.documents.values_list("kind", flat=True))
        missing = [
            label
            for label, kind in (
                ("考察材料", Document.Kind.INSPECTION_MATERIAL),
                ("《干部任免审批表》", Document.Kind.APPROVAL_FORM),
            )
            if kind not in kinds
        ]
        name = candidate.cadre.name
        if missing:
            found.append(
                Finding(
                    "R-DEC-4",
                    Level.BLOCK,
                    f"R-DEC-4：{name}的{'和'.join(missing)}尚未归档，提交讨论前必须齐备。",
                )
            )
        else:
            found.append(
                Finding("R-DEC-4", Level.OK, f"R-DEC-4：{name}的考察材料和《干部任免审批表》已归档。")
            )
        found.append(pre_review(candidate))
    return found


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


def votes_complete(meeting: Meeting, secret: Counter | None = None) -> list[Finding]:
    """R-DEC-3 and R-DEC-6 when voting closes: every present, non-recused member voted; the chair last;
    a secret meeting holds exactly one ballot per recorded participation."""
    candidates = meeting_agenda(meeting)
    facts = decision_facts(meeting, candidates, secret)
    found = []
    participations = Counter(meeting.secret_participations.values_list("candidate_id", flat=True))
    ballots = Counter(meeting.secret_ballots.values_list("candidate_id", flat=True))
    for candidate in candidates:
        if participations[candidate.pk] != ballots[candidate.pk]:
            found.append(
                Finding(
                    "R-DEC-3",
                    Level.BLOCK,
                    f"R-DEC-3：{candidate.cadre.name}的无记名选票 {ballots[candidate.pk]} 张与投票人数 "
                    f"{participations[candidate.pk]} 人不符，请联系系统管理员核查。",
                )
            )
    for tally in facts.candidates:
        found += [
            f
            for f in rules.candidate_vote(facts, tally, settings_for(meeting.case.organization))
            if f.rule in {"R-DEC-3", "R-DEC-6"}
        ]
    return [*rules.meeting_quorum(len(facts.members), len(facts.present)), *found]


def tally(meeting: Meeting, secret: Counter | None = None) -> dict[int, Tally]:
    """R-DEC-5: approved only when agree > N/2 of all members who should attend. Open votes and secret
    ballots alike; recused members are listed as 回避 and stay in N unless the settings say otherwise."""
    candidates = meeting_agenda(meeting)
    facts = decision_facts(meeting, candidates, secret)
    settings = settings_for(meeting.case.organization)
    out = {}
    for candidate, t in zip(candidates, facts.candidates, strict=True):
        n = rules.members_counted(facts, t, settings)
        if t.agree * 2 > n:
            outcome = "approve"
        elif t.postpone > t.disagree and t.postpone * 2 > n:
            outcome = "defer"
        else:
            outcome = "reject"
        out[candidate.pk] = Tally(t.candidate, t.agree, t.disagree, t.postpone, n, sorted(t.recused), outcome)
    return out


def decision_date(case: SelectionCase) -> date | None:
    meeting = case.meetings.filter(phase=Meeting.Phase.CLOSED).order_by("-held_on").first()
    return meeting.held_on if meeting else None


def is_promotion(candidate: Candidate) -> bool:
    on = candidate.case.motion_date or _today()
    target = candidate.vacancy.post.rank
    return rules.RANK_LEVEL[target] > rules.RANK_LEVEL[candidate.cadre.rank_on(on)]


# ---- 公示、任职 ------------------------------------------------------------------------------------


def approved(case: SelectionCase) -> list[Candidate]:
    return list(
        case.candidates.filter(status=CandidateStatus.APPROVED).select_related(
            "cadre", "vacancy__post", "case"
        )
    )


def notice_end(case: SelectionCase, published_on: date) -> date:
    settings = settings_for(case.organization)
    return rules.notice_minimum_end(published_on, calendar(), settings)


def decision(case: SelectionCase, published_on: date | None, scope: str, channels: str) -> list[Finding]:
    """R-DEC-1, R-EXC-5, R-NOT-1, R-NOT-2 (R-CAL): before the notice is published."""
    decided = decision_date(case)
    if decided is None:
        return [Finding("R-DEC-1", Level.BLOCK, "R-DEC-1：尚无党组会议表决结果，请先召开党组会议讨论决定。")]
    found = [Finding("R-DEC-1", Level.OK, f"R-DEC-1：党组已于 {decided:%Y年%-m月%-d日} 集体讨论决定。")]
    # 签字确认: every present member has signed the tally as it computes now; a changed tally voids them.
    for meeting in case.meetings.filter(phase=Meeting.Phase.CLOSED).order_by("held_on", "pk"):
        digest = result_digest(meeting, {k: t.as_dict() for k, t in tally(meeting).items()})
        present = dict(meeting.attendance.filter(present=True).values_list("member_id", "member__full_name"))
        signatures = dict(SignOff.objects.filter(meeting=meeting).values_list("member_id", "tally_sha256"))
        signed = set(
            SignOff.objects.filter(meeting=meeting, tally_sha256=digest).values_list("member_id", flat=True)
        )
        missing = [name for pk, name in present.items() if pk not in signed]
        stale = [name for pk, name in present.items() if pk in signatures and pk not in signed]
        when = f"{meeting.held_on:%Y年%-m月%-d日}"
        if stale:
            found.append(
                Finding(
                    "R-DEC-1",
                    Level.BLOCK,
                    f"R-DEC-1：{when}党组会议的表决结果与签字时不一致，{'、'.join(stale)}的签字已失效，"
                    "请核查表决记录后重新签字确认。",
                )
            )
        elif missing:
            found.append(
                Finding(
                    "R-DEC-1",
                    Level.BLOCK,
                    f"R-DEC-1：{when}党组会议的表决结果尚待出席成员签字确认：{'、'.join(missing)}。",
                )
            )
        else:
            found.append(
                Finding(
                    "R-DEC-1",
                    Level.OK,
                    f"R-DEC-1：{when}党组会议的表决结果已经 {len(present)} 名出席成员签字确认。",
                )
            )
    chosen = approved(case)
    if not chosen:
        found.append(
            Finding("R-DEC-5", Level.BLOCK, "R-DEC-5：没有获得通过的人选，无需公示；如需终止请填写终止原因。")
        )
    today = _today()
    for candidate in chosen:
        found += _about(
            candidate.cadre.name,
            [
                f
                for f in rules.exceptional_promotion(exceptional_facts(candidate, today), Stage.NOTICE)
                if f.rule == "R-EXC-5"
            ],
        )
    facts = rules.NoticeFacts(decided_on=decided, published_on=published_on, scope=scope, channels=channels)
    found += rules.public_notice(facts, calendar(), settings_for(case.organization))
    return found


def notice_text(case: SelectionCase, published_on: date, ends_on: date, scope: str, channels: str) -> str:
    """The 任职前公示 text; 破格 candidates state the circumstances and reasons (R-EXC-5)."""
    lines = [f"经{case.organization.name}党组研究，拟任用以下同志，现予以公示："]
    today = _today()
    for candidate in approved(case):
        cadre = candidate.cadre
        holding = cadre.current_holding(today)
        line = (
            f"{cadre.name}，{cadre.sex}，{cadre.birth_date:%Y年%-m月}生，"
            f"现任{holding.post if holding else '本单位干部'}，拟任{candidate.vacancy.post}。"
        )
        line += exceptional_statement(candidate, today)
        lines.append(line)
    lines.append(
        f"公示时间：{published_on:%Y年%-m月%-d日}至{ends_on:%Y年%-m月%-d日}（5个工作日）。公示范围：{scope}。"
        f"公示期间如有情况反映，请通过以下方式：{channels}。"
    )
    return "\n".join(lines)


def notice(
    case: SelectionCase, *, notice_number: str = "", notice_date: date | None = None, talk_on=None, talk_by=""
) -> list[Finding]:
    """R-APP-1/2/4/5 and R-KIN-2: before the appointment."""
    public = getattr(case, "public_notice", None) if hasattr(case, "public_notice") else None
    complaints = list(public.complaints.all()) if public else []
    facts = rules.AppointmentFacts(
        on_date=_today(),
        notice_ends_on=public.ends_on if public else None,
        complaints=tuple(
            rules.ComplaintFacts(c.received_on, c.conclusion, bool(c.investigation.strip()))
            for c in complaints
        ),
        decided_on=decision_date(case),
        notice_number=notice_number,
        notice_date=notice_date,
    )
    found = rules.appointment(facts)
    found += rules.appointment_talk(talk_on, talk_by)
    approved_by_rank = Counter(c.vacancy.post.rank for c in approved(case))
    holders = dict(
        PostHolding.objects.filter(post__organization=case.organization, ended_on__isnull=True)
        .values_list("post__rank")
        .annotate(n=Count("id"))
    )
    quota = dict(Quota.objects.filter(organization=case.organization).values_list("rank", "approved"))
    for rank, count in approved_by_rank.items():
        after = holders.get(rank, 0) + count
        label = Rank(rank).label
        if after > quota.get(rank, 0):
            found.append(
                Finding(
                    "R-APP-5",
                    Level.BLOCK,
                    f"R-APP-5：任职后中层{label}将有 {after} 名，超过核定职数 {quota.get(rank, 0)} 名。",
                )
            )
        else:
            found.append(
                Finding(
                    "R-APP-5",
                    Level.OK,
                    f"R-APP-5：任职后中层{label} {after} 名，未超过核定职数 {quota.get(rank, 0)} 名。",
                )
            )
    for candidate in approved(case):
        found += kinship_posting(candidate)
    found += institution_deliberation(case)
    found += record_complete(case)
    return found


def institution_deliberation(case: SelectionCase) -> list[Finding]:
    """R-REQ-4: an institution's results go to its bureau's party-group meeting before 任职."""
    organization = case.organization
    applies = organization.kind == Organization.Kind.INSTITUTION and organization.parent_id is not None
    if not applies:
        return rules.institution_deliberation(False, None)
    latest = case.bureau_deliberations.order_by("-held_on", "-pk").first()
    if latest is not None and not latest.agreed:
        return [
            Finding(
                "R-REQ-4",
                Level.BLOCK,
                f"R-REQ-4：局党组会议（{latest.held_on:%Y年%-m月%-d日}）集体商议未同意，不能办理任职。",
            )
        ]
    return rules.institution_deliberation(True, latest.held_on if latest else None)


def record_rows(candidate: Candidate):
    """The 纪实表 rows of one person (pdf/record_form.py builds them from the case and its record)."""
    from selection.pdf.record_form import record_form_data

    return record_form_data(candidate).rows


def record_complete(case: SelectionCase) -> list[Finding]:
    """R-REQ-1: the batch closes only when every 纪实表 row is filled or marked 不适用 with a reason.

    The 任职 rows are written by the appointment itself (and checked by R-APP-2/4), so they are left out."""
    found = []
    for candidate in approved(case):
        rows = [
            rules.RecordRow(f"{candidate.cadre.name}·{row.label}", row.filled, row.not_applicable)
            for row in record_rows(candidate)
            if not row.key.startswith("appointment.")
        ]
        found += rules.record_completeness(rows)
    return found


def _post_facts(
    cadre: Cadre, department_id: int | None, title_rank: str, on: date, chiefs: dict
) -> rules.PostFacts:
    chief = chiefs.get(department_id)
    leads = frozenset({str(department_id)}) if title_rank == Rank.CHIEF and department_id else frozenset()
    leader = chief if chief and chief != cadre.name else None
    return rules.PostFacts(cadre.name, str(department_id), leader, rules.WorkKind.OTHER, leads)


def kinship_posting(candidate: Candidate) -> list[Finding]:
    """R-KIN-2: relatives in the same department (same direct leader) or in a direct superior relation."""
    today = _today()
    cadre = candidate.cadre
    relatives = list(Kinship.objects.filter(cadre=cadre).select_related("other")) + list(
        Kinship.objects.filter(other=cadre).select_related("cadre")
    )
    if not relatives:
        return _about(cadre.name, [Finding("R-KIN-2", Level.OK, "R-KIN-2：本单位无需回避的亲属任职关系。")])
    chiefs = {
        h.post.department_id: h.cadre.name
        for h in PostHolding.objects.filter(
            post__organization=candidate.case.organization, post__rank=Rank.CHIEF, ended_on__isnull=True
        ).select_related("post", "cadre")
    }
    post = candidate.vacancy.post
    own = _post_facts(cadre, post.department_id, post.rank, today, chiefs)
    others = []
    for k in relatives:
        other = k.other if k.cadre_id == cadre.pk else k.cadre
        holding = other.current_holding(today)
        dept = holding.post.department_id if holding else other.department_id
        rank = holding.post.rank if holding else ""
        others.append((k.category, _post_facts(other, dept, rank, today, chiefs)))
    return _about(cadre.name, rules.kinship_posting(own, others))


def complaint_affects(complaint: Complaint) -> bool:
    return complaint.conclusion == Complaint.Conclusion.AFFECTS


def next_step_findings(case: SelectionCase, *, quotas: list[rules.QuotaLine] | None = None) -> list[Finding]:
    """The checklist the case page shows for the step that comes next (`quotas`: see `motion`)."""
    from selection import gates_competitive as competitive_gates
    from selection.models import CaseStatus

    if case.is_competitive and case.status in competitive_gates.OWN_STATES:
        return competitive_gates.next_step_findings(case)
    if case.status == CaseStatus.MOTION:
        return motion(case, quotas)
    if case.status == CaseStatus.RECOMMENDATION:
        return recommendation(case)
    if case.status == CaseStatus.INSPECTION:
        return inspection(case)
    if case.status == CaseStatus.DECISION:
        meeting = case.meetings.order_by("-pk").first()
        found = before_meeting(case) if meeting is None or meeting.phase == Meeting.Phase.PREPARING else []
        if meeting and meeting.phase == Meeting.Phase.VOTING:
            found = votes_complete(meeting)
        if meeting and meeting.phase == Meeting.Phase.CLOSED:
            found = decision(case, None, "", "")
        return found
    if case.status == CaseStatus.PUBLIC_NOTICE:
        return notice(case)
    return []
