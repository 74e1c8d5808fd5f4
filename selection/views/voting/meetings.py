"""党组会议: schedule, attendance, the vote, close, sign-off and 复议 (selection/services/voting/meetings.py decides)."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import twofactor
from accounts.roles import Role

from ... import gates
from ...awaiting import nothing_to_vote
from ...forms_voting import (
    AttendanceForm,
    MeetingOpenForm,
    MeetingVoteForm,
    SignOffForm,
    first_error,
)
from ...models import (
    Candidate,
    CandidateStatus,
    CaseStatus,
    Meeting,
    VoteChoice,
    meeting_agenda,
)
from ...permissions import Action, can, can_vote_in, get_case_for
from ...services import voting
from ...services.base import ServiceError
from ...validators import Bounded
from .common import User, _actor, _case_url, _may_schedule, _meeting_for, party_group

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
        context["digest"] = voting.current_digest(meeting, tallies)
        status = voting.signature_status(meeting, context["digest"])
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
