"""A small bureau with a case that tests drive through the workflow services, stage by stage."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.roles import Role
from selection.models import Candidate, Document, EducationLevel, Post, SelectionCase
from selection.models.post import Rank
from selection.services import cases as svc

from .factories import (
    AnnualAssessmentFactory,
    CadreFactory,
    DepartmentFactory,
    EducationRecordFactory,
    FamilyMemberFactory,
    PostFactory,
    PostHoldingFactory,
    QuotaFactory,
    ResumeEntryFactory,
    UserFactory,
)

TODAY = date(2026, 11, 26)  # tests pin the clock here (time_machine): 2026 is covered by chinese_calendar
TEST_PASSWORD = "pw-for-tests"  # UserFactory's
MEMBER_NAMES = ["王建国", "李红梅", "张卫东", "陈志强", "刘芳", "周明", "吴晓东"]


@dataclass
class World:
    org: object
    hr: object
    members: list  # the party group, secretary first
    department: object
    post: Post
    deputy_post: Post
    cadres: list
    team: list
    case: SelectionCase | None = None
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def secretary(self):
        return self.members[0]


def build_world(org, hr) -> World:
    members = []
    for index, name in enumerate(MEMBER_NAMES):
        roles = [Role.SECRETARY, Role.PARTY_MEMBER] if index == 0 else [Role.PARTY_MEMBER]
        members.append(UserFactory(username=f"pg{index}", full_name=name, organization=org, roles=roles))
    department = DepartmentFactory(organization=org, name="待遇保障科")
    post = PostFactory(organization=org, department=department, title="科长", rank=Rank.CHIEF)
    deputy_post = PostFactory(organization=org, department=department, title="副科长", rank=Rank.DEPUTY)
    QuotaFactory(organization=org, rank=Rank.CHIEF, approved=6)
    QuotaFactory(organization=org, rank=Rank.DEPUTY, approved=8)
    cadres = []
    for index, name in enumerate(["陈晓明", "林静", "赵磊"]):
        cadre = CadreFactory(
            organization=org, department=department, name=name, birth_date=date(1985 + index, 3, 10)
        )
        other_deputy = PostFactory(
            organization=org, department=DepartmentFactory(organization=org), title="副科长", rank=Rank.DEPUTY
        )
        PostHoldingFactory(cadre=cadre, post=other_deputy, started_on=date(2021, 3, 1))
        for year in (2023, 2024, 2025):
            AnnualAssessmentFactory(cadre=cadre, year=year)
        EducationRecordFactory(cadre=cadre, level=EducationLevel.UNDERGRADUATE)
        ResumeEntryFactory(cadre=cadre, started_on=date(2008, 7, 1), text="安吉县医疗保障局科员")
        FamilyMemberFactory(cadre=cadre)
        cadres.append(cadre)
    team = [
        UserFactory(username="team1", full_name="考察员甲", organization=org, roles=[Role.HR]),
        UserFactory(username="team2", full_name="考察员乙", organization=org, roles=[Role.STAFF]),
    ]
    return World(org, hr, members, department, post, deputy_post, cadres, team)


def open_motion(world: World, **more) -> SelectionCase:
    """`more`: further motion fields (e.g. motion_form)."""
    world.case = svc.open_case(
        world.org,
        by=world.hr,
        title="2026年第3批中层干部选拔任用",
        year=2026,
        posts=[world.post],
        motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
        motion_date=TODAY,
        analysis="待遇保障科科长空缺，经分析研判需尽快配备。",
        **more,
    )
    return world.case


def to_recommendation(world: World) -> SelectionCase:
    case = open_motion(world)
    svc.approve_motion(case, by=world.secretary)
    world.case = svc.start_recommendation(case, by=world.hr)
    vacancy = world.case.vacancies.get()
    world.candidates = [svc.nominate(world.case, by=world.hr, cadre=c, vacancy=vacancy) for c in world.cadres]
    return world.case


def record_rounds(world: World) -> None:
    vacancy = world.case.vacancies.get()
    svc.record_round(
        world.case,
        by=world.hr,
        kind="conversation",
        held_on=TODAY,
        expected=20,
        actual=18,
        valid_ballots=18,
        scope="中层以上干部和下属单位负责人",
        results=[(vacancy, c, v) for c, v in zip(world.cadres, [12, 4, 2], strict=True)],
    )
    svc.record_round(
        world.case,
        by=world.hr,
        kind="meeting",
        held_on=TODAY,
        expected=45,
        actual=40,
        valid_ballots=39,
        scope="全体在职干部职工和下属单位负责人",
        results=[(vacancy, c, v) for c, v in zip(world.cadres, [30, 6, 3], strict=True)],
    )


def answer_negative_list(world: World, candidate: Candidate) -> None:
    answers = {item: {"applies": False, "by": "孙丽"} for item in ("1", "2", "4", "5", "7")}
    svc.update_candidate_record(candidate, by=world.hr, negative_list=answers, health_attested_fit=True)


def to_inspection(world: World) -> SelectionCase:
    to_recommendation(world)
    record_rounds(world)
    first = world.candidates[0]
    answer_negative_list(world, first)
    svc.fix_targets(
        world.case, by=world.hr, meeting_date=TODAY, expected_members=7, present_members=6, targets=[first]
    )
    world.case = svc.start_inspection(world.case, by=world.hr)
    return world.case


def attach(world: World, candidate: Candidate, kind: str) -> Document:
    content = b"%PDF-1.4 test"
    return Document.objects.create(
        case=world.case,
        candidate=candidate,
        kind=kind,
        title=str(Document.Kind(kind).label),
        file=ContentFile(content, name=f"{kind}.pdf"),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=world.hr,
    )


def complete_inspection(world: World, candidate: Candidate) -> None:
    svc.update_candidate_record(
        candidate,
        by=world.hr,
        team=world.team,
        started_on=TODAY,
        notice_published_on=TODAY,
        notice_scope="局机关全体干部职工",
        notice_phone="0572-5123456、12380",
        appraisal_expected=40,
        appraisal_actual=38,
        rated_excellent=20,
        rated_competent=16,
        rated_basic=2,
        rated_incompetent=0,
        agree_promotion=36,
        disagree_promotion=2,
        opinions="征求意见情况良好。",
        dossier_items={
            k: {"checked": True}
            for k in ("birth_date", "party_date", "work_start", "education", "work_history", "cadre_status")
        },
        dossier_reviewer="孙丽",
        dossier_checked_on=TODAY,
        discipline_opinion_on=TODAY,
        discipline_conclusion="未发现违反党风廉政建设规定的问题。",
        discipline_clear=True,
        personal_matters_checked_on=TODAY,
        personal_matters_result="如实报告",
        complaints_resolved=True,
        pre_review_on=TODAY,
        pre_review_reply="同意",
    )
    attach(world, candidate, Document.Kind.DOSSIER_AUDIT)
    attach(world, candidate, Document.Kind.INSPECTION_MATERIAL)


def to_decision(world: World) -> SelectionCase:
    to_inspection(world)
    complete_inspection(world, world.candidates[0])
    world.case = svc.submit_for_decision(world.case, by=world.hr)
    return world.case


def vote_all(world: World, meeting, choice: str = "agree") -> None:
    candidate = world.candidates[0]
    present = {a.member_id for a in meeting.attendance.filter(present=True)}
    for member in world.members[1:] + world.members[:1]:  # the chair states last
        if member.pk in present and not meeting.recusals.filter(member=member, candidate=candidate).exists():
            svc.cast_open_vote(meeting, candidate, by=member, choice=choice)


def sign_all(meeting) -> None:
    """签字确认: every present member confirms the closed meeting's tally (the notice waits for it)."""
    from selection.services import voting

    for attendance in meeting.attendance.filter(present=True).select_related("member"):
        voting.sign_off(meeting, by=attendance.member, password=TEST_PASSWORD)


def to_notice(world: World) -> SelectionCase:
    to_decision(world)
    meeting = svc.convene_meeting(
        world.case,
        by=world.hr,
        held_on=TODAY,
        method="hands",
        chair=world.secretary,
        members=world.members,
        present=world.members[:6],
    )
    vote_all(world, meeting)
    svc.close_meeting(meeting, by=world.secretary)
    sign_all(meeting)
    world.case = svc.publish_notice(
        world.case,
        by=world.hr,
        published_on=TODAY,
        scope="局机关及医保中心",
        channels="电话0572-5123456、12380",
    )
    return world.case


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def case_url(case: SelectionCase) -> str:
    return reverse("case_detail", args=[case.pk])


def candidate_url(candidate: Candidate) -> str:
    return reverse("candidate_detail", args=[candidate.case_id, candidate.pk])
