"""The case screens as an HR office works them (issue 10 §5): refused input kept, the motion's review,
the checklist's who-acts and links, the voting explanations, the audit labels, the phone cards."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from selection.models import CaseStatus, Meeting

from .workflow import build_world, record_rounds, to_decision, to_notice, to_recommendation

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def world(org, hr):
    return build_world(org, hr)


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ---- 1. typed input survives every refusal ---------------------------------------------------------------


def test_a_refused_round_comes_back_with_the_typed_figures_and_the_reason(client, world):
    to_recommendation(world)
    client.force_login(world.hr)
    response = client.post(
        reverse("case_round", args=[world.case.pk]),
        {
            "kind": "conversation",
            "held_on": "2026-11-26",
            "scope": "中层以上干部和下属单位负责人",
            "expected": 20,
            "actual": 10,
            "valid_ballots": 10,
            f"votes_{world.candidates[0].pk}": 11,
        },
    )
    assert response.status_code == 200
    assert "个人得票数不能多于有效票数" in response.text  # beside the form, not only in a banner
    assert 'value="中层以上干部和下属单位负责人"' in response.text
    assert f'name="votes_{world.candidates[0].pk}" value="11"' in response.text
    assert '<details class="mb-3" open>' in response.text  # the form is open again
    assert not world.case.rounds.exists()


def test_refused_inspection_targets_keep_the_ticked_people_and_the_considerations(client, world):
    to_recommendation(world)
    record_rounds(world)
    client.force_login(world.hr)
    first = world.candidates[0]  # the negative list is not answered yet: R-INS-2 refuses
    response = client.post(
        reverse("case_targets", args=[world.case.pk]),
        {
            "meeting_date": "2026-11-26",
            "expected_members": 7,
            "present_members": 6,
            "targets": [first.pk],
            "considerations": "综合推荐得票和一贯表现",
        },
    )
    assert response.status_code == 200
    assert "综合推荐得票和一贯表现" in response.text
    assert f'value="{first.pk}" class="form-check-input" id="id_targets_0" checked' in response.text
    world.case.refresh_from_db()
    assert not hasattr(world.case, "target_decision")


def test_a_refused_meeting_keeps_the_date_members_and_minutes(client, world):
    to_decision(world)
    client.force_login(world.hr)
    members = world.members
    response = client.post(
        reverse("case_meeting", args=[world.case.pk]),
        {
            "held_on": "2026-11-25",
            "method": "hands",
            "chair": world.secretary.pk,
            "members": [m.pk for m in members],
            "present": [m.pk for m in members[1:6]],  # the chair absent: refused by the service
            "minutes": "会议纪要第十二次",
        },
    )
    assert response.status_code == 200
    assert "主持人（主要领导）必须出席" in response.text
    assert "会议纪要第十二次" in response.text
    assert 'value="2026-11-25"' in response.text or 'value="2026年11月25日"' in response.text
    assert not Meeting.objects.filter(case=world.case).exists()


def test_a_refused_appointment_keeps_the_notice_number_and_talk(client, world):
    to_notice(world)
    client.force_login(world.hr)
    response = client.post(
        reverse("case_appoint", args=[world.case.pk]),
        {
            "notice_number": "安医保党〔2026〕12号",
            "notice_date": "2026-11-26",
            "talk_on": "2026-11-26",
            "talk_by": "王建国",
        },
    )
    assert response.status_code == 200
    assert "R-APP" in response.text
    assert 'value="安医保党〔2026〕12号"' in response.text
    assert 'value="王建国"' in response.text
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.PUBLIC_NOTICE


def test_a_refused_nomination_keeps_the_choice(client, world):
    to_recommendation(world)
    client.force_login(world.hr)
    first = world.candidates[0]
    response = client.post(
        reverse("case_nominate", args=[world.case.pk]),
        {"cadre": first.cadre.pk, "vacancy": first.vacancy.pk},
    )
    assert response.status_code == 200
    assert f"{first.cadre.name}已是" in response.text
    assert f'<option value="{first.cadre.pk}" selected>' in response.text
