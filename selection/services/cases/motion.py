"""动议: open a case, the party group's review of the motion, corrections, 提名."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from selection import gates
from selection.models import (
    OPEN_CASE_STATES,
    Candidate,
    CaseStatus,
    Post,
    SelectionCase,
    Vacancy,
)

from ..base import ServiceError, Step, as_actor, lock_case, record_event, run_case_step
from .common import _check_dates, _require_state

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
