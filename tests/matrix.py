"""Two organizations with an object of every kind a URL can name, built once per test module.

`test_permission_matrix` and `test_hostile_input` share it: each test runs in a savepoint inside the
module's transaction (pytest-django's `db`), so whatever a POST changes is rolled back after the test and
the next test sees the same world. The module's transaction is rolled back at the end: nothing is left
in a reused test database.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from accounts.roles import Role
from selection.models import (
    BallotBox,
    Cadre,
    Candidate,
    Complaint,
    Document,
    EvaluatedCadre,
    ExportJob,
    Kinship,
    Meeting,
    ParticipantCategory,
    SelectionCase,
)
from selection.models.post import Rank
from selection.services import annual, voting
from selection.services import cases as svc

from .factories import (
    AnnualAssessmentFactory,
    CadreFactory,
    DepartmentFactory,
    EducationRecordFactory,
    KinshipFactory,
    OrganizationFactory,
    PostFactory,
    PostHoldingFactory,
    UserFactory,
)
from .workflow import (
    TODAY,
    World,
    attach,
    build_world,
    complete_inspection,
    sign_all,
    to_inspection,
    vote_all,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI)  # TODAY, a working day covered by chinese_calendar
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The personas of tests/conftest.py, in the order the matrix lists them.
PERSONAS = ("anonymous", "staff", "hr", "member", "secretary", "auditor", "outsider")


@dataclass
class Site:
    """One organization's objects, each at a stage where its pages have something to show."""

    world: World
    cadre: Cadre
    kinship: Kinship
    case: SelectionCase  # 公示 (public notice): candidates, a closed and signed meeting, a complaint
    candidate: Candidate  # approved by the meeting
    meeting: Meeting
    complaint: Complaint
    document: Document  # an attachment (干部档案审核), not an official copy
    box: BallotBox  # 民主测评 set up during the inspection, the staff persona invited
    motion_case: SelectionCase  # 动议, not yet approved by the main leader
    competition: SelectionCase | None = None  # 竞争上岗 at 报名, one registration entered by HR
    registration: object = None
    holding: object = None  # a post holding (试用期 pages)
    report: object = None  # a yearly report (一报告两评议), its evaluations preparing
    evaluated: object = None  # a cadre on the report's cadre evaluation
    export: ExportJob | None = None  # the case file, built (by HR)


@dataclass
class Voting:
    """A second case of ours at 讨论决定 whose online meeting is voting (secret ballot), and an open
    民主测评 ballot with printed slips: the voting forms validate input only in these phases."""

    case: SelectionCase
    candidate: Candidate  # proposed, on the meeting's agenda
    meeting: Meeting
    box: BallotBox
    codes: list[str] = field(default_factory=list)  # unused slip codes


@dataclass
class Sites:
    ours: Site
    theirs: Site
    users: dict[str, User | None]  # persona → account (None: anonymous)
    voting: Voting | None = None


def _build_site(org, hr, staff) -> Site:
    """A case taken to 公示 through the services (tests/workflow.py), with a 民主测评 ballot on the way."""
    world = build_world(org, hr)
    to_inspection(world)
    box = voting.create_ballot_box(
        world.case, by=hr, kind=BallotBox.Kind.APPRAISAL, title="民主测评", held_on=TODAY
    )
    voting.invite_accounts(box, by=hr, users=[staff], category=ParticipantCategory.MIDDLE)
    candidate = world.candidates[0]
    complete_inspection(world, candidate)
    world.case = svc.submit_for_decision(world.case, by=hr)
    if not candidate.documents.filter(kind=Document.Kind.APPROVAL_FORM).exists():
        attach(world, candidate, Document.Kind.APPROVAL_FORM)  # before the service stored its own copy
    meeting = svc.convene_meeting(
        world.case,
        by=hr,
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
        world.case, by=hr, published_on=TODAY, scope="局机关及医保中心", channels="电话0572-5123456、12380"
    )
    candidate.refresh_from_db()
    complaint = svc.record_complaint(
        world.case, by=hr, candidate=candidate, received_on=TODAY, summary="反映该同志工作作风问题。"
    )
    motion_case = svc.open_case(
        org,
        by=hr,
        title="2026年第4批中层干部选拔任用",
        year=2026,
        posts=[world.deputy_post],
        motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
        motion_date=TODAY,
        analysis="待遇保障科副科长空缺。",
    )
    report = annual.open_report(org, 2026, by=hr, today=TODAY)
    world.cadres[0].photo.save("photo.jpg", _portrait(), save=True)  # served by the photo view
    competition, registration = _build_competition(org, hr, world)
    # Added last: a kinship between two candidates would bring recusals and R-KIN findings into the flow.
    kinship = KinshipFactory(cadre=world.cadres[0], other=world.cadres[1], category=Kinship.Category.SPOUSE)
    return Site(
        world=world,
        cadre=world.cadres[0],
        kinship=kinship,
        case=world.case,
        candidate=candidate,
        meeting=meeting,
        complaint=complaint,
        document=world.case.documents.get(kind=Document.Kind.DOSSIER_AUDIT),
        box=box,
        motion_case=motion_case,
        competition=competition,
        registration=registration,
        holding=world.cadres[0].holdings.first(),
        report=report,
        evaluated=EvaluatedCadre.objects.create(
            evaluation=report.evaluations.get(kind="cadre"),
            cadre=world.cadres[1],
            post="副科长",
            appointed_on=TODAY,
        ),
        export=_built_export(world.case, hr),
    )


def _build_competition(org, hr, world):
    """A 竞争上岗 of the site's organization, its plan published and one paper registration in."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from selection.services import competitive as cmp

    from .competitive_workflow import plan_values

    post = PostFactory(organization=org, department=world.department, title="信息化副科长", rank=Rank.DEPUTY)
    case = svc.open_case(
        org,
        by=hr,
        title="2026年中层副职竞争上岗",
        year=2026,
        posts=[post],
        motion_origin=SelectionCase.MotionOrigin.MAIN_LEADER,
        motion_date=TODAY,
        analysis="新设职位，竞争上岗。",
        mode=SelectionCase.Mode.COMPETITIVE,
    )
    svc.approve_motion(case, by=world.secretary)
    cmp.save_plan(case, by=hr, **plan_values())
    case = cmp.publish_plan(case, by=hr)
    form = SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    registration = cmp.register(
        case, by=hr, cadre=world.cadres[2], vacancies=[case.vacancies.get()], signed_form=form
    )
    return case, registration


def _built_export(case, hr) -> ExportJob:
    job = ExportJob(
        kind="case-file",
        case=case,
        organization=case.organization,
        requested_by=hr,
        status=ExportJob.Status.DONE,
        progress=100,
        filename="一批一档.pdf",
        content_type="application/pdf",
    )
    job.file.save("case-file-matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    job.save()
    return job


def _portrait():
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 50), "white").save(out, format="JPEG")
    return ContentFile(out.getvalue())


def _build_voting(ours: Site, staff) -> Voting:
    """Case 2 of our organization: its own post and three cadres, the same party group and HR."""
    old = ours.world
    department = DepartmentFactory(organization=old.org, name="基金监管科")
    post = PostFactory(organization=old.org, department=department, title="科长", rank=Rank.CHIEF)
    cadres = []
    for index, name in enumerate(["周文", "吴敏", "郑强"]):
        cadre = CadreFactory(
            organization=old.org, department=department, name=name, birth_date=date(1984 + index, 5, 6)
        )
        held = PostFactory(
            organization=old.org,
            department=DepartmentFactory(organization=old.org),
            title="副科长",
            rank=Rank.DEPUTY,
        )
        PostHoldingFactory(cadre=cadre, post=held, started_on=date(2021, 3, 1))
        for year in (2023, 2024, 2025):
            AnnualAssessmentFactory(cadre=cadre, year=year)
        EducationRecordFactory(cadre=cadre)
        cadres.append(cadre)
    world = World(old.org, old.hr, old.members, department, post, old.deputy_post, cadres, old.team)
    to_inspection(world)
    candidate = world.candidates[0]
    box = voting.create_ballot_box(
        world.case, by=old.hr, kind=BallotBox.Kind.APPRAISAL, title="民主测评二", held_on=TODAY
    )
    voting.invite_accounts(box, by=old.hr, users=[staff], category=ParticipantCategory.MIDDLE)
    codes = voting.issue_slips(box, by=old.hr, count=3, category=ParticipantCategory.OTHER)
    voting.open_box(box, by=old.hr)
    complete_inspection(world, candidate)
    world.case = svc.submit_for_decision(world.case, by=old.hr)
    meeting = voting.schedule_meeting(
        world.case, by=old.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )
    voting.record_attendance(meeting, by=world.secretary, present=world.members)
    meeting = voting.open_voting(meeting, by=world.secretary, method=Meeting.Method.SECRET)
    candidate.refresh_from_db()
    box.refresh_from_db()
    return Voting(case=world.case, candidate=candidate, meeting=meeting, box=box, codes=codes)


def build_sites(*, with_voting: bool = False) -> Sites:
    other_org = OrganizationFactory(name="安吉县某某局", short_name="某某局")
    outsider = UserFactory(username="outsider", full_name="外单位", organization=other_org, roles=[Role.HR])
    their_staff = UserFactory(username="x-staff", organization=other_org, roles=[Role.STAFF])
    theirs = _build_site(other_org, outsider, their_staff)
    # build_world names its accounts pg0…pg6, team1, team2: make room for ours.
    for user in User.objects.filter(organization=other_org).exclude(pk__in=[outsider.pk, their_staff.pk]):
        user.username = f"x-{user.username}"
        user.save(update_fields=["username"])

    org = OrganizationFactory(name="安吉县医疗保障局", short_name="县医保局")
    hr = UserFactory(username="hr", full_name="孙丽", organization=org, roles=[Role.HR])
    staff = UserFactory(username="staff", full_name="王晓峰", organization=org, roles=[Role.STAFF])
    auditor = UserFactory(username="auditor", full_name="冯静", organization=org, roles=[Role.AUDITOR])
    ours = _build_site(org, hr, staff)
    users = {
        "anonymous": None,
        "staff": staff,
        "hr": hr,
        "member": ours.world.members[2],  # 张卫东: present at the meeting, may vote in it
        "secretary": ours.world.secretary,  # chairs the meeting
        "auditor": auditor,
        "outsider": outsider,
    }
    sites = Sites(ours=ours, theirs=theirs, users=users)
    if with_voting:
        sites.voting = _build_voting(ours, staff)
    return sites


def _stub_pdf(*args, **kwargs) -> bytes:
    return b"%PDF-1.4 stand-in for a rendered form"


def _require_test_database() -> None:
    """pytest-django sets up the test database only when a collected test asks for one: never build in
    the development database (modules using this mark themselves `django_db`)."""
    name = str(connection.settings_dict["NAME"])
    if not (name.startswith("file:memorydb") or name == ":memory:" or "test" in name):
        raise RuntimeError(f"refusing to build test data in {name!r}: not a test database")


@contextmanager
def shared_sites(django_db_blocker, media_root, *, with_voting: bool = False) -> Iterator[Sites]:
    """The two sites for a whole test module, under a pinned clock; rolled back when the module ends."""
    with (
        time_machine.travel(NOW, tick=False),
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_HASHERS),
        django_db_blocker.unblock(),
    ):
        _require_test_database()
        with transaction.atomic():
            # The official copy frozen at submission (R-DEC-4) needs a PDF, not a rendered one (~1 s each).
            with mock.patch("selection.pdf.adapters.render_approval_form", _stub_pdf):
                sites = build_sites(with_voting=with_voting)
            yield sites
            transaction.set_rollback(True)


def url_pattern_names() -> set[str]:
    """Every named URL pattern of the project, the admin site excluded."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and namespace != "admin":
                names.add(entry.name)

    walk(get_resolver().url_patterns, None)
    return names
