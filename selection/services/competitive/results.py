"""考察人选 (R-CMP-6, R-CMP-7): who advances per post, the published results and the step to 考察."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from selection import gates_competitive as cg
from selection import rules
from selection.models import (
    Advancement,
    Candidate,
    CaseStatus,
    CompetitionPlan,
    Inspection,
    SelectionCase,
)
from selection.rules import cn_date

from ..base import ServiceError, Step, as_actor, check_findings, lock_case, record_event, run_case_step
from ..cases import _require_state

# ---- 考察人选 (R-CMP-6, R-CMP-7) ------------------------------------------------------------------


def fix_advancing(
    case: SelectionCase,
    *,
    by,
    decided_on: date,
    chosen: dict[int, list[int]],
    justifications: dict[str, str] | None = None,
) -> list[Advancement]:
    """The party group fixes who advances per post (vacancy pk → registration pks); a skip in rank order
    is a warning whose justification is the party group's reason, kept on the row."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.EXAM, action="确定考察人选")
        plan = case.competition_plan
        if plan.advancing_decided_on:
            raise ServiceError("考察人选已经确定。")
        if decided_on > timezone.localdate():
            raise ServiceError("党组会议日期不能晚于今天。")
        applicants = cg.qualified(case)
        examiners = cg.panel(case)
        found = list(cg.exam(case, applicants, examiners))
        rows = cg.score_rows(case, applicants, examiners)
        ranked_by_vacancy = {}
        for vacancy in case.vacancies.select_related("post__department"):
            ranked = cg.post_ranking(case, rows, vacancy)
            ranked_by_vacancy[vacancy.pk] = (vacancy, ranked)
            found += rules.advancing(
                str(vacancy.post), ranked, chosen.get(vacancy.pk, []), plan.advance_ratio
            )
        if set(chosen) - set(ranked_by_vacancy):
            raise ServiceError("职位不属于该竞争上岗。")
        accepted = check_findings(found, justifications)
        reasons = "；".join(v["justification"] for v in accepted.values() if v["rule"] == "R-CMP-6")
        made = []
        for vacancy_pk, (vacancy, ranked) in ranked_by_vacancy.items():
            by_key = {line.key: line for line in ranked}
            for key in chosen.get(vacancy_pk, []):
                line = by_key[key]
                made.append(
                    Advancement(
                        case=case,
                        vacancy=vacancy,
                        registration_id=key,
                        rank=line.rank,
                        composite=line.composite,
                        skip_reason=reasons,
                    )
                )
        Advancement.objects.bulk_create(made)
        plan.advancing_decided_on = decided_on
        plan.save(update_fields=["advancing_decided_on", "updated_at"])
        record_event(
            case,
            by=actor,
            action="fix_advancing",
            summary="党组研究确定进入民主测评和考察的人选："
            + "、".join(by_key_name(ranked_by_vacancy, a) for a in made),
            findings=found,
            justification=accepted,
            payload={
                "decided_on": decided_on,
                "ranking": {
                    str(v.post): [
                        {
                            "name": line.name,
                            "written": str(line.written),
                            "interview": str(line.interview),
                            "composite": str(line.composite),
                            "rank": line.rank,
                        }
                        for line in ranked
                    ]
                    for v, ranked in ranked_by_vacancy.values()
                },
            },
        )
    return made


def by_key_name(ranked_by_vacancy, advancement) -> str:
    _, ranked = ranked_by_vacancy[advancement.vacancy_id]
    return next(line.name for line in ranked if line.key == advancement.registration_id)


def publish_results(case: SelectionCase, *, by) -> CompetitionPlan:
    """R-CMP-7: the scores and the advancing list are published to the participants."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.EXAM, action="公布成绩和考察人选")
        plan = case.competition_plan
        if not plan.advancing_decided_on:
            raise ServiceError("党组确定考察人选后才能公布。")
        if plan.results_published_on:
            raise ServiceError("成绩和考察人选已经公布。")
        plan.results_published_on = timezone.localdate()
        plan.save(update_fields=["results_published_on", "updated_at"])
        record_event(
            case,
            by=actor,
            action="publish_results",
            summary=f"公布考试成绩和考察人选（{cn_date(plan.results_published_on)}）",
        )
    return plan


def advance_to_inspection(case: SelectionCase, *, by, justifications=None) -> SelectionCase:
    """笔试面试 → 考察: the advancing applicants become the case's inspection targets; from here the daily
    procedure's gates apply unchanged (R-CMP-8)."""

    def make_targets(locked: SelectionCase) -> None:
        for adv in cg.advancements(locked):
            candidate = Candidate.objects.create(
                case=locked,
                vacancy=adv.vacancy,
                cadre=adv.registration.cadre,
                from_recommendation=False,
                target_reason=adv.skip_reason,
            )
            candidate.make_target()
            candidate.save()
            Inspection.objects.get_or_create(candidate=candidate)

    step = Step("advance_to_inspection", "进入民主测评和考察", cg.advance)
    return run_case_step(case, step, by=by, justifications=justifications, before_save=make_targets)
