"""下属事业单位 (R-REQ-4): the bureau party group's collective deliberation of an institution's results."""

from datetime import date

from django.db import transaction

from selection import gates, rules
from selection.models import BureauDeliberation, CaseStatus, Organization, SelectionCase

from .base import ServiceError, as_actor, check_findings, lock_case, record_event

DELIBERATION_STATES = (CaseStatus.DECISION, CaseStatus.PUBLIC_NOTICE)


def awaiting_deliberation(bureau) -> list[SelectionCase]:
    """Cases of the bureau's institutions with approved candidates and no agreeing deliberation yet."""
    cases = (
        SelectionCase.objects.filter(
            organization__parent=bureau,
            organization__kind=Organization.Kind.INSTITUTION,
            status__in=DELIBERATION_STATES,
        )
        .select_related("organization")
        .prefetch_related("bureau_deliberations")
        .order_by("-updated_at", "-pk")
    )
    return [c for c in cases if gates.approved(c) and not any(d.agreed for d in c.bureau_deliberations.all())]


def record_deliberation(
    case: SelectionCase,
    *,
    by,
    held_on: date,
    expected: int,
    present: int,
    opinion: str,
    minutes: str,
    today: date,
) -> BureauDeliberation:
    """Bureau HR records the party-group meeting that deliberated the institution's results (R-REQ-4).

    Quorum as for any party-group decision (R-DEC-2); the appointment gate then needs an agreeing one."""
    actor = as_actor(by)
    if opinion not in BureauDeliberation.Opinion.values:
        raise ServiceError("请选择集体商议意见：同意或不同意。")
    if not minutes.strip():
        raise ServiceError("R-REQ-4：请填写商议情况。")
    if held_on > today:
        raise ServiceError("会议日期不能晚于今天。")
    if present > expected:
        raise ServiceError("实到人数不能多于应到人数。")
    with transaction.atomic():
        case = lock_case(case)
        organization = case.organization
        if organization.kind != Organization.Kind.INSTITUTION or organization.parent_id is None:
            raise ServiceError("R-REQ-4：只有下属事业单位的任免结果需提交局党组会议集体商议。")
        user = actor.user
        if user is not None and not user.is_superuser and user.organization_id != organization.parent_id:
            raise ServiceError("R-REQ-4：集体商议由上级局党组进行，须由局机关人事干部录入。")
        if case.status not in DELIBERATION_STATES:
            raise ServiceError(
                f"R-REQ-4：该批次当前处于“{case.get_status_display()}”阶段；"
                "任免结果须经本单位讨论决定后、任职前提交局党组会议集体商议。"
            )
        chosen = gates.approved(case)
        if not chosen:
            raise ServiceError("R-REQ-4：该批次尚无经讨论决定通过的人选，无需提交集体商议。")
        decided = gates.decision_date(case)
        if decided and held_on < decided:
            raise ServiceError("R-REQ-4：局党组集体商议应在本单位讨论决定之后。")
        findings = rules.meeting_quorum(expected, present)
        check_findings(findings, None)
        names = [f"{c.cadre.name}（拟任{c.vacancy.post}）" for c in chosen]
        deliberation = BureauDeliberation.objects.create(
            case=case,
            held_on=held_on,
            expected=expected,
            present=present,
            opinion=opinion,
            candidates=names,
            minutes=minutes.strip(),
            recorded_by=actor.user,
        )
        record_event(
            case,
            by=actor,
            action="bureau_deliberation",
            summary=f"局党组会议（{held_on:%Y年%-m月%-d日}）集体商议：{deliberation.get_opinion_display()}",
            findings=findings,
            payload={
                "held_on": held_on,
                "expected": expected,
                "present": present,
                "opinion": opinion,
                "candidates": names,
                "minutes": minutes.strip(),
            },
        )
    return deliberation
