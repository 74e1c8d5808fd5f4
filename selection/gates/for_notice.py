"""The gates of 公示 and 任职, the record's completeness, and the findings of a case's next step."""

from collections import Counter
from datetime import date

from django.db.models import Count

from selection import rules
from selection.models import (
    Cadre,
    Candidate,
    CandidateStatus,
    Complaint,
    Kinship,
    Meeting,
    Organization,
    PostHolding,
    Quota,
    SelectionCase,
    SignOff,
)
from selection.models.ballot import result_digest
from selection.models.post import Rank
from selection.rules import Finding, Level, Stage

from .common import _about, _today, calendar, settings_for
from .for_decision import before_meeting, decision_date, tally, votes_complete
from .for_inspection import inspection
from .for_motion import motion
from .for_recommendation import exceptional_facts, exceptional_statement, recommendation

# ---- 公示、任职 ------------------------------------------------------------------------------------


def approved(case: SelectionCase) -> list[Candidate]:
    return list(
        case.candidates.filter(status=CandidateStatus.APPROVED).select_related(
            "cadre", "vacancy__post", "case"
        )
    )


def notice_end(case: SelectionCase, published_on: date) -> date:
    settings = settings_for(case.organization)
    return rules.notice_minimum_end(published_on, calendar(), settings)


def decision(case: SelectionCase, published_on: date | None, scope: str, channels: str) -> list[Finding]:
    """R-DEC-1, R-EXC-5, R-NOT-1, R-NOT-2 (R-CAL): before the notice is published."""
    decided = decision_date(case)
    if decided is None:
        return [Finding("R-DEC-1", Level.BLOCK, "R-DEC-1：尚无党组会议表决结果，请先召开党组会议讨论决定。")]
    found = [Finding("R-DEC-1", Level.OK, f"R-DEC-1：党组已于 {decided:%Y年%-m月%-d日} 集体讨论决定。")]
    # 签字确认: every present member has signed the tally as it computes now; a changed tally voids them.
    for meeting in case.meetings.filter(phase=Meeting.Phase.CLOSED).order_by("held_on", "pk"):
        digest = result_digest(meeting, {k: t.as_dict() for k, t in tally(meeting).items()})
        present = dict(meeting.attendance.filter(present=True).values_list("member_id", "member__full_name"))
        signatures = dict(SignOff.objects.filter(meeting=meeting).values_list("member_id", "tally_sha256"))
        signed = set(
            SignOff.objects.filter(meeting=meeting, tally_sha256=digest).values_list("member_id", flat=True)
        )
        missing = [name for pk, name in present.items() if pk not in signed]
        stale = [name for pk, name in present.items() if pk in signatures and pk not in signed]
        when = f"{meeting.held_on:%Y年%-m月%-d日}"
        if stale:
            found.append(
                Finding(
                    "R-DEC-1",
                    Level.BLOCK,
                    f"R-DEC-1：{when}党组会议的表决结果与签字时不一致，{'、'.join(stale)}的签字已失效，"
                    "请核查表决记录后重新签字确认。",
                )
            )
        elif missing:
            found.append(
                Finding(
                    "R-DEC-1",
                    Level.BLOCK,
                    f"R-DEC-1：{when}党组会议的表决结果尚待出席成员签字确认：{'、'.join(missing)}。",
                )
            )
        else:
            found.append(
                Finding(
                    "R-DEC-1",
                    Level.OK,
                    f"R-DEC-1：{when}党组会议的表决结果已经 {len(present)} 名出席成员签字确认。",
                )
            )
    chosen = approved(case)
    if not chosen:
        found.append(
            Finding("R-DEC-5", Level.BLOCK, "R-DEC-5：没有获得通过的人选，无需公示；如需终止请填写终止原因。")
        )
    today = _today()
    for candidate in chosen:
        found += _about(
            candidate.cadre.name,
            [
                f
                for f in rules.exceptional_promotion(exceptional_facts(candidate, today), Stage.NOTICE)
                if f.rule == "R-EXC-5"
            ],
        )
    facts = rules.NoticeFacts(decided_on=decided, published_on=published_on, scope=scope, channels=channels)
    found += rules.public_notice(facts, calendar(), settings_for(case.organization))
    return found


def notice_text(case: SelectionCase, published_on: date, ends_on: date, scope: str, channels: str) -> str:
    """The 任职前公示 text; 破格 candidates state the circumstances and reasons (R-EXC-5)."""
    lines = [f"经{case.organization.name}党组研究，拟任用以下同志，现予以公示："]
    today = _today()
    for candidate in approved(case):
        cadre = candidate.cadre
        holding = cadre.current_holding(today)
        line = (
            f"{cadre.name}，{cadre.sex}，{cadre.birth_date:%Y年%-m月}生，"
            f"现任{holding.post if holding else '本单位干部'}，拟任{candidate.vacancy.post}。"
        )
        line += exceptional_statement(candidate, today)
        lines.append(line)
    lines.append(
        f"公示时间：{published_on:%Y年%-m月%-d日}至{ends_on:%Y年%-m月%-d日}（5个工作日）。公示范围：{scope}。"
        f"公示期间如有情况反映，请通过以下方式：{channels}。"
    )
    return "\n".join(lines)


def notice(
    case: SelectionCase, *, notice_number: str = "", notice_date: date | None = None, talk_on=None, talk_by=""
) -> list[Finding]:
    """R-APP-1/2/4/5 and R-KIN-2: before the appointment."""
    public = getattr(case, "public_notice", None) if hasattr(case, "public_notice") else None
    complaints = list(public.complaints.all()) if public else []
    facts = rules.AppointmentFacts(
        on_date=_today(),
        notice_ends_on=public.ends_on if public else None,
        complaints=tuple(
            rules.ComplaintFacts(c.received_on, c.conclusion, bool(c.investigation.strip()))
            for c in complaints
        ),
        decided_on=decision_date(case),
        notice_number=notice_number,
        notice_date=notice_date,
    )
    found = rules.appointment(facts)
    found += rules.appointment_talk(talk_on, talk_by)
    people = approved(case)
    approved_by_rank = Counter(c.vacancy.post.rank for c in people)
    holders = dict(
        PostHolding.objects.filter(post__organization=case.organization, ended_on__isnull=True)
        .values_list("post__rank")
        .annotate(n=Count("id"))
    )
    quota = dict(Quota.objects.filter(organization=case.organization).values_list("rank", "approved"))
    for rank, count in approved_by_rank.items():
        after = holders.get(rank, 0) + count
        label = Rank(rank).label
        if after > quota.get(rank, 0):
            found.append(
                Finding(
                    "R-APP-5",
                    Level.BLOCK,
                    f"R-APP-5：任职后中层{label}将有 {after} 名，超过核定职数 {quota.get(rank, 0)} 名。",
                )
            )
        else:
            found.append(
                Finding(
                    "R-APP-5",
                    Level.OK,
                    f"R-APP-5：任职后中层{label} {after} 名，未超过核定职数 {quota.get(rank, 0)} 名。",
                )
            )
    for candidate in people:
        found += kinship_posting(candidate)
    found += institution_deliberation(case)
    found += record_complete(case, people)
    return found


def institution_deliberation(case: SelectionCase) -> list[Finding]:
    """R-REQ-4: an institution's results go to its bureau's party-group meeting before 任职."""
    organization = case.organization
    applies = organization.kind == Organization.Kind.INSTITUTION and organization.parent_id is not None
    if not applies:
        return rules.institution_deliberation(False, None)
    latest = case.bureau_deliberations.order_by("-held_on", "-pk").first()
    if latest is not None and not latest.agreed:
        return [
            Finding(
                "R-REQ-4",
                Level.BLOCK,
                f"R-REQ-4：局党组会议（{latest.held_on:%Y年%-m月%-d日}）集体商议未同意，不能办理任职。",
            )
        ]
    return rules.institution_deliberation(True, latest.held_on if latest else None)


def record_rows(candidate: Candidate):
    """The 纪实表 rows of one person (pdf/record_form.py builds them from the case and its record)."""
    from selection.pdf.record_form import record_form_data

    return record_form_data(candidate).rows


def record_complete(case: SelectionCase, people: list[Candidate] | None = None) -> list[Finding]:
    """R-REQ-1: the batch closes only when every 纪实表 row is filled or marked 不适用 with a reason.

    The 任职 rows are written by the appointment itself (and checked by R-APP-2/4), so they are left out.
    `people`: the approved candidates when the caller has them already."""
    from selection.pdf.record_form import load_candidates, meetings_of, record_form_data

    people = approved(case) if people is None else people
    if not people:
        return []
    # Everybody's 纪实表 facts, the case's record and its meetings read once, not once per person.
    events, meetings = list(case.events.order_by("seq")), meetings_of(case)
    found = []
    for candidate in load_candidates(people):
        data = record_form_data(candidate, events=events, meetings=meetings, loaded=True)
        rows = [
            rules.RecordRow(f"{candidate.cadre.name}·{row.label}", row.filled, row.not_applicable)
            for row in data.rows
            if not row.key.startswith("appointment.")
        ]
        found += rules.record_completeness(rows)
    return found


def _post_facts(
    cadre: Cadre, department_id: int | None, title_rank: str, on: date, chiefs: dict
) -> rules.PostFacts:
    chief = chiefs.get(department_id)
    leads = frozenset({str(department_id)}) if title_rank == Rank.CHIEF and department_id else frozenset()
    leader = chief if chief and chief != cadre.name else None
    return rules.PostFacts(cadre.name, str(department_id), leader, rules.WorkKind.OTHER, leads)


def kinship_posting(candidate: Candidate) -> list[Finding]:
    """R-KIN-2: relatives in the same department (same direct leader) or in a direct superior relation."""
    today = _today()
    cadre = candidate.cadre
    relatives = list(Kinship.objects.filter(cadre=cadre).select_related("other")) + list(
        Kinship.objects.filter(other=cadre).select_related("cadre")
    )
    if not relatives:
        return _about(cadre.name, [Finding("R-KIN-2", Level.OK, "R-KIN-2：本单位无需回避的亲属任职关系。")])
    chiefs = {
        h.post.department_id: h.cadre.name
        for h in PostHolding.objects.filter(
            post__organization=candidate.case.organization, post__rank=Rank.CHIEF, ended_on__isnull=True
        ).select_related("post", "cadre")
    }
    post = candidate.vacancy.post
    own = _post_facts(cadre, post.department_id, post.rank, today, chiefs)
    others = []
    for k in relatives:
        other = k.other if k.cadre_id == cadre.pk else k.cadre
        holding = other.current_holding(today)
        dept = holding.post.department_id if holding else other.department_id
        rank = holding.post.rank if holding else ""
        others.append((k.category, _post_facts(other, dept, rank, today, chiefs)))
    return _about(cadre.name, rules.kinship_posting(own, others))


def complaint_affects(complaint: Complaint) -> bool:
    return complaint.conclusion == Complaint.Conclusion.AFFECTS


def next_step_findings(case: SelectionCase, *, quotas: list[rules.QuotaLine] | None = None) -> list[Finding]:
    """The checklist the case page shows for the step that comes next (`quotas`: see `motion`)."""
    from selection import gates_competitive as competitive_gates
    from selection.models import CaseStatus

    if case.is_competitive and case.status in competitive_gates.OWN_STATES:
        return competitive_gates.next_step_findings(case)
    if case.status == CaseStatus.MOTION:
        return motion(case, quotas)
    if case.status == CaseStatus.RECOMMENDATION:
        return recommendation(case)
    if case.status == CaseStatus.INSPECTION:
        return inspection(case)
    if case.status == CaseStatus.DECISION:
        meeting = case.meetings.order_by("-pk").first()
        found = before_meeting(case) if meeting is None or meeting.phase == Meeting.Phase.PREPARING else []
        if meeting and meeting.phase == Meeting.Phase.VOTING:
            found = votes_complete(meeting)
        if meeting and meeting.phase == Meeting.Phase.CLOSED:
            found = decision(case, None, "", "")
        return found
    if case.status == CaseStatus.PUBLIC_NOTICE:
        return notice(case)
    return []
