"""HR's page of a competitive case: 方案 → 报名 → 资格审查 → 笔试面试 → 考察人选, and its PDFs. Every POST: authorize →
validate → ONE service → redirect with a Chinese message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ... import gates_competitive as cg
from ...forms_cases import justifications_from
from ...forms_competitive import (
    AdvancingForm,
    ExaminersForm,
    PaperRegistrationForm,
    PlanForm,
    ReopenRegistrationForm,
    ReviewAnswerForm,
    ScoresForm,
    WithdrawPostForm,
)
from ...models import CaseStatus, Registration, SelectionCase
from ...pdf import competitive as pdf
from ...pdf.common import DocumentUnavailable
from ...permissions import (
    Action,
    can,
)
from ...rules import Level
from ...services import competitive as svc
from ..documents import _pdf
from .common import (
    BY_NAME,
    FIX_ERRORS,
    STEPS,
    _actor,
    _ask,
    _case,
    _checklist,
    _hub,
    _perform,
    _registrations,
)

# ---- HR: the competitive case -------------------------------------------------------------------------


def _scores(case: SelectionCase):
    applicants = cg.qualified(case)
    examiners = cg.panel(case)
    rows = cg.score_rows(case, applicants, examiners)
    vacancies = list(case.vacancies.select_related("post__department"))
    ranking = []
    for vacancy in vacancies:
        ranked = cg.post_ranking(case, rows, vacancy)
        ranking.append((vacancy, ranked))
    return applicants, examiners, rows, ranking


def _hub_context(request: HttpRequest, case: SelectionCase, bound: dict) -> dict:
    user = request.user
    manage = can(user, Action.MANAGE_CASES)
    plan = cg.plan_of(case)
    status = case.status
    findings = cg.next_step_findings(case) if status in cg.OWN_STATES else []
    step = STEPS.get(status) if status in cg.OWN_STATES else None
    registrations = _registrations(case)
    context = {
        "case": case,
        "plan": plan,
        "manage": manage,
        "status": status,
        "checklist": _checklist(findings),
        "blocking_count": sum(1 for f in findings if f.level == Level.BLOCK),
        "warning_count": sum(1 for f in findings if f.level == Level.WARN),
        "step": {"name": step[0], "label": step[1]} if step else None,
        "registrations": registrations,
        "open_reviews": [r for r in registrations if r.review_requested_at and not r.review_answered_at],
        "examiners": list(case.examiners.select_related("user")),
        "advancements": cg.advancements(case),
        "ineffective": cg.ineffective_posts(case) if status == CaseStatus.SCREENING else [],
        "breadcrumbs": [
            ("选拔任用", reverse("case_list")),
            (case.title, case.get_absolute_url()),
            ("竞争上岗", None),
        ],
    }
    if status in (CaseStatus.EXAM, CaseStatus.INSPECTION) or plan.advancing_decided_on:
        _, examiners, rows, ranking = _scores(case)
        context.update({"score_rows": rows, "panel": examiners, "ranking": ranking})
    if manage and case.is_open:
        forms = {}
        if status == CaseStatus.MOTION:
            initial = {name: getattr(plan, name) for name in svc.PLAN_FIELDS} if plan.pk else None
            forms["plan_form"] = PlanForm(initial=initial)
        if status == CaseStatus.REGISTRATION:
            forms["paper_form"] = PaperRegistrationForm(case=case, max_posts=plan.max_posts_per_applicant)
        if status in (CaseStatus.SCREENING, CaseStatus.EXAM) and not plan.advancing_decided_on:
            forms["examiners_form"] = ExaminersForm(
                organization=case.organization, initial={"users": [e.user_id for e in context["examiners"]]}
            )
        if status == CaseStatus.SCREENING:
            forms["answer_form"] = ReviewAnswerForm()
            if context["ineffective"]:  # R-CMP-4: what to do about a post with too few qualified
                forms["withdraw_form"] = WithdrawPostForm(case=case)
                forms["reopen_form"] = ReopenRegistrationForm()
        if status == CaseStatus.EXAM and not plan.advancing_decided_on:
            forms["advancing_form"] = AdvancingForm(initial={"decided_on": timezone.localdate()})
        forms.update(bound)
        context.update(forms)
    return context


@require_GET
def competitive_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, Action.VIEW_CASES)
    return render(request, "selection/competitive/case.html", _hub_context(request, case, {}))


@require_POST
def competitive_plan(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, Action.MANAGE_CASES)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, FIX_ERRORS)
        context = _hub_context(request, case, {"plan_form": form})
        return render(request, "selection/competitive/case.html", context, status=200)
    _perform(
        request,
        lambda: svc.save_plan(case, by=_actor(request), **form.service_kwargs()),
        ok="已保存实施方案。",
    )
    return redirect(_hub(case, "plan"))


@require_POST
def competitive_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in BY_NAME:
        raise Http404("没有这个步骤。")
    case = _case(request, pk, Action.MANAGE_CASES)
    label, service = BY_NAME[step]
    justifications = justifications_from(request.POST)
    refused = _perform(
        request, lambda: service(case, by=_actor(request), justifications=justifications), ok=f"已{label}。"
    )
    if refused is not None:
        return _ask(request, case, refused)
    if SelectionCase.objects.filter(pk=case.pk, status=CaseStatus.INSPECTION).exists():
        return redirect(case)  # from 考察 on, the daily procedure's page (R-CMP-8)
    return redirect(_hub(case, "next-step"))


@require_POST
def competitive_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """HR enters a registration from the applicant's signed form (R-CMP-2)."""
    case = _case(request, pk, Action.MANAGE_CASES)
    plan = cg.plan_of(case)
    form = PaperRegistrationForm(
        request.POST, request.FILES, case=case, max_posts=plan.max_posts_per_applicant
    )
    if not form.is_valid():
        messages.error(request, FIX_ERRORS)
        return render(
            request, "selection/competitive/case.html", _hub_context(request, case, {"paper_form": form})
        )
    data = form.cleaned_data
    _perform(
        request,
        lambda: svc.register(
            case,
            by=_actor(request),
            cadre=data["cadre"],
            vacancies=data["vacancies"],
            statement=data["statement"],
            signed_form=data["signed_form"],
        ),
        ok=f"已录入{data['cadre'].name}的报名。",
    )
    return redirect(_hub(case, "registrations"))


@require_POST
def competitive_screening(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = _case(request, pk, Action.MANAGE_CASES)
    if action == "run":
        _perform(
            request, lambda: svc.run_screening(case, by=_actor(request)), ok="已根据干部信息完成资格审查。"
        )
    elif action == "publish":
        _perform(request, lambda: svc.publish_screening(case, by=_actor(request)), ok="已公布资格审查结果。")
    elif action == "results":
        _perform(
            request, lambda: svc.publish_results(case, by=_actor(request)), ok="已公布考试成绩和考察人选。"
        )
    else:
        raise Http404("没有这个操作。")
    return redirect(_hub(case, "registrations" if action != "results" else "scores"))


@require_POST
def competitive_effective(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """R-CMP-4: a post with too few qualified applicants is withdrawn, or registration reopened."""
    case = _case(request, pk, Action.MANAGE_CASES)
    if action == "withdraw":
        form = WithdrawPostForm(request.POST, case=case)
        key, ok = "withdraw_form", "已将该职位调整出竞争上岗。"
    elif action == "reopen":
        form = ReopenRegistrationForm(request.POST)
        key, ok = "reopen_form", "已重新组织报名。"
    else:
        raise Http404("没有这个操作。")
    if not form.is_valid():
        messages.error(request, FIX_ERRORS)
        context = _hub_context(request, case, {key: form})
        return render(request, "selection/competitive/case.html", context)
    data = form.cleaned_data
    if action == "withdraw":
        call = lambda: svc.withdraw_post(  # noqa: E731
            case, by=_actor(request), vacancy=data["vacancy"], reason=data["reason"]
        )
    else:
        call = lambda: svc.reopen_registration(  # noqa: E731
            case, by=_actor(request), closes_on=data["closes_on"], reason=data["reason"]
        )
    _perform(request, call, ok=ok)
    return redirect(_hub(case, "registrations"))


@require_POST
def competitive_answer(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    case = _case(request, pk, Action.MANAGE_CASES)
    registration = get_object_or_404(Registration, pk=registration_pk, case=case)
    form = ReviewAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写复核答复意见并选择复核结论。")
        return redirect(_hub(case, "registrations"))
    _perform(
        request,
        lambda: svc.answer_review(registration, by=_actor(request), **form.cleaned_data),
        ok=f"已答复{registration.cadre.name}的复核申请。",
    )
    return redirect(_hub(case, "registrations"))


@require_POST
def competitive_examiners(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, Action.MANAGE_CASES)
    form = ExaminersForm(request.POST, organization=case.organization)
    if not form.is_valid():
        messages.error(request, "请选择面试考官。")
        return redirect(_hub(case, "exam"))
    _perform(
        request,
        lambda: svc.set_examiners(case, by=_actor(request), users=list(form.cleaned_data["users"])),
        ok="已确定面试考官；与报名人有亲属关系的考官已回避。",
    )
    return redirect(_hub(case, "exam"))


@require_POST
def competitive_written(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, Action.MANAGE_CASES)
    form = ScoresForm(
        request.POST, key="written_", registrations=case.registrations.values_list("pk", flat=True)
    )
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect(_hub(case, "scores"))
    scores = form.scores()
    _perform(
        request,
        lambda: svc.record_written_scores(case, by=_actor(request), scores=scores),
        ok="已保存笔试成绩。",
    )
    return redirect(_hub(case, "scores"))


@require_POST
def competitive_advancing(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, Action.MANAGE_CASES)
    form = AdvancingForm(request.POST, case=case)
    if not form.is_valid():
        if "decided_on" in form.errors:
            messages.error(request, "请填写党组会议研究日期。")
        else:
            messages.error(request, "所选人选不属于本次竞争上岗，请刷新页面后重新选择。")
        return redirect(_hub(case, "scores"))
    chosen = form.chosen()
    refused = _perform(
        request,
        lambda: svc.fix_advancing(
            case,
            by=_actor(request),
            decided_on=form.cleaned_data["decided_on"],
            chosen=chosen,
            justifications=justifications_from(request.POST),
        ),
        ok="已确定进入民主测评和考察的人选。",
    )
    if refused is not None:
        return _ask(request, case, refused)
    return redirect(_hub(case, "scores"))


@require_GET
def competitive_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    renderers = {
        "plan-notice": (pdf.render_plan_notice, "竞争上岗实施方案.pdf"),
        "eligibility-notice": (pdf.render_eligibility_notice, "资格审查结果.pdf"),
        "score-sheet": (pdf.render_score_sheet, "成绩汇总表.pdf"),
    }
    if kind not in renderers:
        raise Http404("没有这种文书。")
    case = _case(request, pk, Action.VIEW_CASES)
    if kind == "score-sheet" and not (
        can(request.user, Action.MANAGE_CASES) or can(request.user, Action.AUDIT)
    ):
        raise PermissionDenied
    renderer, filename = renderers[kind]
    try:
        data = renderer(case)
    except DocumentUnavailable as error:
        raise Http404(error.message) from error
    return _pdf(data, filename)
