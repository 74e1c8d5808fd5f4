"""The gates of 讨论决定: quorum, recusal, who may vote, the tally and what must precede the meeting."""

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date

from selection import rules
from selection.models import (
    Candidate,
    CandidateStatus,
    Document,
    Meeting,
    SelectionCase,
    VoteChoice,
    meeting_agenda,
)
from selection.rules import Finding, Level

from .common import settings_for
from .for_inspection import _names, pre_review, related_users

# ---- 讨论决定 --------------------------------------------------------------------------------------


def quorum(expected: int, present: int) -> list[Finding]:
    return rules.meeting_quorum(expected, present)


def required_recusals(case: SelectionCase, members) -> list[tuple]:
    """(member, candidate, reason) for every member related to a proposed candidate (R-DEC-6, R-KIN-3)."""
    out = []
    for candidate in case.candidates.filter(
        status__in=[CandidateStatus.PROPOSED, CandidateStatus.DEFERRED]
    ).select_related("cadre"):
        for member in related_users(candidate.cadre, members):
            out.append((member, candidate, f"与人选{candidate.cadre.name}有亲属关系"))
    return out


def _meeting_people(meeting: Meeting) -> tuple[frozenset[str], frozenset[str], dict[int, str]]:
    rows = list(meeting.attendance.select_related("member"))
    names = {a.member_id: a.member.get_full_name() for a in rows}
    return frozenset(names.values()), frozenset(names[a.member_id] for a in rows if a.present), names


def vote_allowed(meeting: Meeting, candidate: Candidate, user) -> list[Finding]:
    """R-DEC-3 and R-DEC-6 for one vote: present, not recused, and the chair states last."""
    attendance = meeting.attendance.filter(member=user).first()
    if attendance is None or not attendance.present:
        return [Finding("R-DEC-3", Level.BLOCK, "R-DEC-3：您不是本次会议的出席成员，不能表决。")]
    if meeting.recusals.filter(member=user, candidate=candidate).exists():
        return [
            Finding(
                "R-DEC-6",
                Level.BLOCK,
                f"R-DEC-6：您与{candidate.cadre.name}有亲属关系，已回避，不能对其表决。",
            )
        ]
    if meeting.method != Meeting.Method.SECRET and user.pk == meeting.chair_id:
        voters = _voters(meeting, candidate)
        voted = set(meeting.open_votes.filter(candidate=candidate).values_list("member_id", flat=True))
        waiting = voters - voted - {user.pk}
        if waiting:
            return [
                Finding(
                    "R-DEC-3",
                    Level.BLOCK,
                    f"R-DEC-3：主要领导末位表态，请待其他 {len(waiting)} 名成员表决后再表决。",
                )
            ]
    return [Finding("R-DEC-3", Level.OK, "R-DEC-3：可以表决。")]


def _voters(meeting: Meeting, candidate: Candidate) -> set[int]:
    present = set(meeting.attendance.filter(present=True).values_list("member_id", flat=True))
    recused = set(meeting.recusals.filter(candidate=candidate).values_list("member_id", flat=True))
    return present - recused


@dataclass
class Tally:
    name: str
    agree: int
    disagree: int
    postpone: int
    expected: int
    recused: list[str]
    outcome: str  # a Candidate transition: approve / reject / defer

    @property
    def outcome_label(self) -> str:
        return {"approve": "通过", "reject": "未通过", "defer": "缓议"}[self.outcome]

    def as_dict(self) -> dict:
        return {**asdict(self), "outcome_label": self.outcome_label}


def secret_counts(meeting: Meeting) -> Counter:
    """(candidate id, choice) → count of a closed secret meeting (stored when its ballots were opened)."""
    return Counter(
        {
            (c, choice): n
            for c, choice, n in meeting.secret_counts.values_list("candidate_id", "choice", "count")
        }
    )


def decision_facts(
    meeting: Meeting, candidates: list[Candidate], secret: Counter | None = None
) -> rules.DecisionFacts:
    """`secret`: the counts of the sealed ballots just opened in memory (at close); else the stored ones."""
    members, present, names = _meeting_people(meeting)
    votes = list(meeting.open_votes.order_by("cast_at", "pk"))
    # A secret ballot counts alongside the open votes; it never says who cast it.
    if secret is None:
        secret = secret_counts(meeting)
    recusals = list(meeting.recusals.all())
    tallies = []
    for candidate in candidates:
        mine = [v for v in votes if v.candidate_id == candidate.pk]
        counts = Counter(v.choice for v in mine)
        for choice in VoteChoice.values:
            counts[choice] += secret[(candidate.pk, choice)]
        recused = frozenset(names.get(r.member_id, "") for r in recusals if r.candidate_id == candidate.pk)
        must = frozenset(
            _names(
                related_users(
                    candidate.cadre, [a.member for a in meeting.attendance.select_related("member__cadre")]
                )
            )
        )
        leader_last = bool(mine) and mine[-1].member_id == meeting.chair_id
        kinds = set(candidate.documents.values_list("kind", flat=True))
        tallies.append(
            rules.CandidateTally(
                candidate.cadre.name,
                counts[VoteChoice.AGREE],
                counts[VoteChoice.DISAGREE],
                counts[VoteChoice.POSTPONE],
                recused,
                must,
                leader_last if meeting.method != Meeting.Method.SECRET else None,
                Document.Kind.INSPECTION_MATERIAL in kinds,
                Document.Kind.APPROVAL_FORM in kinds,
            )
        )
    pre_review = [getattr(c, "inspection", None) for c in candidates]
    first = next((i for i in pre_review if i and i.pre_review_on), None)
    return rules.DecisionFacts(
        meeting_on=meeting.held_on,
        within_authority=True,
        members=members,
        present=present,
        voting_method=meeting.method,
        candidates=tuple(tallies),
        pre_review_on=first.pre_review_on
        if first and all(i and i.pre_review_on for i in pre_review)
        else None,
        pre_review_reply=first.pre_review_reply if first else "",
    )


def before_meeting(case: SelectionCase) -> list[Finding]:
    """R-DEC-4 and R-DEC-8 per candidate: material, approval form and pre-review on file before the meeting."""
    found = []
    for candidate in case.candidates.filter(status=CandidateStatus.PROPOSED).select_related(
        "cadre", "inspection"
    ):
        kinds = set(candidate.documents.values_list("kind", flat=True))
        missing = [
            label
            for label, kind in (
                ("考察材料", Document.Kind.INSPECTION_MATERIAL),
                ("《干部任免审批表》", Document.Kind.APPROVAL_FORM),
            )
            if kind not in kinds
        ]
        name = candidate.cadre.name
        if missing:
            found.append(
                Finding(
                    "R-DEC-4",
                    Level.BLOCK,
                    f"R-DEC-4：{name}的{'和'.join(missing)}尚未归档，提交讨论前必须齐备。",
                )
            )
        else:
            found.append(
                Finding("R-DEC-4", Level.OK, f"R-DEC-4：{name}的考察材料和《干部任免审批表》已归档。")
            )
        found.append(pre_review(candidate))
    return found


def votes_complete(meeting: Meeting, secret: Counter | None = None) -> list[Finding]:
    """R-DEC-3 and R-DEC-6 when voting closes: every present, non-recused member voted; the chair last;
    a secret meeting holds exactly one ballot per recorded participation."""
    candidates = meeting_agenda(meeting)
    facts = decision_facts(meeting, candidates, secret)
    found = []
    participations = Counter(meeting.secret_participations.values_list("candidate_id", flat=True))
    ballots = Counter(meeting.secret_ballots.values_list("candidate_id", flat=True))
    for candidate in candidates:
        if participations[candidate.pk] != ballots[candidate.pk]:
            found.append(
                Finding(
                    "R-DEC-3",
                    Level.BLOCK,
                    f"R-DEC-3：{candidate.cadre.name}的无记名选票 {ballots[candidate.pk]} 张与投票人数 "
                    f"{participations[candidate.pk]} 人不符，请联系系统管理员核查。",
                )
            )
    for tally in facts.candidates:
        found += [
            f
            for f in rules.candidate_vote(facts, tally, settings_for(meeting.case.organization))
            if f.rule in {"R-DEC-3", "R-DEC-6"}
        ]
    return [*rules.meeting_quorum(len(facts.members), len(facts.present)), *found]


def tally(meeting: Meeting, secret: Counter | None = None) -> dict[int, Tally]:
    """R-DEC-5: approved only when agree > N/2 of all members who should attend. Open votes and secret
    ballots alike; recused members are listed as 回避 and stay in N unless the settings say otherwise."""
    candidates = meeting_agenda(meeting)
    facts = decision_facts(meeting, candidates, secret)
    settings = settings_for(meeting.case.organization)
    out = {}
    for candidate, t in zip(candidates, facts.candidates, strict=True):
        n = rules.members_counted(facts, t, settings)
        if t.agree * 2 > n:
            outcome = "approve"
        elif t.postpone > t.disagree and t.postpone * 2 > n:
            outcome = "defer"
        else:
            outcome = "reject"
        out[candidate.pk] = Tally(t.candidate, t.agree, t.disagree, t.postpone, n, sorted(t.recused), outcome)
    return out


def decision_date(case: SelectionCase) -> date | None:
    meeting = case.meetings.filter(phase=Meeting.Phase.CLOSED).order_by("-held_on").first()
    return meeting.held_on if meeting else None
