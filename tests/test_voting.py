"""Online voting: the party group's meeting (R-DEC-2..7), sign-offs, and staff ballots (R-REC-6, R-REC-8, R-INS-5)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from selection.models import (
    BallotBox,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Inspection,
    Kinship,
    Meeting,
    ParticipantCategory,
    RoundResult,
    SecretBallot,
    SecretCount,
    SignOff,
    StaffBallot,
)
from selection.services import cases as svc
from selection.services import voting
from selection.services.base import ServiceError, TransitionRefused

from .factories import CadreFactory, UserFactory
from .workflow import (
    TEST_PASSWORD,
    TODAY,
    sign_all,
    to_decision,
    to_inspection,
    to_recommendation,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


def refused_rules(excinfo) -> set[str]:
    return {f.rule for f in excinfo.value.blocking}


def online_meeting(world, *, method="hands", present=None) -> Meeting:
    meeting = voting.schedule_meeting(
        world.case, by=world.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )
    voting.record_attendance(meeting, by=world.secretary, present=present or world.members)
    return voting.open_voting(meeting, by=world.secretary, method=method)


def everyone_votes(world, meeting, choice="agree") -> None:
    """Every present, non-recused member; the chair last."""
    target = world.candidates[0]
    for member in world.members[1:] + world.members[:1]:
        if voting.ballot_items(meeting, member) and not voting.ballot_items(meeting, member)[0][1]:
            voting.cast_votes(meeting, by=member, choices={target.pk: choice})


# ---- 党组会议 ---------------------------------------------------------------------------------------


def test_voting_does_not_open_below_two_thirds_attendance_R_DEC_2(world):
    to_decision(world)
    meeting = voting.schedule_meeting(
        world.case, by=world.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )
    voting.record_attendance(meeting, by=world.secretary, present=world.members[:4])
    with pytest.raises(TransitionRefused) as excinfo:
        voting.open_voting(meeting, by=world.secretary, method="hands")
    assert "R-DEC-2" in refused_rules(excinfo)
    voting.record_attendance(meeting, by=world.secretary, present=world.members[:5])  # 5 ≥ ⌈14/3⌉
    meeting = voting.open_voting(meeting, by=world.secretary, method="hands")
    assert meeting.phase == Meeting.Phase.VOTING


def test_only_the_chair_checks_in_opens_and_closes_voting_R_DEC_3(world):
    to_decision(world)
    meeting = voting.schedule_meeting(
        world.case, by=world.hr, held_on=TODAY, chair=world.secretary, members=world.members
    )
    with pytest.raises(ServiceError, match="主持人"):
        voting.record_attendance(meeting, by=world.members[1], present=world.members)
    voting.record_attendance(meeting, by=world.secretary, present=world.members)
    with pytest.raises(ServiceError, match="主持人"):
        voting.open_voting(meeting, by=world.hr, method="secret")
    meeting = voting.open_voting(meeting, by=world.secretary, method="secret")
    with pytest.raises(ServiceError, match="主持人"):
        voting.close_voting(meeting, by=world.members[2])


def test_open_vote_online_the_main_leader_states_last_and_the_tally_applies_R_DEC_3_R_DEC_5(world):
    to_decision(world)
    meeting = online_meeting(world)
    target = world.candidates[0]
    with pytest.raises(TransitionRefused) as excinfo:
        voting.cast_votes(meeting, by=world.secretary, choices={target.pk: "agree"})
    assert "R-DEC-3" in refused_rules(excinfo)
    everyone_votes(world, meeting)
    assert meeting.open_votes.count() == 7
    voting.close_voting(meeting, by=world.secretary)
    assert Candidate.objects.get(pk=target.pk).status == CandidateStatus.APPROVED


def test_a_secret_meeting_refuses_named_votes(world):
    to_decision(world)
    meeting = online_meeting(world, method="secret")
    with pytest.raises(ServiceError, match="无记名"):
        svc.cast_open_vote(meeting, world.candidates[0], by=world.members[1], choice="agree")
    assert not meeting.open_votes.exists()


def test_a_secret_ballot_is_counted_by_gates_tally_and_a_recused_member_shows_as_huibi_R_DEC_5_R_DEC_6(world):
    to_decision(world)
    target = world.candidates[0]
    relative = CadreFactory(organization=world.org, account=world.members[3])
    Kinship.objects.create(cadre=target.cadre, other=relative, category=Kinship.Category.SPOUSE)
    meeting = online_meeting(world, method="secret")
    with pytest.raises(TransitionRefused) as excinfo:
        voting.cast_votes(meeting, by=world.members[3], choices={target.pk: "agree"})
    assert "R-DEC-6" in refused_rules(excinfo)
    # 3 agree of N = 7 (the recused member stays in N): not more than 7/2.
    choices = ["agree", "agree", "agree", "disagree", "postpone", "disagree"]
    voters = [m for m in world.members if m != world.members[3]]
    for member, choice in zip(voters, choices, strict=True):
        voting.cast_votes(meeting, by=member, choices={target.pk: choice})
    assert SecretBallot.objects.filter(meeting=meeting).count() == 6
    voting.close_voting(meeting, by=world.secretary)
    from selection import gates

    tally = gates.tally(meeting)[target.pk]
    assert (tally.agree, tally.disagree, tally.postpone, tally.expected) == (3, 2, 1, 7)
    assert tally.recused == [world.members[3].get_full_name()]
    assert Candidate.objects.get(pk=target.pk).status == CandidateStatus.REJECTED


def test_a_second_secret_vote_fails_cleanly_with_a_chinese_message(world):
    to_decision(world)
    meeting = online_meeting(world, method="secret")
    target = world.candidates[0]
    voting.cast_votes(meeting, by=world.members[1], choices={target.pk: "agree"})
    with pytest.raises(ServiceError, match="不能重复投票"):
        voting.cast_votes(meeting, by=world.members[1], choices={target.pk: "disagree"})
    assert meeting.secret_participations.count() == 1
    assert SecretBallot.objects.filter(meeting=meeting).count() == 1


def test_votes_are_refused_once_voting_is_closed(world):
    to_decision(world)
    meeting = online_meeting(world, method="secret", present=world.members[:6])
    everyone_votes(world, meeting)
    voting.close_voting(meeting, by=world.secretary)
    with pytest.raises(ServiceError, match="表决尚未开始或已经结束"):
        voting.cast_votes(meeting, by=world.members[6], choices={world.candidates[0].pk: "agree"})


def test_the_notice_waits_until_every_present_member_signed_the_tally_R_DEC_1(world):
    to_decision(world)
    meeting = online_meeting(world, present=world.members[:6])
    everyone_votes(world, meeting)
    voting.close_voting(meeting, by=world.secretary)
    with pytest.raises(ServiceError, match="密码不正确"):
        voting.sign_off(meeting, by=world.members[1], password="wrong")
    for member in world.members[:5]:
        voting.sign_off(meeting, by=member, password=TEST_PASSWORD)
    with pytest.raises(TransitionRefused) as excinfo:
        svc.publish_notice(world.case, by=world.hr, published_on=TODAY, scope="全局", channels="12380")
    assert "R-DEC-1" in refused_rules(excinfo)
    assert "周明" in excinfo.value.message  # members[5], present and not yet signed
    with pytest.raises(ServiceError, match="只有出席"):
        voting.sign_off(meeting, by=world.members[6], password=TEST_PASSWORD)  # absent
    voting.sign_off(meeting, by=world.members[5], password=TEST_PASSWORD)
    case = svc.publish_notice(world.case, by=world.hr, published_on=TODAY, scope="全局", channels="12380")
    assert case.status == CaseStatus.PUBLIC_NOTICE


def test_a_signature_stores_the_sha256_of_the_tally_and_a_changed_tally_voids_it(world):
    to_decision(world)
    meeting = online_meeting(world, method="secret")
    everyone_votes(world, meeting)
    voting.close_voting(meeting, by=world.secretary)
    sign_all(meeting)
    digest = voting.current_digest(meeting)
    assert set(SignOff.objects.filter(meeting=meeting).values_list("tally_sha256", flat=True)) == {digest}
    assert world.case.events.get(action="close_meeting").payload["tally_sha256"] == digest
    # Someone changes a stored count behind the application's back (the sealed ballots cannot be opened).
    SecretCount.objects.filter(meeting=meeting, choice="agree").update(count=F("count") - 1)
    assert voting.current_digest(meeting) != digest
    assert set(voting.signature_status(meeting).values()) == {"stale"}
    with pytest.raises(TransitionRefused, match="签字已失效"):
        svc.publish_notice(world.case, by=world.hr, published_on=TODAY, scope="全局", channels="12380")


def test_reconsideration_needs_more_than_half_of_all_members_and_then_votes_again_R_DEC_7(world):
    to_decision(world)
    meeting = online_meeting(world)
    everyone_votes(world, meeting, choice="postpone")
    voting.close_voting(meeting, by=world.secretary)
    target = Candidate.objects.get(pk=world.candidates[0].pk)
    assert target.status == CandidateStatus.DEFERRED  # the 缓议 outcome is stored
    with pytest.raises(TransitionRefused) as excinfo:
        voting.reconsider(
            target,
            by=world.hr,
            agree_to_reopen=3,
            held_on=TODAY,
            chair=world.secretary,
            members=world.members,
        )
    assert "R-DEC-7" in refused_rules(excinfo)
    again = voting.reconsider(
        target, by=world.hr, agree_to_reopen=4, held_on=TODAY, chair=world.secretary, members=world.members
    )
    assert again.is_reconsideration and again.reopen_agree == 4
    voting.record_attendance(again, by=world.secretary, present=world.members)
    again = voting.open_voting(again, by=world.secretary, method="secret")
    everyone_votes(world, again)
    voting.close_voting(again, by=world.secretary)
    assert Candidate.objects.get(pk=target.pk).status == CandidateStatus.APPROVED
    with pytest.raises(TransitionRefused) as excinfo:  # both meetings' results need signatures
        svc.publish_notice(world.case, by=world.hr, published_on=TODAY, scope="全局", channels="12380")
    sign_all(meeting)
    sign_all(again)
    assert (
        svc.publish_notice(world.case, by=world.hr, published_on=TODAY, scope="全局", channels="12380").status
        == CaseStatus.PUBLIC_NOTICE
    )


# ---- 会议推荐、民主测评 ------------------------------------------------------------------------------


def staff_users(world, count: int) -> list:
    return [
        UserFactory(username=f"staff{i}", full_name=f"职工{i}", organization=world.org, roles=[Role.STAFF])
        for i in range(count)
    ]


def recommendation_box(world, *, accounts: int = 6, slips: int = 3):
    to_recommendation(world)
    box = voting.create_ballot_box(
        world.case, by=world.hr, kind=BallotBox.Kind.RECOMMENDATION, title="会议推荐", held_on=TODAY
    )
    people = staff_users(world, accounts)
    voting.invite_accounts(box, by=world.hr, users=people[:2], category=ParticipantCategory.LEADERSHIP)
    voting.invite_accounts(box, by=world.hr, users=people[2:], category=ParticipantCategory.OTHER)
    codes = voting.issue_slips(box, by=world.hr, count=slips, category=ParticipantCategory.MIDDLE)
    voting.open_box(box, by=world.hr)
    return box, people, codes


def test_a_recommendation_ballot_chooses_at_most_as_many_as_the_post_has_vacancies_R_REC_8(world):
    box, people, _ = recommendation_box(world)
    first, second = world.candidates[:2]
    with pytest.raises(ServiceError, match="最多推荐 1 人"):
        voting.cast_staff_ballot(box, user=people[0], choices={"candidates": [first.pk, second.pk]})
    assert not StaffBallot.objects.filter(box=box).exists()
    assert not box.invitations.filter(used=True).exists()  # nothing half-done


def test_online_recommendation_feeds_round_results_by_category_and_the_attendance_rule_R_REC_6_R_REC_8(world):
    box, people, codes = recommendation_box(world)
    first, second, _third = world.candidates
    receipts = [
        voting.cast_staff_ballot(box, user=people[0], choices={"candidates": [first.pk]}),
        voting.cast_staff_ballot(box, user=people[2], choices={"candidates": [first.pk]}),
        voting.cast_staff_ballot(box, user=people[3], choices={"candidates": [second.pk]}),
        voting.cast_staff_ballot(box, code=codes[0].lower(), choices={"candidates": [first.pk]}),
        voting.cast_staff_ballot(box, code=codes[1], choices={"candidates": []}),
    ]
    with pytest.raises(ServiceError, match="已使用"):
        voting.cast_staff_ballot(box, code=codes[0], choices={"candidates": [second.pk]})
    with pytest.raises(ServiceError, match="不能重复投票"):
        voting.cast_staff_ballot(box, user=people[0], choices={"candidates": [second.pk]})
    with pytest.raises(ServiceError, match="不在本次投票"):
        voting.cast_staff_ballot(box, user=world.hr, choices={"candidates": [second.pk]})
    assert not voting.check_receipt(receipts[0]).counted
    box = voting.close_box(box, by=world.hr)
    # 5 of 9 invited: below ⌈2·9/3⌉ = 6, so R-REC-6 blocks the inspection later.
    rnd = box.round
    assert (rnd.kind, rnd.expected, rnd.actual, rnd.valid_ballots) == ("meeting", 9, 5, 5)
    votes = dict(RoundResult.objects.filter(round=rnd).values_list("cadre_id", "votes"))
    assert votes == {first.cadre_id: 3, second.cadre_id: 1, world.candidates[2].cadre_id: 0}
    assert RoundResult.objects.get(round=rnd, cadre=first.cadre).rank == 1
    cats = box.tally["categories"]
    assert cats["leadership"]["actual"] == 1 and cats["leadership"]["votes"][str(first.pk)] == 1
    assert cats["middle"]["expected"] == 3 and cats["middle"]["votes"][str(first.pk)] == 1
    assert cats["other"]["votes"][str(second.pk)] == 1
    event = world.case.events.get(action="count_ballot_box")
    assert [f["rule"] for f in event.findings] == ["R-REC-6"] and event.findings[0]["level"] == "block"
    assert all(voting.check_receipt(r).counted for r in receipts)
    assert not voting.check_receipt("AAAA-BBBB-CCCC-DDDD").found
    with pytest.raises(ServiceError, match="投票尚未开始或已经结束"):
        voting.cast_staff_ballot(box, user=people[5], choices={"candidates": []})


def test_a_paper_tally_feeds_the_same_round_results_as_the_online_ballot_R_REC_8(world):
    to_recommendation(world)
    box = voting.create_ballot_box(
        world.case, by=world.hr, kind=BallotBox.Kind.RECOMMENDATION, title="纸质会议推荐", held_on=TODAY
    )
    first, second, third = world.candidates
    counts = {
        "leadership": voting.CategoryCount(7, 7, 7, {str(first.pk): 6, str(second.pk): 1, str(third.pk): 0}),
        "middle": voting.CategoryCount(12, 11, 11, {str(first.pk): 8, str(second.pk): 2, str(third.pk): 1}),
        "other": voting.CategoryCount(26, 22, 21, {str(first.pk): 16, str(second.pk): 3, str(third.pk): 2}),
    }
    box = voting.enter_paper_tally(box, by=world.hr, counts=counts)
    assert box.source == BallotBox.Source.PAPER
    assert (box.round.expected, box.round.actual, box.round.valid_ballots) == (45, 40, 39)
    votes = dict(RoundResult.objects.filter(round=box.round).values_list("cadre_id", "votes"))
    assert votes == {first.cadre_id: 30, second.cadre_id: 6, third.cadre_id: 3}
    event = world.case.events.get(action="count_ballot_box")
    assert event.findings[0]["rule"] == "R-REC-6" and event.findings[0]["level"] == "ok"


def test_an_appraisal_ballot_rates_and_feeds_the_inspection_counts_R_INS_5(world):
    to_inspection(world)
    box = voting.create_ballot_box(
        world.case, by=world.hr, kind=BallotBox.Kind.APPRAISAL, title="民主测评", held_on=TODAY
    )
    target = world.candidates[0]
    people = staff_users(world, 4)
    voting.invite_accounts(box, by=world.hr, users=people, category=ParticipantCategory.MIDDLE)
    voting.open_box(box, by=world.hr)
    with pytest.raises(ServiceError, match="请对陈晓明选择测评等次"):
        voting.cast_staff_ballot(box, user=people[0], choices={"ratings": {str(target.pk): "excellent"}})
    for person, rating, opinion in zip(
        people[:3], ["excellent", "competent", "excellent"], ["agree", "agree", "disagree"], strict=True
    ):
        voting.cast_staff_ballot(
            box,
            user=person,
            choices={"ratings": {str(target.pk): rating}, "promotion": {str(target.pk): opinion}},
        )
    voting.close_box(box, by=world.hr)
    inspection = Inspection.objects.get(candidate=target)
    assert (inspection.appraisal_expected, inspection.appraisal_actual) == (4, 3)
    assert (inspection.rated_excellent, inspection.rated_competent, inspection.rated_basic) == (2, 1, 0)
    assert (inspection.agree_promotion, inspection.disagree_promotion) == (2, 1)


# ---- pages ------------------------------------------------------------------------------------------


def test_results_appear_only_after_voting_closes_and_home_lists_votes_and_sign_offs(world, client):
    to_decision(world)
    meeting = online_meeting(world, method="secret", present=world.members[:6])
    member = world.members[1]
    client.force_login(member)
    home = client.get(reverse("home")).content.decode()
    assert "表决（无记名投票）" in home and reverse("meeting_detail", args=[meeting.pk]) in home
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "btn-vote" in page and "表决结果" not in page
    response = client.post(
        reverse("meeting_vote", args=[meeting.pk]), {f"c_{world.candidates[0].pk}": "agree"}, follow=True
    )
    assert "表决已提交" in response.content.decode() and "您已完成表决" in response.content.decode()
    assert "表决（无记名投票）" not in client.get(reverse("home")).content.decode()
    everyone_votes(world, meeting)
    client.force_login(world.secretary)
    assert "结束表决" in client.get(reverse("home")).content.decode()
    client.post(reverse("meeting_close", args=[meeting.pk]))
    client.force_login(member)
    assert "签字确认表决结果" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "表决结果" in page and "通过" in page
    signed = client.post(reverse("meeting_sign", args=[meeting.pk]), {"password": TEST_PASSWORD}, follow=True)
    assert "已签字确认表决结果" in signed.content.decode()
    assert "签字确认表决结果" not in client.get(reverse("home")).content.decode()


def test_only_present_members_may_post_a_vote_and_only_the_chair_may_close(world, client):
    to_decision(world)
    meeting = online_meeting(world, present=world.members[:6])
    client.force_login(world.members[6])  # absent
    assert client.post(reverse("meeting_vote", args=[meeting.pk]), {}).status_code == 403
    client.force_login(world.members[1])
    assert client.post(reverse("meeting_close", args=[meeting.pk])).status_code == 403
    client.force_login(world.hr)
    assert client.post(reverse("meeting_open", args=[meeting.pk])).status_code == 403


def test_a_slip_holder_votes_without_an_account_and_checks_the_receipt(world, client):
    _box, _people, codes = recommendation_box(world)
    first = world.candidates[0]
    assert client.get(reverse("slip_vote")).status_code == 200
    page = client.post(reverse("slip_vote"), {"code": codes[0]}).content.decode()
    assert first.cadre.name in page and "最多推荐 1 人" in page
    response = client.post(reverse("slip_vote"), {"code": codes[0], "submit": "1", "pick": [first.pk]})
    page = response.content.decode()
    assert "选票已提交" in page
    receipt = page.split('user-select-all border rounded p-2 my-3">')[1].split("<")[0].strip()
    assert voting.check_receipt(receipt).found
    again = client.post(reverse("slip_vote"), {"code": codes[0]}, follow=True).content.decode()
    assert "投票码无效或已使用" in again
    checked = client.post(reverse("receipt_check"), {"receipt": receipt}).content.decode()
    assert "投票结束后计入" in checked and first.cadre.name not in checked


def test_hr_sets_up_a_box_prints_slips_once_and_counts(world, client):
    to_recommendation(world)
    client.force_login(world.hr)
    response = client.post(
        reverse("box_list", args=[world.case.pk]),
        {"kind": "recommendation", "title": "会议推荐", "held_on": "2026-11-26"},
    )
    box = BallotBox.objects.get(case=world.case)
    assert response.url == reverse("box_detail", args=[box.pk])
    slips = client.post(reverse("box_slips", args=[box.pk]), {"count": 2, "category": "other"})
    assert slips.content.decode().count("font-monospace my-2") == 2 and "no-store" in slips["Cache-Control"]
    client.post(reverse("box_open", args=[box.pk]))
    client.post(reverse("box_close", args=[box.pk]), {"confirmed": "1"})
    box.refresh_from_db()
    assert box.phase == BallotBox.Phase.CLOSED and box.round.actual == 0
    assert "计票结果（按人员类别）" in client.get(reverse("box_detail", args=[box.pk])).content.decode()


def test_the_closed_meetings_page_counts_the_votes_once_for_the_results_and_the_signatures_R_DEC_1(
    world, client
):
    """The results table, the digest members sign and each member's signature status come from one tally
    (before: the tally three times over, seven queries each)."""
    to_decision(world)
    meeting = online_meeting(world, present=world.members[:6])
    everyone_votes(world, meeting)
    voting.close_voting(meeting, by=world.secretary)
    voting.sign_off(meeting, by=world.members[1], password=TEST_PASSWORD)
    client.force_login(world.members[1])
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("meeting_detail", args=[meeting.pk]))
    assert page.context["digest"] == voting.current_digest(meeting)
    assert [row.status for row in page.context["signatures"]].count("valid") == 1
    votes_read = [q for q in captured if 'FROM "selection_openvote"' in q["sql"]]
    assert len(votes_read) <= 2  # the tally, and the canonical result it is hashed from
