"""The candidate page and its record sections (考察, 负面清单, 身体条件, 破格, 不适用)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ... import gates
from ...forms_cases import (
    ANSWERED_NEGATIVE_ITEMS,
    ExceptionalForm,
    HealthForm,
    InspectionForm,
    NegativeListForm,
    NotApplicableForm,
    TargetReasonForm,
    WithdrawForm,
)
from ...models import Candidate, CandidateStatus, CaseStatus, Document, RoundResult, SelectionCase
from ...permissions import Action, acts_for, can, can_record_inspection, require_on_case
from ...rules import Finding
from ...services import cases as svc
from .common import CANDIDATE_BADGE, FIX_ERRORS, _actor, _attempt, _case_queryset, _url_if_exists
from .page import _checklist, _timeline

# ---- the candidate page -------------------------------------------------------------------------------


def _candidate_for(request: HttpRequest, pk: int, candidate_pk: int) -> tuple[SelectionCase, Candidate]:
    """404 outside the user's organization; readable with VIEW_CASES or by the candidate's inspection team."""
    case = get_object_or_404(_case_queryset().visible_to(request.user), pk=pk)
    candidate = get_object_or_404(
        Candidate.objects.select_related(
            "cadre__department", "vacancy__post__department", "inspection", "appointment"
        ).prefetch_related(*gates.CADRE_FACTS),  # the checks read them several times each
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
            "checklist": _checklist(case, findings, [], candidate=candidate),
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


def _submit_candidate(
    request: HttpRequest,
    case: SelectionCase,
    candidate: Candidate,
    name: str,
    form: Form,
    call: Callable[[], Any],
    *,
    ok: str,
    anchor: str,
) -> HttpResponse:
    """The candidate page's `_submit`: a refusal shows the page again with the input kept."""
    outcome = _attempt(request, call, ok=ok)
    if outcome.done:
        url = reverse("candidate_detail", args=[case.pk, candidate.pk])
        return redirect(f"{url}#{anchor}" if anchor else url)
    form.add_error(None, outcome.message)
    return _candidate_page(request, case, candidate, {name: form})


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
    if not (can_record_inspection(request.user, candidate) and acts_for(request.user, case)):
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
    return _submit_candidate(
        request,
        case,
        candidate,
        f"{section}_form",
        form,
        lambda: svc.update_candidate_record(candidate, by=_actor(request), **kwargs),
        ok=f"已保存{candidate.cadre.name}的{SECTION_LABELS[section]}。",
        anchor=section,
    )


@require_POST
def candidate_not_applicable(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    """Record why a 纪实表 row does not apply to this person (R-REQ-1)."""
    case, candidate = _candidate_for(request, pk, candidate_pk)
    require_on_case(request.user, case, Action.MANAGE_CASES)
    form = NotApplicableForm(request.POST, rows=gates.record_rows(candidate))
    if not form.is_valid():
        messages.error(request, FIX_ERRORS)
        return _candidate_page(request, case, candidate, {"na_form": form})
    return _submit_candidate(
        request,
        case,
        candidate,
        "na_form",
        form,
        lambda: svc.mark_not_applicable(
            case,
            by=_actor(request),
            row=form.cleaned_data["row"],
            reason=form.cleaned_data["reason"],
            candidate=candidate,
        ),
        ok="已记录该栏目不适用的理由。",
        anchor="record",
    )


@require_POST
def candidate_withdraw(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    case, candidate = _candidate_for(request, pk, candidate_pk)
    require_on_case(request.user, case, Action.MANAGE_CASES)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, FIX_ERRORS)
        return _candidate_page(request, case, candidate, {"withdraw_form": form})
    reason = form.cleaned_data["reason"]
    return _submit_candidate(
        request,
        case,
        candidate,
        "withdraw_form",
        form,
        lambda: svc.withdraw_candidate(candidate, by=_actor(request), reason=reason),
        ok=f"{candidate.cadre.name}已退出，记录保留。",
        anchor="",
    )
