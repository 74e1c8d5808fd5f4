"""The unit's staff: the applicant's page (my registrations, my review, my scores once published), the
examiner's scoring page (made for a phone) and their 我的待办 items."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ... import gates_competitive as cg
from ...forms_competitive import (
    ApplyForm,
    ReviewRequestForm,
    ScoresForm,
)
from ...models import CaseStatus, CompetitionPlan, Examiner, Registration, SelectionCase, Vacancy
from ...pdf import competitive as pdf
from ...permissions import (
    can_examine,
    can_see_registration,
    get_competition_for,
)
from ...services import competitive as svc
from ..documents import _pdf
from .common import _actor, _perform


def pending_items(user) -> list:
    """我的待办: interviews to score (examiners) and competitions open for registration (their staff)."""
    from ..voting import PendingItem

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
        form = ScoresForm(request.POST, key="score_", registrations=[r.pk for r in applicants])
        if not form.is_valid():
            messages.error(request, form.first_error())
            return redirect("competitive_examine", pk=case.pk)
        scores = form.scores()
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
