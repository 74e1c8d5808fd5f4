"""Demo 竞争上岗: a competitive case standing at 笔试面试, built only through the services.

Dated relative to the day it is seeded (`demo.demo_today()`, today by default): the plan was published two weeks ago, staff
registered online (one by a signed paper form entered by HR), the screening refused one applicant whose
review was answered, the written test is marked and the interview is to come. Each step runs with the
clock set to its day (`_on`), so the record's timestamps read as the work was done. Idempotent: a case
with the title is left alone.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User

from . import gates, rules
from .demo import BUREAU, EDGE_CASES, seeding_today
from .demo_cases import day
from .models import Cadre, Department, Organization, Post, Rank, SelectionCase
from .services import cases as svc
from .services import competitive as cmp
from .services.base import Actor

TITLE = "{year}年中层副职竞争上岗（信息化副科长）"
POST_DEPARTMENT, POST_TITLE = "规划财务和法规科", "信息化副科长"
EXAMINERS = ["fenguan", "dangzu3", "dangzu4", "dangzu5", "dangzu6"]
QUALIFIED = 3  # applicants who pass the screening; one more is refused (R-ELIG-6)


def _on(days_before: int):
    """Run the services as on a past day (09:30 local time), like demo_cases' steps."""
    moment = timezone.make_aware(datetime.combine(day(days_before), time(9, 30)))
    return time_machine.travel(min(moment, timezone.now()), tick=True)


def _passes(cadre: Cadre, on) -> bool:
    facts = gates.cadre_eligibility_facts(cadre, Rank.DEPUTY, on)
    best = cadre.highest_education()
    applicant = rules.ApplicantFacts(
        cadre.age_on(on), best.level if best else None, rules.full_months_between(cadre.work_started_on, on)
    )
    found = rules.screening(rules.eligibility(facts), rules.PlanConditions(max_age=40), applicant)
    return all(f.level == rules.Level.OK for f in found)


def _applicants(org: Organization, on) -> tuple[list[Cadre], Cadre]:
    """Staff cadres of the bureau with a staff account of the same name: three who pass, one who does not."""
    accounts = {u.full_name: u for u in User.objects.filter(organization=org, username__startswith="zhigong")}
    cadres = (
        Cadre.objects.filter(organization=org, name__in=accounts, is_active=True)
        .filter(holdings__isnull=True)
        .prefetch_related("assessments", "education", "holdings")
        .order_by("pk")
    )
    passing, refused = [], None
    for cadre in cadres:
        account = accounts[cadre.name]
        if cadre.account_id not in (None, account.pk):
            continue
        if cadre.account_id is None and Cadre.objects.filter(account=account).exists():
            continue
        ok = _passes(cadre, on)
        if ok and len(passing) < QUALIFIED:
            passing.append(cadre)
        elif not ok and refused is None and cadre.name == EDGE_CASES["basic_competent_2025"]:
            refused = cadre
    if refused is None:  # the edge case has no staff account: any refused staff member will do
        refused = next(c for c in cadres if c not in passing and not _passes(c, on))
    for cadre in [*passing, refused]:
        if cadre.account_id is None:
            cadre.account = accounts[cadre.name]
            cadre.save(update_fields=["account"])
    return passing, refused


def seed_competitive() -> SelectionCase:
    with seeding_today():
        return _seed()


def _seed() -> SelectionCase:
    org = Organization.objects.get(name=BUREAU)
    title = TITLE.format(year=day(16).year)
    existing = SelectionCase.objects.filter(organization=org, title=title).first()
    if existing:
        return existing
    users = {u.username: u for u in User.objects.filter(username__in=["renshi", "shuji", *EXAMINERS])}
    hr, secretary = Actor(users["renshi"]), Actor(users["shuji"])
    department = Department.objects.get(organization=org, name=POST_DEPARTMENT)
    post, _ = Post.objects.get_or_create(
        organization=org, department=department, title=POST_TITLE, defaults={"rank": Rank.DEPUTY, "order": 99}
    )
    with _on(16):
        opened = day(16)
        case = svc.open_case(
            org,
            by=hr,
            title=title,
            year=opened.year,
            posts=[post],
            motion_origin=SelectionCase.MotionOrigin.MAIN_LEADER,
            motion_date=opened,
            analysis="医保信息化工作量增加，新设信息化副科长职位；局机关符合条件的年轻干部较多，能形成有效竞争。",
            mode=SelectionCase.Mode.COMPETITIVE,
        )
        svc.approve_motion(case, by=secretary)
    with _on(15):
        decided = day(15)
        cmp.save_plan(
            case,
            by=hr,
            decided_on=decided,
            decision_note="党组会议研究通过（局党组会议纪要〔2026〕15号）",
            publish_scope="局机关全体干部职工",
            registration_opens=decided + timedelta(days=1),
            registration_closes=decided + timedelta(days=7),
            written_on=decided + timedelta(days=13),
            interview_on=decided + timedelta(days=17),
            written_weight=40,
            interview_weight=60,
            advance_ratio=2,
            max_posts_per_applicant=1,
            max_age=40,
            conditions="熟悉医保信息系统，具有信息化项目管理经验者优先。",
        )
        case = cmp.publish_plan(case, by=hr)
    vacancy = case.vacancies.get()
    passing, refused = _applicants(org, day(8))
    for offset, cadre in enumerate([*passing, refused]):
        with _on(13 - offset):
            if offset == 1:  # a signed paper form, entered by HR
                form = SimpleUploadedFile(
                    "报名表.pdf", _signed_form(cadre.name), content_type="application/pdf"
                )
                cmp.register(
                    case,
                    by=hr,
                    cadre=cadre,
                    vacancies=[vacancy],
                    signed_form=form,
                    statement="从事医保信息系统运维五年。",
                )
            else:
                cmp.register(
                    case, by=Actor(cadre.account), vacancies=[vacancy], statement="熟悉医保业务和信息系统。"
                )
    with _on(7):
        case = cmp.close_registration(case, by=hr)
        cmp.run_screening(case, by=hr)
        cmp.publish_screening(case, by=hr)
    registration = case.registrations.get(cadre=refused)
    with _on(6):
        cmp.request_review(
            registration, by=Actor(refused.account), text="本人2025年度考核结果已复议，请复核。"
        )
    with _on(5):
        cmp.answer_review(
            registration,
            by=hr,
            answer="经核对干部档案，2025年度考核结果为基本称职，维持原审查结论。",
            overturned=False,
        )
        case = cmp.start_exam(case, by=hr)
        cmp.set_examiners(case, by=hr, users=[users[name] for name in EXAMINERS])
    with _on(1):
        qualified = [r for r in case.registrations.order_by("pk") if r.qualified]
        marks = [Decimal("86.5"), Decimal("81"), Decimal("78.5")]
        cmp.record_written_scores(
            case, by=hr, scores={r.pk: m for r, m in zip(qualified, marks, strict=False)}
        )
    return case


def _signed_form(name: str) -> bytes:
    from .demo_cases import small_pdf

    return small_pdf(
        "竞争上岗报名表", [f"报名人：{name}", "报名职位：规划财务和法规科信息化副科长", "本人签字：" + name]
    )
