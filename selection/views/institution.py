"""下属事业单位 (R-REQ-4): the page where the bureau records its party group's collective deliberation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import gates
from ..forms_bureau import DeliberationForm
from ..permissions import Action, can, can_deliberate, get_case_for
from ..services import institution as svc
from ..services.base import Actor, ServiceError


def pending_items(user) -> list:
    """我的待办 for the bureau's HR: institution cases waiting for the party group's deliberation."""
    from .voting import PendingItem

    if not user.is_authenticated or not can(user, Action.MANAGE_CASES) or not user.organization_id:
        return []
    return [
        PendingItem(
            f"局党组集体商议：{case.organization.short_name or case.organization.name} · {case.title}",
            "下属事业单位的任免结果须提交局党组会议集体商议后方可任职（R-REQ-4）",
            reverse("case_deliberation", args=[case.pk]),
        )
        for case in svc.awaiting_deliberation(user.organization)
    ]


@require_http_methods(["GET", "POST"])
def case_deliberation(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.VIEW_CASES)
    may_record = can_deliberate(request.user, case)
    form = None
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        form = DeliberationForm(request.POST)
        if form.is_valid():
            try:
                svc.record_deliberation(
                    case,
                    by=Actor(request.user, request.META.get("REMOTE_ADDR") or None),
                    today=timezone.localdate(),
                    **form.service_kwargs(),
                )
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "局党组集体商议情况已记录。")
                return redirect("case_deliberation", pk=case.pk)
        else:
            messages.error(request, "提交失败：请按提示更正标红的内容，本次填写的内容尚未保存。")
    elif may_record:
        form = DeliberationForm(bureau=request.user.organization)
    return render(
        request,
        "selection/institution/deliberation.html",
        {
            "case": case,
            "approved": gates.approved(case),
            "deliberations": list(case.bureau_deliberations.select_related("recorded_by")),
            "form": form,
            "breadcrumbs": [
                ("选拔任用", reverse("case_list")),
                (case.title, case.get_absolute_url()),
                ("局党组集体商议", None),
            ],
        },
    )


urlpatterns = [
    path("cases/<int:pk>/deliberation", case_deliberation, name="case_deliberation"),
]
