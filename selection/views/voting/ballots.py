"""会议推荐 and 民主测评 ballot boxes: invitations, slips, the ballot, count, paper tally, receipt check."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ... import rules
from ...forms_voting import (
    BallotForm,
    ConfirmedForm,
    InviteForm,
    PaperTallyForm,
    ReceiptCheckForm,
    SlipCodeForm,
    SlipsForm,
    first_error,
)
from ...models import (
    AppraisalRating,
    BallotBox,
    ParticipantCategory,
    PromotionOpinion,
)
from ...permissions import Action, get_box_for_voter, get_case_for
from ...services import voting
from ...services.base import ServiceError
from ...validators import Bounded
from .common import _actor, _box_for, _case_url

# ---- 会议推荐、民主测评 ------------------------------------------------------------------------------


class BoxForm(Bounded, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=BallotBox.Kind.choices)
    title = forms.CharField(label="名称", max_length=100, required=False)
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.CharField(label="参加范围", max_length=200, required=False)


@require_http_methods(["GET", "POST"])
def box_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A case's staff ballots, and a form to set up a new one."""
    case = get_case_for(request.user, pk, Action.MANAGE_CASES)
    form = BoxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            box = voting.create_ballot_box(case, by=_actor(request), **form.cleaned_data)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已设置投票，请邀请参加人员或生成投票条。")
            return redirect("box_detail", box.pk)
    boxes = list(case.ballot_boxes.order_by("-pk"))
    return render(
        request,
        "selection/voting/box_list.html",
        {
            "case": case,
            "boxes": boxes,
            "form": form,
            "breadcrumbs": [(case.title, _case_url(case)), ("推荐和测评投票", None)],
        },
    )


@dataclass(frozen=True)
class TallyRow:
    label: str
    counts: list[int]  # per category, then the total


def _tally_rows(box: BallotBox) -> tuple[list[str], list[TallyRow]]:
    if not box.tally:
        return [], []
    categories = [c for c in ParticipantCategory]
    by_cat = box.tally["categories"]
    total = box.tally["total"]
    heads = [str(c.label) for c in categories] + ["合计"]
    rows = [
        TallyRow(label, [by_cat[c.value][field] for c in categories] + [total[field]])
        for field, label in (("expected", "应参加人数"), ("actual", "实参加人数"), ("valid", "有效票"))
    ]
    for key, label in voting.vote_keys(box):
        rows.append(
            TallyRow(
                label,
                [by_cat[c.value]["votes"].get(key, 0) for c in categories] + [total["votes"].get(key, 0)],
            )
        )
    return heads, rows


@never_cache
@require_GET
def box_detail(request: HttpRequest, pk: int) -> HttpResponse:
    box = _box_for(request, pk)
    heads, rows = _tally_rows(box)
    invitations = box.invitations.all()
    expected = invitations.count()
    actual = invitations.filter(used=True).count()
    return render(
        request,
        "selection/voting/box_detail.html",
        {
            "box": box,
            "case": box.case,
            "expected": expected,
            "actual": actual,
            "accounts": invitations.filter(user__isnull=False).count(),
            "slips": invitations.filter(user__isnull=True).count(),
            "categories": ParticipantCategory.choices,
            "heads": heads,
            "rows": rows,
            "attendance": rules.recommendation_attendance(expected, actual) if expected else [],
            "paper_keys": voting.vote_keys(box),
            "breadcrumbs": [
                (box.case.title, _case_url(box.case)),
                ("推荐和测评投票", reverse("box_list", args=[box.case_id])),
                (box.title, None),
            ],
        },
    )


@require_POST
def box_invite(request: HttpRequest, pk: int) -> HttpResponse:
    box = _box_for(request, pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("box_detail", box.pk)
    users = list(form.cleaned_data["users"])  # the service refuses anyone not invitable
    try:
        count = voting.invite_accounts(
            box, by=_actor(request), users=users, category=form.cleaned_data["category"]
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已邀请 {count} 人。")
    return redirect("box_detail", box.pk)


@require_POST
def box_slips(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate one-time codes and show the printable slips once (only their hashes are kept)."""
    box = _box_for(request, pk)
    form = SlipsForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("box_detail", box.pk)
    try:
        codes = voting.issue_slips(box, by=_actor(request), **form.cleaned_data)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("box_detail", box.pk)
    response = render(
        request,
        "selection/voting/slips.html",
        {"box": box, "codes": codes, "vote_url": request.build_absolute_uri(reverse("slip_vote"))},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def box_open(request: HttpRequest, pk: int) -> HttpResponse:
    box = _box_for(request, pk)
    try:
        voting.open_box(box, by=_actor(request))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "投票已开始。")
    return redirect("box_detail", box.pk)


@require_POST
def box_close(request: HttpRequest, pk: int) -> HttpResponse:
    box = _box_for(request, pk)
    if not ConfirmedForm(request.POST).is_confirmed():  # the page's dialog sets it; else ask here
        return render(
            request,
            "selection/shared/confirm.html",
            {
                "title": f"结束“{box.title}”的投票？",
                "text": "结束后不能再投票，系统将立即计票。",
                "button": "确认结束投票并计票",
                "back": reverse("box_detail", args=[box.pk]),
                "action": request.path,
                "resend": [],
            },
        )
    try:
        voting.close_box(box, by=_actor(request))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "投票已结束并完成计票。")
    return redirect("box_detail", box.pk)


@require_POST
def box_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Paper fallback: the counted paper ballots by category feed the same tally."""
    box = _box_for(request, pk)
    form = PaperTallyForm(request.POST, vote_keys=voting.vote_keys(box))
    if not form.is_valid():
        messages.error(request, f"纸质计票结果未录入：{first_error(form)}")
        return redirect("box_detail", box.pk)
    counts = {category: voting.CategoryCount(**values) for category, values in form.counts().items()}
    try:
        voting.enter_paper_tally(box, by=_actor(request), counts=counts)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "纸质计票结果已录入。")
    return redirect("box_detail", box.pk)


def _ballot_context(box: BallotBox) -> dict:
    if box.kind == BallotBox.Kind.RECOMMENDATION:
        return {"box": box, "sections": voting.ballot_sections(box)}
    return {
        "box": box,
        "targets": list(box.candidates.select_related("cadre", "vacancy__post").order_by("pk")),
        "ratings": AppraisalRating.choices,
        "opinions": PromotionOpinion.choices,
    }


def _posted_choices(request: HttpRequest, box: BallotBox) -> dict:
    """The ballot's choices, or ServiceError with the form's Chinese refusal."""
    form = BallotForm(request.POST, box=box)
    if not form.is_valid():
        raise ServiceError(first_error(form))
    return form.choices()


def _receipt_page(request: HttpRequest, box: BallotBox, receipt: str) -> HttpResponse:
    response = render(request, "selection/voting/receipt.html", {"box": box, "receipt": receipt})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def box_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """An invited account's ballot, wherever the box belongs; 404 for anyone not invited."""
    box = get_box_for_voter(request.user, pk)
    if request.method == "POST":
        try:
            receipt = voting.cast_staff_ballot(box, user=request.user, choices=_posted_choices(request, box))
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("box_vote", box.pk)
        return _receipt_page(request, box, receipt)
    voted = box.invitations.filter(user=request.user, used=True).exists()
    return render(
        request,
        "selection/voting/ballot.html",
        {**_ballot_context(box), "voted": voted, "action": reverse("box_vote", args=[box.pk])},
    )


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def slip_vote(request: HttpRequest) -> HttpResponse:
    """A slip holder enters their code, then casts their ballot; no account, no name."""
    if request.method == "GET":
        return render(request, "selection/voting/code.html", {})
    form = SlipCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return render(request, "selection/voting/code.html", {})
    code = voting.normalise_code(form.cleaned_data["code"])
    if not code:
        messages.error(request, "请输入投票条上的投票码。")
        return render(request, "selection/voting/code.html", {})
    box = voting.box_for_code(code)
    if box is None:
        messages.error(request, voting.BAD_CODE)
        return render(request, "selection/voting/code.html", {})
    if form.cleaned_data["submit"]:
        try:
            receipt = voting.cast_staff_ballot(box, code=code, choices=_posted_choices(request, box))
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            return _receipt_page(request, box, receipt)
    return render(
        request,
        "selection/voting/ballot.html",
        {**_ballot_context(box), "voted": False, "code": code, "action": reverse("slip_vote")},
    )


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def receipt_check(request: HttpRequest) -> HttpResponse:
    """Anyone holding a receipt can see that its ballot is in the count; never what it says."""
    result = None
    if request.method == "POST":
        form = ReceiptCheckForm(request.POST)
        if form.is_valid():
            result = voting.check_receipt(form.cleaned_data["receipt"])
        else:
            messages.error(request, first_error(form))
    return render(request, "selection/voting/receipt_check.html", {"result": result})
