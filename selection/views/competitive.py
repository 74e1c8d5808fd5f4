"""竞争上岗 screens: HR's page of a competitive case (方案 → 报名 → 资格审查 → 笔试面试 → 考察人选), the
applicant's page (my registrations, my review, my scores once published) and the examiner's scoring page
(made for a phone). Every POST: authorize → validate → ONE service → redirect with a Chinese message.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import gates_competitive as cg
from ..forms_cases import justifications_from
from ..forms_competitive import (
    AdvancingForm,
    ApplyForm,
    ExaminersForm,
    PaperRegistrationForm,
    PlanForm,
    ReviewAnswerForm,
    ReviewRequestForm,
    scores_from,
)
from ..models import CaseStatus, CompetitionPlan, Examiner, Registration, SelectionCase, Vacancy
from ..pdf import competitive as pdf
from ..pdf.common import DocumentUnavailable
from ..permissions import (
    Action,
    can,
    can_examine,
    can_see_registration,
    get_case_for,
    get_competition_for,
)
from ..rules import Level
from ..services import competitive as svc
from ..services.base import Actor, ServiceError, StaleState, TransitionRefused
from .documents import _pdf

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
    allowed = set(case.registrations.values_list("pk", flat=True))
    scores = scores_from(request.POST, "written_", allowed)
    _perform(
        request,
        lambda: svc.record_written_scores(case, by=_actor(request), scores=scores),
        ok="已保存笔试成绩。",
    )
    return redirect(_hub(case, "scores"))


@require_POST
def competitive_advancing(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, Action.MANAGE_CASES)
    form = AdvancingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写党组会议研究日期。")
        return redirect(_hub(case, "scores"))
    vacancies = set(case.vacancies.values_list("pk", flat=True))
    registrations = set(case.registrations.values_list("pk", flat=True))
    chosen: dict[int, list[int]] = {}
    for value in request.POST.getlist("advance"):
        vacancy, _, registration = value.partition(":")
        if vacancy.isascii() and vacancy.isdigit() and registration.isascii() and registration.isdigit():
            v, r = int(vacancy), int(registration)
            if v in vacancies and r in registrations and r not in chosen.get(v, []):
                chosen.setdefault(v, []).append(r)
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


def pending_items(user) -> list:
    """我的待办: interviews to score (examiners) and competitions open for registration (their staff)."""
    from .voting import PendingItem

    if not user.is_authenticated:
        return []
    items = [
        PendingItem(
            f"面试评分：{d.case.title}",
            "您是本次竞争上岗的面试考官",
            reverse("competitive_examine", args=[d.case_id]),
        )
        for d in Examiner.objects.filter(
            user=user, recused=False, case__status=CaseStatus.EXAM
        ).select_related("case")
    ]
    cadre = getattr(user, "cadre", None)
    if cadre is not None:
        today = timezone.localdate()
        open_cases = (
            SelectionCase.objects.visible_to(user)
            .filter(
                mode=SelectionCase.Mode.COMPETITIVE,
                status=CaseStatus.REGISTRATION,
                competition_plan__registration_opens__lte=today,
                competition_plan__registration_closes__gte=today,
            )
            .exclude(registrations__cadre=cadre)
            .select_related("competition_plan")
        )
        for case in open_cases:
            items.append(
                PendingItem(
                    f"竞争上岗报名：{case.title}",
                    f"报名截止 {case.competition_plan.registration_closes:%Y年%-m月%-d日}",
                    reverse("competitive_home") + f"#open-{case.pk}",
                )
            )
    return items


# ---- staff: applicants and examiners ------------------------------------------------------------------


@dataclass
class MyRegistration:
    registration: Registration
    plan: CompetitionPlan
    scores_published: bool
    written: object = None
    interview: object = None
    composite: object = None
    ranks: list | None = None
    advances: list | None = None
    review_form: ReviewRequestForm | None = None


def _my_scores(item: MyRegistration) -> None:
    """My own scores and ranks, once the results are published (R-CMP-7)."""
    case = item.registration.case
    applicants = cg.qualified(case)
    examiners = cg.panel(case)
    rows = cg.score_rows(case, applicants, examiners)
    mine = next((r for r in rows if r.registration.pk == item.registration.pk), None)
    if mine is None:
        return
    item.written, item.interview, item.composite = mine.written, mine.interview, mine.composite
    item.ranks = []
    for vacancy in item.registration.vacancies.all():
        ranked = cg.post_ranking(case, rows, vacancy)
        rank = next((line.rank for line in ranked if line.key == item.registration.pk), None)
        item.ranks.append((vacancy.post, rank, len(ranked)))
    advancing = {a.vacancy_id for a in item.registration.advancements.all()}
    item.advances = [str(v.post) for v in item.registration.vacancies.all() if v.pk in advancing]


@require_GET
def competitive_home(request: HttpRequest) -> HttpResponse:
    """我的竞争上岗: open registrations, my registrations and results, my examiner duties."""
    user = request.user
    cadre = getattr(user, "cadre", None)
    open_cases = list(
        SelectionCase.objects.visible_to(user)
        .filter(mode=SelectionCase.Mode.COMPETITIVE, status=CaseStatus.REGISTRATION)
        .select_related("competition_plan")
        .prefetch_related(Prefetch("vacancies", queryset=Vacancy.objects.select_related("post__department")))
    )
    mine = []
    if cadre is not None:
        regs = (
            Registration.objects.filter(cadre=cadre)
            .select_related("case__competition_plan", "case__organization")
            .prefetch_related(
                Prefetch("vacancies", queryset=Vacancy.objects.select_related("post__department")),
                "advancements",
            )
            .order_by("-submitted_at")
        )
        for reg in regs:
            plan = reg.case.competition_plan
            item = MyRegistration(reg, plan, plan.results_published_on is not None)
            if item.scores_published:
                _my_scores(item)
            if (
                reg.case.status == CaseStatus.SCREENING
                and plan.screening_published_on
                and not reg.qualified
                and not reg.review_requested_at
            ):
                item.review_form = ReviewRequestForm(auto_id=f"review-{reg.pk}-%s")
            mine.append(item)
    registered = {item.registration.case_id for item in mine}
    today = timezone.localdate()
    for case in open_cases:
        case.already = case.pk in registered
        case.window_open = case.competition_plan.registration_open_on(today)
        case.apply_form = ApplyForm(
            case=case, max_posts=case.competition_plan.max_posts_per_applicant, auto_id=f"apply-{case.pk}-%s"
        )
    duties = list(
        Examiner.objects.filter(user=user, recused=False, case__status=CaseStatus.EXAM).select_related("case")
    )
    return render(
        request,
        "selection/competitive/home.html",
        {
            "cadre": cadre,
            "open_cases": open_cases,
            "mine": mine,
            "duties": duties,
            "breadcrumbs": [("竞争上岗", None)],
        },
    )


@require_POST
def competitive_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """网上报名 with one's own account (R-CMP-2)."""
    case = get_competition_for(request.user, pk)
    plan = cg.plan_of(case)
    form = ApplyForm(request.POST, case=case, max_posts=plan.max_posts_per_applicant)
    if not form.is_valid():
        messages.error(request, "请选择报名职位。")
        return redirect("competitive_home")
    _perform(
        request,
        lambda: svc.register(
            case,
            by=_actor(request),
            vacancies=form.cleaned_data["vacancies"],
            statement=form.cleaned_data["statement"],
        ),
        ok=f"已报名“{case.title}”。资格审查结果公布后可在本页查看。",
    )
    return redirect("competitive_home")


@require_POST
def competitive_review(request: HttpRequest, registration_pk: int) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("cadre", "case"), pk=registration_pk, cadre__account=request.user
    )
    form = ReviewRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请写明申请复核的理由。")
        return redirect("competitive_home")
    _perform(
        request,
        lambda: svc.request_review(registration, by=_actor(request), text=form.cleaned_data["text"]),
        ok="已提交复核申请，人事科将在笔试前答复。",
    )
    return redirect("competitive_home")


@require_GET
def competitive_registration_form(request: HttpRequest, registration_pk: int) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("cadre", "case__organization"), pk=registration_pk
    )
    if not can_see_registration(request.user, registration):
        raise Http404("没有找到该报名。")
    return _pdf(pdf.render_registration_form(registration), f"竞争上岗报名表-{registration.cadre.name}.pdf")


@require_http_methods(["GET", "POST"])
def competitive_examine(request: HttpRequest, pk: int) -> HttpResponse:
    """面试评分 for one examiner, one input per applicant: made for a phone."""
    case = get_competition_for(request.user, pk)
    if not can_examine(request.user, case):
        raise PermissionDenied
    examiner = Examiner.objects.get(case=case, user=request.user)
    applicants = cg.qualified(case)
    if request.method == "POST":
        scores = scores_from(request.POST, "score_", {r.pk for r in applicants})
        _perform(
            request,
            lambda: svc.record_interview_scores(case, by=_actor(request), scores=scores),
            ok=f"已保存 {len(scores)} 人的面试评分。",
        )
        return redirect("competitive_examine", pk=case.pk)
    mine = {}
    for reg in applicants:
        score = next((s.value for s in reg.interview_scores.all() if s.examiner_id == examiner.pk), None)
        mine[reg.pk] = score
    rows = [(reg, mine[reg.pk]) for reg in applicants]
    return render(
        request,
        "selection/competitive/examine.html",
        {
            "case": case,
            "rows": rows,
            "done": sum(1 for _, s in rows if s is not None),
            "locked": case.status != CaseStatus.EXAM or bool(case.competition_plan.advancing_decided_on),
            "breadcrumbs": [("竞争上岗", reverse("competitive_home")), ("面试评分", None)],
        },
    )


urlpatterns = [
    path("competitive/", competitive_home, name="competitive_home"),
    path("competitive/<int:pk>/apply", competitive_apply, name="competitive_apply"),
    path("competitive/<int:pk>/examine", competitive_examine, name="competitive_examine"),
    path(
        "competitive/registrations/<int:registration_pk>/review",
        competitive_review,
        name="competitive_review",
    ),
    path(
        "competitive/registrations/<int:registration_pk>/form.pdf",
        competitive_registration_form,
        name="competitive_registration_form",
    ),
    path("cases/<int:pk>/competitive/", competitive_case, name="competitive_case"),
    path("cases/<int:pk>/competitive/plan", competitive_plan, name="competitive_plan"),
    path("cases/<int:pk>/competitive/step/<slug:step>", competitive_step, name="competitive_step"),
    path("cases/<int:pk>/competitive/register", competitive_paper, name="competitive_paper"),
    path(
        "cases/<int:pk>/competitive/screening/<slug:action>",
        competitive_screening,
        name="competitive_screening",
    ),
    path(
        "cases/<int:pk>/competitive/reviews/<int:registration_pk>",
        competitive_answer,
        name="competitive_answer",
    ),
    path("cases/<int:pk>/competitive/examiners", competitive_examiners, name="competitive_examiners"),
    path("cases/<int:pk>/competitive/written", competitive_written, name="competitive_written"),
    path("cases/<int:pk>/competitive/advancing", competitive_advancing, name="competitive_advancing"),
    path(
        "cases/<int:pk>/competitive/documents/<slug:kind>", competitive_document, name="competitive_document"
    ),
]
