"""笔试面试 (R-CMP-5): the examiner panel (with recusal) and the written and interview scores."""

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction

from selection import gates, rules
from selection import gates_competitive as cg
from selection.models import (
    CaseStatus,
    CompetitionPlan,
    Examiner,
    InterviewScore,
    Registration,
    SelectionCase,
)

from ..base import ServiceError, as_actor, check_findings, lock_case, record_event
from ..cases import _require_state
from .common import SCORE_MAX

# ---- 笔试面试 (R-CMP-5) ---------------------------------------------------------------------------


def _score(raw) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(f"成绩“{raw}”不是有效的数字。") from exc
    if not value.is_finite() or value < 0 or value > SCORE_MAX:
        raise ServiceError(f"成绩须在 0 至 {SCORE_MAX} 之间，“{raw}”不符合。")
    if value != value.quantize(Decimal("0.01")):
        raise ServiceError(f"成绩最多保留两位小数，“{raw}”不符合。")
    return value


def set_examiners(case: SelectionCase, *, by, users) -> list[Examiner]:
    """The interview panel; an examiner related to a qualified applicant is recused (R-KIN)."""
    actor = as_actor(by)
    users = list(dict.fromkeys(users))
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.SCREENING, CaseStatus.EXAM, action="确定面试考官")
        if InterviewScore.objects.filter(registration__case=case).exists():
            raise ServiceError("已经开始面试评分，不能再调整考官。")
        if any(u.organization_id != case.organization_id for u in users):
            raise ServiceError("考官须是本单位的用户。")
        applicants = cg.qualified(case)
        users = list(get_user_model().objects.select_related("cadre").filter(pk__in=[u.pk for u in users]))
        case.examiners.all().delete()
        examiners = [Examiner(case=case, user=u) for u in users]
        related = cg.related_examiners(case, examiners, applicants)
        for examiner in examiners:
            if examiner.user.pk in related:
                examiner.recused = True
                examiner.recusal_reason = f"与报名人{related[examiner.user.pk][1]}有亲属关系"
        Examiner.objects.bulk_create(examiners)
        record_event(
            case,
            by=actor,
            action="set_examiners",
            summary=f"确定面试考官 {sum(1 for e in examiners if not e.recused)} 人"
            + (
                f"，回避 {sum(1 for e in examiners if e.recused)} 人"
                if any(e.recused for e in examiners)
                else ""
            ),
            findings=gates_panel(case, examiners, applicants),
            payload={
                "examiners": [u.get_full_name() for u in users],
                "recused": [e.user.get_full_name() for e in examiners if e.recused],
            },
        )
    return examiners


def gates_panel(case, examiners, applicants):
    sitting = [e for e in examiners if not e.recused]
    related = cg.related_examiners(case, sitting, applicants)
    return rules.interview_panel(
        [e.user.get_full_name() for e in sitting],
        [u.get_full_name() for u, _ in related.values()],
        gates.settings_for(case.organization),
    )


def _written_first(case) -> bool:
    return case.competition_plan.exam_order == CompetitionPlan.ExamOrder.WRITTEN_FIRST


def record_written_scores(case: SelectionCase, *, by, scores: dict[int, object]) -> int:
    """HR enters the marked written papers' scores (registration pk → score)."""
    actor = as_actor(by)
    parsed = {int(k): _score(v) for k, v in scores.items() if str(v).strip()}
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.EXAM, action="录入笔试成绩")
        if case.competition_plan.advancing_decided_on:
            raise ServiceError("考察人选已经确定，成绩不能再修改。")
        regs = {r.pk: r for r in case.registrations.select_for_update(of=("self",)).select_related("cadre")}
        qualified = {pk for pk, r in regs.items() if r.qualified}
        if set(parsed) - qualified:
            raise ServiceError("只能为资格审查合格的报名人录入成绩。")
        if not _written_first(case):
            found = rules_exam_order(case, "written")
            check_findings(found, None)
        changed = []
        for pk, value in parsed.items():
            reg = regs[pk]
            if reg.written_score != value:
                reg.written_score = value
                changed.append(reg)
        Registration.objects.bulk_update(changed, ["written_score"])
        record_event(
            case,
            by=actor,
            action="record_written_scores",
            summary=f"录入笔试成绩 {len(changed)} 人",
            payload={"scores": {regs[r.pk].cadre.name: str(r.written_score) for r in changed}},
        )
    return len(changed)


def rules_exam_order(case, entering: str):
    applicants = cg.qualified(case)
    examiners = cg.panel(case)
    written_done = bool(applicants) and all(r.written_score is not None for r in applicants)
    ids = {e.pk for e in examiners}
    interview_done = (
        bool(applicants)
        and bool(ids)
        and all({s.examiner_id for s in r.interview_scores.all()} >= ids for r in applicants)
    )
    return rules.exam_order(_written_first(case), written_done, interview_done, entering)


def record_interview_scores(case: SelectionCase, *, by, scores: dict[int, object]) -> int:
    """An examiner enters their own interview scores (registration pk → score)."""
    actor = as_actor(by)
    parsed = {int(k): _score(v) for k, v in scores.items() if str(v).strip()}
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.EXAM, action="面试评分")
        examiner = Examiner.objects.filter(case=case, user=actor.user, recused=False).first()
        if examiner is None:
            raise ServiceError("您不是本次面试的考官（或已回避），不能评分。")
        if case.competition_plan.advancing_decided_on:
            raise ServiceError("考察人选已经确定，评分不能再修改。")
        qualified = {r.pk for r in case.registrations.all() if r.qualified}
        if set(parsed) - qualified:
            raise ServiceError("只能为资格审查合格的报名人评分。")
        if _written_first(case):
            check_findings(rules_exam_order(case, "interview"), None)
        for pk, value in parsed.items():
            InterviewScore.objects.update_or_create(
                registration_id=pk, examiner=examiner, defaults={"value": value}
            )
        record_event(
            case,
            by=actor,
            action="record_interview_scores",
            summary=f"考官{actor.name}录入面试评分 {len(parsed)} 人",
            payload={"scores": {str(k): str(v) for k, v in parsed.items()}},
        )
    return len(parsed)
