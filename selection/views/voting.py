"""Voting pages: the party group's meeting (attendance, vote, close, sign-off, 复议) and staff ballots
(会议推荐, 民主测评: invitations, slips, ballot, count, paper tally, receipt check).

Thin views: authorize → validate → call one service (selection/services/voting.py) → respond. Every rule,
including who may vote and when, is enforced by the services; the pages only choose what to show.
Phone first: one screen, `.btn-vote` targets, a confirmation dialog (Bootstrap data attributes, no script).
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import twofactor
from accounts.roles import Role

from .. import gates, rules
from ..awaiting import nothing_to_vote
from ..forms_voting import (
    AttendanceForm,
    BallotForm,
    ConfirmedForm,
    InviteForm,
    MeetingOpenForm,
    MeetingVoteForm,
    PaperTallyForm,
    ReceiptCheckForm,
    SignOffForm,
    SlipCodeForm,
    SlipsForm,
    first_error,
)
from ..models import (
    AppraisalRating,
    BallotBox,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Meeting,
    ParticipantCategory,
    PromotionOpinion,
    SelectionCase,
    VoteChoice,
    meeting_agenda,
)
from ..permissions import Action, acts_for, can, can_vote_in, get_box_for_voter, get_case_for
from ..services import voting
from ..services.base import Actor, ServiceError
from ..validators import Bounded

User = get_user_model()


def _actor(request: HttpRequest) -> Actor:
    return Actor(request.user, request.META.get("REMOTE_ADDR") or None)


def _meeting_for(request: HttpRequest, pk: int) -> Meeting:
    """The meeting, if its case is visible to the user (404 otherwise, as for the case)."""
    meeting = get_object_or_404(Meeting.objects.select_related("case", "chair"), pk=pk)
    case = get_case_for(request.user, meeting.case_id)
    if request.method == "POST" and not acts_for(request.user, case):
        raise PermissionDenied  # R-REQ-4: the bureau reads an institution's meeting, it does not run it
    return meeting


def _box_for(request: HttpRequest, pk: int, action: Action = Action.MANAGE_CASES) -> BallotBox:
    box = get_object_or_404(BallotBox.objects.select_related("case"), pk=pk)
    get_case_for(request.user, box.case_id, action)
    return box


def _may_schedule(user) -> bool:
    return can(user, Action.MANAGE_CASES) or can(user, Action.CHAIR_MEETING)


def party_group(organization):
    """Accounts of the organization's party group (who should attend a meeting)."""
    roles = [Role.SECRETARY.group_name, Role.PERSONNEL_LEAD.group_name, Role.PARTY_MEMBER.group_name]
    return (
        User.objects.filter(organization=organization, is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("pk")
    )


# ---- 党组会议 ---------------------------------------------------------------------------------------


class ScheduleForm(Bounded, forms.Form):
    held_on = forms.DateField(label="会议日期", widget=forms.DateInput(attrs={"type": "date"}))
    chair = forms.ModelChoiceField(label="主持人（主要领导）", queryset=User.objects.none())
    members = forms.ModelMultipleChoiceField(
        label="应到党组成员",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        group = party_group(organization)
        self.fields["members"].queryset = group
        self.fields["chair"].queryset = group.filter(groups__name=Role.SECRETARY.group_name)
        self.fields["members"].initial = list(group)


@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """HR (or the main leader) sets up an online party-group meeting."""
    case = get_case_for(request.user, pk)
    if not _may_schedule(request.user):
        raise PermissionDenied
    form = ScheduleForm(request.POST or None, organization=case.organization)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = voting.schedule_meeting(
                case,
                by=_actor(request),
                held_on=form.cleaned_data["held_on"],
                chair=form.cleaned_data["chair"],
                members=list(form.cleaned_data["members"]),
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "党组会议已安排，请主持人登记出席情况并开始表决。")
            return redirect("meeting_detail", meeting.pk)
    return render(
        request,
        "selection/voting/meeting_schedule.html",
        {"case": case, "form": form, "breadcrumbs": [(case.title, _case_url(case)), ("安排党组会议", None)]},
    )


def _case_url(case: SelectionCase) -> str | None:
    try:
        return case.get_absolute_url()
    except NoReverseMatch:  # the case page lives in another module
        return None


@dataclass(frozen=True)
class VoteRow:
    candidate: Candidate
    blocked: str  # why the member cannot vote on it now; "" when they can


@dataclass(frozen=True)
class ResultRow:
    candidate_id: int
    name: str
    agree: int
    disagree: int
    postpone: int
    expected: int
    recused: list[str]
    outcome_label: str


@dataclass(frozen=True)
class SignRow:
    name: str
    status: str  # valid / stale / missing


def _meeting_context(request: HttpRequest, meeting: Meeting) -> dict:
    user = request.user
    attendance = list(meeting.attendance.select_related("member").order_by("pk"))
    is_chair = user.pk == meeting.chair_id and can(user, Action.CHAIR_MEETING)
    present_ids = {a.member_id for a in attendance if a.present}
    context: dict = {
        "meeting": meeting,
        "case": meeting.case,
        "attendance": attendance,
        "is_chair": is_chair,
        "is_present": user.pk in present_ids,
        "methods": Meeting.Method.choices,
        "choices": VoteChoice.choices,
        "breadcrumbs": [(meeting.case.title, _case_url(meeting.case)), (str(meeting), None)],
        "reconsiderations": list(meeting.reconsiderations.select_related("candidate__cadre")),
    }
    if meeting.phase == Meeting.Phase.VOTING:
        context["nothing_to_vote"] = nothing_to_vote(meeting, user)
        if can_vote_in(user, meeting):
            context["vote_rows"] = [VoteRow(c, why) for c, why in voting.ballot_items(meeting, user)]
            context["my_recusals"] = [
                r.candidate.cadre.name
                for r in meeting.recusals.filter(member=user).select_related("candidate__cadre")
            ]
        agenda = meeting_agenda(meeting)
        recused = {(r.member_id, r.candidate_id) for r in meeting.recusals.all()}
        voted = {(v.member_id, v.candidate_id) for v in meeting.open_votes.all()} | {
            (p.member_id, p.candidate_id) for p in meeting.secret_participations.all()
        }
        # Progress shows how many have voted, never how.
        context["progress"] = [
            (
                c.cadre.name,
                sum(1 for m in present_ids if (m, c.pk) in voted),
                sum(1 for m in present_ids if (m, c.pk) not in recused),
            )
            for c in agenda
        ]
    if meeting.phase == Meeting.Phase.CLOSED:
        tallies = gates.tally(meeting)
        context["results"] = [
            ResultRow(pk, t.name, t.agree, t.disagree, t.postpone, t.expected, t.recused, t.outcome_label)
            for pk, t in tallies.items()
        ]
        context["digest"] = voting.current_digest(meeting)
        status = voting.signature_status(meeting)
        names = {a.member_id: a.member.get_full_name() for a in attendance}
        context["signatures"] = [SignRow(names[m], s) for m, s in status.items()]
        context["must_sign"] = status.get(user.pk) in ("missing", "stale")
        context["sign_needs_otp"] = twofactor.is_required(user)
        deferred = set(
            Candidate.objects.filter(pk__in=tallies, status=CandidateStatus.DEFERRED).values_list(
                "pk", flat=True
            )
        )
        context["deferred"] = [r for r in context["results"] if r.candidate_id in deferred]
        context["may_reconsider"] = (
            _may_schedule(user)
            and meeting.case.status == CaseStatus.DECISION
            and not meeting.case.meetings.exclude(phase=Meeting.Phase.CLOSED).exists()
        )
    return context


@never_cache
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    return render(request, "selection/voting/meeting.html", _meeting_context(request, meeting))


def _chair_only(request: HttpRequest, meeting: Meeting) -> None:
    if not can(request.user, Action.CHAIR_MEETING) or request.user.pk != meeting.chair_id:
        raise PermissionDenied


@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair checks in who is present."""
    meeting = _meeting_for(request, pk)
    _chair_only(request, meeting)
    form = AttendanceForm(request.POST, rows=meeting.attendance.select_related("member"))
    if not form.is_valid():
        messages.error(request, f"出席情况未登记：{first_error(form)}")
        return redirect("meeting_detail", meeting.pk)
    present, reasons = form.present_members(), form.reasons()
    try:
        voting.record_attendance(meeting, by=_actor(request), present=present, absence_reasons=reasons)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"出席情况已登记：实到 {len(present)} 人。")
    return redirect("meeting_detail", meeting.pk)


@require_POST
def meeting_open(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    _chair_only(request, meeting)
    form = MeetingOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("meeting_detail", meeting.pk)
    try:
        voting.open_voting(meeting, by=_actor(request), method=form.cleaned_data["method"])
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "表决已开始，出席成员可以在“我的待办”中表决。")
    return redirect("meeting_detail", meeting.pk)


@require_POST
def meeting_vote(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    if not can_vote_in(request.user, meeting):
        raise PermissionDenied
    form = MeetingVoteForm(request.POST, agenda=meeting_agenda(meeting))
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("meeting_detail", meeting.pk)
    try:
        count = voting.cast_votes(meeting, by=_actor(request), choices=form.choices())
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"表决已提交（{count} 名人选）。表决结束后可查看结果。")
    return redirect("meeting_detail", meeting.pk)


@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    _chair_only(request, meeting)
    try:
        voting.close_voting(meeting, by=_actor(request))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "表决已结束，请出席成员签字确认表决结果。")
    return redirect("meeting_detail", meeting.pk)


@require_POST
def meeting_sign(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    if not can(request.user, Action.VOTE):
        raise PermissionDenied
    form = SignOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"签字确认未完成：{first_error(form)}")
        return redirect("meeting_detail", meeting.pk)
    try:
        voting.sign_off(
            meeting,
            by=_actor(request),
            password=form.cleaned_data["password"],
            otp_token=form.cleaned_data["otp_token"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已签字确认表决结果。")
    return redirect("meeting_detail", meeting.pk)


class ReconsiderForm(Bounded, forms.Form):
    agree_to_reopen = forms.IntegerField(label="同意复议人数", min_value=0)
    held_on = forms.DateField(label="复议会议日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="复议理由", max_length=200, required=False)


@require_POST
def meeting_reconsider(request: HttpRequest, pk: int, candidate_pk: int) -> HttpResponse:
    """复议 (R-DEC-7): a new meeting with the same members and chair as the last one."""
    meeting = _meeting_for(request, pk)
    if not _may_schedule(request.user):
        raise PermissionDenied
    candidate = get_object_or_404(Candidate, case=meeting.case, pk=candidate_pk)
    form = ReconsiderForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写同意复议人数和复议会议日期。")
        return redirect("meeting_detail", meeting.pk)
    members = [a.member for a in meeting.attendance.select_related("member").order_by("pk")]
    try:
        new = voting.reconsider(
            candidate, by=_actor(request), chair=meeting.chair, members=members, **form.cleaned_data
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("meeting_detail", meeting.pk)
    messages.success(request, "复议已启动，请主持人登记出席情况并开始表决。")
    return redirect("meeting_detail", new.pk)


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


urlpatterns = [
    path("cases/<int:pk>/meetings/new/", meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/attendance/", meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/open/", meeting_open, name="meeting_open"),
    path("meetings/<int:pk>/vote/", meeting_vote, name="meeting_vote"),
    path("meetings/<int:pk>/close/", meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/sign/", meeting_sign, name="meeting_sign"),
    path("meetings/<int:pk>/reconsider/<int:candidate_pk>/", meeting_reconsider, name="meeting_reconsider"),
    path("cases/<int:pk>/ballots/", box_list, name="box_list"),
    path("ballots/<int:pk>/", box_detail, name="box_detail"),
    path("ballots/<int:pk>/invite/", box_invite, name="box_invite"),
    path("ballots/<int:pk>/slips/", box_slips, name="box_slips"),
    path("ballots/<int:pk>/open/", box_open, name="box_open"),
    path("ballots/<int:pk>/close/", box_close, name="box_close"),
    path("ballots/<int:pk>/paper/", box_paper, name="box_paper"),
    path("ballots/<int:pk>/vote/", box_vote, name="box_vote"),
    path("vote/", slip_vote, name="slip_vote"),
    path("vote/receipt/", receipt_check, name="receipt_check"),
]


# ---- 我的待办 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingItem:
    title: str
    detail: str
    url: str


def pending_items(user) -> list[PendingItem]:
    """The user's votes, sign-offs and meetings to run, for 我的待办."""
    items: list[PendingItem] = []
    if not user.is_authenticated:
        return items
    open_phases = [Meeting.Phase.PREPARING, Meeting.Phase.VOTING]
    for meeting in Meeting.objects.filter(chair=user, phase__in=open_phases).select_related("case"):
        todo = "登记出席情况并开始表决" if meeting.phase == Meeting.Phase.PREPARING else "全部表决后结束表决"
        items.append(
            PendingItem(
                f"主持{meeting}：{todo}", meeting.case.title, reverse("meeting_detail", args=[meeting.pk])
            )
        )
    # The meetings the user attends that vote or have voted, in one query with their attendance and
    # recusals: votes to cast, why there is nothing to vote on, results to sign.
    attended = (
        Meeting.objects.filter(
            attendance__member=user,
            phase__in=[Meeting.Phase.VOTING, Meeting.Phase.CLOSED],
            case__status=CaseStatus.DECISION,
        )
        .select_related("case")
        .prefetch_related("attendance", "recusals")
    )
    votes, nothing, signatures = [], [], []
    for meeting in attended:
        present = any(a.member_id == user.pk and a.present for a in meeting.attendance.all())
        url = reverse("meeting_detail", args=[meeting.pk])
        if meeting.phase == Meeting.Phase.VOTING:
            if present and can_vote_in(user, meeting) and (left := voting.ballot_items(meeting, user)):
                title = f"{meeting}表决（{meeting.get_method_display()}）"
                votes.append(PendingItem(title, f"{meeting.case.title}：{len(left)} 名人选待表决", url))
            # Absent or wholly recused members learn why they have nothing to vote on (R-DEC-5, R-DEC-6).
            if why := nothing_to_vote(meeting, user):
                nothing.append(PendingItem(f"{meeting}：您无需表决", f"{meeting.case.title}：{why}", url))
        elif present and voting.signature_status(meeting).get(user.pk) != "valid":
            signatures.append(PendingItem(f"{meeting}：签字确认表决结果", meeting.case.title, url))
    items += votes + nothing + signatures
    boxes = BallotBox.objects.filter(
        phase=BallotBox.Phase.OPEN, invitations__user=user, invitations__used=False
    ).select_related("case")
    for box in boxes:
        items.append(
            PendingItem(
                f"{box.get_kind_display()}投票：{box.title}",
                box.case.title,
                reverse("box_vote", args=[box.pk]),
            )
        )
    return items
