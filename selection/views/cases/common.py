"""Shared by the case screens: badges and anchors, the actor, one service call per POST and its refusal."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from ...forms_cases import justifications_from
from ...forms_voting import ConfirmedForm
from ...models import CandidateStatus, CaseStatus, SelectionCase
from ...services.base import Actor, ServiceError, StaleState, TransitionRefused

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
# 竞争上岗: its own steps take the recommendation's place (R-MET-2 order)
COMPETITIVE_STAGES = [
    CaseStatus.MOTION,
    CaseStatus.REGISTRATION,
    CaseStatus.SCREENING,
    CaseStatus.EXAM,
    *STAGES[2:],
]
STAGE_ANCHOR = {
    CaseStatus.REGISTRATION: "stage-competitive",
    CaseStatus.SCREENING: "stage-competitive",
    CaseStatus.EXAM: "stage-competitive",
    CaseStatus.MOTION: "stage-motion",
    CaseStatus.RECOMMENDATION: "stage-recommendation",
    CaseStatus.INSPECTION: "stage-inspection",
    CaseStatus.DECISION: "stage-decision",
    CaseStatus.PUBLIC_NOTICE: "stage-notice",
    CaseStatus.APPOINTED: "stage-appointment",
}
STATUS_BADGE = {
    CaseStatus.MOTION: "text-bg-secondary",
    CaseStatus.REGISTRATION: "text-bg-info",
    CaseStatus.SCREENING: "text-bg-info",
    CaseStatus.EXAM: "text-bg-info",
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


@dataclass(frozen=True)
class Outcome:
    """What one service call came to: done, refused with a message, or waiting for justifications."""

    done: bool
    message: str = ""
    ask: TransitionRefused | None = None


def _attempt(request: HttpRequest, call: Callable[[], Any], *, ok: str) -> Outcome:
    """Call one service and turn its refusal into a message; never a 500."""
    try:
        call()
    except StaleState as stale:
        messages.warning(request, stale.message)
        return Outcome(False, stale.message)
    except TransitionRefused as refused:
        messages.error(request, refused.message)
        if refused.missing_justifications and not refused.blocking:
            return Outcome(False, refused.message, refused)
        return Outcome(False, refused.message)
    except ServiceError as error:
        messages.error(request, error.message)
        return Outcome(False, error.message)
    messages.success(request, ok)
    return Outcome(True)


def _perform(request: HttpRequest, call: Callable[[], Any], *, ok: str) -> TransitionRefused | None:
    """`_attempt` for steps without a form: returns the refusal when only justifications are missing."""
    return _attempt(request, call, ok=ok).ask


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


def _case_queryset():
    return SelectionCase.objects.select_related(
        "organization",
        "created_by",
        "motion_proposed_by",
        "motion_approved_by",
        "target_decision",
        "public_notice",
    )


def confirmed(request: HttpRequest) -> bool:
    """An irreversible POST (closing a vote or a ballot box, not agreeing to a motion) carries `confirmed`,
    set by the page's dialog or by the confirm page `ask_confirmation` shows."""
    return ConfirmedForm(request.POST).is_confirmed()


def ask_confirmation(request: HttpRequest, *, title: str, text: str, button: str, back: str) -> HttpResponse:
    """The same POST again after the user confirms; nothing has happened yet."""
    resend = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirmed")
        for value in values
    ]
    return render(
        request,
        "selection/shared/confirm.html",
        {
            "title": title,
            "text": text,
            "button": button,
            "back": back,
            "action": request.path,
            "resend": resend,
        },
    )
