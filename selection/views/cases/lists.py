"""我的待办 (case work), the case list and the motion form (启动动议)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ...awaiting import awaiting, main_leaders
from ...forms_cases import CaseFilterForm, MotionForm
from ...models import (
    CaseStatus,
    SelectionCase,
)
from ...paging import paginate
from ...permissions import Action, can, require
from ...services import cases as svc
from ...services.base import ServiceError
from ...services.registry import QuotaRow, quota_rows
from .common import FIX_ERRORS, PAGE_SIZE, STATUS_BADGE, _actor, _anchored

# ---- 我的待办 ---------------------------------------------------------------------------------------------


def pending_items(user) -> list:
    """Case work waiting for this user: motions for the main leader (the oldest 10)."""
    from ..voting import PendingItem

    if not user.is_authenticated or not can(user, Action.VIEW_CASES):
        return []
    cases = SelectionCase.objects.visible_to(user)
    items = []
    if can(user, Action.APPROVE_MOTION):
        waiting = cases.filter(status=CaseStatus.MOTION, motion_review=SelectionCase.MotionReview.PENDING)
        for case in waiting.order_by("created_at", "pk")[:10]:
            items.append(
                PendingItem(
                    f"审批动议：{case.title}",
                    "启动选拔任用工作须经主要领导同意（R-MOT-2）",
                    _anchored(case, "stage-motion"),
                )
            )
    if can(user, Action.MANAGE_CASES):
        for case in cases.filter(status=CaseStatus.MOTION, motion_review=SelectionCase.MotionReview.RETURNED):
            items.append(
                PendingItem(
                    f"修改动议：{case.title}",
                    f"主要领导退回修改：{case.motion_review_comment}",
                    reverse("case_edit_motion", args=[case.pk]),
                )
            )
    # HR's other open cases are summarised on 我的待办 by stage, with the longest-waiting few (supervision).
    return items


# ---- list and new case --------------------------------------------------------------------------------


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    form = CaseFilterForm(request.GET or None)
    cases = form.filter(SelectionCase.objects.visible_to(request.user).for_list())
    page = paginate(cases, request.GET, keys=SelectionCase.LIST_KEYS, per_page=PAGE_SIZE)
    leaders = main_leaders(c.organization_id for c in page.object_list)
    for case in page.object_list:
        case.badge = STATUS_BADGE[case.status]
        case.awaiting = awaiting(case, leaders)
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
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


def organization_quota(organization) -> list[QuotaRow]:
    """核定 / 现配 / 拟任 / 空缺 / 超配 per rank (R-REG-2), from the registry service that enforces them."""
    return quota_rows(organization)


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
