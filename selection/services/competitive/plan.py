"""方案 (R-CMP-1) and 报名 (R-CMP-2): the plan is saved and published, applicants register."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from selection import gates_competitive as cg
from selection.models import (
    CaseStatus,
    CompetitionPlan,
    Registration,
    SelectionCase,
    Vacancy,
)

from .. import documents
from ..base import ServiceError, Step, as_actor, check_findings, lock_case, record_event, run_case_step
from ..cases import _require_state
from .common import PLAN_FIELDS, _competitive, _plain

# ---- 方案 (R-CMP-1) -------------------------------------------------------------------------------


def save_plan(case: SelectionCase, *, by, **values) -> CompetitionPlan:
    """Write the plan as the party group decided it (before it is published)."""
    actor = as_actor(by)
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise ServiceError("实施方案没有这些项目：" + "、".join(sorted(unknown)))
    with transaction.atomic():
        case = lock_case(case)
        _competitive(case)
        _require_state(case, CaseStatus.MOTION, action="修改竞争上岗实施方案")
        plan, _ = CompetitionPlan.objects.get_or_create(case=case)
        old = {name: _plain(getattr(plan, name)) for name in values}
        for name, value in values.items():
            setattr(plan, name, value)
        plan.save()
        record_event(
            case,
            by=actor,
            action="save_plan",
            summary="修改竞争上岗实施方案",
            payload={"old": old, "new": {k: _plain(v) for k, v in values.items()}},
        )
    return plan


def publish_plan(case: SelectionCase, *, by, justifications: dict[str, str] | None = None) -> SelectionCase:
    """动议（方案）→ 报名: R-MOT-1..3 (quota at the plan, R-CMP-8), R-MET-1/2, R-CMP-1; published today."""
    today = timezone.localdate()

    def stamp(locked: SelectionCase) -> None:
        plan = locked.competition_plan
        plan.published_on = today
        plan.save(update_fields=["published_on", "updated_at"])

    step = Step("publish_plan", "公布竞争上岗实施方案", lambda c: cg.plan(c, today))
    if not CompetitionPlan.objects.filter(case=case).exists():
        raise ServiceError("请先填写竞争上岗实施方案。")
    return run_case_step(
        case, step, by=by, justifications=justifications, before_save=stamp, payload={"published_on": today}
    )


# ---- 报名 (R-CMP-2) -------------------------------------------------------------------------------


def register(
    case: SelectionCase,
    *,
    by,
    vacancies: Iterable[Vacancy],
    cadre=None,
    statement: str = "",
    signed_form=None,
) -> Registration:
    """Register for the posts: the applicant online (cadre = their own), or HR from a signed form."""
    actor = as_actor(by)
    vacancies = list(vacancies)
    by_applicant = cadre is None
    if by_applicant:
        cadre = getattr(actor.user, "cadre", None)
        if cadre is None:
            raise ServiceError("您的账号没有关联干部信息，不能网上报名，请联系人事干部。")
    attachments = []
    if signed_form:  # read by its content like any attachment; its digest goes on the record
        _kind, sha256, size = documents.check_file(signed_form)
        signed_form.seek(0)
        attachments = [{"title": "本人签字的报名表", "kind": "signed_form", "sha256": sha256, "size": size}]
    with transaction.atomic():
        case = lock_case(case)
        _competitive(case)
        if any(v.case_id != case.pk for v in vacancies):
            raise ServiceError("报名职位不属于该竞争上岗。")
        if cadre.organization_id != case.organization_id:
            raise ServiceError("报名人须是本单位的干部。")
        findings = cg.registration(
            case, cadre, len(vacancies), by_applicant=by_applicant, signed_form=bool(signed_form)
        )
        check_findings(findings, None)
        try:
            with transaction.atomic():
                reg = Registration.objects.create(
                    case=case,
                    cadre=cadre,
                    channel=Registration.Channel.ONLINE if by_applicant else Registration.Channel.PAPER,
                    statement=statement.strip(),
                    submitted_by=actor.user,
                    **({"signed_form": signed_form} if signed_form else {}),
                )
        except IntegrityError as exc:
            raise ServiceError(f"{cadre.name}已经报名，不能重复报名。") from exc
        reg.vacancies.set(vacancies)
        record_event(
            case,
            by=actor,
            action="register",
            summary=f"竞争上岗报名：{cadre.name}，报名{'、'.join(str(v.post) for v in vacancies)}"
            f"（{reg.get_channel_display()}）",
            findings=findings,
            payload={
                "registration": reg.pk,
                "cadre": cadre.name,
                "posts": [str(v.post) for v in vacancies],
                "channel": reg.channel,
            },
            attachments=attachments,
        )
    return reg


def close_registration(case: SelectionCase, *, by, justifications=None) -> SelectionCase:
    """报名 → 资格审查 (R-CMP-2: after the window)."""
    step = Step("close_registration", "报名结束，进行资格审查", cg.registration_closed)
    return run_case_step(case, step, by=by, justifications=justifications)
