"""一报告两评议 screens (R-ANR-1..4): the reports, one report's page (numbers, text, evaluations, results
and charts, follow-ups), the PDF, and the staff ballot pages (an account, or a one-time code).

Authorize (selection.permissions) → validate (selection.forms_bureau) → call ONE service
(selection.services.annual) → redirect with a Chinese message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.roles import Role

from ..forms_bureau import (
    CodeForm,
    FollowUpForm,
    OpenReportForm,
    SectionsForm,
    SlipsForm,
    evaluation_choices_from,
)
from ..models import AnnualEvaluation, AnnualReport, EvaluatedCadre
from ..pdf.annual import render_annual_report
from ..permissions import Action, can, get_report_for, require
from ..services import annual as svc
from ..services.base import ServiceError


def _errors(form) -> str:
    return "；".join(
        f"{form.fields[n].label}：{' '.join(e)}" if n in form.fields else " ".join(e)
        for n, e in form.errors.items()
    )


def pending_items(user) -> list:
    """我的待办: the evaluations this account is invited to and has not filled."""
    from .voting import PendingItem

    return [
        PendingItem(
            f"参加评议：{e.report.year}年度{e.get_kind_display()}",
            "无记名评议，每人一次；提交后不能修改（R-ANR-2）",
            reverse("annual_vote", args=[e.pk]),
        )
        for e in svc.pending_for(user)
    ]


@require_http_methods(["GET", "POST"])
def annual_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_CASES)
    organization = request.user.organization
    form = OpenReportForm(initial={"year": timezone.localdate().year})
    if request.method == "POST":
        require(request.user, Action.MANAGE_CASES)
        form = OpenReportForm(request.POST)
        if form.is_valid() and organization is not None:
            try:
                report = svc.open_report(
                    organization, form.cleaned_data["year"], by=request.user, today=timezone.localdate()
                )
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"已建立{report.year}年度选人用人工作报告。")
                return redirect("annual_detail", pk=report.pk)
        else:
            messages.error(request, "提交失败：" + (_errors(form) or "请先设置所属单位") + "。")
    reports = (
        list(AnnualReport.objects.filter(organization=organization).order_by("-year")) if organization else []
    )
    return render(
        request,
        "selection/annual/list.html",
        {
            "reports": reports,
            "form": form if can(request.user, Action.MANAGE_CASES) else None,
            "breadcrumbs": [("一报告两评议", None)],
        },
    )


def _charts(results: svc.Results) -> dict:
    """The data ECharts draws (static/js/annual_charts.js); the page also shows every number as a table."""
    work = results.work.tally.get("questions", [])
    cadre = results.cadre.tally.get("cadres", [])
    return {
        "work": {
            "labels": [f"第{i + 1}项" for i in range(len(work))],
            "series": [
                {"name": label, "data": [q["counts"].get(value, 0) for q in work]}
                for value, label in results.work.options
            ],
        },
        "cadre": {
            "labels": [c["name"] for c in cadre],
            "series": [
                {"name": label, "data": [c["counts"].get(value, 0) for c in cadre]}
                for value, label in results.cadre.options
            ],
        },
    }


def _detail(request: HttpRequest, report: AnnualReport, **forms) -> HttpResponse:
    results = svc.results(report)
    manage = can(request.user, Action.MANAGE_CASES)
    invited = {
        e.pk: (e.invitations.count(), e.invitations.filter(used=True).count())
        for e in (results.work, results.cadre)
    }
    return render(
        request,
        "selection/annual/detail.html",
        {
            "report": report,
            "results": results,
            "work_rows": results.work_rows(),
            "cadre_rows": results.cadre_rows(),
            "evaluated": list(results.cadre.cadres.select_related("cadre")),
            "invited": invited,
            "charts": _charts(results),
            "manage": manage,
            "sections_form": forms.get("sections_form")
            or SectionsForm(
                initial={
                    "overall": report.overall,
                    "rules_applied": report.rules_applied,
                    "problems": report.problems,
                }
            ),
            "slips_form": SlipsForm(initial={"count": 10}),
            "follow_up_form": FollowUpForm(initial={"investigated_on": timezone.localdate()}),
            "slips": forms.get("slips"),
            "breadcrumbs": [("一报告两评议", reverse("annual_list")), (f"{report.year}年度", None)],
        },
    )


@require_GET
def annual_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_report_for(request.user, pk))


@require_POST
def annual_sections(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk, Action.MANAGE_CASES)
    form = SectionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "提交失败：" + _errors(form) + "。本次填写的内容尚未保存。")
        return _detail(request, report, sections_form=form)
    extra = form.extra_keys()
    sections = dict(form.cleaned_data)
    try:
        # A number posted beside the text is refused, not silently dropped (R-ANR-1).
        svc.update_sections(report, by=request.user, sections={**sections, **{k: "" for k in extra}})
    except ServiceError as error:
        messages.error(request, error.message)
        return _detail(request, report, sections_form=form)
    messages.success(request, "报告文字部分已保存。")
    return redirect("annual_detail", pk=report.pk)


def _evaluation_for(request: HttpRequest, pk: int, action: Action) -> AnnualEvaluation:
    evaluation = get_object_or_404(AnnualEvaluation.objects.select_related("report"), pk=pk)
    get_report_for(request.user, evaluation.report_id, action)
    return evaluation


def participants_of(organization):
    """R-ANR-2 *(setting)*: the unit's and its institutions' active accounts, administrators excepted."""
    return (
        User.objects.filter(is_active=True)
        .filter(organization__in=[organization, *organization.children.all()])
        .exclude(groups__name=Role.ADMIN.group_name)
        .distinct()
    )


@require_POST
def annual_evaluation(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    evaluation = _evaluation_for(request, pk, Action.MANAGE_CASES)
    report = evaluation.report
    try:
        if step == "invite":
            count = svc.invite_accounts(
                evaluation, by=request.user, users=list(participants_of(report.organization))
            )
            messages.success(request, f"已邀请 {count} 人参加{evaluation.get_kind_display()}。")
        elif step == "slips":
            form = SlipsForm(request.POST)
            if not form.is_valid():
                messages.error(request, "提交失败：" + _errors(form) + "。")
                return redirect("annual_detail", pk=report.pk)
            codes = svc.issue_slips(evaluation, by=request.user, count=form.cleaned_data["count"])
            messages.success(request, f"已生成 {len(codes)} 个评议码，请打印后分发（只显示这一次）。")
            return _detail(request, report, slips=(evaluation, codes))
        elif step == "refresh":
            count = svc.refresh_cadres(evaluation)
            messages.success(request, f"已补充 {count} 名评议对象。")
        elif step == "open":
            svc.open_evaluation(evaluation, by=request.user)
            messages.success(request, f"{evaluation.get_kind_display()}已开始。")
        elif step == "close":
            svc.close_evaluation(evaluation, by=request.user)
            messages.success(request, f"{evaluation.get_kind_display()}已结束并统计。")
        else:
            raise Http404("没有这个操作。")
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("annual_detail", pk=report.pk)


@require_POST
def annual_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    evaluated = get_object_or_404(EvaluatedCadre.objects.select_related("evaluation__report", "cadre"), pk=pk)
    report = get_report_for(request.user, evaluated.evaluation.report_id, Action.MANAGE_CASES)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "提交失败：" + _errors(form) + "。本次填写的内容尚未保存。")
        return redirect("annual_detail", pk=report.pk)
    try:
        svc.record_follow_up(evaluated, by=request.user, today=timezone.localdate(), **form.cleaned_data)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已记录对{evaluated.cadre.name}的调查核实情况。")
    return redirect(f"{reverse('annual_detail', args=[report.pk])}#cadre-results")


@require_GET
def annual_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk)
    if not (can(request.user, Action.MANAGE_CASES) or can(request.user, Action.AUDIT)):
        raise PermissionDenied
    data = render_annual_report(report)
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"{report.year}年度选人用人工作报告.pdf"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ---- the staff ballot ------------------------------------------------------------------------------


def _ballot_page(request, evaluation, *, code: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "selection/annual/vote.html",
        {
            "evaluation": evaluation,
            "questions": list(enumerate(evaluation.questions)),
            "problems": list(enumerate(evaluation.problems)),
            "cadres": list(evaluation.cadres.select_related("cadre")),
            "code": code,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def annual_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """An invited account fills the evaluation once; the receipt is shown once."""
    evaluation = get_object_or_404(AnnualEvaluation.objects.select_related("report__organization"), pk=pk)
    invitation = evaluation.invitations.filter(user=request.user).first()
    if invitation is None:
        raise Http404("您不在本次评议的参加人员之中。")
    if request.method == "GET":
        if invitation.used:
            messages.info(request, svc.ALREADY)
            return redirect("home")
        if evaluation.phase != AnnualEvaluation.Phase.OPEN:
            messages.error(request, svc.NOT_OPEN)
            return redirect("home")
        return _ballot_page(request, evaluation)
    try:
        receipt = svc.cast(
            evaluation, choices=evaluation_choices_from(evaluation, request.POST), user=request.user
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return _ballot_page(request, evaluation)
    return render(request, "selection/annual/receipt.html", {"evaluation": evaluation, "receipt": receipt})


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def annual_code(request: HttpRequest) -> HttpResponse:
    """A participant without an account enters the one-time code printed on the slip."""
    if request.method == "GET":
        return render(request, "selection/annual/code.html", {"form": CodeForm()})
    form = CodeForm(request.POST)
    if not form.is_valid():
        return render(request, "selection/annual/code.html", {"form": form})
    code = form.cleaned_data["code"]
    evaluation = svc.evaluation_for_code(code)
    if evaluation is None:
        messages.error(request, svc.BAD_CODE)
        return render(request, "selection/annual/code.html", {"form": form})
    if not form.cleaned_data["submit_ballot"]:
        return _ballot_page(request, evaluation, code=code)
    try:
        receipt = svc.cast(evaluation, choices=evaluation_choices_from(evaluation, request.POST), code=code)
    except ServiceError as error:
        messages.error(request, error.message)
        return _ballot_page(request, evaluation, code=code)
    return render(request, "selection/annual/receipt.html", {"evaluation": evaluation, "receipt": receipt})


urlpatterns = [
    path("annual/", annual_list, name="annual_list"),
    path("annual/<int:pk>/", annual_detail, name="annual_detail"),
    path("annual/<int:pk>/sections", annual_sections, name="annual_sections"),
    path("annual/<int:pk>/pdf", annual_pdf, name="annual_pdf"),
    path("annual/evaluations/<int:pk>/vote", annual_vote, name="annual_vote"),
    path("annual/evaluations/<int:pk>/<slug:step>", annual_evaluation, name="annual_evaluation"),
    path("annual/cadres/<int:pk>/follow-up", annual_follow_up, name="annual_follow_up"),
    path("annual/code", annual_code, name="annual_code"),
]
