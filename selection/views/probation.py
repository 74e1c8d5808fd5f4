"""试用期 screens (R-PRB-1..3): the task list, a probation's page, appraisal, assessment and decision.

Authorize (selection.permissions) → validate (selection.forms_bureau) → call ONE service
(selection.services.probation) → redirect with a Chinese message.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .. import gates, rules, supervision
from ..forms_bureau import AppraisalForm, AssessmentForm, ProbationDecisionForm
from ..models import ProbationMeeting, ProbationReview
from ..permissions import Action, can, get_holding_for, require
from ..services import probation as svc
from ..services.base import Actor, ServiceError
from ..structure import registry_cached

ENDING_PAGE_SIZE = 25  # as the cadre list (views/registry.PAGE_SIZE)
PENDING_SHOWN = 10  # probations due listed one by one on 我的待办


def _form_errors(form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{' '.join(errors)}" if label else " ".join(errors))
    return "；".join(parts)


def _actor(request: HttpRequest) -> Actor:
    return Actor(request.user, request.META.get("REMOTE_ADDR") or None)


def pending_items(user) -> list:
    """我的待办 for HR: each probation ending within the setting's days (R-PRB-2)."""

    if not user.is_authenticated or not can(user, Action.MANAGE_CASES) or not user.organization_id:
        return []
    today = timezone.localdate()
    organization = user.organization
    days = gates.settings_for(organization).probation_task_days
    # Register data only: kept while the register is unchanged (a holding saved anywhere changes the key).
    return registry_cached(
        f"probation_todo:{organization.pk}:{today.isoformat()}:{days}",
        lambda: _probation_items(organization, today),
    )


def _probation_items(organization, today) -> list:
    from .voting import PendingItem

    due = svc.probations_due(organization, today)
    shown = list(due[:PENDING_SHOWN])
    items = [
        PendingItem(
            f"试用期满考核：{h.cadre.name}（{h.post}）",
            f"试用期至{h.probation_ends_on:%Y年%-m月%-d日}期满，请组织民主测评和考核（R-PRB-2）",
            reverse("probation_detail", args=[h.pk]),
        )
        for h in shown
    ]
    # The soonest ones only (a province has hundreds at once); the task list has them all.
    if len(shown) == PENDING_SHOWN and (total := due.count()) > PENDING_SHOWN:
        items.append(
            PendingItem(
                f"试用期满考核：另有{total - PENDING_SHOWN}项（共{total}项）",
                "查看全部到期的试用期，逐一组织民主测评和考核（R-PRB-2）",
                reverse("probation_list"),
            )
        )
    return items


@require_GET
def probation_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    organization = request.user.organization
    today = timezone.localdate()
    ends = request.GET.get("ends", "")
    if ends in supervision.PROBATION_MONTHS:  # the dashboard's 试用期本月/下月到期: exactly what it counted
        label = dict(supervision.PROBATION_ALERTS)[ends]
        ending = supervision.probations_ending(supervision.organizations_in_scope(request.user), today, ends)
        page = Paginator(ending, ENDING_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "selection/probation/ending.html",
            {
                "label": label,
                "ends": ends,
                "page": page,
                "ending": list(page.object_list),
                "today": today,
                "breadcrumbs": [
                    ("我的待办", reverse("home")),
                    ("试用期", reverse("probation_list")),
                    (label, None),
                ],
            },
        )
    due = list(svc.probations_due(organization, today)) if organization else []
    running = list(svc.probations_running(organization, today)) if organization else []
    decided = (
        list(
            ProbationReview.objects.filter(organization=organization)
            .exclude(outcome="")
            .select_related("holding__cadre", "holding__post__department")
            .order_by("-decided_on", "-pk")[:50]
        )
        if organization
        else []
    )
    return render(
        request,
        "selection/probation/list.html",
        {
            "due": due,
            "running": running,
            "decided": decided,
            "today": today,
            "breadcrumbs": [("试用期", None)],
        },
    )


def _detail_context(request: HttpRequest, holding, **forms) -> dict:
    organization = request.user.organization
    review = svc.get_review(holding)
    meetings = (
        list(
            ProbationMeeting.objects.filter(review=review)
            .select_related("chair")
            .prefetch_related("members__member")
        )
        if review
        else []
    )
    today = timezone.localdate()
    manage = can(request.user, Action.MANAGE_CASES)
    return {
        "holding": holding,
        "review": review,
        "meetings": meetings,
        "findings": svc.task_findings(holding, organization, today),
        "opens_on": svc.task_opens_on(holding, organization) if holding.probation_ends_on else None,
        "former_rank": rules.RANK_LABEL.get(svc.former_rank(holding), ""),
        "manage": manage,
        "appraisal_form": forms.get("appraisal_form") or AppraisalForm(initial={"on": today}),
        "assessment_form": forms.get("assessment_form") or AssessmentForm(initial={"on": today}),
        "decision_form": forms.get("decision_form")
        or (ProbationDecisionForm(organization=organization, holding=holding) if manage else None),
        "breadcrumbs": [
            ("试用期", reverse("probation_list")),
            (f"{holding.cadre.name} · {holding.post}", None),
        ],
    }


@require_GET
def probation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    holding = get_holding_for(request.user, pk)
    return render(request, "selection/probation/detail.html", _detail_context(request, holding))


def _post(request: HttpRequest, pk: int, form_class, service, ok: str, form_key: str, **form_kwargs):
    holding = get_holding_for(request.user, pk, Action.MANAGE_CASES)
    organization = request.user.organization
    if form_class is ProbationDecisionForm:
        form_kwargs = {"organization": organization, "holding": holding}
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        messages.error(request, "提交失败：" + _form_errors(form) + "。本次填写的内容尚未保存。")
        context = _detail_context(request, holding, **{form_key: form})
        return render(request, "selection/probation/detail.html", context)
    try:
        result = service(
            holding,
            by=_actor(request),
            organization=organization,
            today=timezone.localdate(),
            **form.service_kwargs(),
        )
    except ServiceError as error:
        messages.error(request, error.message)
        context = _detail_context(request, holding, **{form_key: form})
        return render(request, "selection/probation/detail.html", context)
    if isinstance(result, svc.DecisionResult) and not result.passed:
        messages.warning(request, "党组会议表决未获通过（同意票未超过应到成员半数），试用期结果未变更。")
    else:
        messages.success(request, ok)
    return redirect("probation_detail", pk=holding.pk)


@require_POST
def probation_appraisal(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, pk, AppraisalForm, svc.record_appraisal, "民主测评结果已录入。", "appraisal_form")


@require_POST
def probation_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(request, pk, AssessmentForm, svc.record_assessment, "考核结论已录入。", "assessment_form")


@require_POST
def probation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        ProbationDecisionForm,
        svc.decide,
        "党组会议决定已记录，干部信息已同步更新。",
        "decision_form",
    )


urlpatterns = [
    path("probation/", probation_list, name="probation_list"),
    path("probation/<int:pk>/", probation_detail, name="probation_detail"),
    path("probation/<int:pk>/appraisal", probation_appraisal, name="probation_appraisal"),
    path("probation/<int:pk>/assessment", probation_assessment, name="probation_assessment"),
    path("probation/<int:pk>/decide", probation_decide, name="probation_decide"),
]
