"""Demo of the bureau's other work (issue 14): a probation ending within 30 days with its appraisal done, a
医保中心 case decided by the centre and waiting for the bureau party group's deliberation (R-REQ-4), and
this year's 一报告两评议 with both evaluations open and some ballots in. Built through the services; dated
from the day it is seeded; idempotent.
"""

from dataclasses import replace
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role

from .demo import BUREAU, CENTER, DEMO_PASSWORD, demo_today
from .demo_cases import Builder, DemoCase, Timeline
from .models import AnnualReport, Cadre, CaseStatus, EvaluatedCadre, Organization, PostHolding, SelectionCase
from .models.post import Rank
from .services import annual, probation
from .services.base import Actor

CENTER_ACCOUNTS = [
    ("zx_zhuren", "陆建明", (Role.SECRETARY, Role.PARTY_MEMBER), "医保中心党支部书记、主任（主要领导）"),
    ("zx_fu1", "沈丽华", (Role.PERSONNEL_LEAD, Role.PARTY_MEMBER), "医保中心副主任（分管人事）"),
    ("zx_fu2", "范志远", (Role.PARTY_MEMBER,), "医保中心副主任"),
    ("zx_renshi", "钱晓红", (Role.HR,), "医保中心综合科（人事干部）"),
]
CENTER_LEADERS = ["zx_zhuren", "zx_fu1", "zx_fu2"]

CENTER_CASE = DemoCase(
    label="医保中心科室负责人选拔任用（征缴稽核科副科长）",
    stage=CaseStatus.PUBLIC_NOTICE,
    department="征缴稽核科",
    rank=Rank.DEPUTY,
    analysis="医保中心征缴稽核科副科长职位空缺，参照局机关制度选拔，任免结果提交局党组会议集体商议。",
    when=Timeline(
        motion=40,
        conversation=33,
        meeting_round=32,
        targets=27,
        inspection_notice=26,
        inspection_start=25,
        appraisal=22,
        dossier=20,
        discipline=19,
        pre_review=18,
        decision=6,
        public_notice=4,
    ),
    origin=SelectionCase.MotionOrigin.MAIN_LEADER,
)


class CenterBuilder(Builder):
    """The same procedure, run by the centre's HR and decided by the centre's leadership."""

    def __init__(self, spec: DemoCase, org: Organization, users: dict[str, User]):
        self.spec = spec
        self.org = org
        self.hr = Actor(users["zx_renshi"], "10.20.2.15")
        self.secretary = Actor(users["zx_zhuren"], "10.20.2.2")
        self.personnel_lead = users["zx_fu1"]
        self.members = [users[name] for name in CENTER_LEADERS]
        self.candidates = {}


def seed_center_accounts(center: Organization) -> dict[str, User]:
    groups = {role: Group.objects.get_or_create(name=role.group_name)[0] for role in Role}
    demo_hash = make_password(DEMO_PASSWORD)
    users = {}
    for username, name, roles, _note in CENTER_ACCOUNTS:
        user, created = User.objects.update_or_create(
            username=username, defaults={"full_name": name, "organization": center, "is_active": True}
        )
        if created:
            user.password = demo_hash
            user.save(update_fields=["password"])
        user.groups.set([groups[r] for r in roles])
        users[username] = user
    return users


def _center_nominees(center: Organization) -> tuple[str, ...]:
    """Two of the centre's 一般干部 under 40 with a degree and clean assessments (no WARN to justify)."""
    on = demo_today() - timedelta(days=CENTER_CASE.when.motion)
    chosen = []
    for cadre in Cadre.objects.filter(organization=center).order_by("-birth_date", "pk"):
        if cadre.rank_on(on) or cadre.current_holding(on) is not None:
            continue
        age = (
            on.year
            - cadre.birth_date.year
            - ((on.month, on.day) < (cadre.birth_date.month, cadre.birth_date.day))
        )
        if age >= 40 or (on - cadre.work_started_on).days < 3 * 365:
            continue
        chosen.append(cadre.name)
        if len(chosen) == 2:
            break
    return tuple(chosen)


def seed_center_case(center: Organization, users: dict[str, User]) -> SelectionCase | None:
    spec = replace(CENTER_CASE, nominees=_center_nominees(center))
    existing = SelectionCase.objects.filter(organization=center, title=spec.title).first()
    if existing or len(spec.nominees) < 2:
        return existing
    return CenterBuilder(spec, center, users).build()


def seed_probation(bureau: Organization) -> None:
    """The probation ending soonest gets its 民主测评 recorded; the assessment and decision are HR's next task."""
    today = timezone.localdate()
    holding = probation.probations_due(bureau, today).first()
    if holding is None or (
        getattr(holding, "probation_review", None) and holding.probation_review.appraisal_on
    ):
        return
    hr = User.objects.get(username="renshi")
    probation.record_appraisal(
        holding,
        by=Actor(hr, "10.20.1.15"),
        organization=bureau,
        on=today,
        expected=46,
        actual=43,
        competent=39,
        basically=4,
        incompetent=0,
        today=today,
    )


def seed_report(bureau: Organization) -> AnnualReport:
    today = timezone.localdate()
    report = AnnualReport.objects.filter(organization=bureau, year=today.year).first()
    if report is not None:
        return report
    hr = User.objects.get(username="renshi")
    report = annual.open_report(bureau, today.year, by=hr, today=today)
    annual.update_sections(
        report,
        by=hr,
        sections={
            "overall": "本年度局党组严格执行《党政领导干部选拔任用工作条例》和本局中层干部选拔任用制度，"
            "坚持党管干部原则，选拔任用工作总体规范有序。",
            "rules_applied": "动议、民主推荐、考察、讨论决定、任职前公示、任职各环节全程纪实，"
            "严格执行任职回避和公示制度。",
            "problems": "个别批次考察材料报送不够及时。整改措施：建立考察材料报送时限提醒。",
        },
    )
    staff = list(
        User.objects.filter(organization__in=[bureau, *bureau.children.all()], is_active=True)
        .filter(groups__name=Role.STAFF.group_name)
        .order_by("username")
        .distinct()
    )
    cadre_eval = report.evaluations.get(kind="cadre")
    if not cadre_eval.cadres.exists():
        # Seeded early in a year, the registry's newest promotion (顾晨, 11 months ago) may fall in the
        # previous one: the demo then evaluates the promotions of the last twelve months (demo data only).
        since = today - timedelta(days=365)
        EvaluatedCadre.objects.bulk_create(
            [
                EvaluatedCadre(
                    evaluation=cadre_eval, cadre=h.cadre, post=str(h.post), appointed_on=h.started_on
                )
                for h in PostHolding.objects.filter(
                    post__organization=bureau, started_on__gte=since, how=PostHolding.How.PROMOTION
                ).select_related("cadre", "post__department")
            ]
        )
    for evaluation in report.evaluations.all():
        annual.invite_accounts(evaluation, by=hr, users=staff)
        if evaluation.cadres.exists() or evaluation.kind == "work":
            annual.open_evaluation(evaluation, by=hr)
    work = report.evaluations.get(kind="work")
    ratings = ["good", "good", "fair_good", "good", "average", "good", "fair_good", "good"]
    # zhigong01 (the demo's staff login) is left to fill both evaluations in the browser.
    for user, rating in zip(staff[1:], ratings, strict=False):
        annual.cast(
            work,
            user=user,
            choices={
                "answers": {str(i): rating for i in range(len(work.questions))},
                "problems": [],
                "suggestion": "",
            },
        )
    return report


def seed_bureau() -> None:
    bureau = Organization.objects.get(name=BUREAU)
    center = Organization.objects.get(name=CENTER)
    users = seed_center_accounts(center)
    seed_center_case(center, users)
    seed_probation(bureau)
    seed_report(bureau)
