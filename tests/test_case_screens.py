"""The case screens as an HR office works them (issue 10 §5): refused input kept, the motion's review,
the checklist's who-acts and links, the voting explanations, the audit labels, the phone cards."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from selection.models import CaseStatus, Kinship, Meeting, SelectionCase
from selection.services import cases as svc
from selection.services.base import ServiceError

from .factories import CadreFactory, PostFactory, UserFactory
from .workflow import (
    TODAY,
    open_motion,
    record_rounds,
    to_decision,
    to_inspection,
    to_notice,
    to_recommendation,
    vote_all,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


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
    assert '<details class="mb-3" id="round-form" open>' in response.text  # the form is open again
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


# ---- 2. the motion's review: corrected until approved; returned with a comment or not agreed -----------


def _motion_post(world, **changes) -> dict:
    case = world.case
    data = {
        "title": case.title,
        "year": case.year,
        "mode": case.mode,
        "posts": [v.post_id for v in case.vacancies.all()],
        "motion_origin": case.motion_origin,
        "motion_form": case.motion_form,
        "motion_date": case.motion_date.isoformat(),
        "analysis": case.motion_analysis,
        "method_reason": case.method_reason,
    }
    data.update(changes)
    return data


def test_r_mot_2_returned_motion_is_corrected_and_goes_back_to_the_main_leader(world):
    case = open_motion(world)
    with pytest.raises(ServiceError, match="修改意见"):
        svc.return_motion(case, by=world.secretary, comment="  ")
    svc.return_motion(case, by=world.secretary, comment="请补充班子结构分析")
    case.refresh_from_db()
    assert case.motion_review == SelectionCase.MotionReview.RETURNED
    assert case.motion_review_comment == "请补充班子结构分析"
    with pytest.raises(ServiceError, match="退回"):
        svc.approve_motion(case, by=world.secretary)  # nothing to approve until HR corrects it

    svc.correct_motion(
        case,
        by=world.hr,
        title=case.title,
        year=case.year,
        posts=[world.post, world.deputy_post],
        motion_origin=case.motion_origin,
        motion_date=case.motion_date,
        analysis="班子结构：正职空缺一名，副职一名。",
    )
    case.refresh_from_db()
    assert case.motion_review == SelectionCase.MotionReview.PENDING
    assert case.motion_analysis == "班子结构：正职空缺一名，副职一名。"
    assert set(case.vacancies.values_list("post_id", flat=True)) == {world.post.pk, world.deputy_post.pk}
    event = case.events.get(action="correct_motion")
    assert event.payload["resubmitted"] is True
    assert "分析研判情况" in event.payload["changed"]
    assert event.payload["changed"]["增加拟任职位"] == [str(world.deputy_post)]

    svc.approve_motion(case, by=world.secretary)
    case.refresh_from_db()
    assert case.motion_review == SelectionCase.MotionReview.APPROVED
    with pytest.raises(ServiceError, match="不能再修改"):
        svc.correct_motion(
            case,
            by=world.hr,
            title="改名",
            year=case.year,
            posts=[world.post],
            motion_origin=case.motion_origin,
            motion_date=case.motion_date,
        )
    assert case.events.filter(action__in=["return_motion", "approve_motion"]).count() == 2


def test_r_mot_2_a_post_with_a_nominee_cannot_be_dropped_from_the_motion(world):
    case = open_motion(world)
    svc.correct_motion(
        case,
        by=world.hr,
        title=case.title,
        year=case.year,
        posts=[world.post, world.deputy_post],
        motion_origin=case.motion_origin,
        motion_date=case.motion_date,
    )
    vacancy = case.vacancies.get(post=world.deputy_post)
    svc.nominate(case, by=world.hr, cadre=world.cadres[0], vacancy=vacancy)
    with pytest.raises(ServiceError, match="已有人选"):
        svc.correct_motion(
            case,
            by=world.hr,
            title=case.title,
            year=case.year,
            posts=[world.post],
            motion_origin=case.motion_origin,
            motion_date=case.motion_date,
        )
    assert case.vacancies.count() == 2


def test_r_mot_2_the_main_leader_not_agreeing_ends_the_case_after_a_confirmation(client, world):
    case = open_motion(world)
    client.force_login(world.secretary)
    url = reverse("case_reject_motion", args=[case.pk])
    asked = client.post(url, {"comment": "暂缓选拔，待机构改革后再议"})
    assert asked.status_code == 200 and "确认不同意" in asked.text
    case.refresh_from_db()
    assert case.status == CaseStatus.MOTION  # nothing happened before the confirmation
    done = client.post(url, {"comment": "暂缓选拔，待机构改革后再议", "confirmed": "1"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED
    assert case.motion_review == SelectionCase.MotionReview.REJECTED
    assert "暂缓选拔" in case.termination_reason
    assert case.events.get(action="reject_motion").to_state == CaseStatus.TERMINATED


def test_hr_sees_whom_the_case_waits_for_on_the_case_page_and_the_list(client, world):
    case = open_motion(world)
    client.force_login(world.hr)
    page = client.get(reverse("case_detail", args=[case.pk])).text
    assert "党组主要领导" in page and world.secretary.get_full_name() in page and "审批动议" in page
    listing = client.get(reverse("case_list")).text
    assert "党组主要领导" in listing and world.secretary.get_full_name() in listing

    client.force_login(world.secretary)
    response = client.post(reverse("case_return_motion", args=[case.pk]), {"comment": "请补充分析"})
    assert response.status_code == 302
    client.force_login(world.hr)
    page = client.get(reverse("case_detail", args=[case.pk])).text
    assert "退回修改：请补充分析" in page and "按主要领导意见修改动议" in page
    assert "修改动议：" in client.get(reverse("home")).text  # 我的待办 for HR

    edit = reverse("case_edit_motion", args=[case.pk])
    assert "请补充分析" in client.get(edit).text
    response = client.post(edit, _motion_post(world, analysis="已补充：正职空缺。"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.motion_review == SelectionCase.MotionReview.PENDING
    assert case.motion_analysis == "已补充：正职空缺。"


def test_the_case_list_with_waits_issues_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for index in range(6):
        svc.open_case(
            world.org,
            by=world.hr,
            title=f"第{index}批",
            year=2026,
            posts=[PostFactory(organization=world.org, department=world.department, title=f"副科长{index}")],
            motion_origin="main_leader",
            motion_date=TODAY,
        )
    client.force_login(world.hr)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("case_list"))
    assert response.text.count("审批动议") >= 12  # table and cards, each case


# ---- 3. every checklist item says who acts and links to the form that fixes it -----------------------


def _rows(response):
    return {row.finding.rule: row for row in response.context["checklist"]}


def test_r_mot_2_the_checklist_names_the_main_leader_and_links_to_the_motion(client, world):
    case = open_motion(world)
    client.force_login(world.hr)
    rows = _rows(client.get(reverse("case_detail", args=[case.pk])))
    assert rows["R-MOT-2"].role == "党组主要领导"
    assert rows["R-MOT-2"].link.endswith("#stage-motion")
    assert "党组主要领导" in client.get(reverse("case_detail", args=[case.pk])).text


def test_r_rec_1_the_checklist_opens_the_round_form_and_r_ins_2_the_candidates_negative_list(client, world):
    to_recommendation(world)
    client.force_login(world.hr)
    page = client.get(reverse("case_detail", args=[world.case.pk]))
    rows = page.context["checklist"]
    blocking = [r for r in rows if r.finding.level == "block"]
    assert blocking and all(r.role and r.link for r in blocking)
    round_row = next(r for r in rows if r.finding.rule.startswith("R-REC") and r.finding.level == "block")
    assert round_row.role == "人事干部" and round_row.form_label == "录入推荐结果"
    opened = client.get(round_row.link.split("#")[0])
    assert '<details class="mb-3" id="round-form" open>' in opened.text
    assert '<details class="mb-3" id="round-form" open>' not in page.text  # closed until asked for

    candidate_page = client.get(reverse("candidate_detail", args=[world.case.pk, world.candidates[0].pk]))
    negative = next(r for r in candidate_page.context["checklist"] if r.finding.rule == "R-INS-2")
    assert negative.finding.level == "block"  # not answered yet
    assert negative.link == "#negative" and negative.role == "人事干部"
    assert 'id="negative"' in candidate_page.text


def test_every_rule_area_has_someone_to_act_and_a_form():
    from selection.checklist_guide import FORMS, GUIDES, guide_for

    for rule in [
        "R-MOT-1",
        "R-MET-1",
        "R-REC-6",
        "R-INS-9",
        "R-ELIG-3",
        "R-EXC-2",
        "R-KIN-2",
        "R-DEC-5",
        "R-NOT-2",
        "R-APP-1",
        "R-REQ-1",
        "R-CAL-3",
        *GUIDES,
    ]:
        guide = guide_for(rule)
        assert guide.role and guide.form in FORMS, rule
    assert guide_for("R-INS-7").role.startswith("纪检监察组")
    assert guide_for("R-DEC-3").role == "党组成员"


# ---- 5. the audit pages speak Chinese --------------------------------------------------------------------


def _recorded_actions() -> set[str]:
    """Every action a service records (record_event(action=…) and run_case_step's Step names)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parent.parent / "selection"
    found: set[str] = set()
    for path in root.rglob("*.py"):  # every module, packages included (services/cases/, gates/ …)
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'action="([a-z_]+)"', text))
        found |= set(re.findall(r'Step\(\s*"([a-z_]+)"', text))
        found |= set(re.findall(r'^[A-Z_]+_ACTION = "([a-z_]+)"', text, re.MULTILINE))  # action=STORE_ACTION
    return found - {"store_true", "store_false"}


def test_every_recorded_action_has_a_chinese_label():
    from selection.record_labels import ACTION_LABELS

    actions = _recorded_actions()
    # the scan works, constants included (the official copy's event is recorded as action=STORE_ACTION)
    assert {"open_case", "approve_motion", "appoint", "count_ballot_box", "store_official_copy"} <= actions
    missing = sorted(a for a in actions if a not in ACTION_LABELS)
    assert not missing, f"no Chinese label for {missing}"


def test_payloads_read_as_labelled_fields_with_codes_and_dates_in_chinese():
    from selection.record_labels import payload_fields, value_text

    fields = {
        f.label: f.text
        for f in payload_fields(
            {"posts": ["待遇保障科科长"], "origin": "personnel_lead", "form": "oral", "held_on": "2026-03-05"}
        )
    }
    assert fields == {
        "拟任职位": "待遇保障科科长",
        "动议方式": "分管干部人事工作的领导提出建议",
        "启动意见形式": "口头",
        "日期": "2026年3月5日",
    }
    changes = {
        f.label: f.text
        for f in payload_fields({"changes": {"health_attested_fit": {"old": None, "new": True}}})
    }
    assert list(changes.values()) == ["— → 是"]
    assert "health_attested_fit" not in changes  # the field's verbose name, not its code
    assert value_text([{"member": "王建国", "candidate": "陈晓明", "reason": "亲属"}], "recusals") == (
        "成员：王建国，人选：陈晓明，理由：亲属"
    )
    stored = {f.label for f in payload_fields({"document": 7, "sha256": "ab12"})}  # 存档正式文本
    assert stored == {"附件编号", "文件摘要（SHA-256）"}
    registration = {"registration": 3, "channel": "paper"}  # 竞争上岗报名
    registered = {f.label: f.text for f in payload_fields(registration)}
    assert registered == {"报名编号": "3", "报名方式": "人事干部录入（本人签字报名表）"}
    plan = payload_fields({"changes": {"advance_ratio": {"old": 2, "new": 3}}})  # 竞争上岗实施方案
    assert [(f.label, f.text) for f in plan] == [("每个职位进入考察人数（1:n）", "2 → 3")]
    before_after = {"old": {}, "new": {"birth_date": {"checked": True}}}  # 考察: 档案审核 (R-INS-6)
    dossier = payload_fields({"changes": {"dossier_items": before_after}})
    assert [(f.label, f.text) for f in dossier] == [("档案审核项目", "— → 出生日期：已核对：是")]


def test_the_auditor_sees_action_names_and_payload_fields_not_codes_or_json(client, world, auditor):
    to_recommendation(world)
    client.force_login(auditor)
    html = client.get(reverse("record_case", args=[world.case.pk])).text
    assert "启动动议" in html and "主要领导同意动议" in html and "提名人选" in html
    assert "<code>open_case</code>" not in html and ">open_case<" not in html
    assert '"origin"' not in html and "personnel_lead" not in html  # no raw JSON
    assert "分管干部人事工作的领导提出建议" in html
    assert "record-summary" in html  # the wide columns that keep Chinese text from wrapping per character


# ---- 4. recused and absent members, the secret-ballot tally, confirmations --------------------------------


def _online_meeting(world, *, method="hands", present=None) -> Meeting:
    from selection.services import voting

    meeting = voting.schedule_meeting(
        world.case, by=world.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )
    absent = {m.pk: "外出学习" for m in world.members if present and m not in present}
    voting.record_attendance(
        meeting, by=world.secretary, present=present or world.members, absence_reasons=absent
    )
    return voting.open_voting(meeting, by=world.secretary, method=method)


def test_r_dec_6_a_wholly_recused_member_is_told_why_there_is_nothing_to_vote(client, world):
    to_decision(world)
    target = world.candidates[0]
    relative = CadreFactory(organization=world.org, account=world.members[3])
    Kinship.objects.create(cadre=target.cadre, other=relative, category=Kinship.Category.SPOUSE)
    meeting = _online_meeting(world, method="secret")
    client.force_login(world.members[3])
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).text
    assert "已回避，不参加对其的表决（R-DEC-6）；本次会议没有其他需要您表决的事项" in page
    assert target.cadre.name in page
    assert "您已完成表决" not in page  # they did not vote: they were recused
    home = client.get(reverse("home")).text
    assert "您无需表决" in home and "没有其他需要您表决的事项" in home


def test_r_dec_5_an_absent_member_is_told_they_do_not_vote_and_why(client, world):
    to_decision(world)
    meeting = _online_meeting(world, present=world.members[:6])
    client.force_login(world.members[6])
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).text
    assert "您已登记为缺席（外出学习）" in page
    assert "您无需表决" in client.get(reverse("home")).text
    client.force_login(world.members[1])  # a present member still has a vote to cast, no such notice
    assert "您无需表决" not in client.get(reverse("home")).text


def test_r_dec_5_the_case_page_shows_the_secret_ballot_tally_without_names(client, world):
    from selection.services import voting

    to_decision(world)
    target = world.candidates[0]
    meeting = _online_meeting(world, method="secret")
    for member in world.members[1:] + world.members[:1]:
        voting.cast_votes(meeting, by=member, choices={target.pk: "agree"})
    voting.close_voting(meeting, by=world.secretary)
    client.force_login(world.hr)
    page = client.get(reverse("case_detail", args=[world.case.pk])).text
    assert "无记名投票计票结果" in page
    tally = page[page.index("meeting-tally") :]
    assert f'<td>{target.cadre.name}</td><td class="text-end">7</td>' in tally
    assert "通过" in tally


def test_closing_a_vote_from_the_case_page_asks_for_confirmation_first(client, world):
    to_decision(world)
    meeting = svc.convene_meeting(
        world.case,
        by=world.hr,
        held_on=TODAY,
        method="hands",
        chair=world.secretary,
        members=world.members,
        present=world.members,
    )
    client.force_login(world.hr)
    page = client.get(reverse("case_detail", args=[world.case.pk])).text
    assert f'id="confirm-close-{meeting.pk}"' in page  # the dialog
    url = reverse("case_close_meeting", args=[world.case.pk, meeting.pk])
    asked = client.post(url)
    assert asked.status_code == 200 and "确认结束表决" in asked.text
    meeting.refresh_from_db()
    assert meeting.phase == Meeting.Phase.VOTING
    vote_all(world, meeting)
    done = client.post(url, {"confirmed": "1"})
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.phase == Meeting.Phase.CLOSED


def test_closing_a_ballot_box_asks_for_confirmation_first(client, world):
    from selection.models import BallotBox
    from selection.services import voting

    to_inspection(world)
    box = voting.create_ballot_box(
        world.case,
        by=world.hr,
        kind=BallotBox.Kind.APPRAISAL,
        title="民主测评",
        held_on=TODAY,
        candidates=[world.candidates[0]],
    )
    voting.issue_slips(box, by=world.hr, count=2, category="other")
    voting.open_box(box, by=world.hr)
    client.force_login(world.hr)
    assert 'id="confirm-box-close"' in client.get(reverse("box_detail", args=[box.pk])).text
    asked = client.post(reverse("box_close", args=[box.pk]))
    assert asked.status_code == 200 and "确认结束投票并计票" in asked.text
    box.refresh_from_db()
    assert box.phase == BallotBox.Phase.OPEN
    client.post(reverse("box_close", args=[box.pk]), {"confirmed": "1"})
    box.refresh_from_db()
    assert box.phase == BallotBox.Phase.CLOSED


# ---- 6. lists on a phone; 7. the Django admin in Chinese ----------------------------------------------


def test_the_case_and_cadre_lists_have_phone_cards_beside_the_desktop_table(client, world):
    open_motion(world)
    client.force_login(world.hr)
    cases = client.get(reverse("case_list")).text
    assert 'class="table-responsive d-none d-md-block"' in cases
    assert 'class="list-unstyled d-md-none case-cards"' in cases
    assert cases.count(world.case.title) >= 2  # once in the table, once as a card
    cadres = client.get(reverse("cadre_list")).text
    assert 'class="list-unstyled d-md-none cadre-cards"' in cadres
    assert cadres.count(world.cadres[0].name) >= 2


def test_the_admin_is_chinese_with_a_role_column_on_users(admin_client, world):
    index = admin_client.get(reverse("admin:index")).text
    assert "选拔通管理" in index
    assert "登录尝试" in index  # django-axes' models, translated by accounts/locale
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse("admin:accounts_user_changelist"))
    for index in range(10):
        UserFactory(username=f"extra{index}", organization=world.org, roles=[Role.PARTY_MEMBER])
    with CaptureQueriesContext(connection) as many:
        users = admin_client.get(reverse("admin:accounts_user_changelist")).text
    assert len(many) == len(few)  # the role column is one prefetch, whatever the number of users
    assert ">角色<" in users or "角色</a>" in users or "column-role_list" in users
    assert "党组书记、党组成员" in users  # the secretary's two roles
    assert "人事干部" in users
    holdings = admin_client.get(reverse("admin:selection_postholding_changelist") + "?q=").text
    assert holdings  # renders
    form = admin_client.get(reverse("admin:selection_kinship_add")).text
    assert "亲属" in form and ">Other<" not in form
