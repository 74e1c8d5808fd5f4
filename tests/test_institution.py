"""下属事业单位 (R-REQ-4): the institution runs its own case; the bureau's party group deliberates before 任职."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from selection.models import BureauDeliberation, CaseStatus, Organization, RecordEvent
from selection.pdf.record_form import record_form_data
from selection.services import cases as case_svc
from selection.services import institution as svc
from selection.services.base import ServiceError, TransitionRefused

from .factories import OrganizationFactory, UserFactory
from .workflow import TODAY, build_world, to_notice

SHANGHAI = ZoneInfo("Asia/Shanghai")
APPOINT_DAY = datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def institution(org):
    return OrganizationFactory(
        name="安吉县医疗保障服务中心", short_name="医保中心", kind=Organization.Kind.INSTITUTION, parent=org
    )


@pytest.fixture
def inst_hr(institution):
    return UserFactory(
        username="inst_hr", full_name="医保中心人事", organization=institution, roles=[Role.HR]
    )


@pytest.fixture
def inst_world(institution, inst_hr):
    """The institution's own case, taken to 公示 through the same procedure (its own leadership decides)."""
    world = build_world(institution, inst_hr)
    to_notice(world)
    return world


def appoint(world):
    with time_machine.travel(APPOINT_DAY, tick=False):
        return case_svc.appoint(
            world.case,
            by=world.hr,
            notice_number="医保中心〔2026〕3号",
            notice_date=date(2026, 12, 3),
            talk_on=date(2026, 12, 3),
            talk_by="中心主任",
        )


def deliberate(world, by, *, present=6, opinion="agree"):
    return svc.record_deliberation(
        world.case,
        by=by,
        held_on=TODAY,
        expected=7,
        present=present,
        opinion=opinion,
        minutes="局党组会议听取医保中心任免情况汇报，同意任用。",
        today=TODAY,
    )


def test_r_req_4_institution_appointment_refused_before_the_bureau_deliberates(inst_world, hr):
    with pytest.raises(TransitionRefused, match="R-REQ-4") as refused:
        appoint(inst_world)
    assert "R-REQ-4" in {f.rule for f in refused.value.blocking}
    assert inst_world.case.status == CaseStatus.PUBLIC_NOTICE
    deliberate(inst_world, hr)
    case = appoint(inst_world)
    assert case.status == CaseStatus.APPOINTED
    actions = list(RecordEvent.objects.filter(case=case).values_list("action", flat=True))
    assert "bureau_deliberation" in actions and actions[-1] == "appoint"
    rows = {r.key: r for r in record_form_data(inst_world.candidates[0]).rows}
    assert "局党组会议集体商议（应到7人，实到6人）：同意" in rows["appointment.bureau_deliberation"].value


def test_r_req_4_a_disagreeing_deliberation_blocks_the_appointment(inst_world, hr):
    deliberate(inst_world, hr, opinion="disagree")
    with pytest.raises(TransitionRefused, match="集体商议未同意"):
        appoint(inst_world)


def test_r_req_4_deliberation_needs_the_bureau_quorum_and_the_bureaus_hr(inst_world, hr):
    with pytest.raises(TransitionRefused, match="R-DEC-2"):
        deliberate(inst_world, hr, present=4)
    with pytest.raises(ServiceError, match="局机关人事干部"):
        deliberate(inst_world, inst_world.hr)
    assert not BureauDeliberation.objects.exists()
    assert deliberate(inst_world, hr, present=5).agreed


def test_r_req_4_does_not_apply_to_the_bureaus_own_case(org, hr):
    world = build_world(org, hr)
    to_notice(world)
    with pytest.raises(ServiceError, match="只有下属事业单位"):
        deliberate(world, hr)
    assert appoint(world).status == CaseStatus.APPOINTED


def test_r_req_4_bureau_hr_and_auditors_see_the_case_but_cannot_run_it(
    client, inst_world, hr, auditor, member
):
    case = inst_world.case
    client.force_login(hr)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert case.title in client.get(reverse("case_list")).content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "局党组集体商议" in home
    refused = client.post(reverse("case_terminate", args=[case.pk]), {"reason": "局机关不应终止"})
    assert refused.status_code == 403
    meeting = case.meetings.get()
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 200
    assert client.post(reverse("meeting_close", args=[meeting.pk])).status_code == 403
    page = client.get(reverse("case_deliberation", args=[case.pk]))
    assert page.status_code == 200 and "记录集体商议" in page.content.decode()
    done = client.post(
        reverse("case_deliberation", args=[case.pk]),
        {"held_on": "2026-11-26", "expected": 7, "present": 6, "opinion": "agree", "minutes": "同意"},
    )
    assert done.status_code == 302
    assert BureauDeliberation.objects.get().opinion == "agree"
    client.force_login(auditor)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.post(reverse("case_deliberation", args=[case.pk]), {}).status_code == 403
    client.force_login(member)  # the bureau's party members do not browse the institution's cases
    assert client.get(case.get_absolute_url()).status_code == 404


def test_r_req_4_the_institutions_hr_runs_its_case_and_reads_the_deliberation(
    client, inst_world, hr, django_assert_max_num_queries
):
    deliberate(inst_world, hr)
    deliberate(inst_world, hr, opinion="disagree")
    client.force_login(inst_world.hr)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("case_deliberation", args=[inst_world.case.pk]))
    assert page.status_code == 200 and "局党组会议" in page.content.decode()
    assert "记录集体商议" not in page.content.decode()
    assert client.post(reverse("case_deliberation", args=[inst_world.case.pk]), {}).status_code == 403
    detail = client.get(inst_world.case.get_absolute_url()).content.decode()
    assert "局党组集体商议" in detail and "同意" in detail
