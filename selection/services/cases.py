"""Services for a selection case: one function per user action (STYLE.md).

Each function is the only code path for its action: views, admin and commands call it. Steps between
stages go through `run_case_step`; the other actions lock the case, check state, write, and record.
"""

from collections import Counter
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from selection import gates, sealing
from selection.models import (
    OPEN_CASE_STATES,
    Appointment,
    Attendance,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Complaint,
    Document,
    Inspection,
    Meeting,
    OpenVote,
    Post,
    PostHolding,
    PublicNotice,
    RecommendationRound,
    Recusal,
    ResumeEntry,
    RoundResult,
    SelectionCase,
    TargetDecision,
    Vacancy,
    VoteChoice,
)
from selection.models.ballot import (
    AgendaItem,
    SecretCount,
    meeting_agenda,
    meeting_scope,
    result_digest,
)
from selection.permissions import assign_inspection_duty, assign_meeting_participants
from selection.workdays import CalendarUnavailable

from . import registry
from .base import Actor, ServiceError, Step, as_actor, check_findings, lock_case, record_event, run_case_step


def _require_state(case: SelectionCase, *states: str, action: str) -> None:
    if case.status not in states:
        labels = "、".join(str(CaseStatus(s).label) for s in states)
        raise ServiceError(
            f"“{action}”只能在{labels}阶段进行，该批次当前处于“{case.get_status_display()}”阶段。"
        )


def _check_dates(dates: dict[str, date | None]) -> None:
    """R-REG-4 in the services: no date of something done lies after today."""
    today = timezone.localdate()
    late = [label for label, value in dates.items() if value is not None and value > today]
    if late:
        raise ServiceError(f"R-REG-4：{'、'.join(late)}不能晚于今天（{today:%Y年%-m月%-d日}）。")


def _valid(obj, *, exclude: list[str] | None = None) -> None:
    """The model's own checks (dates in order, counts that add up), as a Chinese ServiceError."""

    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ServiceError("；".join(dict.fromkeys(error.messages))) from error


# ---- 动议 -----------------------------------------------------------------------------------------


def open_case(
    organization,
    *,
    by,
    title: str,
    year: int,
    posts: list[Post],
    motion_origin: str,
    motion_date: date,
    motion_form: str = SelectionCase.MotionForm.ORAL,
    analysis: str = "",
    mode: str = SelectionCase.Mode.DAILY,
    method_reason: str = "",
) -> SelectionCase:
    """Open a case in 动议 with its vacancies (R-MOT-2/3 are checked when it moves on)."""
    actor = as_actor(by)
    if not posts:
        raise ServiceError("请至少选择一个拟任职位。")
    if any(post.organization_id != organization.pk for post in posts):
        raise ServiceError("拟任职位必须属于本单位。")
    _check_dates({"动议日期": motion_date})
    with transaction.atomic():
        # R-REG-1: a post another open case is already filling cannot be moved for again (locked, so two
        # motions opened at the same moment cannot both pass).
        list(Post.objects.select_for_update().filter(pk__in=[p.pk for p in posts]).values_list("pk"))
        taken = Vacancy.objects.filter(post__in=posts, case__status__in=OPEN_CASE_STATES).select_related(
            "case", "post__department"
        )
        if taken := list(taken):
            raise ServiceError(
                "R-REG-1："
                + "；".join(f"职位“{v.post}”已在进行中的“{v.case.title}”中选拔" for v in taken)
                + "。同一职位不能同时在两个选拔任用工作中动议，请先完成或终止原工作。"
            )
        case = SelectionCase.objects.create(
            organization=organization,
            title=title,
            year=year,
            mode=mode,
            motion_origin=motion_origin,
            motion_form=motion_form,
            motion_date=motion_date,
            motion_analysis=analysis,
            motion_proposed_by=actor.user,
            method_reason=method_reason,
            created_by=actor.user,
        )
        Vacancy.objects.bulk_create([Vacancy(case=case, post=post) for post in posts])
        record_event(
            case,
            by=actor,
            action="open_case",
            summary=f"启动动议：{title}（拟任职位 {len(posts)} 个）",
            to_state=case.status,
            payload={"posts": [str(p) for p in posts], "origin": motion_origin, "form": motion_form},
        )
    return case


def _require_pending_motion(case: SelectionCase, action: str) -> None:
    _require_state(case, CaseStatus.MOTION, action=action)
    review = case.motion_review
    if review == SelectionCase.MotionReview.APPROVED:
        raise ServiceError("主要领导已同意该动议，无需重复操作。")
    if review == SelectionCase.MotionReview.RETURNED:
        raise ServiceError("该动议已退回人事部门修改，修改后再报主要领导审批。")
    if review == SelectionCase.MotionReview.REJECTED:
        raise ServiceError("主要领导已不同意该动议。")


def approve_motion(case: SelectionCase, *, by) -> SelectionCase:
    """The main leader decides or approves the motion (R-MOT-2). Only the main leader may call this."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_pending_motion(case, "主要领导同意动议")
        case.approve_motion()
        case.motion_approved_by = actor.user
        case.motion_approved_at = timezone.now()
        case.save(update_fields=["motion_review", "motion_approved_by", "motion_approved_at", "updated_at"])
        record_event(
            case, by=actor, action="approve_motion", summary=f"主要领导{actor.name}同意启动选拔任用工作"
        )
    return case


def return_motion(case: SelectionCase, *, by, comment: str) -> SelectionCase:
    """The main leader returns the motion to HR for correction, saying what to change (R-MOT-2)."""
    actor = as_actor(by)
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError("退回修改请填写修改意见。")
    with transaction.atomic():
        case = lock_case(case)
        _require_pending_motion(case, "退回修改动议")
        case.return_motion()
        case.motion_review_comment = comment
        case.save(update_fields=["motion_review", "motion_review_comment", "updated_at"])
        record_event(
            case,
            by=actor,
            action="return_motion",
            summary=f"主要领导{actor.name}退回动议修改：{comment}",
            payload={"comment": comment},
        )
    return case


def reject_motion(case: SelectionCase, *, by, comment: str) -> SelectionCase:
    """The main leader does not agree to start the work: the motion is refused and the case ends."""
    actor = as_actor(by)
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError("不同意启动请填写理由。")
    with transaction.atomic():
        case = lock_case(case)
        _require_pending_motion(case, "不同意动议")
        from_state = case.status
        case.reject_motion()
        case.terminate()
        case.motion_review_comment = comment
        case.termination_reason = f"主要领导不同意启动：{comment}"
        case.save()
        record_event(
            case,
            by=actor,
            action="reject_motion",
            summary=f"主要领导{actor.name}不同意启动选拔任用工作：{comment}",
            from_state=from_state,
            to_state=case.status,
            payload={"comment": comment},
        )
    return case


MOTION_FIELD_LABELS = {
    "title": "批次名称",
    "year": "年度",
    "mode": "选拔方式",
    "motion_origin": "动议方式",
    "motion_form": "启动意见形式",
    "motion_date": "动议日期",
    "motion_analysis": "分析研判情况",
    "method_reason": "选拔方式理由",
}


def correct_motion(
    case: SelectionCase,
    *,
    by,
    title: str,
    year: int,
    posts: list[Post],
    motion_origin: str,
    motion_date: date,
    motion_form: str = SelectionCase.MotionForm.ORAL,
    analysis: str = "",
    mode: str = SelectionCase.Mode.DAILY,
    method_reason: str = "",
) -> SelectionCase:
    """HR corrects the motion until the main leader approves it; a returned motion goes back for review.

    A post may be dropped only while nobody has been nominated for it; every change is recorded."""
    actor = as_actor(by)
    if not posts:
        raise ServiceError("请至少选择一个拟任职位。")
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.MOTION, action="修改动议")
        if case.motion_review == SelectionCase.MotionReview.APPROVED:
            raise ServiceError("主要领导已同意该动议，不能再修改。")
        if case.motion_review == SelectionCase.MotionReview.REJECTED:
            raise ServiceError("主要领导已不同意该动议，不能再修改。")
        if any(post.organization_id != case.organization_id for post in posts):
            raise ServiceError("拟任职位必须属于本单位。")
        new = {
            "title": title,
            "year": year,
            "mode": mode,
            "motion_origin": motion_origin,
            "motion_form": motion_form,
            "motion_date": motion_date,
            "motion_analysis": analysis,
            "method_reason": method_reason,
        }
        changed = {
            MOTION_FIELD_LABELS[name]: [str(getattr(case, name) or ""), str(value or "")]
            for name, value in new.items()
            if getattr(case, name) != value
        }
        vacancies = {v.post_id: v for v in case.vacancies.select_related("post")}
        wanted = {post.pk: post for post in posts}
        dropped = [v for post_id, v in vacancies.items() if post_id not in wanted]
        busy = [str(v.post) for v in dropped if v.candidates.exists()]
        if busy:
            raise ServiceError(f"“{'、'.join(busy)}”已有人选，请先让人选退出再删除该职位。")
        added = [post for post_id, post in wanted.items() if post_id not in vacancies]
        if dropped:
            Vacancy.objects.filter(pk__in=[v.pk for v in dropped]).delete()
            changed["删除拟任职位"] = [str(v.post) for v in dropped]
        if added:
            Vacancy.objects.bulk_create([Vacancy(case=case, post=post) for post in added])
            changed["增加拟任职位"] = [str(post) for post in added]
        if not changed:
            raise ServiceError("没有修改任何内容。")
        returned = case.motion_review == SelectionCase.MotionReview.RETURNED
        for name, value in new.items():
            setattr(case, name, value)
        case.correct_motion()
        case.save()
        record_event(
            case,
            by=actor,
            action="correct_motion",
            summary=f"修改动议（{'、'.join(changed)}）" + ("，重新报主要领导审批" if returned else ""),
            payload={"changed": changed, "resubmitted": returned},
        )
    return case


def nominate(
    case: SelectionCase, *, by, cadre, vacancy: Vacancy, from_recommendation: bool = True
) -> Candidate:
    """Add a person to consider for a vacancy (a recommendation reference candidate)."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.MOTION, CaseStatus.RECOMMENDATION, action="提名人选")
        if vacancy.case_id != case.pk:
            raise ServiceError("拟任职位不属于该批次。")
        if (
            cadre.organization_id != case.organization_id
            and cadre.organization.parent_id != case.organization_id
        ):
            raise ServiceError("人选必须是本单位（含下属单位）的干部。")
        try:
            with transaction.atomic():
                candidate = Candidate.objects.create(
                    case=case, vacancy=vacancy, cadre=cadre, from_recommendation=from_recommendation
                )
        except IntegrityError as exc:
            raise ServiceError(f"{cadre.name}已是“{vacancy.post}”的人选。") from exc
        record_event(
            case,
            by=actor,
            action="nominate",
            candidate=candidate,
            summary=f"提名人选：{cadre.name}，拟任{vacancy.post}",
        )
    return candidate


def start_recommendation(
    case: SelectionCase, *, by, justifications: dict[str, str] | None = None
) -> SelectionCase:
    """动议 → 民主推荐: quota, the main leader's decision, the analysis, the method (R-MOT-*, R-MET-1)."""
    step = Step("start_recommendation", "进入民主推荐", gates.motion)
    return run_case_step(case, step, by=by, justifications=justifications)


# ---- 民主推荐 ---------------------------------------------------------------------------------------


def record_round(
    case: SelectionCase,
    *,
    by,
    kind: str,
    held_on: date,
    expected: int,
    actual: int,
    valid_ballots: int | None,
    results: list[tuple[Vacancy, object, int]],
    scope: str = "",
) -> RecommendationRound:
    """Record one recommendation round and the votes each person received (R-REC-5, R-REC-8)."""
    actor = as_actor(by)
    _check_dates({"推荐日期": held_on})
    if actual > expected:
        raise ServiceError("实参加人数不能多于应参加人数。")
    if valid_ballots is not None and valid_ballots > actual:
        raise ServiceError("有效票数不能多于实参加人数。")
    if any(votes > (valid_ballots if valid_ballots is not None else actual) for _, _, votes in results):
        raise ServiceError("个人得票数不能多于有效票数。")
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.RECOMMENDATION, action="录入推荐结果")
        round_ = RecommendationRound.objects.create(
            case=case,
            kind=kind,
            held_on=held_on,
            expected=expected,
            actual=actual,
            valid_ballots=valid_ballots,
            scope=scope,
            recorded_by=actor.user,
        )
        rows = []
        by_vacancy: dict[int, list[tuple[object, int]]] = {}
        for vacancy, cadre, votes in results:
            by_vacancy.setdefault(vacancy.pk, []).append((cadre, votes))
        for vacancy_id, entries in by_vacancy.items():
            ordered = sorted(entries, key=lambda e: -e[1])
            for index, (cadre, votes) in enumerate(ordered):
                # Equal votes share a rank (competition ranking: 1, 2, 2, 4).
                rank = 1 + sum(1 for _, other in ordered[:index] if other > votes)
                rows.append(
                    RoundResult(round=round_, vacancy_id=vacancy_id, cadre=cadre, votes=votes, rank=rank)
                )
        RoundResult.objects.bulk_create(rows)
        record_event(
            case,
            by=actor,
            action="record_round",
            summary=f"录入{round_.get_kind_display()}结果：应参加 {expected} 人，实参加 {actual} 人",
            findings=gates.round_findings(round_),
            payload={
                "kind": kind,
                "held_on": held_on,
                "expected": expected,
                "actual": actual,
                "valid_ballots": valid_ballots,
                "results": [{"cadre": r.cadre.name, "votes": r.votes, "rank": r.rank} for r in rows],
            },
        )
    return round_


def record_meeting_skip(
    case: SelectionCase, *, by, small_unit: bool, same_scope: bool, concentrated: bool, reason: str
) -> SelectionCase:
    """Affirm why the meeting round is not held (R-REC-4); the gate still asks for a justification."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.RECOMMENDATION, action="说明不再进行会议推荐")
        if case.rounds.filter(kind=RecommendationRound.Kind.MEETING).exists():
            raise ServiceError("已进行会议推荐，无需说明。")
        old = case.meeting_skip
        case.meeting_skip = {
            "small_unit": bool(small_unit),
            "same_scope": bool(same_scope),
            "concentrated": bool(concentrated),
            "reason": reason.strip(),
        }
        case.save(update_fields=["meeting_skip", "updated_at"])
        record_event(
            case,
            by=actor,
            action="record_meeting_skip",
            summary="说明不再进行会议推荐的情形",
            payload={"old": old, "new": case.meeting_skip},
        )
    return case


def fix_targets(
    case: SelectionCase,
    *,
    by,
    meeting_date: date,
    expected_members: int,
    present_members: int,
    targets: list[Candidate],
    considerations: str = "",
    justifications: dict[str, str] | None = None,
) -> TargetDecision:
    """The party group's collective decision on the inspection targets (R-INS-1, R-INS-2, R-REC-7)."""
    actor = as_actor(by)
    _check_dates({"党组会议日期": meeting_date})
    if present_members > expected_members:
        raise ServiceError("实到人数不能多于应到人数。")
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.RECOMMENDATION, action="确定考察对象")
        if hasattr(case, "target_decision"):
            raise ServiceError("考察对象已经确定。")
        targets = list(
            Candidate.objects.select_for_update().filter(pk__in=[t.pk for t in targets], case=case)
        )
        if not targets:
            raise ServiceError("请至少选择一名考察对象。")
        findings = gates.targets(case, targets, meeting_date, expected_members, present_members)
        accepted = check_findings(findings, justifications)
        decision = TargetDecision.objects.create(
            case=case,
            meeting_date=meeting_date,
            expected_members=expected_members,
            present_members=present_members,
            considerations=considerations,
            recorded_by=actor.user,
        )
        for candidate in targets:
            candidate.make_target()
            candidate.save()
            Inspection.objects.get_or_create(candidate=candidate)
        record_event(
            case,
            by=actor,
            action="fix_targets",
            summary=f"党组集体研究确定考察对象：{'、'.join(t.cadre.name for t in targets)}",
            findings=findings,
            justification=accepted,
            payload={"meeting_date": meeting_date, "expected": expected_members, "present": present_members},
        )
    return decision


def start_inspection(
    case: SelectionCase, *, by, justifications: dict[str, str] | None = None
) -> SelectionCase:
    """民主推荐 → 考察 (R-REC-1..7, R-INS-1, R-EXC-2)."""
    return run_case_step(
        case, Step("start_inspection", "进入考察", gates.recommendation), by=by, justifications=justifications
    )


# ---- 考察 -----------------------------------------------------------------------------------------

# Ordered as the inspection form shows them.
INSPECTION_FIELDS = (
    "started_on",
    "notice_published_on",
    "notice_scope",
    "notice_phone",
    "appraisal_expected",
    "appraisal_actual",
    "rated_excellent",
    "rated_competent",
    "rated_basic",
    "rated_incompetent",
    "agree_promotion",
    "disagree_promotion",
    "opinions",
    "negative_list",
    "dossier_items",
    "dossier_reviewer",
    "dossier_checked_on",
    "discipline_opinion_on",
    "discipline_conclusion",
    "discipline_clear",
    "personal_matters_checked_on",
    "personal_matters_result",
    "complaints_resolved",
    "pre_review_on",
    "pre_review_reply",
)
CANDIDATE_FIELDS = {
    "exceptional",
    "exceptional_type",
    "exceptional_reason",
    "county_consent_number",
    "county_consent_date",
    "health_attested_fit",
    "target_reason",
}


def update_candidate_record(candidate: Candidate, *, by, **changes) -> Candidate:
    """Record or correct inspection facts of one candidate; every change is an event with old and new values."""
    actor = as_actor(by)
    unknown = set(changes) - set(INSPECTION_FIELDS) - CANDIDATE_FIELDS - {"team"}
    if unknown:
        raise ServiceError(f"不能修改这些项目：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        case = lock_case(candidate.case)
        if not case.is_open:
            raise ServiceError("该批次已结束，不能再修改。")
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if not candidate.is_open:
            raise ServiceError("该人选已退出或已任职，不能再修改。")
        inspection, _ = Inspection.objects.get_or_create(candidate=candidate)
        diff = {}
        team = changes.pop("team", None)
        if team is not None:
            findings = gates.inspection_team(candidate, team)
            check_findings(findings, None)
            before = sorted(u.get_full_name() for u in inspection.team.all())
            inspection.team.set(team)
            assign_inspection_duty(candidate, team)
            diff["team"] = {"old": before, "new": sorted(u.get_full_name() for u in team)}
        for name, value in changes.items():
            target = inspection if name in INSPECTION_FIELDS else candidate
            old = getattr(target, name)
            if old != value:
                diff[name] = {"old": old, "new": value}
                setattr(target, name, value)
        _valid(inspection, exclude=["candidate"])  # R-REG-4 dates, R-INS-5 counts
        _check_dates({"县委组织部同意日期": candidate.county_consent_date})
        inspection.save()
        candidate.save()
        if diff:
            record_event(
                case,
                by=actor,
                action="update_candidate_record",
                candidate=candidate,
                summary=f"记录考察情况：{candidate.cadre.name}（{len(diff)} 项）",
                payload={"changes": diff},
            )
    return candidate


def submit_for_decision(
    case: SelectionCase, *, by, justifications: dict[str, str] | None = None
) -> SelectionCase:
    """考察 → 讨论决定: every target's inspection record is complete (R-INS-3..10, R-EXC-3, R-ELIG-*)."""

    actor = as_actor(by)

    def propose_targets(locked: SelectionCase) -> None:
        from selection.pdf.adapters import render_approval_form
        from selection.pdf.official import store_official_copy

        targets = locked.candidates.select_for_update(of=("self",)).filter(status=CandidateStatus.TARGET)
        for candidate in targets.select_related("cadre", "vacancy__post"):
            candidate.propose()
            candidate.save()
            # R-DEC-4: the form the party group reads is frozen now, its SHA-256 in the record.
            store_official_copy(
                locked,
                kind=Document.Kind.APPROVAL_FORM,
                title=f"{candidate.cadre.name}干部任免审批表（提交党组会议）",
                pdf_bytes=render_approval_form(candidate, filled_by=actor.name),
                by=actor,
                candidate=candidate,
            )

    return run_case_step(
        case,
        Step("submit_for_decision", "提交党组讨论决定", gates.inspection),
        by=by,
        justifications=justifications,
        before_save=propose_targets,
    )


# ---- 讨论决定 ---------------------------------------------------------------------------------------


def convene_meeting(
    case: SelectionCase,
    *,
    by,
    held_on: date,
    method: str,
    chair,
    members: list,
    present: list,
    minutes: str = "",
) -> Meeting:
    """Record a party-group meeting: who should attend (N), who is present, and the recusals (R-DEC-1/2/6)."""
    actor = as_actor(by)
    _check_dates({"会议日期": held_on})
    present_ids = {m.pk for m in present}
    if not {m.pk for m in members} >= present_ids:
        raise ServiceError("出席人员必须是应到的党组成员。")
    if chair.pk not in present_ids:
        raise ServiceError("主持人（主要领导）必须出席。")
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.DECISION, action="召开党组会议")
        if case.meetings.filter(phase__in=[Meeting.Phase.PREPARING, Meeting.Phase.VOTING]).exists():
            raise ServiceError("上一次会议尚未结束表决。")
        findings = [*gates.quorum(len(members), len(present_ids)), *gates.before_meeting(case)]
        check_findings(findings, None)
        meeting = Meeting.objects.create(
            case=case, held_on=held_on, method=method, chair=chair, minutes=minutes
        )
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member=m, present=m.pk in present_ids) for m in members]
        )
        recusals = gates.required_recusals(case, members)
        Recusal.objects.bulk_create(
            [Recusal(meeting=meeting, member=m, candidate=c, reason=reason) for m, c, reason in recusals]
        )
        meeting.phase = Meeting.Phase.VOTING
        meeting.save(update_fields=["phase"])
        assign_meeting_participants(meeting, present)
        record_event(
            case,
            by=actor,
            action="convene_meeting",
            summary=f"召开党组会议：应到 {len(members)} 人，实到 {len(present_ids)} 人，{meeting.get_method_display()}",
            findings=findings,
            payload={
                "members": [m.get_full_name() for m in members],
                "present": [m.get_full_name() for m in members if m.pk in present_ids],
                "recusals": [
                    {"member": m.get_full_name(), "candidate": c.cadre.name, "reason": r}
                    for m, c, r in recusals
                ],
            },
        )
    return meeting


def cast_open_vote(meeting: Meeting, candidate: Candidate, *, by, choice: str) -> OpenVote:
    """A present, non-recused member's 同意/不同意/缓议; the chair votes last (R-DEC-3, R-DEC-6)."""
    actor = as_actor(by)
    if choice not in VoteChoice.values:
        raise ServiceError("请选择同意、不同意或缓议。")
    with transaction.atomic():
        lock_case(meeting.case)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.phase != Meeting.Phase.VOTING:
            raise ServiceError("表决尚未开始或已经结束。")
        if meeting.method == Meeting.Method.SECRET:
            # A named vote in a secret meeting would break its secrecy (DESIGN.md "Votes and ballots").
            raise ServiceError("本次会议采用无记名投票，请在投票页面投票，不能记名表决。")
        candidate = Candidate.objects.select_related("cadre").get(pk=candidate.pk)
        if candidate.pk not in {c.pk for c in meeting_agenda(meeting)}:
            raise ServiceError("该人选不在本次会议的表决事项中。")
        check_findings(gates.vote_allowed(meeting, candidate, actor.user), None)
        try:
            with transaction.atomic():
                vote = OpenVote.objects.create(
                    meeting=meeting, candidate=candidate, member=actor.user, choice=choice
                )
        except IntegrityError as exc:
            raise ServiceError("您已对该人选表决，不能重复表决。") from exc
    return vote


def record_open_votes(meeting: Meeting, entries: list[tuple[Candidate, object, str]], *, by) -> int:
    """HR records the opinions given in the room (oral / show of hands), all or none, as one event.

    Each opinion is cast as the member who gave it, so presence, recusal and the chair-last order are
    checked exactly as when members vote themselves (R-DEC-3, R-DEC-6)."""
    actor = as_actor(by)
    if not entries:
        raise ServiceError("没有录入任何表决意见。")
    with transaction.atomic():
        case = lock_case(meeting.case)
        for candidate, member, choice in entries:
            try:
                cast_open_vote(meeting, candidate, by=Actor(member, actor.ip), choice=choice)
            except ServiceError as error:
                raise ServiceError(
                    f"{member.get_full_name()}对{candidate.cadre.name}的意见未能录入：{error.message}（本次录入的意见均未保存）"
                ) from error
        record_event(
            case,
            by=actor,
            action="record_open_votes",
            summary=f"录入党组会议表决意见 {len(entries)} 条",
            payload={
                "meeting": meeting.pk,
                "votes": [
                    {"member": m.get_full_name(), "candidate": c.cadre.name, "choice": VoteChoice(ch).label}
                    for c, m, ch in entries
                ],
            },
        )
    return len(entries)


def _secret_counter(meeting: Meeting, opened: list[dict]) -> Counter:
    """Counts of the opened ballots; each must name a candidate its row was filed under."""
    counts = Counter((int(content["k"]), content["c"]) for content in opened)
    rows = Counter(meeting.secret_ballots.values_list("candidate_id", flat=True))
    per_candidate = Counter()
    for (candidate_id, choice), n in counts.items():
        if choice not in VoteChoice.values:
            raise ServiceError("有一张无记名选票内容无效，计票中止，请联系系统管理员核查。")
        per_candidate[candidate_id] += n
    if per_candidate != rows:
        raise ServiceError("无记名选票与其所列人选不符，计票中止，请联系系统管理员核查。")
    return counts


def close_meeting(meeting: Meeting, *, by) -> Meeting:
    """Close voting and apply the tally: agree > N/2 of all members who should attend (R-DEC-5)."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(meeting.case)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.phase != Meeting.Phase.VOTING:
            raise ServiceError("表决尚未开始或已经结束。")
        # A secret meeting's sealed ballots are opened here, in memory and in random order; only their
        # counts are stored, and the key is then destroyed (selection/sealing.py, docs/SECURITY.md).
        key = sealing.key_for(meeting_scope(meeting)) if meeting.method == Meeting.Method.SECRET else None
        secret = None
        if key is not None:
            try:
                opened = sealing.open_all(key, list(meeting.secret_ballots.values_list("sealed", flat=True)))
            except sealing.SealError as exc:
                raise ServiceError(str(exc)) from exc
            secret = _secret_counter(meeting, opened)
        findings = gates.votes_complete(meeting, secret)
        check_findings(findings, None)
        # Fix the agenda so the closed meeting's tally can be recomputed (and its signatures checked).
        AgendaItem.objects.bulk_create(
            [AgendaItem(meeting=meeting, candidate=c) for c in meeting_agenda(meeting)], ignore_conflicts=True
        )
        tallies = gates.tally(meeting, secret)
        for candidate_id, tally in tallies.items():
            candidate = Candidate.objects.select_for_update().get(pk=candidate_id)
            if tally.outcome == "defer" and candidate.status == CandidateStatus.DEFERRED:
                continue  # deferred again on reconsideration: the stored outcome stands (R-DEC-7)
            getattr(candidate, tally.outcome)()
            candidate.save()
        meeting.phase = Meeting.Phase.CLOSED
        meeting.save(update_fields=["phase"])
        if key is not None:
            SecretCount.objects.bulk_create(
                [
                    SecretCount(meeting=meeting, candidate_id=c, choice=choice, count=n)
                    for (c, choice), n in sorted(secret.items())
                ]
            )
            sealing.destroy(key)
        as_dicts = {k: t.as_dict() for k, t in tallies.items()}
        record_event(
            case,
            by=actor,
            action="close_meeting",
            summary="表决结束：" + "；".join(f"{t.name}{t.outcome_label}" for t in tallies.values()),
            findings=findings,
            payload={
                "method": meeting.method,
                "tallies": {str(k): v for k, v in as_dicts.items()},
                "tally_sha256": result_digest(meeting, as_dicts),
            },
        )
    return meeting


def publish_notice(
    case: SelectionCase,
    *,
    by,
    published_on: date,
    scope: str,
    channels: str,
    justifications: dict[str, str] | None = None,
) -> SelectionCase:
    """讨论决定 → 任职前公示, with the end date counted in working days (R-NOT-1/2, R-EXC-5, R-CAL)."""

    def create_notice(locked: SelectionCase) -> None:
        try:
            ends_on = gates.notice_end(locked, published_on)
        except CalendarUnavailable as exc:  # the gate reports R-CAL-3 first; this is belt and braces
            raise ServiceError(str(exc)) from exc
        PublicNotice.objects.create(
            case=locked,
            published_on=published_on,
            ends_on=ends_on,
            scope=scope,
            channels=channels,
            text=gates.notice_text(locked, published_on, ends_on, scope, channels),
        )

    step = Step(
        "publish_notice",
        "发布任职前公示",
        lambda locked: gates.decision(locked, published_on, scope, channels),
    )
    return run_case_step(
        case,
        step,
        by=by,
        justifications=justifications,
        before_save=create_notice,
        payload={"published_on": published_on, "scope": scope, "channels": channels},
    )


def extend_notice(case: SelectionCase, *, by, new_end: date) -> PublicNotice:
    """Users may only extend the computed end date (R-NOT-2)."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.PUBLIC_NOTICE, action="延长公示")
        notice = case.public_notice
        if new_end <= notice.ends_on:
            raise ServiceError(
                f"R-NOT-2：公示截止日期只能延长，不能早于或等于原截止日期 {notice.ends_on:%Y年%-m月%-d日}。"
            )
        old = notice.ends_on
        notice.ends_on = new_end
        notice.save(update_fields=["ends_on"])
        record_event(
            case,
            by=actor,
            action="extend_notice",
            summary=f"延长公示至 {new_end:%Y年%-m月%-d日}",
            payload={"old": old, "new": new_end},
        )
    return notice


def record_complaint(
    case: SelectionCase, *, by, candidate: Candidate, received_on: date, summary: str
) -> Complaint:
    actor = as_actor(by)
    _check_dates({"收到日期": received_on})
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.PUBLIC_NOTICE, action="登记信访举报")
        if candidate.case_id != case.pk:
            raise ServiceError("该人选不属于本批次。")
        complaint = Complaint.objects.create(
            notice=case.public_notice, candidate=candidate, received_on=received_on, summary=summary
        )
        record_event(
            case,
            by=actor,
            action="record_complaint",
            candidate=candidate,
            summary=f"登记公示期间信访举报：{candidate.cadre.name}",
        )
    return complaint


def conclude_complaint(
    complaint: Complaint, *, by, investigation: str, conclusion: str, concluded_on: date
) -> Complaint:
    """A written investigation and a conclusion; 影响任职 withdraws the candidate (R-NOT-3)."""
    actor = as_actor(by)
    if conclusion not in (Complaint.Conclusion.NO_EFFECT, Complaint.Conclusion.AFFECTS):
        raise ServiceError("请选择调查结论：不影响任职或影响任职。")
    if not investigation.strip():
        raise ServiceError("R-NOT-3：请填写调查核实情况。")
    with transaction.atomic():
        case = lock_case(complaint.notice.case)
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.conclusion:
            raise ServiceError("该信访举报已办结。")
        complaint.investigation = investigation
        complaint.conclusion = conclusion
        complaint.concluded_on = concluded_on
        _valid(complaint, exclude=["notice", "candidate"])  # R-REG-4: not before it was received
        complaint.save()
        record_event(
            case,
            by=actor,
            action="conclude_complaint",
            candidate=complaint.candidate,
            summary=f"信访举报办结：{complaint.get_conclusion_display()}",
            payload={"investigation": investigation, "conclusion": conclusion, "concluded_on": concluded_on},
        )
        if conclusion == Complaint.Conclusion.AFFECTS:
            _withdraw(case, complaint.candidate, actor, "公示期间信访举报经调查影响任职")
    return complaint


def appoint(
    case: SelectionCase,
    *,
    by,
    notice_number: str,
    notice_date: date,
    talk_on: date | None = None,
    talk_by: str = "",
    justifications: dict[str, str] | None = None,
) -> SelectionCase:
    """公示 → 任职: posts and staffing change atomically (R-APP-1..5)."""
    actor = as_actor(by)
    if not notice_number.strip():
        raise ServiceError("R-APP-2：请填写任职通知文号。")
    _check_dates({"任职通知日期": notice_date, "任职谈话日期": talk_on})

    def make_appointments(locked: SelectionCase) -> None:
        from .probation import probation_end_for

        tenure_start = gates.decision_date(locked)
        planned: list[PostHolding] = []
        for candidate in (
            locked.candidates.select_for_update(of=("self",))
            .select_related("vacancy__post__organization", "vacancy__post__department", "cadre")
            .filter(status=CandidateStatus.APPROVED)
        ):
            promotion = gates.is_promotion(candidate)
            probation_end = (
                probation_end_for(locked.organization, tenure_start) if promotion else None
            )  # R-PRB-1
            appointment = Appointment(
                candidate=candidate,
                notice_number=notice_number,
                notice_date=notice_date,
                tenure_starts_on=tenure_start,
                probation_ends_on=probation_end,
                talk_on=talk_on,
                talk_by=talk_by,
                recorded_by=actor.user,
            )
            _valid(appointment, exclude=["candidate", "recorded_by"])
            appointment.save()
            for current in PostHolding.objects.filter(cadre=candidate.cadre, ended_on__isnull=True):
                current.ended_on = max(current.started_on, tenure_start)
                planned.append(current)
            planned.append(
                PostHolding(
                    cadre=candidate.cadre,
                    post=candidate.vacancy.post,
                    started_on=tenure_start,
                    how=PostHolding.How.PROMOTION if promotion else PostHolding.How.TRANSFER,
                    probation_ends_on=probation_end,
                    probation_result=(
                        PostHolding.Probation.PENDING if promotion else PostHolding.Probation.NONE
                    ),
                )
            )
            _append_resume(candidate.cadre, candidate.vacancy.post, tenure_start)
            candidate.appoint()
            candidate.save()
        # R-REG-1..3: the batch's moves are checked together (one may take the post another leaves).
        registry.apply_holdings(planned, by=actor.user, reason=f"任职（{notice_number}）")

    return run_case_step(
        case,
        Step(
            "appoint",
            "办理任职",
            lambda locked: gates.notice(
                locked, notice_number=notice_number, notice_date=notice_date, talk_on=talk_on, talk_by=talk_by
            ),
        ),
        by=actor,
        justifications=justifications,
        before_save=make_appointments,
        payload={"notice_number": notice_number, "notice_date": notice_date},
    )


def _append_resume(cadre, post, started_on: date) -> None:
    """The new post becomes the last line of the 简历; the open line before it ends that day."""
    entries = list(ResumeEntry.objects.filter(cadre=cadre))
    for entry in entries:
        if (
            entry.ended_on is None
            and entry.started_on
            and not entry.is_note
            and entry.started_on <= started_on
        ):
            entry.ended_on = started_on
            entry.save(update_fields=["ended_on"])
    ResumeEntry.objects.create(
        cadre=cadre,
        started_on=started_on,
        text=f"{post.organization.name}{post}",
        order=max((e.order for e in entries), default=0) + 1,
    )


def mark_not_applicable(
    case: SelectionCase, *, by, row: str, reason: str, candidate: Candidate | None = None
) -> None:
    """Record why a 纪实表 row does not apply (R-REQ-1), for one person or the whole batch."""
    actor = as_actor(by)
    if not reason.strip():
        raise ServiceError("R-REQ-1：请填写“不适用”的理由。")
    with transaction.atomic():
        case = lock_case(case)
        if candidate is not None and candidate.case_id != case.pk:
            raise ServiceError("该人选不属于本批次。")
        sample = candidate or case.candidates.first()
        rows = {r.key: r for r in gates.record_rows(sample)} if sample else {}
        if row not in rows:
            raise ServiceError("纪实表中没有这一栏。")
        record_event(
            case,
            by=actor,
            action="mark_not_applicable",
            candidate=candidate,
            summary=f"纪实表“{rows[row].label}”栏不适用：{reason.strip()}",
            payload={"row": row, "reason": reason.strip()},
        )


# ---- 终止、退出 -------------------------------------------------------------------------------------


def terminate_case(case: SelectionCase, *, by, reason: str) -> SelectionCase:
    """Stop the case from any open state; everything stays recorded."""
    if not reason.strip():
        raise ServiceError("请填写终止原因。")

    def keep_reason(locked: SelectionCase) -> None:
        locked.termination_reason = reason.strip()

    return run_case_step(
        case,
        Step("terminate", "终止选拔任用工作", lambda c: []),
        by=by,
        before_save=keep_reason,
        payload={"reason": reason},
    )


def _withdraw(case: SelectionCase, candidate: Candidate, actor, reason: str) -> None:
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if not candidate.is_open:
        raise ServiceError("该人选已退出或已任职。")
    from_state = candidate.status
    candidate.withdraw()
    candidate.withdrawal_reason = reason
    candidate.save()
    record_event(
        case,
        by=actor,
        action="withdraw_candidate",
        candidate=candidate,
        summary=f"人选退出：{candidate.cadre.name}（{reason}）",
        from_state=from_state,
        to_state=candidate.status,
    )


def withdraw_candidate(candidate: Candidate, *, by, reason: str) -> Candidate:
    """A candidate leaves the case with a reason; their record stays."""
    if not reason.strip():
        raise ServiceError("请填写退出原因。")
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(candidate.case)
        if not case.is_open:
            raise ServiceError("该批次已结束。")
        _withdraw(case, candidate, actor, reason.strip())
    return Candidate.objects.get(pk=candidate.pk)
