"""Demo voting: the online 会议推荐 with 30 invited staff is counted, and the 讨论决定 case can be run online
by the seven demo party-group members to 公示, with one member recused."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import User
from selection import gates
from selection.demo import DEMO_PASSWORD, DEMO_TODAY
from selection.demo_cases import PARTY_GROUP_USERNAMES
from selection.demo_voting import (
    ACCOUNT_VOTERS,
    BOX_TITLE,
    DECISION_CASE,
    RECOMMENDATION_CASE,
    RECUSED_MEMBER,
    RELATIVE_OF,
    seed_voting,
)
from selection.models import (
    BallotBox,
    Cadre,
    CandidateStatus,
    CaseStatus,
    Invitation,
    Kinship,
    Meeting,
    RecommendationRound,
    RecordEvent,
    Recusal,
    SecretBallot,
    SelectionCase,
    StaffBallot,
)
from selection.services import cases as svc
from selection.services import voting
from selection.services.base import Actor

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(hour: int):
    return time_machine.travel(
        datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day, hour, tzinfo=SHANGHAI), tick=False
    )


@pytest.fixture
def seeded(demo_world):
    return demo_world


def _rules(findings, level: str = "block") -> set[str]:
    return {f.rule for f in findings if f.level == level}


def test_the_recommendation_box_is_counted_with_attendance_and_receipts_and_seeding_is_idempotent(seeded):
    """(`seed_demo` twice: tests/test_demo.py test_seeding_twice_changes_nothing; here the voting part alone
    run again adds nothing.)"""
    counts = [
        m.objects.count()
        for m in (BallotBox, Invitation, StaffBallot, RecommendationRound, RecordEvent, Kinship, Cadre)
    ]
    with _at(10):
        seed_voting()
    assert [
        m.objects.count()
        for m in (BallotBox, Invitation, StaffBallot, RecommendationRound, RecordEvent, Kinship, Cadre)
    ] == counts

    case = SelectionCase.objects.get(title__endswith=RECOMMENDATION_CASE)
    box = BallotBox.objects.get(case=case, title=BOX_TITLE)
    assert (box.kind, box.phase, box.source) == (
        BallotBox.Kind.RECOMMENDATION,
        BallotBox.Phase.CLOSED,
        BallotBox.Source.ONLINE,
    )
    # 30 invited: 24 accounts, 6 slips (only a keyed hash of each code is kept).
    assert box.invitations.count() == 30
    assert sorted(box.invitations.filter(user__isnull=False).values_list("user__username", flat=True)) == (
        sorted(ACCOUNT_VOTERS)
    )
    slips = box.invitations.filter(user__isnull=True)
    assert slips.count() == 6 and all(len(h) == 64 for h in slips.values_list("code_hash", flat=True))
    assert slips.filter(used=True).exists()  # some voted by slip code
    used = box.invitations.filter(used=True).count()
    assert used == box.ballots.count() == 26

    # The tally: by category, and the round it recorded (RoundResult rows) with R-REC-6.
    total = box.tally["total"]
    assert (total["expected"], total["actual"], total["valid"]) == (30, 26, 26)
    middle = box.tally["categories"]["middle"]
    assert (middle["expected"], middle["actual"]) == (6, 5)
    assert sum(box.tally["categories"]["other"]["votes"].values()) + sum(middle["votes"].values()) == sum(
        total["votes"].values()
    )
    round_ = box.round
    assert (round_.kind, round_.expected, round_.actual, round_.valid_ballots) == ("meeting", 30, 26, 26)
    results = {r.cadre.name: (r.votes, r.rank) for r in round_.results.select_related("cadre")}
    by_pk = {str(c.pk): c.cadre.name for c in box.candidates.select_related("cadre")}
    assert {name: votes for name, (votes, _) in results.items()} == {
        name: total["votes"][pk] for pk, name in by_pk.items()
    }
    assert max(results.values()) == (max(v for v, _ in results.values()), 1)  # the most votes rank first
    count_event = case.events.get(action="count_ballot_box")
    assert [(f["rule"], f["level"]) for f in count_event.findings] == [("R-REC-6", "ok")]

    # Every ballot carries a receipt hash; a voter's receipt proves their ballot is in the count.
    assert box.ballots.exclude(receipt_hash="").count() == 26
    assert not voting.check_receipt("NOT-A-RECEIPT").found

    # The case still waits on fixing the targets only.
    assert _rules(gates.next_step_findings(case)) == {"R-INS-1"}


def test_a_receipt_proves_a_ballot_is_counted(seeded):
    """The demo keeps no receipt; a voter of a fresh box checks theirs (same services, same case)."""
    case = SelectionCase.objects.get(title__endswith=RECOMMENDATION_CASE)
    hr = Actor(User.objects.get(username="renshi"))
    box = voting.create_ballot_box(
        case, by=hr, kind=BallotBox.Kind.RECOMMENDATION, title="补充推荐", held_on=DEMO_TODAY
    )
    voter = User.objects.get(username="zhigong30")
    voting.invite_accounts(box, by=hr, users=[voter], category="other")
    voting.open_box(box, by=hr)
    receipt = voting.cast_staff_ballot(box, user=voter, choices={"candidates": []})
    check = voting.check_receipt(receipt)
    assert check.found and not check.counted
    voting.close_box(box, by=hr)
    assert voting.check_receipt(receipt).counted


def test_the_decision_case_runs_online_to_public_notice_with_one_member_recused(seeded):
    case = SelectionCase.objects.get(title__endswith=DECISION_CASE)
    assert case.status == CaseStatus.DECISION and not case.meetings.exists()
    members = {u.username: u for u in User.objects.filter(username__in=PARTY_GROUP_USERNAMES)}
    recused = members[RECUSED_MEMBER]
    assert recused.cadre.name == recused.get_full_name()
    candidate = case.candidates.get(status=CandidateStatus.PROPOSED)
    assert candidate.cadre.name == RELATIVE_OF
    assert gates.related_users(candidate.cadre, members.values()) == [recused]

    with _at(14):
        chair = members["shuji"]
        hr = User.objects.get(username="renshi")
        group = [members[name] for name in PARTY_GROUP_USERNAMES]
        meeting = voting.schedule_meeting(case, by=hr, held_on=DEMO_TODAY, chair=chair, members=group)
        voting.record_attendance(meeting, by=chair, present=group)
        voting.open_voting(meeting, by=chair, method=Meeting.Method.SECRET)
        assert list(Recusal.objects.filter(meeting=meeting).values_list("member__username", "candidate")) == [
            (RECUSED_MEMBER, candidate.pk)
        ]
        assert voting.ballot_items(meeting, recused) == []  # nothing pending for the recused member
        voters = [m for m in group if m != recused]
        for member in voters:
            assert [c for c, why in voting.ballot_items(meeting, member)] == [candidate]
            voting.cast_votes(meeting, by=member, choices={candidate.pk: "agree"})
        with pytest.raises(voting.ServiceError):
            voting.cast_votes(meeting, by=recused, choices={candidate.pk: "agree"})
        voting.close_voting(meeting, by=chair)
        meeting.refresh_from_db()
        assert meeting.phase == Meeting.Phase.CLOSED
        assert SecretBallot.objects.filter(meeting=meeting).count() == 6
        tally = gates.tally(meeting)[candidate.pk]
        assert (tally.agree, tally.recused, tally.outcome) == (6, [recused.get_full_name()], "approve")
        for member in group:
            voting.sign_off(meeting, by=member, password=DEMO_PASSWORD)
        assert set(voting.signature_status(meeting).values()) == {"valid"}
        case = svc.publish_notice(
            SelectionCase.objects.get(pk=case.pk),
            by=hr,
            published_on=DEMO_TODAY,
            scope="局机关全体干部职工、医保中心全体干部职工",
            channels="来电（0572-5123456、12380）、来信或来访",
        )
    assert case.status == CaseStatus.PUBLIC_NOTICE
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.APPROVED
