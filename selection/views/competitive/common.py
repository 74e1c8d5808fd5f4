"""竞争上岗 screens' shared pieces: the steps, the actor, one service call per POST and its refusal, the checklist."""

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ...forms_cases import justifications_from
from ...models import CaseStatus, Registration, SelectionCase, Vacancy
from ...permissions import (
    Action,
    get_case_for,
)
from ...rules import Level
from ...services import competitive as svc
from ...services.base import Actor, ServiceError, StaleState, TransitionRefused

STEPS = {
    CaseStatus.MOTION: ("publish_plan", "公布实施方案，开始报名", svc.publish_plan),
    CaseStatus.REGISTRATION: ("close_registration", "报名结束，进行资格审查", svc.close_registration),
    CaseStatus.SCREENING: ("start_exam", "进入笔试面试", svc.start_exam),
    CaseStatus.EXAM: ("advance_to_inspection", "进入民主测评和考察", svc.advance_to_inspection),
}
BY_NAME = {name: (label, service) for name, label, service in STEPS.values()}
SYMBOLS = {
    Level.OK: ("✓", "finding-ok"),
    Level.BLOCK: ("✗", "finding-block"),
    Level.WARN: ("!", "finding-warn"),
    Level.RECORD: ("i", "text-secondary"),
}
FIX_ERRORS = "提交失败：请按提示更正标红的内容，本次填写的内容尚未保存。"


def _actor(request: HttpRequest) -> Actor:
    return Actor(request.user, request.META.get("REMOTE_ADDR") or None)


def _perform(request: HttpRequest, call, *, ok: str) -> TransitionRefused | None:
    """One service call; a refusal becomes its Chinese message (never a 500)."""
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


def _ask(request: HttpRequest, case: SelectionCase, refused: TransitionRefused) -> HttpResponse:
    """The same POST again with a textarea per warning (the daily procedure's justification page)."""
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
                ("竞争上岗", reverse("competitive_case", args=[case.pk])),
                ("填写说明", None),
            ],
        },
    )


def _hub(case: SelectionCase, anchor: str = "") -> str:
    return reverse("competitive_case", args=[case.pk]) + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class Row:
    rule: str
    text: str
    symbol: str
    css: str
    level: str


def _checklist(findings) -> list[Row]:
    rows = []
    for f in findings:
        symbol, css = SYMBOLS[Level(f.level)]
        head, sep, rest = f.message.partition("：")
        rows.append(Row(f.rule, rest if sep and head.startswith(f.rule) else f.message, symbol, css, f.level))
    return rows


def _registrations(case: SelectionCase) -> list[Registration]:
    return list(
        case.registrations.select_related("cadre", "submitted_by").prefetch_related(
            Prefetch("vacancies", queryset=Vacancy.objects.select_related("post__department"))
        )
    )


def _case(request: HttpRequest, pk: int, action: Action) -> SelectionCase:
    case = get_case_for(
        request.user,
        pk,
        action,
        queryset=SelectionCase.objects.select_related("organization", "competition_plan"),
    )
    if not case.is_competitive:
        raise Http404("该批次不是竞争上岗。")
    return case
