"""Case screens (选拔任用工作): the list, the motion form, the case page with its stage panels, the next
step's checklist and the record timeline, and the candidate page.

Every POST view: authorize (selection.permissions) → validate (selection.forms_cases) → call ONE service
(selection.services.cases) → redirect with a Chinese message. A refusal changes nothing and says why; a
warning without its justification shows a page asking for it; no ServiceError ever becomes a 500.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import gates
from ..forms_cases import (
    ANSWERED_NEGATIVE_ITEMS,
    AppointForm,
    CaseFilterForm,
    ComplaintForm,
    ConcludeComplaintForm,
    ExceptionalForm,
    HealthForm,
    InspectionForm,
    MeetingForm,
    MeetingSkipForm,
    MotionForm,
    NegativeListForm,
    NominateForm,
    NotApplicableForm,
    NoticeForm,
    OpinionsForm,
    RoundForm,
    TargetReasonForm,
    TargetsForm,
    TerminateForm,
    WithdrawForm,
    justifications_from,
    party_group_of,
)
from ..models import (
    Attendance,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Complaint,
    Document,
    Meeting,
    OpenVote,
    PostHolding,
    Quota,
    RecommendationRound,
    RecordEvent,
    Recusal,
    RoundResult,
    SelectionCase,
)
from ..models.post import Rank
from ..permissions import Action, can, can_record_inspection, get_case_for, require
from ..rules import Finding, Level
from ..services import cases as svc
from ..services.base import Actor, ServiceError, StaleState, TransitionRefused
from ..workdays import CalendarUnavailable

PAGE_SIZE = 20
FIX_ERRORS = "提交失败：请按提示更正标红的内容，本次填写的内容尚未保存。"

STAGES = [
    CaseStatus.MOTION,
    CaseStatus.RECOMMENDATION,
    CaseStatus.INSPECTION,
    CaseStatus.DECISION,
    CaseStatus.PUBLIC_NOTICE,
    CaseStatus.APPOINTED,
]
STAGE_ANCHOR = {
    CaseStatus.MOTION: "stage-motion",
    CaseStatus.RECOMMENDATION: "stage-recommendation",
    CaseStatus.INSPECTION: "stage-inspection",
    CaseStatus.DECISION: "stage-decision",
    CaseStatus.PUBLIC_NOTICE: "stage-notice",
    CaseStatus.APPOINTED: "stage-appointment",
}
STATUS_BADGE = {
    CaseStatus.MOTION: "text-bg-secondary",
    CaseStatus.RECOMMENDATION: "text-bg-info",
    CaseStatus.INSPECTION: "text-bg-primary",
    CaseStatus.DECISION: "text-bg-warning",
    CaseStatus.PUBLIC_NOTICE: "text-bg-danger",
    CaseStatus.APPOINTED: "text-bg-success",
    CaseStatus.TERMINATED: "text-bg-dark",
}
CANDIDATE_BADGE = {
    CandidateStatus.NOMINATED: "text-bg-secondary",
    CandidateStatus.TARGET: "text-bg-primary",
    CandidateStatus.PROPOSED: "text-bg-warning",
    CandidateStatus.APPROVED: "text-bg-success",
    CandidateStatus.REJECTED: "text-bg-dark",
    CandidateStatus.DEFERRED: "text-bg-info",
    CandidateStatus.APPOINTED: "text-bg-success",
    CandidateStatus.WITHDRAWN: "text-bg-light border",
}


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


def _actor(request: HttpRequest) -> Actor:
    """Who acts and from where (the direct peer; a proxy in front must set REMOTE_ADDR itself)."""
    return Actor(request.user, request.META.get("REMOTE_ADDR") or None)


def _url_if_exists(name: str, *args: Any) -> str | None:
    """Links to pages other work adds (uploads, the auditor's record) appear once their URLs exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _anchored(case: SelectionCase, anchor: str) -> str:
    return f"{case.get_absolute_url()}#{anchor}"


def _form_errors(form: Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{' '.join(errors)}" if label else " ".join(errors))
    return "；".join(parts)


def _perform(request: HttpRequest, call: Callable[[], Any], *, ok: str) -> TransitionRefused | None:
    """Call one service and turn its refusal into a message; never a 500.

    Returns the refusal when only justifications are missing, so the view can ask for them."""
    try:
        call()
    except StaleState as stale:
        messages.warning(request, stale.message)
    except TransitionRefused as refused:
        messages.error(request, refused.message)
        if refused.missing_justifications and not refused.blocking:
            return refused
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, ok)
    return None


def _ask_justifications(
    request: HttpRequest, case: SelectionCase, refused: TransitionRefused
) -> HttpResponse:
    """The same POST again, with a textarea per warning that still needs a written justification."""
    resend = [
        (name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken" and not name.startswith("justify_")
        for value in values
    ]
    return render(
        request,
        "selection/cases/justify.html",
        {
            "case": case,
            "warnings": refused.missing_justifications,
            "resend": resend,
            "given": justifications_from(request.POST),
            "action": request.path,
            "breadcrumbs": [
                ("选拔任用", reverse("case_list")),
                (case.title, case.get_absolute_url()),
                ("填写说明", None),
            ],
        },
    )


# ---- 我的待办 ---------------------------------------------------------------------------------------------


def pending_items(user) -> list:
    """Case work waiting for this user: motions for the main leader (the oldest 10)."""
    from .voting import PendingItem

    if not user.is_authenticated or not can(user, Action.VIEW_CASES):
        return []
    cases = SelectionCase.objects.visible_to(user)
    items = []
    if can(user, Action.APPROVE_MOTION):
        waiting = cases.filter(status=CaseStatus.MOTION, motion_approved_at__isnull=True)
        for case in waiting.order_by("created_at", "pk")[:10]:
            items.append(
                PendingItem(
                    f"审批动议：{case.title}",
                    "启动选拔任用工作须经主要领导同意（R-MOT-2）",
                    _anchored(case, "stage-motion"),
                )
            )
    # HR's open cases are summarised on 我的待办 by stage, with the longest-waiting few (supervision).
    return items


# ---- list and new case --------------------------------------------------------------------------------


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    form = CaseFilterForm(request.GET or None)
    cases = form.filter(SelectionCase.objects.visible_to(request.user).for_list())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.badge = STATUS_BADGE[case.status]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "selection/cases/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "breadcrumbs": [("选拔任用", None)],
        },
    )


@dataclass(frozen=True)
class QuotaRow:
    rank: str
    label: str
    approved: int
    filled: int
    pending: int

    @property
    def free(self) -> int:
        return self.approved - self.filled - self.pending


def organization_quota(organization) -> list[QuotaRow]:
    """核定/现配/拟配 per rank, counted as gates.quota_lines counts them for a case (R-MOT-1)."""
    approved = dict(Quota.objects.filter(organization=organization).values_list("rank", "approved"))
    filled: dict[str, int] = {}
    for rank in PostHolding.objects.filter(
        post__organization=organization, ended_on__isnull=True
    ).values_list("post__rank", flat=True):
        filled[rank] = filled.get(rank, 0) + 1
    pending: dict[str, int] = {}
    for rank in Candidate.objects.filter(
        case__organization=organization, status=CandidateStatus.APPROVED
    ).values_list("vacancy__post__rank", flat=True):
        pending[rank] = pending.get(rank, 0) + 1
    return [
        QuotaRow(
            rank.value, str(rank.label), approved.get(rank, 0), filled.get(rank, 0), pending.get(rank, 0)
        )
        for rank in Rank
    ]


@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """动议: open a case with its vacancies."""
    require(request.user, Action.MANAGE_CASES)
    organization = request.user.organization
    if organization is None:
        raise PermissionDenied
    form = MotionForm(request.POST or None, organization=organization)
    if request.method == "POST":
        if form.is_valid():
            try:
                case = svc.open_case(organization, by=_actor(request), **form.service_kwargs())
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"已启动动议“{case.title}”。请报主要领导同意后进入民主推荐。")
                return redirect(case)
        else:
            messages.error(request, FIX_ERRORS)
    return render(
        request,
        "selection/cases/case_form.html",
        {
            "form": form,
            "quota": organization_quota(organization),
            "breadcrumbs": [("选拔任用", reverse("case_list")), ("启动动议", None)],
        },
    )


# ---- the case page ------------------------------------------------------------------------------------


def _case_queryset():
    return SelectionCase.objects.select_related(
        "organization",
        "created_by",
        "motion_proposed_by",
        "motion_approved_by",
        "target_decision",
        "public_notice",
    )


@dataclass(frozen=True)
class StageMark:
    status: str
    label: str
    state: str  # done / current / todo
    anchor: str


def _progress(case: SelectionCase, terminated_from: str | None) -> list[StageMark]:
    reached = terminated_from if case.status == CaseStatus.TERMINATED else case.status
    index = STAGES.index(reached) if reached in STAGES else -1
    marks = []
    for position, status in enumerate(STAGES):
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
RULE_ANCHORS = [
    ("R-MOT", "stage-motion"),
    ("R-MET", "stage-motion"),
    ("R-REC", "stage-recommendation"),
    ("R-DEC", "stage-decision"),
    ("R-NOT", "stage-notice"),
    ("R-APP", "stage-appointment"),
    ("R-CAL", "stage-notice"),
]


def _fix_link(case: SelectionCase, finding: Finding, by_name: dict[str, Candidate]) -> str | None:
    """Where to fix it: the candidate page when the message names a candidate, else the stage panel."""
    for name, candidate in by_name.items():
        if name in finding.message and finding.rule[:5] in {"R-INS", "R-ELI", "R-EXC", "R-KIN"}:
            return reverse("candidate_detail", args=[case.pk, candidate.pk])
    if finding.rule == "R-INS-1":
        return "#stage-recommendation"
    for prefix, anchor in RULE_ANCHORS:
        if finding.rule.startswith(prefix):
            return f"#{anchor}"
    return "#candidates"


def _checklist(
    case: SelectionCase, findings: list[Finding], candidates: list[Candidate]
) -> list[ChecklistRow]:
    by_name = {c.cadre.name: c for c in candidates}
    rows = []
    for finding in findings:
        symbol, css = SYMBOLS[Level(finding.level)]
        rows.append(ChecklistRow(finding, symbol, css, _fix_link(case, finding, by_name)))
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
    vacancies = list(case.vacancies.select_related("post__department"))
    candidates = list(
        case.candidates.select_related(
            "cadre__department", "vacancy__post__department", "inspection", "appointment"
        )
    )
    rounds = list(
        case.rounds.prefetch_related(
            Prefetch("results", queryset=RoundResult.objects.select_related("cadre", "vacancy__post"))
        )
    )
    meetings = list(
        case.meetings.select_related("chair").prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("pk")),
            Prefetch("recusals", queryset=Recusal.objects.select_related("member", "candidate__cadre")),
            Prefetch("open_votes", queryset=OpenVote.objects.select_related("member", "candidate__cadre")),
        )
    )
    events = list(case.events.select_related("candidate__cadre").order_by("-seq"))
    documents = list(case.documents.select_related("candidate__cadre", "uploaded_by"))
    status = case.status
    step = NEXT_STEP.get(status)
    findings = gates.next_step_findings(case) if case.is_open else []
    warnings = [f for f in findings if f.level == Level.WARN]
    terminated_from = next((e.from_state for e in events if e.action == "terminate"), None)
    meeting = meetings[-1] if meetings else None
    for each in meetings:  # the online-voting pages (sign-offs, secret ballots), once they exist
        each.detail_url = _url_if_exists("meeting_detail", each.pk)
        each.present_count = sum(1 for a in each.attendance.all() if a.present)
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
    }
    if status == CaseStatus.MOTION:
        context["quota_lines"] = gates.quota_lines(case)
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
    context["may_approve_motion"] = (
        can(user, Action.APPROVE_MOTION) and status == CaseStatus.MOTION and not case.motion_approved_at
    )
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


# ---- POST: one service each ---------------------------------------------------------------------------


@require_POST
def case_approve_motion(request: HttpRequest, pk: int) -> HttpResponse:
    """The main leader decides or approves the motion (R-MOT-2)."""
    case = get_case_for(request.user, pk, Action.APPROVE_MOTION)
    _perform(request, lambda: svc.approve_motion(case, by=_actor(request)), ok="已同意启动该选拔任用工作。")
    return redirect(_anchored(case, "stage-motion"))


@require_POST
def case_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """进入民主推荐 / 进入考察 / 提交党组讨论决定, with a justification per warning."""
    spec = SIMPLE_STEPS.get(step)
    if spec is None:
        raise Http404("没有这个步骤。")
    case = get_case_for(request.user, pk, Action.MANAGE_CASES)
    justifications = justifications_from(request.POST)
    refused = _perform(
        request,
        lambda: spec.service(case, by=_actor(request), justifications=justifications),
        ok=f"已{spec.label}。",
    )
    if refused is not None:
        return _ask_justifications(request, case, refused)
    return redirect(_anchored(case, "next-step"))


@require_POST
def case_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = NominateForm(request.POST, case=case)
    if not form.is_valid():
        return _invalid(request, case, "nominate_form", form)
    kwargs = form.service_kwargs()
    _perform(
        request,
        lambda: svc.nominate(case, by=_actor(request), **kwargs),
        ok=f"已将{kwargs['cadre'].name}列为“{kwargs['vacancy'].post}”的人选。",
    )
    return redirect(_anchored(case, "candidates"))


@require_POST
def case_round(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    nominated = list(
        case.candidates.filter(status=CandidateStatus.NOMINATED).select_related(
            "cadre", "vacancy__post__department"
        )
    )
    form = RoundForm(request.POST, candidates=nominated)
    if not form.is_valid():
        return _invalid(request, case, "round_form", form)
    kwargs = form.service_kwargs()
    _perform(request, lambda: svc.record_round(case, by=_actor(request), **kwargs), ok="已录入推荐结果。")
    return redirect(_anchored(case, "stage-recommendation"))


@require_POST
def case_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """The party group's collective decision on the inspection targets (R-INS-1)."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = TargetsForm(request.POST, case=case)
    if not form.is_valid():
        return _invalid(request, case, "targets_form", form)
    kwargs = form.service_kwargs()
    justifications = justifications_from(request.POST)
    refused = _perform(
        request,
        lambda: svc.fix_targets(case, by=_actor(request), justifications=justifications, **kwargs),
        ok="已录入党组集体研究确定的考察对象。",
    )
    if refused is not None:
        return _ask_justifications(request, case, refused)
    return redirect(_anchored(case, "stage-recommendation"))


@require_POST
def case_meeting_skip(request: HttpRequest, pk: int) -> HttpResponse:
    """Why the meeting round is not held (R-REC-4)."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = MeetingSkipForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "skip_form", form)
    _perform(
        request,
        lambda: svc.record_meeting_skip(case, by=_actor(request), **form.service_kwargs()),
        ok="已记录不再进行会议推荐的情形和理由。",
    )
    return redirect(_anchored(case, "stage-recommendation"))


@require_POST
def case_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """党组会议: attendance, chair and method; recusals are derived by the service (R-DEC-1/2/6)."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = MeetingForm(request.POST, organization=case.organization)
    if not form.is_valid():
        return _invalid(request, case, "meeting_form", form)
    kwargs = form.service_kwargs()
    _perform(
        request,
        lambda: svc.convene_meeting(case, by=_actor(request), **kwargs),
        ok="已录入党组会议，请录入每位成员的表决意见。",
    )
    return redirect(_anchored(case, "stage-decision"))


@require_POST
def case_opinions(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """HR records what each member said in the room (oral / show of hands), the chair last (R-DEC-3).

    Each opinion is cast as the member it belongs to; the service checks presence, recusal and order."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    meeting = get_object_or_404(
        Meeting.objects.prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("pk")),
            "recusals",
            "open_votes",
        ),
        case=case,
        pk=meeting_pk,
    )
    proposed = list(case.candidates.filter(status=CandidateStatus.PROPOSED).select_related("cadre"))
    form = OpinionsForm(request.POST, meeting=meeting, candidates=proposed)
    if not form.is_valid():
        return _invalid(request, case, "opinions_form", form)
    entered = form.entered()
    if not entered:
        messages.warning(request, "没有录入任何表决意见。")
        return redirect(_anchored(case, "stage-decision"))
    _perform(
        request,
        lambda: svc.record_open_votes(meeting, entered, by=_actor(request)),
        ok=f"已录入 {len(entered)} 条表决意见。",
    )
    return redirect(_anchored(case, "stage-decision"))


@require_POST
def case_close_meeting(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """End the vote and apply the tally (R-DEC-5); HR or the chairing main leader."""
    case = get_case_for(request.user, pk, Action.VIEW_CASES)
    if not (can(request.user, Action.MANAGE_CASES) or can(request.user, Action.CHAIR_MEETING)):
        raise PermissionDenied
    meeting = get_object_or_404(Meeting, case=case, pk=meeting_pk)
    _perform(request, lambda: svc.close_meeting(meeting, by=_actor(request)), ok="表决已结束，结果已记录。")
    return redirect(_anchored(case, "stage-decision"))


@require_GET
def case_notice_end(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the end date of a notice published on the chosen day (R-NOT-2, R-CAL)."""
    case = get_case_for(request.user, pk, Action.VIEW_CASES)
    try:
        published_on = parse_date(request.GET.get("published_on", ""))
    except ValueError:
        published_on = None
    dates = notice_dates(case, published_on) if published_on else NoticeDates(None, None)
    return render(request, "selection/cases/_notice_end.html", {"dates": dates, "published_on": published_on})


@require_POST
def case_publish_notice(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = NoticeForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "step_form", form)
    kwargs = form.service_kwargs()
    justifications = justifications_from(request.POST)

    def publish() -> None:
        try:
            svc.publish_notice(case, by=_actor(request), justifications=justifications, **kwargs)
        except CalendarUnavailable as error:  # R-CAL-3: an administrator must enter the year's holidays
            raise ServiceError(str(error)) from error

    refused = _perform(request, publish, ok="已发布任职前公示。")
    if refused is not None:
        return _ask_justifications(request, case, refused)
    return redirect(_anchored(case, "stage-notice"))


@require_POST
def case_complaint(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = ComplaintForm(request.POST, case=case)
    if not form.is_valid():
        return _invalid(request, case, "complaint_form", form)
    kwargs = form.service_kwargs()
    _perform(request, lambda: svc.record_complaint(case, by=_actor(request), **kwargs), ok="已登记信访举报。")
    return redirect(_anchored(case, "stage-notice"))


@require_POST
def case_conclude_complaint(request: HttpRequest, pk: int, complaint_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    complaint = get_object_or_404(
        Complaint.objects.select_related("notice__case"), notice__case=case, pk=complaint_pk
    )
    form = ConcludeComplaintForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "conclude_form", form)
    kwargs = form.service_kwargs()
    _perform(
        request,
        lambda: svc.conclude_complaint(complaint, by=_actor(request), **kwargs),
        ok="信访举报已办结。",
    )
    return redirect(_anchored(case, "stage-notice"))


@require_POST
def case_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    """公示 → 任职 (R-APP-1..5)."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = AppointForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "step_form", form)
    kwargs = form.service_kwargs()
    justifications = justifications_from(request.POST)
    refused = _perform(
        request,
        lambda: svc.appoint(case, by=_actor(request), justifications=justifications, **kwargs),
        ok="已办理任职，干部任职信息和职数已同步更新。",
    )
    if refused is not None:
        return _ask_justifications(request, case, refused)
    return redirect(_anchored(case, "stage-appointment"))


@require_POST
def case_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE_CASES, queryset=_case_queryset())
    form = TerminateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, "terminate_form", form)
    reason = form.cleaned_data["reason"]
    _perform(
        request,
        lambda: svc.terminate_case(case, by=_actor(request), reason=reason),
        ok="已终止该选拔任用工作。",
    )
    return redirect(case)


# ---- the candidate page -------------------------------------------------------------------------------


def _candidate_for(request: HttpRequest, pk: int, candidate_pk: int) -> tuple[SelectionCase, Candidate]:
    """404 outside the user's organization; readable with VIEW_CASES or by the candidate's inspection team."""
    case = get_object_or_404(_case_queryset().visible_to(request.user), pk=pk)
    candidate = get_object_or_404(
        Candidate.objects.select_related(
            "cadre__department", "vacancy__post__department", "inspection", "appointment"
        ),
        case=case,
        pk=candidate_pk,
    )
    candidate.case = case
    if not (can(request.user, Action.VIEW_CASES) or can_record_inspection(request.user, candidate)):
        raise PermissionDenied
    return case, candidate


CANDIDATE_FORMS: dict[str, Callable[..., Form]] = {
    "negative": lambda data, c, manage: NegativeListForm(data, inspection=getattr(c, "inspection", None)),
    "health": lambda data, c, manage: HealthForm(data, candidate=c),
    "exceptional": lambda data, c, manage: ExceptionalForm(data, candidate=c),
    "target_reason": lambda data, c, manage: TargetReasonForm(data, candidate=c),
    "inspection": lambda data, c, manage: InspectionForm(data, candidate=c, may_assign_team=manage),
}


def _candidate_findings(candidate: Candidate) -> list[Finding]:
    """This person's checks: eligibility and the negative list; the inspection record once a target."""
    today = timezone.localdate()
    found = [*gates.candidate_eligibility(candidate), *gates.negative_list(candidate, today)]
    if candidate.status == CandidateStatus.TARGET:
        found += [
            f
            for f in gates.candidate_inspection(candidate)
            if f.rule not in {"R-ELIG-3", "R-ELIG-6", "R-ELIG-7"}
        ]
    return found


def _candidate_page(
    request: HttpRequest, case: SelectionCase, candidate: Candidate, bound: dict[str, Form] | None = None
) -> HttpResponse:
    user = request.user
    manage = can(user, Action.MANAGE_CASES)
    may_record = case.is_open and candidate.is_open and can_record_inspection(user, candidate)
    forms: dict[str, Form] = {}
    if may_record:
        sections = [
            name
            for name in CANDIDATE_FORMS
            if name != "inspection" or candidate.status in (CandidateStatus.TARGET, CandidateStatus.PROPOSED)
        ]
        forms = {f"{name}_form": CANDIDATE_FORMS[name](None, candidate, manage) for name in sections}
        if manage:
            forms["withdraw_form"] = WithdrawForm()
            if case.status in (CaseStatus.DECISION, CaseStatus.PUBLIC_NOTICE):
                empty = [r for r in gates.record_rows(candidate) if not r.filled and not r.not_applicable]
                if empty:
                    forms["na_form"] = NotApplicableForm(rows=empty)
        forms.update(bound or {})
    inspection = getattr(candidate, "inspection", None)
    candidate.badge = CANDIDATE_BADGE[candidate.status]
    results = list(
        RoundResult.objects.filter(vacancy=candidate.vacancy, cadre=candidate.cadre)
        .select_related("round")
        .order_by("round__held_on", "round__pk")
    )
    findings = _candidate_findings(candidate) if candidate.is_open and case.is_open else []
    events = list(case.events.filter(candidate=candidate).select_related("candidate__cadre").order_by("-seq"))
    return render(
        request,
        "selection/cases/candidate_detail.html",
        {
            "case": case,
            "candidate": candidate,
            "inspection": inspection,
            "team": list(inspection.team.all()) if inspection else [],
            "results": results,
            "checklist": _checklist(case, findings, []),
            "documents": list(candidate.documents.select_related("uploaded_by")),
            "timeline": _timeline(events),
            "negative_answers": [
                (item.label, (inspection.negative_list or {}).get(item.value) if inspection else None)
                for item in ANSWERED_NEGATIVE_ITEMS
            ],
            "may_record": may_record,
            "manage": manage,
            "upload_url": _url_if_exists("document_upload", case.pk) if manage else None,
            "download_available": _url_if_exists("document_download", 0) is not None,
            "approval_form_url": _url_if_exists("candidate_approval_form", case.pk, candidate.pk),
            "document_kinds": Document.Kind.choices,
            "breadcrumbs": [
                ("选拔任用", reverse("case_list")),
                (case.title, case.get_absolute_url()),
                (candidate.cadre.name, None),
            ],
            **forms,
        },
    )


@require_GET
def candidate_detail(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    case, candidate = _candidate_for(request, pk, candidate_pk)
    return _candidate_page(request, case, candidate)


SECTION_LABELS = {
    "negative": "负面清单核查",
    "health": "身体条件",
    "exceptional": "破格提拔情况",
    "target_reason": "确定为考察对象的理由",
    "inspection": "考察情况",
}


@require_POST
def candidate_record(request: HttpRequest, pk: int, candidate_pk: int, section: str) -> HttpResponse:
    """One section of a candidate's record → update_candidate_record (every change is an event)."""
    if section not in CANDIDATE_FORMS:
        raise Http404("没有这个栏目。")
    case, candidate = _candidate_for(request, pk, candidate_pk)
    if not can_record_inspection(request.user, candidate):
        raise PermissionDenied
    manage = can(request.user, Action.MANAGE_CASES)
    form = CANDIDATE_FORMS[section](request.POST, candidate, manage)
    if not form.is_valid():
        messages.error(request, FIX_ERRORS)
        return _candidate_page(request, case, candidate, {f"{section}_form": form})
    if section == "negative":
        kwargs = form.service_kwargs(request.user.get_full_name())
    else:
        kwargs = form.service_kwargs()
    _perform(
        request,
        lambda: svc.update_candidate_record(candidate, by=_actor(request), **kwargs),
        ok=f"已保存{candidate.cadre.name}的{SECTION_LABELS[section]}。",
    )
    return redirect(f"{reverse('candidate_detail', args=[case.pk, candidate.pk])}#{section}")


@require_POST
def candidate_not_applicable(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    """Record why a 纪实表 row does not apply to this person (R-REQ-1)."""
    case, candidate = _candidate_for(request, pk, candidate_pk)
    require(request.user, Action.MANAGE_CASES)
    form = NotApplicableForm(request.POST, rows=gates.record_rows(candidate))
    if not form.is_valid():
        messages.error(request, FIX_ERRORS)
        return _candidate_page(request, case, candidate, {"na_form": form})
    _perform(
        request,
        lambda: svc.mark_not_applicable(
            case,
            by=_actor(request),
            row=form.cleaned_data["row"],
            reason=form.cleaned_data["reason"],
            candidate=candidate,
        ),
        ok="已记录该栏目不适用的理由。",
    )
    return redirect(f"{reverse('candidate_detail', args=[case.pk, candidate.pk])}#record")


@require_POST
def candidate_withdraw(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    case, candidate = _candidate_for(request, pk, candidate_pk)
    require(request.user, Action.MANAGE_CASES)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, FIX_ERRORS)
        return _candidate_page(request, case, candidate, {"withdraw_form": form})
    reason = form.cleaned_data["reason"]
    _perform(
        request,
        lambda: svc.withdraw_candidate(candidate, by=_actor(request), reason=reason),
        ok=f"{candidate.cadre.name}已退出，记录保留。",
    )
    return redirect(reverse("candidate_detail", args=[case.pk, candidate.pk]))


urlpatterns = [
    path("cases/", case_list, name="case_list"),
    path("cases/new/", case_new, name="case_new"),
    path("cases/<int:pk>/", case_detail, name="case_detail"),
    path("cases/<int:pk>/approve-motion/", case_approve_motion, name="case_approve_motion"),
    path("cases/<int:pk>/steps/<slug:step>/", case_step, name="case_step"),
    path("cases/<int:pk>/nominate/", case_nominate, name="case_nominate"),
    path("cases/<int:pk>/rounds/", case_round, name="case_round"),
    path("cases/<int:pk>/targets/", case_targets, name="case_targets"),
    path("cases/<int:pk>/meeting-skip/", case_meeting_skip, name="case_meeting_skip"),
    path("cases/<int:pk>/meetings/", case_meeting, name="case_meeting"),
    path("cases/<int:pk>/meetings/<int:meeting_pk>/opinions/", case_opinions, name="case_opinions"),
    path("cases/<int:pk>/meetings/<int:meeting_pk>/close/", case_close_meeting, name="case_close_meeting"),
    path("cases/<int:pk>/notice/end/", case_notice_end, name="case_notice_end"),
    path("cases/<int:pk>/notice/", case_publish_notice, name="case_publish_notice"),
    path("cases/<int:pk>/complaints/", case_complaint, name="case_complaint"),
    path(
        "cases/<int:pk>/complaints/<int:complaint_pk>/conclude/",
        case_conclude_complaint,
        name="case_conclude_complaint",
    ),
    path("cases/<int:pk>/appoint/", case_appoint, name="case_appoint"),
    path("cases/<int:pk>/terminate/", case_terminate, name="case_terminate"),
    path("cases/<int:pk>/candidates/<int:candidate_pk>/", candidate_detail, name="candidate_detail"),
    path(
        "cases/<int:pk>/candidates/<int:candidate_pk>/not-applicable/",
        candidate_not_applicable,
        name="candidate_not_applicable",
    ),
    path(
        "cases/<int:pk>/candidates/<int:candidate_pk>/record/<slug:section>/",
        candidate_record,
        name="candidate_record",
    ),
    path(
        "cases/<int:pk>/candidates/<int:candidate_pk>/withdraw/",
        candidate_withdraw,
        name="candidate_withdraw",
    ),
]
