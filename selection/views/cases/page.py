"""The case page: progress, the next step's checklist, the record timeline and the stage panels' forms."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, prefetch_related_objects
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ... import gates
from ...awaiting import awaiting, main_leaders
from ...checklist_guide import CANDIDATE_OVERRIDES, FORMS, guide_for
from ...forms_cases import (
    AppointForm,
    ComplaintForm,
    ConcludeComplaintForm,
    MeetingForm,
    MeetingSkipForm,
    MotionReviewForm,
    NominateForm,
    NoticeForm,
    OpinionsForm,
    RoundForm,
    TargetsForm,
    TerminateForm,
    party_group_of,
)
from ...gates_competitive import OWN_STATES as COMPETITIVE_OWN_STATES
from ...models import (
    Attendance,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Document,
    Meeting,
    OpenVote,
    RecommendationRound,
    RecordEvent,
    Recusal,
    RoundResult,
    SelectionCase,
    Vacancy,
)
from ...permissions import Action, can, get_case_for, may_correct_motion, may_review_motion
from ...rules import Finding, Level
from ...services import cases as svc
from ...workdays import CalendarUnavailable
from .common import (
    CANDIDATE_BADGE,
    COMPETITIVE_STAGES,
    FIX_ERRORS,
    STAGE_ANCHOR,
    STAGES,
    STATUS_BADGE,
    _anchored,
    _ask_justifications,
    _attempt,
    _case_queryset,
    _url_if_exists,
)


@dataclass(frozen=True)
class StepSpec:
    """The button that moves a case out of a state: its service and its label."""

    name: str
    label: str
    service: Callable[..., Any]
    form: type[Form] | None = None  # the step's own inputs (公示, 任职)


NEXT_STEP: dict[str, StepSpec] = {
    CaseStatus.MOTION: StepSpec("start_recommendation", "进入民主推荐", svc.start_recommendation),
    CaseStatus.RECOMMENDATION: StepSpec("start_inspection", "进入考察", svc.start_inspection),
    CaseStatus.INSPECTION: StepSpec("submit_for_decision", "提交党组讨论决定", svc.submit_for_decision),
    CaseStatus.DECISION: StepSpec("publish_notice", "发布任职前公示", svc.publish_notice, NoticeForm),
    CaseStatus.PUBLIC_NOTICE: StepSpec("appoint", "办理任职", svc.appoint, AppointForm),
}
# Steps without inputs of their own, addressed by name so a stale page cannot trigger the next one.
SIMPLE_STEPS = {spec.name: spec for spec in NEXT_STEP.values() if spec.form is None}


@dataclass(frozen=True)
class StageMark:
    status: str
    label: str
    state: str  # done / current / todo
    anchor: str


def _progress(case: SelectionCase, terminated_from: str | None) -> list[StageMark]:
    reached = terminated_from if case.status == CaseStatus.TERMINATED else case.status
    stages = COMPETITIVE_STAGES if case.is_competitive else STAGES
    index = stages.index(reached) if reached in stages else -1
    marks = []
    for position, status in enumerate(stages):
        if position < index or case.status == CaseStatus.APPOINTED:
            state = "done"
        elif position == index:
            state = "stopped" if case.status == CaseStatus.TERMINATED else "current"
        else:
            state = "todo"
        marks.append(StageMark(status, str(CaseStatus(status).label), state, STAGE_ANCHOR[status]))
    return marks


@dataclass(frozen=True)
class ChecklistRow:
    finding: Finding
    symbol: str
    css: str
    link: str | None
    role: str = ""  # who must act (人事干部, 党组主要领导, …)
    form_label: str = ""  # the form the link opens

    @property
    def text(self) -> str:
        """The message without its leading rule ID (shown beside it already)."""
        head, sep, rest = self.finding.message.partition("：")
        if not sep or not head.startswith(self.finding.rule):
            return self.finding.message
        item = head.removeprefix(self.finding.rule)  # e.g. ① of the negative list
        return f"{item}：{rest}" if item else rest


SYMBOLS = {
    Level.OK: ("✓", "finding-ok"),
    Level.BLOCK: ("✗", "finding-block"),
    Level.WARN: ("!", "finding-warn"),
    Level.RECORD: ("i", "text-secondary"),
}


def _form_url(case: SelectionCase, key: str, candidate: Candidate | None, on_candidate_page: bool) -> str:
    """The URL of the form `key` (checklist_guide.FORMS): its page, the panel opened, scrolled to it."""
    form = FORMS[key]
    if key == "motion_edit":
        if case.status == CaseStatus.MOTION and case.motion_review in (
            SelectionCase.MotionReview.PENDING,
            SelectionCase.MotionReview.RETURNED,
        ):
            return reverse("case_edit_motion", args=[case.pk])
        return f"{case.get_absolute_url()}#stage-motion"
    if key == "holidays":
        return _url_if_exists("holiday_list") or f"{case.get_absolute_url()}#next-step"
    if key == "competition":
        return reverse("competitive_case", args=[case.pk]) + "#next-step"
    if form.on_candidate:
        if on_candidate_page:
            return f"#{form.anchor}"
        if candidate is not None:
            return f"{reverse('candidate_detail', args=[case.pk, candidate.pk])}#{form.anchor}"
        return f"{case.get_absolute_url()}#candidates"
    query = f"?open={form.panel}" if form.panel else ""
    return f"{case.get_absolute_url()}{query}#{form.anchor}"


def _checklist(
    case: SelectionCase,
    findings: list[Finding],
    candidates: list[Candidate],
    *,
    candidate: Candidate | None = None,
) -> list[ChecklistRow]:
    """Each finding with who must act and a link to the exact form that fixes it; on the candidate page
    (`candidate` given) the candidate's own forms are anchors on that page."""
    by_name = {c.cadre.name: c for c in candidates}
    rows = []
    for finding in findings:
        symbol, css = SYMBOLS[Level(finding.level)]
        guide = guide_for(finding.rule)
        named = candidate or next((c for name, c in by_name.items() if name in finding.message), None)
        key = guide.form
        if (
            case.is_competitive
            and case.status in COMPETITIVE_OWN_STATES
            and not finding.rule.startswith("R-MOT")
        ):
            key = "competition"  # 竞争上岗's own steps are fixed on its page (R-KIN-3: the panel)
        if named is not None and finding.rule in CANDIDATE_OVERRIDES and finding.level == Level.WARN:
            key = CANDIDATE_OVERRIDES[finding.rule]
        link = _form_url(case, key, named, candidate is not None)
        rows.append(ChecklistRow(finding, symbol, css, link, guide.role, FORMS[key].label))
    return rows


STATE_LABELS = {**dict(CandidateStatus.choices), **dict(CaseStatus.choices)}


@dataclass(frozen=True)
class TimelineRow:
    event: RecordEvent
    from_label: str
    to_label: str
    findings: list
    justifications: list


def _timeline(events: list[RecordEvent]) -> list[TimelineRow]:
    rows = []
    for event in events:
        justification = event.justification if isinstance(event.justification, dict) else {}
        rows.append(
            TimelineRow(
                event=event,
                from_label=STATE_LABELS.get(event.from_state, event.from_state),
                to_label=STATE_LABELS.get(event.to_state, event.to_state),
                findings=event.findings if isinstance(event.findings, list) else [],
                justifications=[v for v in justification.values() if isinstance(v, dict)],
            )
        )
    return rows


@dataclass(frozen=True)
class NoticeDates:
    ends_on: date | None
    workdays_left: int | None
    problem: str = ""


def notice_dates(case: SelectionCase, published_on: date | None = None) -> NoticeDates:
    """The notice's end (computed in working days, R-NOT-2) and the working days left (R-CAL)."""
    today = timezone.localdate()
    try:
        if published_on is not None:
            return NoticeDates(gates.notice_end(case, published_on), None)
        notice = case.public_notice
        left = gates.calendar().workdays_left(notice.ends_on, today)
        return NoticeDates(notice.ends_on, left)
    except CalendarUnavailable as error:
        return NoticeDates(None, None, str(error))


def _case_context(request: HttpRequest, case: SelectionCase, bound: dict[str, Form]) -> dict[str, Any]:
    """Everything the case page shows; each relation is one query whatever the number of candidates."""
    user = request.user
    manage = can(user, Action.MANAGE_CASES)
    # Held on the case itself, so the checklist's gates read these rows instead of asking again.
    prefetch_related_objects(
        [case],
        Prefetch("vacancies", queryset=Vacancy.objects.select_related("post__department")),
        Prefetch(
            "candidates",
            queryset=Candidate.objects.select_related(
                "cadre__department", "vacancy__post__department", "inspection", "appointment"
            ),
        ),
        Prefetch(
            "rounds",
            queryset=RecommendationRound.objects.prefetch_related(
                Prefetch(
                    "results",
                    queryset=RoundResult.objects.select_related("cadre", "vacancy__post__department"),
                )
            ),
        ),
        Prefetch("documents", queryset=Document.objects.select_related("candidate__cadre", "uploaded_by")),
    )
    vacancies = list(case.vacancies.all())
    candidates = list(case.candidates.all())
    rounds = list(case.rounds.all())
    meetings = list(
        case.meetings.select_related("chair").prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("pk")),
            Prefetch("recusals", queryset=Recusal.objects.select_related("member", "candidate__cadre")),
            Prefetch("open_votes", queryset=OpenVote.objects.select_related("member", "candidate__cadre")),
        )
    )
    events = list(case.events.select_related("candidate__cadre").order_by("-seq"))
    documents = list(case.documents.all())
    status = case.status
    # 竞争上岗's own steps are taken on its page (selection/views/competitive.py)
    step = None if case.is_competitive and status in COMPETITIVE_OWN_STATES else NEXT_STEP.get(status)
    # shown and checked here with the kept count; the step counts afresh (services.cases)
    quotas = gates.quota_lines(case, cached=True) if case.status == CaseStatus.MOTION else None
    findings = gates.next_step_findings(case, quotas=quotas) if case.is_open else []
    warnings = [f for f in findings if f.level == Level.WARN]
    terminated_from = next((e.from_state for e in events if e.action == "terminate"), None)
    meeting = meetings[-1] if meetings else None
    for each in meetings:  # the online-voting pages (sign-offs, secret ballots), once they exist
        each.detail_url = _url_if_exists("meeting_detail", each.pk)
        each.present_count = sum(1 for a in each.attendance.all() if a.present)
        each.pk_str = str(each.pk)
        # The tally of a closed meeting, secret ballots included (never who chose what).
        each.tallies = list(gates.tally(each).values()) if each.phase == Meeting.Phase.CLOSED else []
    target_decision = getattr(case, "target_decision", None) if hasattr(case, "target_decision") else None
    public_notice = getattr(case, "public_notice", None) if hasattr(case, "public_notice") else None
    for candidate in candidates:
        candidate.badge = CANDIDATE_BADGE[candidate.status]
    progress = _progress(case, terminated_from)
    context: dict[str, Any] = {
        "case": case,
        "status_badge": STATUS_BADGE[status],
        "today": timezone.localdate(),
        "progress": progress,
        "reached": {mark.status: mark.state != "todo" for mark in progress},
        "targets": [
            c for c in candidates if c.status not in (CandidateStatus.NOMINATED, CandidateStatus.WITHDRAWN)
        ],
        "vacancies": vacancies,
        "candidates": candidates,
        "rounds": rounds,
        "meetings": meetings,
        "meeting": meeting,
        "target_decision": target_decision,
        "public_notice": public_notice,
        "documents": documents,
        "timeline": _timeline(events),
        "step": step,
        "checklist": _checklist(case, findings, candidates),
        "blocking_count": sum(1 for f in findings if f.level == Level.BLOCK),
        "warnings": warnings,
        "manage": manage,
        "upload_url": _url_if_exists("document_upload", case.pk),
        "download_available": _url_if_exists("document_download", 0) is not None,
        "record_url": _url_if_exists("record_case", case.pk) if can(user, Action.AUDIT) else None,
        "may_export": manage or can(user, Action.AUDIT),
        "document_kinds": Document.Kind.choices,
        "breadcrumbs": [("选拔任用", reverse("case_list")), (case.title, None)],
        "open_panel": request.GET.get("open", ""),
    }
    if quotas is not None:
        context["quota_lines"] = quotas
    if manage and case.is_open:
        forms: dict[str, Form] = {"terminate_form": TerminateForm()}
        if status in (CaseStatus.MOTION, CaseStatus.RECOMMENDATION):
            forms["nominate_form"] = NominateForm(case=case)
        if status == CaseStatus.RECOMMENDATION:
            nominated = [c for c in candidates if c.status == CandidateStatus.NOMINATED]
            forms["round_form"] = RoundForm(candidates=nominated)
            if not any(r.kind == RecommendationRound.Kind.MEETING for r in rounds):
                forms["skip_form"] = MeetingSkipForm(initial=case.meeting_skip or None)
            if target_decision is None:
                forms["targets_form"] = TargetsForm(
                    case=case, group_size=party_group_of(case.organization).count()
                )
        if status == CaseStatus.DECISION:
            if meeting is None or meeting.phase == Meeting.Phase.CLOSED:
                forms["meeting_form"] = MeetingForm(organization=case.organization)
            if meeting is not None and meeting.phase == Meeting.Phase.VOTING:
                proposed = [c for c in candidates if c.status == CandidateStatus.PROPOSED]
                forms["opinions_form"] = OpinionsForm(meeting=meeting, candidates=proposed)
        if status == CaseStatus.PUBLIC_NOTICE:
            forms["complaint_form"] = ComplaintForm(case=case)
            forms["conclude_form"] = ConcludeComplaintForm()
            forms["conclude_blank"] = ConcludeComplaintForm()
        if step and step.form:
            forms["step_form"] = step.form()
        forms.update(bound)
        context.update(forms)
    if status == CaseStatus.DECISION and meeting is not None and meeting.phase == Meeting.Phase.CLOSED:
        context["notice_preview"] = notice_dates(case, timezone.localdate())
    if public_notice is not None:
        context["complaints"] = list(public_notice.complaints.select_related("candidate__cadre"))
        if status == CaseStatus.PUBLIC_NOTICE:
            context["notice_dates"] = notice_dates(case)
    context["may_close_meeting"] = manage or can(user, Action.CHAIR_MEETING)
    context["may_approve_motion"] = may_review_motion(user, case)
    context["may_correct_motion"] = may_correct_motion(user, case)
    if context["may_approve_motion"]:
        context["review_form"] = bound.get("review_form") or MotionReviewForm()
    waits_for_leader = status == CaseStatus.MOTION and case.motion_review == case.MotionReview.PENDING
    leaders = main_leaders([case.organization_id]) if waits_for_leader else {}
    context["awaiting"] = awaiting(case, leaders, meeting)
    return context


def _case_page(
    request: HttpRequest, case: SelectionCase, bound: dict[str, Form] | None = None
) -> HttpResponse:
    return render(request, "selection/cases/case_detail.html", _case_context(request, case, bound or {}))


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.VIEW_CASES, queryset=_case_queryset())
    return _case_page(request, case)


def _invalid(request: HttpRequest, case: SelectionCase, name: str, form: Form) -> HttpResponse:
    messages.error(request, FIX_ERRORS)
    return _case_page(request, case, {name: form})


def _submit(
    request: HttpRequest,
    case: SelectionCase,
    name: str,
    form: Form,
    call: Callable[[], Any],
    *,
    ok: str,
    anchor: str,
) -> HttpResponse:
    """One service call for a valid form: on success back to the panel; on a refusal the same page
    again with the user's input kept and the reason beside the form; warnings ask for justifications."""
    outcome = _attempt(request, call, ok=ok)
    if outcome.done:
        return redirect(_anchored(case, anchor))
    if outcome.ask is not None:
        return _ask_justifications(request, case, outcome.ask)
    form.add_error(None, outcome.message)
    return _case_page(request, case, {name: form})
