"""A bureau running a 竞争上岗 that tests drive through the competitive services, step by step."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.roles import Role
from selection.models import EducationLevel, Kinship, SelectionCase
from selection.models.post import Rank
from selection.services import cases as svc
from selection.services import competitive as cmp

from .factories import (
    AnnualAssessmentFactory,
    CadreFactory,
    DepartmentFactory,
    EducationRecordFactory,
    PostFactory,
    QuotaFactory,
    UserFactory,
)
from .workflow import MEMBER_NAMES, TODAY

SHANGHAI = ZoneInfo("Asia/Shanghai")
APPLICANT_NAMES = ["钱进", "孙悦", "李想", "周全", "吴迪"]  # the first three for post 1, the others post 2
EXAMINER_NAMES = ["考官一", "考官二", "考官三", "考官四", "考官五"]


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=SHANGHAI)


@dataclass
class Contest:
    org: object
    hr: object
    members: list
    posts: list
    applicants: list  # cadres, each with a staff account
    examiners: list  # users
    old: object  # an applicant over the age limit (refused at 资格审查)
    case: SelectionCase | None = None
    registrations: list = field(default_factory=list)

    @property
    def secretary(self):
        return self.members[0]

    def vacancy(self, index: int):
        return self.case.vacancies.get(post=self.posts[index])


def applicant(org, department, name: str, birth: date, *, username: str):
    account = UserFactory(username=username, full_name=name, organization=org, roles=[Role.STAFF])
    cadre = CadreFactory(
        organization=org, department=department, name=name, birth_date=birth, account=account
    )
    for year in (2024, 2025):
        AnnualAssessmentFactory(cadre=cadre, year=year)
    EducationRecordFactory(cadre=cadre, level=EducationLevel.UNDERGRADUATE)
    return cadre


def build_contest(org, hr) -> Contest:
    members = []
    for index, name in enumerate(MEMBER_NAMES):
        roles = [Role.SECRETARY, Role.PARTY_MEMBER] if index == 0 else [Role.PARTY_MEMBER]
        members.append(UserFactory(username=f"pg{index}", full_name=name, organization=org, roles=roles))
    dept1 = DepartmentFactory(organization=org, name="待遇保障科")
    dept2 = DepartmentFactory(organization=org, name="基金监管科")
    posts = [
        PostFactory(organization=org, department=dept1, title="副科长", rank=Rank.DEPUTY),
        PostFactory(organization=org, department=dept2, title="副科长", rank=Rank.DEPUTY),
    ]
    QuotaFactory(organization=org, rank=Rank.DEPUTY, approved=8)
    QuotaFactory(organization=org, rank=Rank.CHIEF, approved=6)
    applicants = [
        applicant(org, dept1, name, date(1990 + i, 4, 1), username=f"app{i}")
        for i, name in enumerate(APPLICANT_NAMES)
    ]
    old = applicant(org, dept2, "郑老", date(1980, 1, 1), username="app_old")
    examiners = [
        UserFactory(username=f"exam{i}", full_name=name, organization=org, roles=[Role.STAFF])
        for i, name in enumerate(EXAMINER_NAMES)
    ]
    return Contest(org, hr, members, posts, applicants, examiners, old)


def plan_values(**overrides) -> dict:
    values = {
        "decided_on": TODAY,
        "decision_note": "党组会议研究通过",
        "publish_scope": "局机关全体干部职工",
        "registration_opens": TODAY,
        "registration_closes": TODAY + timedelta(days=4),
        "written_on": TODAY + timedelta(days=6),
        "interview_on": TODAY + timedelta(days=7),
        "written_weight": 40,
        "interview_weight": 60,
        "advance_ratio": 2,
        "max_posts_per_applicant": 1,
        "max_age": 40,
    }
    values.update(overrides)
    return values


def open_contest(contest: Contest, **plan) -> SelectionCase:
    case = svc.open_case(
        contest.org,
        by=contest.hr,
        title="2026年中层副职竞争上岗",
        year=2026,
        posts=contest.posts,
        motion_origin=SelectionCase.MotionOrigin.MAIN_LEADER,
        motion_date=TODAY,
        analysis="两个副科长职位空缺，符合条件人数较多，能形成有效竞争。",
        mode=SelectionCase.Mode.COMPETITIVE,
    )
    svc.approve_motion(case, by=contest.secretary)
    cmp.save_plan(case, by=contest.hr, **plan_values(**plan))
    contest.case = case
    return case


def to_registration(contest: Contest, **plan) -> SelectionCase:
    open_contest(contest, **plan)
    contest.case = cmp.publish_plan(contest.case, by=contest.hr)
    return contest.case


def register_all(contest: Contest) -> None:
    for index, cadre in enumerate(contest.applicants):
        vacancy = contest.vacancy(0 if index < 3 else 1)
        contest.registrations.append(cmp.register(contest.case, by=cadre.account, vacancies=[vacancy]))
    contest.registrations.append(
        cmp.register(contest.case, by=contest.old.account, vacancies=[contest.vacancy(1)])
    )


def to_screening(contest: Contest, traveller) -> SelectionCase:
    to_registration(contest)
    register_all(contest)
    traveller.move_to(at(TODAY + timedelta(days=5)))
    contest.case = cmp.close_registration(contest.case, by=contest.hr)
    return contest.case


def to_exam(contest: Contest, traveller) -> SelectionCase:
    to_screening(contest, traveller)
    cmp.run_screening(contest.case, by=contest.hr)
    cmp.publish_screening(contest.case, by=contest.hr)
    contest.case = cmp.start_exam(contest.case, by=contest.hr)
    return contest.case


WRITTEN = [Decimal("85"), Decimal("80"), Decimal("70"), Decimal("90"), Decimal("75")]
INTERVIEW = [Decimal("80"), Decimal("88"), Decimal("75"), Decimal("82"), Decimal("86")]


def score_all(contest: Contest, examiners=None) -> None:
    cmp.set_examiners(contest.case, by=contest.hr, users=examiners or contest.examiners)
    regs = contest.registrations[:5]
    cmp.record_written_scores(
        contest.case, by=contest.hr, scores={r.pk: w for r, w in zip(regs, WRITTEN, strict=True)}
    )
    for user in examiners or contest.examiners:
        if not contest.case.examiners.get(user=user).recused:
            cmp.record_interview_scores(
                contest.case, by=user, scores={r.pk: s for r, s in zip(regs, INTERVIEW, strict=True)}
            )


def top_two(contest: Contest) -> dict[int, list[int]]:
    """Composite (40/60): 钱进 82.0, 孙悦 84.8, 李想 73.0 (post 1); 周全 85.2, 吴迪 81.6 (post 2)."""
    r = contest.registrations
    return {contest.vacancy(0).pk: [r[1].pk, r[0].pk], contest.vacancy(1).pk: [r[3].pk, r[4].pk]}


def to_inspection(contest: Contest, traveller) -> SelectionCase:
    to_exam(contest, traveller)
    score_all(contest)
    cmp.fix_advancing(
        contest.case, by=contest.hr, decided_on=TODAY + timedelta(days=5), chosen=top_two(contest)
    )
    cmp.publish_results(contest.case, by=contest.hr)
    contest.case = cmp.advance_to_inspection(contest.case, by=contest.hr)
    return contest.case


def relate(cadre, user_cadre) -> None:
    Kinship.objects.create(cadre=cadre, other=user_cadre, category=Kinship.Category.choices[0][0])
