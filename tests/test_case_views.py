"""The case screens: who sees what, the motion form, steps refused or warned, queries pinned (the stage
forms: test_case_stage_forms.py)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from selection import gates
from selection.models import (
    CaseStatus,
    Document,
    SelectionCase,
)
from selection.models.post import Rank
from selection.services import cases as svc
from selection.services.base import TransitionRefused

from . import workflow
from .factories import CadreFactory, PostFactory
from .workflow import (
    TODAY,
    candidate_url,
    case_url,
    open_motion,
    texts,
    to_decision,
    to_inspection,
    to_notice,
    to_recommendation,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


# ---- who sees what ----------------------------------------------------------------------------------------

PAGES = ["case_list", "case_detail", "candidate_detail"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("hr", 200), ("member", 200), ("auditor", 200), ("staff", 403), ("outsider", 404)],
)
def test_each_case_page_answers_each_persona_as_the_permissions_say(
    client, request, world, page, persona, status
):
    to_notice(world)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    urls = {
        "case_list": reverse("case_list"),
        "case_detail": case_url(world.case),
        "candidate_detail": candidate_url(world.candidates[0]),
    }
    response = client.get(urls[page])
    if page == "case_list" and persona == "outsider":
        assert response.status_code == 200  # a list of their own organization's cases: none of ours
        assert world.case.title not in response.text
        return
    assert response.status_code == status
    if status == 200:
        assert world.case.title in response.text


@pytest.mark.parametrize("persona", ["member", "auditor", "staff"])
def test_only_hr_may_open_the_motion_form(client, request, org, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("case_new")).status_code == 403


def test_readers_see_no_forms_on_the_case_page(client, world, member):
    to_recommendation(world)
    client.force_login(member)
    response = client.get(case_url(world.case))
    assert response.status_code == 200
    assert reverse("case_nominate", args=[world.case.pk]) not in response.text
    assert reverse("case_step", args=[world.case.pk, "start_inspection"]) not in response.text


@pytest.mark.parametrize(
    "build", [open_motion, to_recommendation, to_inspection, to_decision, to_notice], ids=lambda f: f.__name__
)
def test_the_case_and_candidate_pages_render_at_every_stage_for_hr(client, world, build):
    build(world)
    client.force_login(world.hr)
    response = client.get(case_url(world.case))
    assert response.status_code == 200
    assert "下一步" in response.text
    for candidate in world.case.candidates.all():
        assert client.get(candidate_url(candidate)).status_code == 200


def test_a_staff_member_on_the_inspection_team_may_record_their_candidate(client, world):
    to_inspection(world)
    target = world.candidates[0]
    svc.update_candidate_record(target, by=world.hr, team=world.team)
    staff_member = world.team[1]  # 干部职工: no case access but this candidate's inspection duty
    client.force_login(staff_member)
    assert client.get(case_url(world.case)).status_code == 403
    assert client.get(candidate_url(target)).status_code == 200
    assert client.get(candidate_url(world.candidates[1])).status_code == 403
    response = client.post(
        reverse("candidate_record", args=[world.case.pk, target.pk, "inspection"]),
        {"notice_scope": "局机关全体干部职工", "opinions": "群众反映良好。", "discipline_clear": "unknown"},
    )
    assert response.status_code == 302
    target.inspection.refresh_from_db()
    assert target.inspection.opinions == "群众反映良好。"
    assert list(target.inspection.team.all()) == world.team  # the team is HR's to change


# ---- the motion form ---------------------------------------------------------------------------------------


def test_hr_opens_a_case_through_the_motion_form(client, world):
    client.force_login(world.hr)
    page = client.get(reverse("case_new"))
    assert page.status_code == 200
    assert "核定" in page.text and "空缺" in page.text
    response = client.post(
        reverse("case_new"),
        {
            "title": "2026年第4批中层干部选拔任用",
            "year": 2026,
            "mode": "daily",
            "posts": [world.post.pk],
            "motion_origin": "personnel_lead",
            "motion_form": "written",
            "motion_date": "2026-11-20",
            "analysis": "科长岗位空缺，需尽快配备。",
            "method_reason": "",
        },
    )
    case = SelectionCase.objects.get(title="2026年第4批中层干部选拔任用")
    assert response.status_code == 302 and response.url == case_url(case)
    assert case.status == CaseStatus.MOTION
    assert case.motion_proposed_by == world.hr
    assert case.motion_date == date(2026, 11, 20)
    assert [v.post for v in case.vacancies.all()] == [world.post]
    assert case.events.get().action == "open_case"


def test_the_motion_form_without_a_post_is_refused_with_its_field_named(client, world):
    client.force_login(world.hr)
    response = client.post(reverse("case_new"), {"title": "缺职位", "year": 2026, "mode": "daily"})
    assert response.status_code == 200
    assert "提交失败" in texts(response)[0]
    assert not SelectionCase.objects.filter(title="缺职位").exists()


# ---- steps: refusals, warnings, the main leader ------------------------------------------------------------


def test_a_refused_step_shows_the_rule_message_and_changes_nothing(client, world):
    case = open_motion(world)  # the main leader has not approved the motion (R-MOT-2)
    client.force_login(world.hr)
    response = client.post(reverse("case_step", args=[case.pk, "start_recommendation"]), follow=True)
    messages = texts(response)
    assert any("R-MOT-2" in m for m in messages)
    case.refresh_from_db()
    assert case.status == CaseStatus.MOTION
    assert list(case.events.values_list("action", flat=True)) == ["open_case"]


def test_a_stale_step_button_says_the_case_moved_on(client, world):
    to_recommendation(world)
    client.force_login(world.hr)
    response = client.post(reverse("case_step", args=[world.case.pk, "start_recommendation"]), follow=True)
    assert any("可能已被他人处理" in m for m in texts(response))
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.RECOMMENDATION


def _three_post_motion(world) -> SelectionCase:
    posts = [
        world.post,
        world.deputy_post,
        PostFactory(organization=world.org, title="副主任", rank=Rank.DEPUTY),
    ]
    case = svc.open_case(
        world.org,
        by=world.hr,
        title="批量调整",
        year=2026,
        posts=posts,
        motion_origin="main_leader",
        motion_date=TODAY,
        analysis="研判",
    )
    svc.approve_motion(case, by=world.secretary)
    return case


def test_a_warning_without_justification_is_refused_and_with_it_the_step_passes(client, world):
    case = _three_post_motion(world)  # R-MET-1: three posts by the daily procedure needs a reason
    client.force_login(world.hr)
    page = client.get(case_url(case))
    assert 'data-bs-target="#justify-modal"' in page.text
    warning = next(f for f in page.context["warnings"] if f.rule == "R-MET-1")
    assert f'name="justify_{warning.key}"' in page.text
    url = reverse("case_step", args=[case.pk, "start_recommendation"])

    refused = client.post(url)
    assert refused.status_code == 200  # the page asking for the justification
    assert any("R-MET-1" in m for m in texts(refused))
    assert f'name="justify_{warning.key}"' in refused.text
    case.refresh_from_db()
    assert case.status == CaseStatus.MOTION

    passed = client.post(url, {f"justify_{warning.key}": "岗位专业性强，无法形成有效竞争。"})
    assert passed.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RECOMMENDATION
    event = case.events.get(action="start_recommendation")
    assert event.justification[warning.key]["justification"] == "岗位专业性强，无法形成有效竞争。"


def test_the_main_leader_approves_the_motion_and_hr_cannot(client, world):
    case = open_motion(world)
    client.force_login(world.hr)
    assert "同意启动（主要领导）" not in client.get(case_url(case)).text
    assert client.post(reverse("case_approve_motion", args=[case.pk])).status_code == 403
    case.refresh_from_db()
    assert case.motion_approved_at is None

    client.force_login(world.secretary)
    assert "同意启动（主要领导）" in client.get(case_url(case)).text
    response = client.post(reverse("case_approve_motion", args=[case.pk]), REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.motion_approved_by == world.secretary
    event = case.events.get(action="approve_motion")
    assert event.ip == "10.0.0.8"


def test_a_second_approval_is_refused_without_an_error_page(client, world):
    case = open_motion(world)
    svc.approve_motion(case, by=world.secretary)
    client.force_login(world.secretary)
    response = client.post(reverse("case_approve_motion", args=[case.pk]), follow=True)
    assert response.status_code == 200
    assert any("无需重复" in m for m in texts(response))


# ---- queries stay constant ---------------------------------------------------------------------------------

# The case list, whatever the number of cases:
#  1 session, 2 user, 3 the user's groups (roles), 4 count for the paginator,
#  5 the page of cases, 6 their vacancies with posts and departments, 6b their candidates (the counts),
#  7 the main leaders (whom a motion waits for); the user's organization (the navigation bar) comes with the
#  user; every signed-in page also reads the user's two OTP device tables and saves the session (idle
#  timeout: savepoint, update, release).
LIST_QUERIES = 13


@pytest.mark.parametrize("count", [1, 200])
def test_the_case_list_issues_a_constant_number_of_queries(
    client, world, count, django_assert_max_num_queries
):
    for index in range(count):
        svc.open_case(
            world.org,
            by=world.hr,
            title=f"第{index + 1}批",
            year=2026,
            # Two posts per case, none already being filled by another case (R-REG-1).
            posts=[
                PostFactory(organization=world.org),
                PostFactory(organization=world.org, rank=Rank.DEPUTY),
            ],
            motion_origin="main_leader",
            motion_date=TODAY,
        )
    client.force_login(world.hr)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("case_list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


# The case page in 民主推荐 with its nominated candidates, whatever their number:
#  1 session, 2 user, 3 groups (roles); 4 the case with organization, creator, proposer, approver, target
#  decision and public notice; 5 vacancies with posts, 6 candidates with cadre, department, post, inspection
#  and appointment; 7 rounds (their results, and each meeting's attendance, recusals and votes, are one
#  prefetch each once there are any: none here); 8 documents; 9 meetings; 10 events; the checklist
#  (gates.recommendation) reads the rounds, vacancies and candidates the page holds on the case: none of
#  its own; the HR forms: 11 party-group size; 12 vacancies to nominate for, 13 nominated candidates to
#  choose as targets (one plain query each, `validators.ListedChoices`; the 提名 picker renders no cadre:
#  it searches on the server); the two OTP device tables and the session save (3) as on every page; the
#  user's organization (navigation bar) comes with the user.
DETAIL_QUERIES = 18


@pytest.mark.parametrize("count", [1, 40])
def test_the_case_page_issues_a_constant_number_of_queries(
    client, world, count, django_assert_max_num_queries
):
    case = open_motion(world)
    svc.approve_motion(case, by=world.secretary)
    case = svc.start_recommendation(case, by=world.hr)
    vacancy = case.vacancies.get()
    cadres = [
        CadreFactory(organization=world.org, department=world.department, name=f"人选{index}")
        for index in range(count)
    ]
    for cadre in cadres:
        svc.nominate(case, by=world.hr, cadre=cadre, vacancy=vacancy)
    svc.record_round(  # each candidate's votes: a row of the round's table, with the post's department
        case,
        by=world.hr,
        kind="conversation",
        held_on=TODAY,
        expected=count + 5,
        actual=count + 5,
        valid_ballots=count + 5,
        scope="中层以上干部",
        results=[(vacancy, cadre, 1) for cadre in cadres],
    )
    client.force_login(world.hr)
    with django_assert_max_num_queries(DETAIL_QUERIES + 1):  # + the round's results
        response = client.get(case_url(case))
    assert response.status_code == 200
    assert len(response.context["candidates"]) == count
    assert response.text.count(f"<td>{vacancy.post}</td>") >= count  # each result row names the post


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors are PostgreSQL's")
def test_the_case_pages_choices_are_read_without_a_server_side_cursor(client, world):
    """Each select of the HR forms is one query, not DECLARE, FETCH and CLOSE (issue 11)."""
    case = to_recommendation(world)
    client.force_login(world.hr)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(case_url(case))
    assert not [q["sql"] for q in queries.captured_queries if "DECLARE" in q["sql"]]
    vacancies = [value for value, _ in response.context["nominate_form"].fields["vacancy"].choices if value]
    assert [str(v) for v in vacancies] == [str(v.pk) for v in case.vacancies.all()]
    assert f'<option value="{case.vacancies.get().pk}">' in response.text


def test_the_notice_end_date_follows_the_chosen_day_in_working_days(client, world, member):
    to_recommendation(world)
    client.force_login(member)
    url = reverse("case_notice_end", args=[world.case.pk])
    response = client.get(url, {"published_on": "2026-09-30"})  # across National Day
    assert "2026年10月12日" in response.text  # 9.30, 10.8, 10.9, 10.10 (调休上班), 10.12
    response = client.get(url, {"published_on": "2031-03-03"})  # a year no calendar covers (R-CAL-3)
    assert "finding-block" in response.text
    assert client.get(url, {"published_on": "not-a-date"}).status_code == 200


def test_hr_affirms_skipping_the_meeting_round_and_the_gate_then_asks_only_for_a_justification_R_REC_4(
    client, world
):
    case = workflow.to_recommendation(world)
    vacancy = case.vacancies.get()
    svc.record_round(
        case,
        by=world.hr,
        kind="conversation",
        held_on=date(2026, 11, 26),
        expected=12,
        actual=12,
        valid_ballots=12,
        scope="中层以上干部",
        results=[(vacancy, c, v) for c, v in zip(world.cadres, [10, 1, 1], strict=True)],
    )
    client.force_login(world.hr)
    assert "不再进行会议推荐" in client.get(case_url(case)).text
    response = client.post(
        reverse("case_meeting_skip", args=[case.pk]),
        {
            "small_unit": "on",
            "same_scope": "on",
            "concentrated": "on",
            "reason": "全局仅 12 人，谈话推荐意见高度集中。",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.meeting_skip["reason"].startswith("全局仅 12 人")
    from selection import gates

    levels = {f.level for f in gates.recommendation(case) if f.rule == "R-REC-4"}
    assert levels == {"warn"}


def test_hr_marks_an_empty_record_row_not_applicable_on_the_candidate_page_R_REQ_1(client, world):
    case = workflow.to_decision(world)
    target = world.candidates[0]
    target.cadre.family.all().delete()
    client.force_login(world.hr)
    page = client.get(candidate_url(target))
    assert "纪实表空白栏目" in page.text and "家庭主要成员" in page.text
    empty_reason = client.post(
        reverse("candidate_not_applicable", args=[case.pk, target.pk]), {"row": "basic.family", "reason": ""}
    )
    assert empty_reason.status_code == 200 and not case.events.filter(action="mark_not_applicable").exists()
    client.post(
        reverse("candidate_not_applicable", args=[case.pk, target.pk]),
        {"row": "basic.family", "reason": "父母均已去世，本人未婚无子女。"},
    )
    assert case.events.filter(action="mark_not_applicable").get().payload["row"] == "basic.family"
    assert 'value="basic.family"' not in client.get(candidate_url(target)).text


def test_the_main_leader_finds_the_motion_to_approve_in_my_pending_list_R_MOT_2(client, world):
    case = workflow.open_motion(world)
    client.force_login(world.secretary)
    page = client.get(reverse("home"))
    assert f"审批动议：{case.title}" in page.text
    svc.approve_motion(case, by=world.secretary)
    assert f"审批动议：{case.title}" not in client.get(reverse("home")).text
    client.force_login(world.hr)
    assert f"推进：{case.title}" in client.get(reverse("home")).text


@pytest.mark.parametrize("stage", ["motion", "recommendation"])
def test_the_checklist_from_the_pages_rows_is_what_the_gates_read_from_the_database(client, world, stage):
    """R-MOT-1, R-MOT-2, R-REC-3, R-INS-1: the case page hands its checklist's gates the vacancies, candidates,
    rounds and documents it holds; the findings are those the gates give reading afresh — with a motion
    attachment, rounds with results, a target and a withdrawn candidate."""
    if stage == "motion":
        case = open_motion(world, motion_form=SelectionCase.MotionForm.WRITTEN)
        workflow.attach(world, None, Document.Kind.MOTION)  # the written opinion it then needs
        svc.approve_motion(case, by=world.secretary)
    else:
        case = to_recommendation(world)
        workflow.record_rounds(world)
        first, _, third = world.candidates
        workflow.answer_negative_list(world, first)
        svc.fix_targets(
            case, by=world.hr, meeting_date=TODAY, expected_members=7, present_members=6, targets=[first]
        )
        svc.withdraw_candidate(third, by=world.hr, reason="本人申请不再参加。")
    client.force_login(world.hr)
    response = client.get(case_url(case))
    shown = [row.finding for row in response.context["checklist"]]
    assert shown == gates.next_step_findings(SelectionCase.objects.get(pk=case.pk))
    assert len(shown) >= 3


@pytest.mark.parametrize("stage", [to_inspection, to_decision, to_notice], ids=lambda f: f.__name__)
def test_the_case_page_at_each_later_stage_asks_the_same_queries_as_the_register_grows(client, world, stage):
    """考察, 讨论决定 and 任职前公示: the page's queries do not follow the register (more cadres in the
    candidate's department, other open cases in the same department)."""
    case = stage(world)
    client.force_login(world.hr)
    client.get(case_url(case))  # the per-process caches (register counts, holidays) filled once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(case_url(case)).status_code == 200
        return len(captured)

    before = queries()
    for index in range(12):
        CadreFactory(organization=world.org, department=world.department, name=f"新进{index}")
    for index in range(3):
        other = svc.open_case(
            world.org,
            by=world.hr,
            title=f"另一批{index}",
            year=2026,
            posts=[PostFactory(organization=world.org, department=world.department, title=f"副科长{index}")],
            motion_origin=SelectionCase.MotionOrigin.PERSONNEL_LEAD,
            motion_date=TODAY,
            analysis="副科长空缺。",
        )
        svc.approve_motion(other, by=world.secretary)
    assert queries() == before


def _inspecting(world, targets: int) -> SelectionCase:
    to_recommendation(world)
    workflow.record_rounds(world)
    chosen = world.candidates[:targets]
    for candidate in chosen:
        workflow.answer_negative_list(world, candidate)
    decide = lambda **more: svc.fix_targets(  # noqa: E731
        world.case,
        by=world.hr,
        meeting_date=TODAY,
        expected_members=7,
        present_members=6,
        targets=chosen,
        **more,
    )
    try:
        decide()
    except TransitionRefused as refused:  # the second by votes: the party group's reason (R-INS-1)
        decide(justifications={f.key: "综合考虑工作实绩和岗位需要。" for f in refused.missing_justifications})
    return svc.start_inspection(world.case, by=world.hr)


@pytest.mark.parametrize("targets", [1, 2])
def test_the_case_page_in_inspection_reads_each_targets_register_facts_in_one_query_each(
    client, world, targets
):
    """R-INS-3, R-EXC-3: the checklist's eligibility and 破格 facts (posts held, education, assessments)
    come for all targets at once; a second target adds no queries of its own for them."""
    case = _inspecting(world, targets)
    client.force_login(world.hr)
    client.get(case_url(case))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(case_url(case)).status_code == 200
    register = [q for q in captured if "selection_postholding" in q["sql"].split(" WHERE ")[0]]
    assert len(register) <= 2  # the targets' posts held (one query), and the quota's count


def test_the_candidate_page_reads_the_persons_register_facts_once(client, world):
    """R-ELIG-1, R-EXC-3: the person's checks (eligibility, 破格, the inspection record) read the posts
    held, education and assessments loaded with the person, not once per check."""
    _inspecting(world, 1)
    client.force_login(world.hr)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(candidate_url(world.candidates[0]))
    assert response.status_code == 200 and response.context["checklist"]
    holdings = [q for q in captured if q["sql"].startswith('SELECT "selection_postholding"."id"')]
    assert len(holdings) == 1
