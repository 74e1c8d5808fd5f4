"""The case page's stage forms, each calling its service: rounds, the negative list, the meeting's opinions,
the appointment, termination and withdrawal, the timeline."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from selection.models import (
    Candidate,
    CandidateStatus,
    CaseStatus,
    Meeting,
    OpenVote,
    PostHolding,
)
from selection.services import cases as svc

from . import workflow
from .factories import CadreFactory
from .workflow import (
    TODAY,
    case_url,
    texts,
    to_decision,
    to_notice,
    to_recommendation,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


# ---- the stage forms, each calling its service -------------------------------------------------------------


def test_hr_nominates_and_records_a_round_with_votes_per_person(client, world):
    to_recommendation(world)
    client.force_login(world.hr)
    extra = CadreFactory(organization=world.org, department=world.department, name="周新")
    vacancy = world.case.vacancies.get()
    response = client.post(
        reverse("case_nominate", args=[world.case.pk]), {"cadre": extra.pk, "vacancy": vacancy.pk}
    )
    assert response.status_code == 302
    newcomer = Candidate.objects.get(case=world.case, cadre=extra)
    votes = {f"votes_{c.pk}": v for c, v in zip([*world.candidates, newcomer], [15, 5, 2, 1], strict=True)}
    response = client.post(
        reverse("case_round", args=[world.case.pk]),
        {
            "kind": "conversation",
            "held_on": "2026-11-26",
            "scope": "中层以上干部",
            "expected": 20,
            "actual": 18,
            "valid_ballots": 18,
            **votes,
        },
    )
    assert response.status_code == 302
    round_ = world.case.rounds.get()
    assert {r.cadre.name: (r.votes, r.rank) for r in round_.results.all()} == {
        "陈晓明": (15, 1),
        "林静": (5, 2),
        "赵磊": (2, 3),
        "周新": (1, 4),
    }


def test_a_round_with_more_votes_than_ballots_is_refused_by_the_service(client, world):
    to_recommendation(world)
    client.force_login(world.hr)
    response = client.post(
        reverse("case_round", args=[world.case.pk]),
        {
            "kind": "conversation",
            "held_on": "2026-11-26",
            "expected": 20,
            "actual": 10,
            "valid_ballots": 10,
            f"votes_{world.candidates[0].pk}": 11,
        },
        follow=True,
    )
    assert any("不能多于有效票数" in m for m in texts(response))
    assert not world.case.rounds.exists()


def test_the_negative_list_is_answered_in_the_users_name(client, world):
    to_recommendation(world)
    client.force_login(world.hr)
    first = world.candidates[0]
    answers = {f"item_{item}": "no" for item in ("1", "2", "4", "5", "7")}
    response = client.post(reverse("candidate_record", args=[world.case.pk, first.pk, "negative"]), answers)
    assert response.status_code == 302
    first.inspection.refresh_from_db()
    stored = first.inspection.negative_list
    assert set(stored) == {"1", "2", "4", "5", "7"}
    assert all(a["applies"] is False and a["by"] == "孙丽" for a in stored.values())
    event = world.case.events.filter(action="update_candidate_record").last()
    assert event.candidate_id == first.pk


def test_the_party_groups_meeting_is_entered_opinion_by_opinion_with_the_chair_last(client, world):
    to_decision(world)
    client.force_login(world.hr)
    members = world.members
    response = client.post(
        reverse("case_meeting", args=[world.case.pk]),
        {
            "held_on": "2026-11-26",
            "method": "hands",
            "chair": world.secretary.pk,
            "members": [m.pk for m in members],
            "present": [m.pk for m in members[:6]],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(case=world.case)
    assert meeting.phase == Meeting.Phase.VOTING
    target = world.candidates[0]
    opinions = {f"vote_{target.pk}_{m.pk}": "agree" for m in members[:6]}
    response = client.post(reverse("case_opinions", args=[world.case.pk, meeting.pk]), opinions, follow=True)
    assert any("已录入 6 条" in m for m in texts(response))
    votes = list(OpenVote.objects.filter(meeting=meeting).order_by("cast_at", "pk"))
    assert votes[-1].member == world.secretary  # the chair states last (R-DEC-3)

    response = client.post(
        reverse("case_close_meeting", args=[world.case.pk, meeting.pk]), {"confirmed": "1"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == CandidateStatus.APPROVED
    sign_all = getattr(workflow, "sign_all", None)  # 签字确认: the members' own act (online-voting pages)
    if sign_all is not None:
        sign_all(meeting)

    page = client.get(case_url(world.case))
    assert "2026年12月2日" in page.text  # the notice's end if published today (5 working days)
    response = client.post(
        reverse("case_publish_notice", args=[world.case.pk]),
        {"published_on": "2026-11-26", "scope": "局机关及医保中心", "channels": "电话0572-5123456、12380"},
    )
    assert response.status_code == 302, texts(response)
    assert not [m for m in texts(response) if "不能" in m], texts(response)
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.PUBLIC_NOTICE
    assert "剩余工作日" in client.get(case_url(world.case)).text


def test_hr_cannot_record_the_chairs_opinion_before_the_members(client, world):
    to_decision(world)
    meeting = svc.convene_meeting(
        world.case,
        by=world.hr,
        held_on=TODAY,
        method="oral",
        chair=world.secretary,
        members=world.members,
        present=world.members,
    )
    client.force_login(world.hr)
    target = world.candidates[0]
    response = client.post(
        reverse("case_opinions", args=[world.case.pk, meeting.pk]),
        {f"vote_{target.pk}_{world.secretary.pk}": "agree"},
        follow=True,
    )
    assert any("R-DEC-3" in m for m in texts(response))
    assert not OpenVote.objects.filter(meeting=meeting).exists()


def test_the_appointment_changes_the_post_history_at_once(client, world):
    to_notice(world)
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(world.hr)  # a week later: a fresh sign-in (the idle timeout is 30 minutes)
        response = client.post(
            reverse("case_appoint", args=[world.case.pk]),
            {
                "notice_number": "安医保党〔2026〕12号",
                "notice_date": "2026-12-03",
                "talk_on": "2026-12-03",
                "talk_by": "王建国",
            },
        )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.APPOINTED
    holding = PostHolding.objects.get(cadre=world.candidates[0].cadre, ended_on__isnull=True)
    assert holding.post == world.post


def test_an_early_appointment_is_refused_with_the_notice_rule(client, world):
    to_notice(world)
    client.force_login(world.hr)
    response = client.post(
        reverse("case_appoint", args=[world.case.pk]),
        {"notice_number": "安医保党〔2026〕12号", "notice_date": "2026-11-26"},
        follow=True,
    )
    assert any("R-APP" in m for m in texts(response))
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.PUBLIC_NOTICE


def test_terminating_needs_a_reason_and_keeps_the_record(client, world):
    to_recommendation(world)
    client.force_login(world.hr)
    response = client.post(reverse("case_terminate", args=[world.case.pk]), {"reason": ""})
    assert response.status_code == 200
    response = client.post(
        reverse("case_terminate", args=[world.case.pk]), {"reason": "机构改革，职位撤销。"}
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.TERMINATED
    page = client.get(case_url(world.case))
    assert "机构改革，职位撤销。" in page.text
    assert [m.state for m in page.context["progress"]][:2] == ["done", "stopped"]


def test_a_candidate_withdraws_with_a_reason(client, world):
    to_recommendation(world)
    client.force_login(world.hr)
    second = world.candidates[1]
    response = client.post(
        reverse("candidate_withdraw", args=[world.case.pk, second.pk]), {"reason": "本人申请退出。"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == CandidateStatus.WITHDRAWN
    assert second.withdrawal_reason == "本人申请退出。"


def test_the_timeline_shows_each_event_with_its_time_and_state_change(client, world):
    to_recommendation(world)
    client.force_login(world.hr)
    page = client.get(case_url(world.case))
    assert "2026年11月26日 09:30" in page.text
    assert "动议 → 民主推荐" in page.text
    assert "孙丽" in page.text
