"""纪实表 (FORMS.md §3): one per candidate, every section, filled from the case, its stage rows and its record.

`record_form_data(candidate)` returns plain sections of rows; the template only lays them out. A row with
no value shows "不适用" and its reason when one is recorded — an event `mark_not_applicable` with payload
`{"row": key, "reason": …}` (for the candidate, or for the whole case when the event has no candidate) —
or a reason that follows from the recorded facts (e.g. no 县委组织部 consent is needed when the candidate
is neither 破格 nor outside the recommendation). Otherwise the row is left visibly empty: R-REQ-1 lets a
batch close only when no such row remains (`completeness_rows` feeds `rules.record_completeness`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, prefetch_related_objects

from selection import rules, signing
from selection.models import (
    Candidate,
    Meeting,
    OpenVote,
    RecommendationRound,
    RecordEvent,
    Recusal,
    SelectionCase,
    VoteChoice,
    verify_chain,
)

from .adapters import prefetch_cadres, reporting_unit_for
from .approval_form import _resume_items
from .common import cn_date, cn_datetime
from .record_sections import Row, Section, Tally, build_sections
from .render import render_pdf

TEMPLATE = "pdf/record_form.html"


@dataclass(frozen=True)
class RecordFormData:
    case: SelectionCase
    candidate: Candidate
    sections: tuple[Section, ...]
    photo: str  # data URI or ""
    basic: dict[str, str] = field(default_factory=dict)
    events: tuple[RecordEvent, ...] = ()
    chain_message: str = ""
    chain_ok: bool = True
    reporting_unit: str = ""

    @property
    def rows(self) -> list[Row]:
        return [row for section in self.sections for row in section.rows]


# ---- reading the case ---------------------------------------------------------------------------------------


def load_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates, in their order, with everything the record form reads (a fixed number of queries
    for any number of them)."""
    wanted = [candidate.pk for candidate in candidates]
    loaded = (
        Candidate.objects.select_related(
            "case__organization",
            "case__motion_proposed_by",
            "case__motion_approved_by",
            "case__target_decision",
            "case__public_notice",
            "vacancy__post__department",
            "vacancy__post__organization",
            "cadre__organization__parent",
            "inspection",
            "appointment",
        )
        .prefetch_related(
            "inspection__team",
            "complaints",
            "recusals",
            "probation_reviews",
            "documents",
            "case__bureau_deliberations",
        )
        .in_bulk(wanted)
    )
    if missing := [pk for pk in wanted if pk not in loaded]:
        raise Candidate.DoesNotExist(f"candidates {missing} are gone")
    cases: dict[int, SelectionCase] = {}
    for candidate in loaded.values():  # one case object for the candidates of one case
        candidate.case = cases.setdefault(candidate.case_id, candidate.case)
    prefetch_related_objects(
        list(cases.values()),
        Prefetch("rounds", queryset=RecommendationRound.objects.prefetch_related("results")),
    )
    prefetch_cadres([candidate.cadre for candidate in loaded.values()])
    return [loaded[pk] for pk in wanted]


def load_candidate(candidate: Candidate) -> Candidate:
    """The candidate with everything the record form reads (a fixed number of queries)."""
    return load_candidates([candidate])[0]


def meetings_of(case: SelectionCase) -> list[Meeting]:
    return list(
        case.meetings.select_related("chair")
        .prefetch_related(
            "attendance__member",
            Prefetch("recusals", queryset=Recusal.objects.select_related("member")),
            Prefetch("open_votes", queryset=OpenVote.objects.select_related("member").order_by("pk")),
        )
        .order_by("held_on", "pk")
    )


def tallies_for(meeting: Meeting, candidates: Iterable[Candidate]) -> list[Tally]:
    """Per candidate voted on (or recused from) at the meeting, from the prefetched rows."""
    result = []
    expected = len(meeting.attendance.all())
    present = sum(1 for a in meeting.attendance.all() if a.present)
    for candidate in candidates:
        votes = [v for v in meeting.open_votes.all() if v.candidate_id == candidate.pk]
        recused = tuple(
            r.member.get_full_name() for r in meeting.recusals.all() if r.candidate_id == candidate.pk
        )
        if not votes and not recused:
            continue
        counts = {choice: sum(1 for v in votes if v.choice == choice) for choice in VoteChoice.values}
        result.append(
            Tally(
                meeting=meeting,
                candidate=candidate,
                expected=expected,
                present=present,
                recused=recused,
                votes={v.member.get_full_name(): v.get_choice_display() for v in votes},
                agree=counts[VoteChoice.AGREE],
                disagree=counts[VoteChoice.DISAGREE],
                postpone=counts[VoteChoice.POSTPONE],
            )
        )
    return result


def record_form_data(
    candidate: Candidate,
    *,
    events: list[RecordEvent] | None = None,
    meetings: list[Meeting] | None = None,
    loaded: bool = False,
) -> RecordFormData:
    """Everything the 纪实表 prints for one candidate. `events`/`meetings` may be passed in (case file);
    `loaded`: the candidate comes from `load_candidates` already."""
    candidate = candidate if loaded else load_candidate(candidate)
    case = candidate.case
    if events is None:
        events = list(case.events.order_by("seq"))
    if meetings is None:
        meetings = meetings_of(case)
    on = next((m.held_on for m in reversed(meetings)), None) or date.today()
    tallies = [t for m in meetings for t in tallies_for(m, [candidate])]
    basic, sections, photo = build_sections(case, candidate, events, tallies, on)
    mine = tuple(e for e in events if e.candidate_id in (None, candidate.pk))
    check = verify_chain(events)
    return RecordFormData(
        case=case,
        candidate=candidate,
        sections=sections,
        photo=photo,
        basic=basic,
        events=mine,
        chain_message=check.message,
        chain_ok=check.ok,
        reporting_unit=reporting_unit_for(candidate.cadre, case),
    )


def completeness_rows(candidate: Candidate) -> list[rules.RecordRow]:
    """The 纪实表 rows as R-REQ-1 sees them (for `rules.record_completeness`)."""
    data = record_form_data(candidate)
    return [
        rules.RecordRow(
            label=f"{data.candidate.cadre.name}·{row.label}",
            filled=row.filled,
            not_applicable_reason=row.not_applicable,
        )
        for row in data.rows
    ]


_UNSIGNED = object()


def record_form_context(data: RecordFormData, *, signed: dict | object | None = _UNSIGNED) -> dict:
    """`signed`: the case's printed head when the caller has it already (the case file prints the same
    head on every 纪实表: one signature check and QR code, not one per candidate)."""
    return {
        "data": data,
        "case": data.case,
        "candidate": data.candidate,
        "basic": data.basic,
        "sections": data.sections,
        "photo": data.photo,
        "resume_items": _resume_items(data.sections[0].rows[0].lines),
        "family_row": data.sections[0].rows[1],
        "events": [
            {
                "seq": e.seq,
                "at": cn_datetime(e.at),
                "actor": e.actor_name,
                "summary": e.summary,
            }
            for e in data.events
        ],
        "chain_message": data.chain_message,
        "chain_ok": data.chain_ok,
        "signed": signing.printed_head(data.case) if signed is _UNSIGNED else signed,
        "reporting_unit": data.reporting_unit,
        "generated": cn_date(date.today()),
    }


def render_record_form(candidate: Candidate, **options) -> bytes:
    """The candidate's 纪实表 as PDF bytes. Reads the database; writes nothing but, when the chain's head is
    not signed yet, its signature (selection/signing.py)."""
    return render_pdf(TEMPLATE, record_form_context(record_form_data(candidate, **options)))
