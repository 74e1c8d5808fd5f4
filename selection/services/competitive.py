"""Services of 竞争上岗 (R-CMP-1..8, R-MET-2): one function per user action, the only writers of the
competition rows. Steps of the case graph go through `run_case_step` like the daily procedure's.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from selection import gates, rules
from selection import gates_competitive as cg
from selection.models import (
    Advancement,
    Candidate,
    CaseStatus,
    CompetitionPlan,
    Examiner,
    Inspection,
    InterviewScore,
    Registration,
    SelectionCase,
    Vacancy,
)
from selection.rules import Level, cn_date

from . import documents
from .base import ServiceError, Step, as_actor, check_findings, lock_case, record_event, run_case_step
from .cases import _require_state

PLAN_FIELDS = (
    "decided_on",
    "decision_note",
    "publish_scope",
    "conditions",
    "max_age",
    "min_education",
    "min_work_years",
    "registration_opens",
    "registration_closes",
    "written_on",
    "interview_on",
    "exam_order",
    "written_weight",
    "interview_weight",
    "advance_ratio",
    "max_posts_per_applicant",
    "tie_rule",
)
SCORE_MAX = Decimal(100)


def _competitive(case: SelectionCase) -> None:
    if not case.is_competitive:
        raise ServiceError("该批次不是竞争上岗，不能进行此项操作。")


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


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


# ---- 资格审查 (R-CMP-3) ---------------------------------------------------------------------------


def run_screening(case: SelectionCase, *, by) -> int:
    """Compute every registration's result from the registry (never typed); until it is published."""
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.SCREENING, action="资格审查")
        plan = case.competition_plan
        if plan.screening_published_on:
            raise ServiceError("资格审查结果已经公布，不能重新审查；对结果有异议的，通过复核答复处理。")
        now = timezone.now()
        regs = list(
            case.registrations.select_for_update(of=("self",))
            .select_related("cadre", "case__organization")
            .prefetch_related("vacancies__post__department", "cadre__assessments", "cadre__holdings__post")
        )
        results = []
        for reg in regs:
            findings = cg.screen(reg, plan)
            refusals = [{"rule": f.rule, "message": f.message} for f in findings if f.level == Level.BLOCK]
            reg.eligible = not refusals
            reg.refusals = refusals
            reg.screened_at = now
            results.append({"cadre": reg.cadre.name, "eligible": reg.eligible, "refusals": refusals})
        Registration.objects.bulk_update(regs, ["eligible", "refusals", "screened_at"])
        passed = sum(1 for r in regs if r.eligible)
        record_event(
            case,
            by=actor,
            action="run_screening",
            summary=f"资格审查：{len(regs)} 人报名，{passed} 人符合条件，{len(regs) - passed} 人不符合",
            payload={"results": results},
        )
    return passed


def publish_screening(case: SelectionCase, *, by) -> CompetitionPlan:
    actor = as_actor(by)
    with transaction.atomic():
        case = lock_case(case)
        _require_state(case, CaseStatus.SCREENING, action="公布资格审查结果")
        plan = case.competition_plan
        if case.registrations.filter(eligible__isnull=True).exists():
            raise ServiceError("还有报名人未进行资格审查，请先进行资格审查。")
        if plan.screening_published_on:
            raise ServiceError("资格审查结果已经公布。")
        plan.screening_published_on = timezone.localdate()
        plan.save(update_fields=["screening_published_on", "updated_at"])
        record_event(case, by=actor, action="publish_screening", summary="公布资格审查结果")
    return plan


def request_review(registration: Registration, *, by, text: str) -> Registration:
    """A refused applicant asks for a review, after the results are published and before the exam."""
    actor = as_actor(by)
    text = text.strip()
    if not text:
        raise ServiceError("请写明申请复核的理由。")
    with transaction.atomic():
        case = lock_case(registration.case)
        reg = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("cadre")
            .get(pk=registration.pk)
        )
        if reg.cadre.account_id != actor.user.pk:
            raise ServiceError("只能对本人的资格审查结果申请复核。")
        _require_state(case, CaseStatus.SCREENING, action="申请复核")
        if not case.competition_plan.screening_published_on:
            raise ServiceError("资格审查结果公布后才能申请复核。")
        if reg.qualified:
            raise ServiceError("您已通过资格审查，无需申请复核。")
        if not reg.vacancies.exists():  # R-CMP-4: the post was withdrawn, there is nothing to review
            raise ServiceError("您所报的职位已调整出竞争上岗，不能申请复核。")
        if reg.review_requested_at:
            raise ServiceError("已经申请过复核，请等待答复。")
        reg.review_request = text
        reg.review_requested_at = timezone.now()
        reg.save(update_fields=["review_request", "review_requested_at"])
        record_event(case, by=actor, action="request_review", summary=f"{reg.cadre.name}申请资格审查复核")
    return reg


def answer_review(registration: Registration, *, by, answer: str, overturned: bool) -> Registration:
    """HR answers a review request (before the exam, R-CMP-3); overturned: the applicant qualifies."""
    actor = as_actor(by)
    answer = answer.strip()
    if not answer:
        raise ServiceError("请填写复核答复意见。")
    with transaction.atomic():
        case = lock_case(registration.case)
        reg = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("cadre")
            .get(pk=registration.pk)
        )
        _require_state(case, CaseStatus.SCREENING, action="答复复核申请")
        if not reg.review_requested_at:
            raise ServiceError("该报名人没有申请复核。")
        if reg.review_answered_at:
            raise ServiceError("该复核申请已经答复。")
        reg.review_answer = answer
        reg.review_answered_at = timezone.now()
        reg.review_overturned = overturned
        reg.save(update_fields=["review_answer", "review_answered_at", "review_overturned"])
        outcome = "经复核符合条件" if overturned else "维持原审查结果"
        record_event(
            case,
            by=actor,
            action="answer_review",
            summary=f"答复{reg.cadre.name}的复核申请：{outcome}",
            payload={"answer": answer, "overturned": overturned},
        )
    return reg


def start_exam(case: SelectionCase, *, by, justifications=None) -> SelectionCase:
    """资格审查 → 笔试面试 (R-CMP-3 complete, R-CMP-4 effective competition, R-MET-2 order)."""
    step = Step("start_exam", "进入笔试面试", cg.screening_done)
    return run_case_step(case, step, by=by, justifications=justifications)


# ---- 有效竞争 (R-CMP-4) ---------------------------------------------------------------------------


def _reasoned(findings, reason: str) -> dict[str, dict]:
    """Refuse on a block; the reason given answers each R-CMP-4 warning it acts on, for the record."""
    return check_findings(findings, {f.key: reason for f in findings if f.level == Level.WARN})


def withdraw_post(case: SelectionCase, *, by, vacancy: Vacancy, reason: str) -> SelectionCase:
    """R-CMP-4: a post without effective competition is withdrawn from the competition (it can then be
    filled by the daily procedure). Its registrations lose that post; an applicant left without a post
    no longer qualifies, and their screening result says why."""
    actor = as_actor(by)
    reason = reason.strip()
    with transaction.atomic():
        case = lock_case(case)
        _competitive(case)
        _require_state(case, CaseStatus.SCREENING, action="调整出竞争职位")
        vacancy = case.vacancies.select_related("post__department").filter(pk=vacancy.pk).first()
        if vacancy is None:
            raise ServiceError("职位不属于该竞争上岗。")
        findings = cg.withdrawal(case, vacancy, reason)
        accepted = _reasoned(findings, reason)
        post = str(vacancy.post)
        affected = list(
            case.registrations.select_for_update(of=("self",))
            .filter(vacancies=vacancy)
            .select_related("cadre")
            .prefetch_related("vacancies")
        )
        left_without = []
        for reg in affected:
            if len(reg.vacancies.all()) == 1:
                withdrawn = {"rule": "R-CMP-4", "message": f"所报职位“{post}”已调整出竞争上岗（{reason}）。"}
                earlier = reg.refusals if reg.eligible is False else []  # an earlier refusal stays
                reg.eligible = False
                reg.review_overturned = False
                reg.refusals = [withdrawn, *earlier]
                reg.save(update_fields=["eligible", "review_overturned", "refusals"])
                left_without.append(reg.cadre.name)
        vacancy.delete()  # the post's registrations lose it (the many-to-many rows go with it)
        record_event(
            case,
            by=actor,
            action="withdraw_post",
            summary=f"调整出竞争职位：{post}（{reason}）"[:300],
            findings=findings,
            justification=accepted,
            payload={
                "post": post,
                "post_id": vacancy.post_id,
                "reason": reason,
                "applicants": [r.cadre.name for r in affected],
                "left_without_post": left_without,
            },
        )
    return case


def reopen_registration(case: SelectionCase, *, by, closes_on: date, reason: str) -> SelectionCase:
    """R-CMP-4: 资格审查 → 报名 again when a post lacks effective competition: the window reopens until the
    new closing date; the screening is done again after it (answered reviews stand)."""
    reason = reason.strip()

    def evaluate(locked: SelectionCase) -> list:
        return cg.reopening(locked, closes_on, reason)

    def reset(locked: SelectionCase) -> None:
        plan = locked.competition_plan
        plan.registration_closes = closes_on
        plan.screening_published_on = None
        plan.save(update_fields=["registration_closes", "screening_published_on", "updated_at"])
        locked.registrations.update(eligible=None, refusals=[], screened_at=None)

    step = Step("reopen_registration", "重新组织报名", evaluate)
    justifications = {f.key: reason for f in cg.ineffective_posts(case)} if reason else None
    return run_case_step(
        case,
        step,
        by=by,
        justifications=justifications,
        before_save=reset,
        payload={"closes_on": closes_on, "reason": reason},
    )


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
