"""Gates of 竞争上岗's own steps (R-CMP, R-MET-2): the facts of a competitive case read from the database
and handed to selection.rules.competitive. From 考察 on a competitive case goes through selection.gates
like a daily one (R-CMP-8).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from selection import gates, rules
from selection.models import (
    Advancement,
    CaseStatus,
    CompetitionPlan,
    Examiner,
    InterviewScore,
    Kinship,
    Registration,
    SelectionCase,
    Vacancy,
)
from selection.rules import Finding, Level

OWN_STATES = (CaseStatus.MOTION, CaseStatus.REGISTRATION, CaseStatus.SCREENING, CaseStatus.EXAM)
STEP_DONE = {
    CaseStatus.REGISTRATION: ["plan"],
    CaseStatus.SCREENING: ["plan"],
    CaseStatus.EXAM: ["plan", "registration"],
}


def _today() -> date:
    return timezone.localdate()


def plan_of(case: SelectionCase) -> CompetitionPlan:
    """The case's plan, or an unsaved empty one: reading a page never writes."""
    try:
        return case.competition_plan
    except CompetitionPlan.DoesNotExist:
        return CompetitionPlan(case=case)


def conditions_of(plan: CompetitionPlan) -> rules.PlanConditions:
    return rules.PlanConditions(plan.max_age, plan.min_education, plan.min_work_years)


# ---- 方案 (R-CMP-1, R-MOT-1..3 and R-MET-1/2 at the plan) ---------------------------------------------


def plan(case: SelectionCase, publish_on: date | None = None) -> list[Finding]:
    """Before the plan is published: the motion's rules (quota R-MOT-1 is checked here, R-CMP-8) and R-CMP-1."""
    p = plan_of(case)
    facts = rules.CompetitionPlanFacts(
        decided_on=p.decided_on,
        publish_on=publish_on or _today(),
        posts=case.vacancies.count(),
        registration_opens=p.registration_opens,
        registration_closes=p.registration_closes,
        written_on=p.written_on,
        interview_on=p.interview_on,
        written_first=p.exam_order == CompetitionPlan.ExamOrder.WRITTEN_FIRST,
        written_weight=p.written_weight,
        interview_weight=p.interview_weight,
        advance_ratio=p.advance_ratio,
        max_posts_per_applicant=p.max_posts_per_applicant,
        conditions_stated=True,
    )
    return [
        *gates.motion(case),
        *rules.competition_plan(facts),
        *rules.competition_order([], rules.CompetitionStep.PLAN),
    ]


# ---- 报名 (R-CMP-2) -----------------------------------------------------------------------------------


def registration(
    case: SelectionCase, cadre, posts: int, *, by_applicant: bool, signed_form: bool
) -> list[Finding]:
    p = plan_of(case)
    facts = rules.RegistrationFacts(
        today=_today(),
        plan_published=case.status == CaseStatus.REGISTRATION and p.published_on is not None,
        opens=p.registration_opens,
        closes=p.registration_closes,
        posts_chosen=posts,
        max_posts=p.max_posts_per_applicant,
        by_applicant=by_applicant,
        signed_form=signed_form,
        already_registered=case.registrations.filter(cadre=cadre).exists(),
    )
    return rules.registration(facts)


def registration_closed(case: SelectionCase) -> list[Finding]:
    p = plan_of(case)
    return [
        *rules.registration_closed(_today(), p.registration_closes, case.registrations.count()),
        *rules.competition_order(["plan"], rules.CompetitionStep.REGISTRATION),
    ]


# ---- 资格审查 (R-CMP-3, R-CMP-4) ----------------------------------------------------------------------


def screen(registration_: Registration, plan_: CompetitionPlan) -> list[Finding]:
    """R-CMP-3 for one registration: R-ELIG for each post applied for plus the plan's own conditions, on
    the registration's closing day. Each refusal names the post and its condition."""
    on = plan_.registration_closes or _today()
    cadre = registration_.cadre
    settings = gates.settings_for(registration_.case.organization)
    best = cadre.highest_education()
    applicant = rules.ApplicantFacts(
        cadre.age_on(on), best.level if best else None, rules.full_months_between(cadre.work_started_on, on)
    )
    found: list[Finding] = []
    vacancies = list(registration_.vacancies.all())
    for vacancy in vacancies:
        post = vacancy.post
        elig = rules.eligibility(gates.cadre_eligibility_facts(cadre, post.rank, on), settings)
        for f in rules.screening(elig, conditions_of(plan_), applicant):
            if f.level == Level.BLOCK and len(vacancies) > 1:
                head, _, rest = f.message.partition("：")
                f = Finding(f.rule, f.level, f"{head}：报名“{post}”：{rest}")
            found.append(f)
    blocks = [f for f in found if f.level == Level.BLOCK]
    return blocks or found[:1]


def qualified_per_post(case: SelectionCase) -> dict[str, int]:
    counts = {str(v.post): 0 for v in case.vacancies.select_related("post__department")}
    for reg in case.registrations.prefetch_related("vacancies__post__department"):
        if reg.qualified:
            for v in reg.vacancies.all():
                counts[str(v.post)] += 1
    return counts


def screening_done(case: SelectionCase) -> list[Finding]:
    regs = list(case.registrations.all())
    p = plan_of(case)
    state = rules.ScreeningState(
        registrations=len(regs),
        unscreened=sum(1 for r in regs if r.eligible is None),
        published_on=p.screening_published_on,
        open_reviews=sum(1 for r in regs if r.review_requested_at and not r.review_answered_at),
    )
    return [
        *rules.screening_complete(state),
        *rules.effective_competition(qualified_per_post(case), gates.settings_for(case.organization)),
        *rules.competition_order(["plan", "registration"], rules.CompetitionStep.EXAM),
    ]


def ineffective_posts(case: SelectionCase) -> list[Finding]:
    """R-CMP-4's warnings only: the posts whose qualified applicants are too few, once every registration
    is screened (before that, nothing can be said)."""
    if not case.registrations.exists() or case.registrations.filter(eligible__isnull=True).exists():
        return []
    found = rules.effective_competition(qualified_per_post(case), gates.settings_for(case.organization))
    return [f for f in found if f.level == Level.WARN]


def withdrawal(case: SelectionCase, vacancy: Vacancy, reason: str) -> list[Finding]:
    """R-CMP-4: a post may be withdrawn from the competition only when it lacks effective competition,
    with a reason, and not the last post (a competition without posts is ended instead)."""
    post = str(vacancy.post)
    if case.registrations.filter(eligible__isnull=True).exists() or not case.registrations.exists():
        return [rules.Finding("R-CMP-4", Level.BLOCK, "资格审查完成后，才能判断职位能否形成有效竞争。")]
    short = [f for f in ineffective_posts(case) if f"“{post}”" in f.message]
    if not short:
        count = qualified_per_post(case).get(post, 0)
        return [
            rules.Finding(
                "R-CMP-4",
                Level.BLOCK,
                f"“{post}”资格审查合格 {count} 人，已形成有效竞争，不能调整出竞争上岗。",
            )
        ]
    if case.vacancies.count() < 2:
        return [
            rules.Finding(
                "R-CMP-4",
                Level.BLOCK,
                f"“{post}”是本次竞争上岗唯一的职位，不能调整出；请重新组织报名或终止本次竞争上岗。",
            )
        ]
    if not reason.strip():
        return [rules.Finding("R-CMP-4", Level.BLOCK, "请说明调整出竞争职位的理由。")]
    return short


def reopening(case: SelectionCase, closes_on: date, reason: str) -> list[Finding]:
    """R-CMP-4: registration is reopened only when some post lacks effective competition, with a reason
    and a new closing date after today."""
    short = ineffective_posts(case)
    if not short:
        if case.registrations.filter(eligible__isnull=True).exists() or not case.registrations.exists():
            return [rules.Finding("R-CMP-4", Level.BLOCK, "资格审查完成后，才能判断职位能否形成有效竞争。")]
        return [
            rules.Finding(
                "R-CMP-4", Level.BLOCK, "每个职位资格审查合格人数均已形成有效竞争，不需要重新组织报名。"
            )
        ]
    problems = []
    if closes_on is None or closes_on <= _today():
        problems.append("新的报名截止日期须晚于今天")
    if not reason.strip():
        problems.append("请说明重新组织报名的理由")
    if problems:
        return [rules.Finding("R-CMP-4", Level.BLOCK, "不能重新组织报名：" + "；".join(problems) + "。")]
    return short


# ---- 笔试面试 (R-CMP-5, R-CMP-6, R-CMP-7) -------------------------------------------------------------


def qualified(case: SelectionCase) -> list[Registration]:
    """The qualified applicants with their posts and interview scores, in registration order."""
    regs = case.registrations.select_related("cadre").prefetch_related(
        Prefetch("vacancies", queryset=Vacancy.objects.select_related("post__department")),
        Prefetch("interview_scores", queryset=InterviewScore.objects.select_related("examiner__user")),
    )
    return [r for r in regs if r.qualified]


def panel(case: SelectionCase) -> list[Examiner]:
    return [e for e in case.examiners.select_related("user__cadre") if not e.recused]


def related_examiners(case: SelectionCase, examiners: list[Examiner], applicants: list[Registration]):
    """Examiners related to any qualified applicant (R-KIN-1 categories), with the applicant's name: one
    query whatever the numbers (the examiners' users come with their linked cadre)."""
    by_cadre = {c.pk: e.user for e in examiners if (c := getattr(e.user, "cadre", None)) is not None}
    names = {r.cadre_id: r.cadre.name for r in applicants}
    if not by_cadre or not names:
        return {}
    pairs = Kinship.objects.filter(
        Q(cadre_id__in=names, other_id__in=by_cadre) | Q(other_id__in=names, cadre_id__in=by_cadre)
    ).values_list("cadre_id", "other_id")
    out = {}
    for a, b in pairs:
        applicant_id, examiner_cadre = (a, b) if a in names and b in by_cadre else (b, a)
        user = by_cadre[examiner_cadre]
        out.setdefault(user.pk, (user, names[applicant_id]))
    return out


@dataclass
class ScoreRow:
    registration: Registration
    written: Decimal | None
    interview: Decimal | None
    composite: Decimal | None
    by_examiner: dict  # examiner pk → score
    rank: int | None = None


def score_rows(
    case: SelectionCase, applicants: list[Registration], examiners: list[Examiner]
) -> list[ScoreRow]:
    p = plan_of(case)
    settings = gates.settings_for(case.organization)
    panel_ids = {e.pk for e in examiners}
    rows = []
    for reg in applicants:
        by_examiner = {
            s.examiner_id: s.value for s in reg.interview_scores.all() if s.examiner_id in panel_ids
        }
        complete = len(by_examiner) == len(panel_ids) and panel_ids
        interview = rules.interview_average(list(by_examiner.values()), settings) if complete else None
        composite = None
        if interview is not None and reg.written_score is not None:
            composite = rules.composite_score(
                reg.written_score, interview, p.written_weight, p.interview_weight
            )
        rows.append(ScoreRow(reg, reg.written_score, interview, composite, by_examiner))
    return rows


def post_ranking(case: SelectionCase, rows: list[ScoreRow], vacancy: Vacancy) -> list[rules.ScoreLine]:
    """The ranking of one post's applicants who have a composite score (R-CMP-5 tie rule)."""
    lines = [
        rules.ScoreLine(r.registration.pk, r.registration.cadre.name, r.written, r.interview, r.composite)
        for r in rows
        if r.composite is not None and any(v.pk == vacancy.pk for v in r.registration.vacancies.all())
    ]
    return rules.ranking(lines, plan_of(case).tie_rule)


def exam(case: SelectionCase, applicants=None, examiners=None) -> list[Finding]:
    applicants = qualified(case) if applicants is None else applicants
    examiners = panel(case) if examiners is None else examiners
    related = related_examiners(case, examiners, applicants)
    n = len(examiners)
    ids = {e.pk for e in examiners}
    state = rules.ExamState(
        qualified=len(applicants),
        written_missing=sum(1 for r in applicants if r.written_score is None),
        interview_missing=sum(
            n - len({s.examiner_id for s in r.interview_scores.all() if s.examiner_id in ids})
            for r in applicants
        ),
        panel=tuple(e.user.get_full_name() for e in examiners),
        related=tuple(f"{u.get_full_name()}（与{name}）" for u, name in related.values()),
    )
    return rules.exam_complete(state, gates.settings_for(case.organization))


def advance(case: SelectionCase) -> list[Finding]:
    """Before 民主测评和考察: the exam complete, the list fixed and published, the order kept."""
    p = plan_of(case)
    with_list = set(case.advancements.values_list("vacancy_id", flat=True))
    without = [
        str(v.post) for v in case.vacancies.select_related("post__department") if v.pk not in with_list
    ]
    return [
        *exam(case),
        *rules.advancing_fixed(
            p.advancing_decided_on, without if with_list or p.advancing_decided_on else []
        ),
        *rules.results_published(p.results_published_on),
        *rules.competition_order(["plan", "registration", "exam"], rules.CompetitionStep.APPRAISAL),
    ]


def next_step_findings(case: SelectionCase) -> list[Finding]:
    if case.status == CaseStatus.MOTION:
        return plan(case)
    if case.status == CaseStatus.REGISTRATION:
        return registration_closed(case)
    if case.status == CaseStatus.SCREENING:
        return screening_done(case)
    if case.status == CaseStatus.EXAM:
        return advance(case)
    return []


def advancements(case: SelectionCase) -> list[Advancement]:
    return list(case.advancements.select_related("registration__cadre", "vacancy__post__department"))
