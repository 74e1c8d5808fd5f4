"""一报告两评议 (R-ANR-1..4, R-REQ-3): the yearly report's numbers, its text, and the two evaluations.

The numbers are computed from the year's closed cases every time they are shown (`figures`); the report
stores HR's text only, and `update_sections` refuses anything else (R-ANR-1). The evaluations run on the
staff-ballot machinery itself (services/ballots.py, selection/sealing.py; docs/SECURITY.md), with the same
secrecy as every other ballot (R-ANR-2): opening creates the evaluation's key; a ballot is validated and
sealed at a fixed length before the evaluation's lock, then the invitation is flipped to used and the
sealed ballot written in one short transaction; closing opens the ballots in memory, stores the tally and
destroys the key in the same transaction, so a ballot paired with its invitation by any database means
(transaction id, physical order, dead row versions, the WAL) yields a blob nobody can open.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from selection import gates, rules, sealing
from selection.models import (
    CandidateStatus,
    CaseStatus,
    Complaint,
    PostHolding,
    SelectionCase,
)
from selection.models.annual import (
    CADRE_OPTIONS,
    WORK_OPTIONS,
    WORK_PROBLEMS,
    WORK_QUESTIONS,
    AnnualEvaluation,
    AnnualReport,
    CadreFollowUp,
    EvaluatedCadre,
    EvaluationBallot,
    EvaluationInvitation,
    evaluation_scope,
)
from selection.models.post import Rank

from .ballots import (
    RECEIPT_LENGTH,
    SLIP_CODE_LENGTH,
    code_hash,
    find_invitation,
    new_code,
    open_ballots,
    receipt_hash,
    seal_ballot,
    write_ballot,
)
from .base import ServiceError, as_actor

SECTIONS = {
    "overall": "选人用人工作总体情况",
    "rules_applied": "执行政策法规和制度情况",
    "problems": "存在问题及整改措施",
}
SECTION_MAX = 10000
SUGGESTION_MAX = 500
MAX_SLIPS = 500
NOT_OPEN = "该评议不在评议期间。"
ALREADY = "您已参加本次评议，每人只能评议一次。"
BAD_CODE = "评议码无效或已使用。"


# ---- R-ANR-1: the numbers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What the report says in numbers, all computed from the year's closed cases."""

    year: int
    cases_closed: int
    cases_appointed: int
    cases_terminated: int
    selected: int
    by_rank: dict[str, int]
    by_mode: dict[str, int]
    exceptional: int
    promoted: int
    exchanged: int
    complaints: int
    complaints_affecting: int
    by_stage: dict[str, int]
    consistency: list[rules.Finding] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[str, int]]:
        return [
            ("已结束的选拔任用批次", self.cases_closed),
            ("其中：完成任职", self.cases_appointed),
            ("其中：终止", self.cases_terminated),
            ("选拔任用中层干部（人）", self.selected),
            ("其中：中层正职", self.by_rank.get(Rank.CHIEF, 0)),
            ("其中：中层副职", self.by_rank.get(Rank.DEPUTY, 0)),
            ("其中：日常选拔任用", self.by_mode.get(SelectionCase.Mode.DAILY, 0)),
            ("其中：竞争上岗", self.by_mode.get(SelectionCase.Mode.COMPETITIVE, 0)),
            ("其中：提拔", self.promoted),
            ("其中：交流（平级转任）", self.exchanged),
            ("其中：破格提拔", self.exceptional),
            ("任职前公示期间信访举报（件）", self.complaints),
            ("其中：经核实影响任职", self.complaints_affecting),
        ]


INSPECTED = {
    CandidateStatus.TARGET,
    CandidateStatus.PROPOSED,
    CandidateStatus.APPROVED,
    CandidateStatus.REJECTED,
    CandidateStatus.DEFERRED,
    CandidateStatus.APPOINTED,
}


def closed_cases(organization, year: int):
    return SelectionCase.objects.filter(
        organization=organization, year=year, status__in=[CaseStatus.APPOINTED, CaseStatus.TERMINATED]
    )


def figures(organization, year: int) -> Figures:
    """R-ANR-1 / R-REQ-3: the year's numbers from its closed cases, in a fixed number of queries."""
    cases = list(closed_cases(organization, year).values_list("pk", "status"))
    case_ids = [pk for pk, _ in cases]
    from selection.models import Candidate

    rows = list(
        Candidate.objects.filter(case_id__in=case_ids).values(
            "status",
            "exceptional",
            "cadre_id",
            "vacancy__post_id",
            "vacancy__post__rank",
            "case__mode",
            "appointment__tenure_starts_on",
        )
    )
    appointed = [r for r in rows if r["status"] == CandidateStatus.APPOINTED]
    holdings = {
        (h["cadre_id"], h["post_id"], h["started_on"]): h["how"]
        for h in PostHolding.objects.filter(cadre_id__in={r["cadre_id"] for r in appointed}).values(
            "cadre_id", "post_id", "started_on", "how"
        )
    }
    hows = [
        holdings.get((r["cadre_id"], r["vacancy__post_id"], r["appointment__tenure_starts_on"]), "")
        for r in appointed
    ]
    promoted = sum(1 for h in hows if h in (PostHolding.How.PROMOTION, PostHolding.How.COMPETITION))
    complaints = Complaint.objects.filter(notice__case_id__in=case_ids)
    by_stage = {
        rules.ReportStage.RECOMMENDED: len(rows),
        rules.ReportStage.INSPECTED: sum(1 for r in rows if r["status"] in INSPECTED),
        rules.ReportStage.DECIDED: sum(
            1 for r in rows if r["status"] in (CandidateStatus.APPROVED, CandidateStatus.APPOINTED)
        ),
        rules.ReportStage.APPOINTED: len(appointed),
    }
    by_kind = {"promotion": promoted, "exchange": len(appointed) - promoted}
    consistency = rules.annual_report(
        rules.AnnualReport(
            year=year,
            by_stage=by_stage,
            by_kind=by_kind,
            work_rating_options=tuple(label for _, label in WORK_OPTIONS),
            cadre_rating_options=tuple(label for _, label in CADRE_OPTIONS),
            ballots_name_voters=ballots_name_voters(),
        )
    )
    return Figures(
        year=year,
        cases_closed=len(cases),
        cases_appointed=sum(1 for _, s in cases if s == CaseStatus.APPOINTED),
        cases_terminated=sum(1 for _, s in cases if s == CaseStatus.TERMINATED),
        selected=len(appointed),
        by_rank=dict(Counter(r["vacancy__post__rank"] for r in appointed)),
        by_mode=dict(Counter(r["case__mode"] for r in appointed)),
        exceptional=sum(1 for r in appointed if r["exceptional"]),
        promoted=promoted,
        exchanged=len(appointed) - promoted,
        complaints=complaints.count(),
        complaints_affecting=complaints.filter(conclusion=Complaint.Conclusion.AFFECTS).count(),
        by_stage={str(k): v for k, v in by_stage.items()},
        consistency=consistency,
    )


SEALED_BALLOT_FIELDS = {"id", "evaluation", "sealed", "receipt_hash"}


def ballots_name_voters() -> bool:
    """R-ANR-2: could a stored ballot be linked to its voter or read? A voter column, a time, an ordered
    key, or any field beside the sealed content, the receipt's hash and the evaluation it belongs to."""
    from django.db import models

    for model in (EvaluationBallot,):
        if not isinstance(model._meta.pk, models.UUIDField):
            return True
        for f in model._meta.get_fields():
            if f.name not in SEALED_BALLOT_FIELDS:
                return True
            if isinstance(f, models.ForeignKey) and f.related_model is not AnnualEvaluation:
                return True
            if isinstance(f, models.DateField | models.DateTimeField | models.AutoField):
                return True
    return False


# ---- the report -----------------------------------------------------------------------------------


def promoted_in(organization, year: int) -> list[PostHolding]:
    """Cadres newly promoted in the year (a promotion's holding started that year, R-PRB-1), from the
    registry, so appointments through a case and holdings entered or imported count alike."""
    return list(
        PostHolding.objects.filter(
            post__organization=organization,
            started_on__year=year,
            how__in=[PostHolding.How.PROMOTION, PostHolding.How.COMPETITION],
            is_concurrent=False,
        )
        .select_related("cadre", "post__department")
        .order_by("started_on", "pk")
    )


def open_report(organization, year: int, *, by, today: date) -> AnnualReport:
    """Start a year's report with its two evaluations (options configurable per evaluation, R-REQ-3)."""
    actor = as_actor(by)
    if year > today.year or year < 2000:
        raise ServiceError("请选择已开始的年度。")
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = AnnualReport.objects.create(
                    organization=organization, year=year, created_by=actor.user
                )
        except IntegrityError:
            raise ServiceError(f"{year}年度的报告已经建立。") from None
        AnnualEvaluation.objects.create(
            report=report,
            kind=AnnualEvaluation.Kind.WORK,
            options=[list(o) for o in WORK_OPTIONS],
            questions=list(WORK_QUESTIONS),
            problems=list(WORK_PROBLEMS),
        )
        cadre_eval = AnnualEvaluation.objects.create(
            report=report, kind=AnnualEvaluation.Kind.CADRE, options=[list(o) for o in CADRE_OPTIONS]
        )
        EvaluatedCadre.objects.bulk_create(
            [
                EvaluatedCadre(
                    evaluation=cadre_eval, cadre=h.cadre, post=str(h.post), appointed_on=h.started_on
                )
                for h in promoted_in(organization, year)
            ],
            ignore_conflicts=True,
        )
    return report


def refresh_cadres(evaluation: AnnualEvaluation) -> int:
    """Add the cadres promoted since the report was opened (only while the evaluation is preparing)."""
    with transaction.atomic():
        evaluation = (
            AnnualEvaluation.objects.select_for_update(of=("self",))
            .select_related("report")
            .get(pk=evaluation.pk)
        )
        if (
            evaluation.kind != AnnualEvaluation.Kind.CADRE
            or evaluation.phase != AnnualEvaluation.Phase.PREPARING
        ):
            raise ServiceError("只能在评议开始前更新评议对象。")
        report = evaluation.report
        known = set(evaluation.cadres.values_list("cadre_id", flat=True))
        new = [
            EvaluatedCadre(evaluation=evaluation, cadre=h.cadre, post=str(h.post), appointed_on=h.started_on)
            for h in promoted_in(report.organization, report.year)
            if h.cadre_id not in known
        ]
        EvaluatedCadre.objects.bulk_create(new)
    return len(new)


def update_sections(report: AnnualReport, *, by, sections: dict[str, str]) -> AnnualReport:
    """HR writes the text sections; a number cannot be typed into the report (R-ANR-1)."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ServiceError(
            "R-ANR-1：报告中的数字由系统根据本年度已结束的选拔任用工作自动统计，不能手工填写或修改。"
        )
    for key, text in sections.items():
        if len(text) > SECTION_MAX:
            raise ServiceError(f"“{SECTIONS[key]}”不能超过 {SECTION_MAX} 字。")
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        for key, text in sections.items():
            setattr(report, key, text.strip())
        report.save()
    return report


# ---- R-ANR-2/3: the evaluations -------------------------------------------------------------------


def _lock(evaluation: AnnualEvaluation) -> AnnualEvaluation:
    return (
        AnnualEvaluation.objects.select_for_update(of=("self",))
        .select_related("report__organization")
        .get(pk=evaluation.pk)
    )


def invite_accounts(evaluation: AnnualEvaluation, *, by, users: list) -> int:
    """Invite accounts of the organization (and its institutions): each may fill one ballot."""
    if not users:
        raise ServiceError("请选择参加评议的人员。")
    with transaction.atomic():
        evaluation = _lock(evaluation)
        if evaluation.phase == AnnualEvaluation.Phase.CLOSED:
            raise ServiceError("该评议已经统计，不能再邀请。")
        org = evaluation.report.organization
        if any(
            u.organization_id != org.pk and getattr(u.organization, "parent_id", None) != org.pk
            for u in users
        ):
            raise ServiceError("R-ANR-2：参加评议的人员须为本单位（含下属事业单位）的干部职工。")
        known = set(evaluation.invitations.filter(user__isnull=False).values_list("user_id", flat=True))
        new = [EvaluationInvitation(evaluation=evaluation, user=u) for u in users if u.pk not in known]
        EvaluationInvitation.objects.bulk_create(new)
    return len(new)


def issue_slips(evaluation: AnnualEvaluation, *, by, count: int) -> list[str]:
    """One-time codes for participants without accounts; returned once, stored as keyed hashes only."""
    if not 1 <= count <= MAX_SLIPS:
        raise ServiceError(f"评议码数量须在 1 至 {MAX_SLIPS} 之间。")
    with transaction.atomic():
        evaluation = _lock(evaluation)
        if evaluation.phase == AnnualEvaluation.Phase.CLOSED:
            raise ServiceError("该评议已经统计，不能再发放评议码。")
        codes = [new_code(SLIP_CODE_LENGTH) for _ in range(count)]
        EvaluationInvitation.objects.bulk_create(
            [EvaluationInvitation(evaluation=evaluation, code_hash=code_hash(c)) for c in codes]
        )
    return codes


def open_evaluation(evaluation: AnnualEvaluation, *, by) -> AnnualEvaluation:
    with transaction.atomic():
        evaluation = _lock(evaluation)
        if evaluation.phase != AnnualEvaluation.Phase.PREPARING:
            raise ServiceError("该评议已经开始或已经统计。")
        if not evaluation.invitations.exists():
            raise ServiceError("R-ANR-2：请先邀请参加评议的人员或发放评议码。")
        if evaluation.kind == AnnualEvaluation.Kind.CADRE and not evaluation.cadres.exists():
            raise ServiceError("R-ANR-3：本年度没有新提拔任用的干部，无需开展评议。")
        if ballots_name_voters():
            raise ServiceError("R-ANR-2：评议票不得记录评议人或评议时间，不能开始评议。")
        if len({v for v, _ in evaluation.options}) < 2:
            raise ServiceError("R-REQ-3：评议须有两个以上互不相同的评价选项。")
        evaluation.phase = AnnualEvaluation.Phase.OPEN
        evaluation.opened_at, evaluation.opened_by = timezone.now(), as_actor(by).user
        evaluation.save(update_fields=["phase", "opened_at", "opened_by"])
        sealing.create_key(evaluation_scope(evaluation))
    return evaluation


def validate_choices(evaluation: AnnualEvaluation, choices: dict) -> dict:
    """The ballot as stored: every question (or cadre) rated with one of the options."""
    values = set(evaluation.option_labels)
    if evaluation.kind == AnnualEvaluation.Kind.WORK:
        answers = choices.get("answers") or {}
        clean = {}
        for index in range(len(evaluation.questions)):
            value = answers.get(str(index))
            if value not in values:
                raise ServiceError(f"请对第 {index + 1} 项作出评价。")
            clean[str(index)] = value
        ticked = choices.get("problems") or []
        try:
            ticked = sorted({int(i) for i in ticked})
        except (TypeError, ValueError):
            raise ServiceError("问题选项无效。") from None
        if any(not 0 <= i < len(evaluation.problems) for i in ticked):
            raise ServiceError("问题选项无效。")
        suggestion = str(choices.get("suggestion") or "").strip()
        if len(suggestion) > SUGGESTION_MAX:
            raise ServiceError(f"意见建议不能超过 {SUGGESTION_MAX} 字。")
        return {"answers": clean, "problems": ticked, "suggestion": suggestion}
    given = choices.get("cadres") or {}
    clean = {}
    for evaluated_id in evaluation.cadres.values_list("pk", flat=True):
        value = given.get(str(evaluated_id))
        if value not in values:
            raise ServiceError("请对每一名新提拔任用的干部作出评价。")
        clean[str(evaluated_id)] = value
    return {"cadres": clean}


def ballot_size(evaluation) -> int:
    """The fixed length every sealed ballot of this evaluation is padded to: that of its longest possible
    content (the longest option everywhere, every problem ticked, the longest suggestion in the widest
    encoding), so a blob's length tells nothing. Reads only the evaluation's own fields, so that the
    migration that sealed the plaintext ballots can call it on a historical model too."""
    values = [v for v, _ in evaluation.options] or [""]
    widest = max(values, key=lambda v: len(sealing.encoded({"v": v})))
    if evaluation.kind == AnnualEvaluation.Kind.WORK:
        return sealing.fixed_size(
            {
                "answers": {str(i): widest for i in range(len(evaluation.questions))},
                "problems": list(range(len(evaluation.problems))),
                "suggestion": "\U0010ffff" * SUGGESTION_MAX,  # 12 bytes each once escaped: the worst
            }
        )
    ids = evaluation.cadres.values_list("pk", flat=True)
    return sealing.fixed_size({"cadres": {str(pk): widest for pk in ids}})


def cast(evaluation: AnnualEvaluation, *, choices: dict, user=None, code: str = "") -> str:
    """One ballot per invitation, all or nothing; returns the receipt code (shown once, stored hashed).
    Validation and sealing happen before the evaluation's lock; under it, the invitation is marked used
    and the sealed ballot written, with nothing linking them (services/ballots.py)."""
    if (user is None) == (not code):
        raise ServiceError("请登录或输入评议码后评议。")
    evaluation = AnnualEvaluation.objects.select_related("report__organization").get(pk=evaluation.pk)
    if evaluation.phase != AnnualEvaluation.Phase.OPEN:
        raise ServiceError(NOT_OPEN)
    content = validate_choices(evaluation, choices)
    invitation = find_invitation(
        EvaluationInvitation.objects.filter(evaluation=evaluation), user=user, code=code
    )
    if invitation is None:
        raise ServiceError(BAD_CODE if code else "您不在本次评议的参加人员之中。")
    refused = BAD_CODE if code else ALREADY
    if invitation["used"]:
        raise ServiceError(refused)
    blob = seal_ballot(evaluation_scope(evaluation), content, ballot_size(evaluation), refused=NOT_OPEN)
    receipt = new_code(RECEIPT_LENGTH)
    with transaction.atomic():
        evaluation = _lock(evaluation)
        if evaluation.phase != AnnualEvaluation.Phase.OPEN:
            raise ServiceError(NOT_OPEN)
        ballot = EvaluationBallot(evaluation=evaluation, sealed=blob, receipt_hash=receipt_hash(receipt))
        write_ballot(EvaluationInvitation.objects.all(), invitation["pk"], ballot, refused=refused)
    return receipt


def evaluation_for_code(code: str) -> AnnualEvaluation | None:
    row = (
        EvaluationInvitation.objects.filter(
            code_hash=code_hash(code), used=False, evaluation__phase=AnnualEvaluation.Phase.OPEN
        )
        .select_related("evaluation__report")
        .first()
    )
    return row.evaluation if row else None


def rate(count: int, total: int) -> str:
    """A share as a percentage with one decimal, rounded half up in integers."""
    if total <= 0:
        return "—"
    tenths = (count * 2000 + total) // (2 * total)
    return f"{tenths // 10}.{tenths % 10}%"


def flagged(disagree: int, total: int, settings: rules.RuleSettings) -> bool:
    """R-ANR-3: the 不认同 share exceeds the threshold (1/3 by default), in integers."""
    return total > 0 and disagree * settings.annual_flag_denominator > total * settings.annual_flag_numerator


def compute_tally(evaluation: AnnualEvaluation, ballots: list[dict]) -> dict:
    """Counts and rates from the opened ballots (in random order; nothing else is kept of them)."""
    options = [v for v, _ in evaluation.options]
    total = len(ballots)
    if evaluation.kind == AnnualEvaluation.Kind.WORK:
        questions = []
        for index, text in enumerate(evaluation.questions):
            counts = Counter(b["answers"].get(str(index)) for b in ballots)
            questions.append(
                {
                    "text": text,
                    "counts": {o: counts[o] for o in options},
                    "rates": {o: rate(counts[o], total) for o in options},
                    "positive": rate(counts[options[0]] + counts[options[1]], total),
                    "positive_tenths": _tenths(counts[options[0]] + counts[options[1]], total),
                }
            )
        ticks = Counter(i for b in ballots for i in b.get("problems", []))
        problems = [
            {"text": text, "count": ticks[i], "rate": rate(ticks[i], total)}
            for i, text in enumerate(evaluation.problems)
        ]
        suggestions = sorted(s for b in ballots if (s := b.get("suggestion")))
        return {"ballots": total, "questions": questions, "problems": problems, "suggestions": suggestions}
    settings = gates.settings_for(evaluation.report.organization)
    cadres = []
    for evaluated in evaluation.cadres.select_related("cadre"):
        counts = Counter(b["cadres"].get(str(evaluated.pk)) for b in ballots)
        cadres.append(
            {
                "id": evaluated.pk,
                "name": evaluated.cadre.name,
                "post": evaluated.post,
                "counts": {o: counts[o] for o in options},
                "rates": {o: rate(counts[o], total) for o in options},
                "positive": rate(counts["agree"] + counts["basic"], total),
                "positive_tenths": _tenths(counts["agree"] + counts["basic"], total),
                "flagged": flagged(counts["disagree"], total, settings),
            }
        )
    return {"ballots": total, "cadres": cadres}


def _tenths(count: int, total: int) -> int:
    return (count * 2000 + total) // (2 * total) if total else 0


def close_evaluation(evaluation: AnnualEvaluation, *, by) -> AnnualEvaluation:
    """Stop the evaluation: open the sealed ballots in memory, store the tally, destroy the key (R-ANR-2/4).
    Every ballot cast before this is counted, any later one refused (both take the evaluation's lock)."""
    with transaction.atomic():
        evaluation = _lock(evaluation)
        if evaluation.phase != AnnualEvaluation.Phase.OPEN:
            raise ServiceError("该评议尚未开始或已经统计。")
        scope = evaluation_scope(evaluation)
        key, contents = open_ballots(scope, evaluation.ballots.values_list("sealed", flat=True))
        evaluation.tally = compute_tally(evaluation, contents)
        del contents
        evaluation.tally["invited"] = evaluation.invitations.count()
        evaluation.phase = AnnualEvaluation.Phase.CLOSED
        evaluation.closed_at, evaluation.closed_by = timezone.now(), as_actor(by).user
        evaluation.save(update_fields=["phase", "tally", "closed_at", "closed_by"])
        sealing.destroy(key)
    return evaluation


def record_follow_up(
    evaluated: EvaluatedCadre, *, by, investigated_on: date, findings: str, conclusion: str, today: date
) -> CadreFollowUp:
    """R-ANR-3: the 调查核实 of a flagged cadre."""
    actor = as_actor(by)
    if not findings.strip() or not conclusion.strip():
        raise ServiceError("R-ANR-3：请填写调查核实情况和处理意见。")
    if investigated_on > today:
        raise ServiceError("核实日期不能晚于今天。")
    with transaction.atomic():
        evaluation = _lock(evaluated.evaluation)
        row = next((c for c in evaluation.tally.get("cadres", []) if c["id"] == evaluated.pk), None)
        if evaluation.phase != AnnualEvaluation.Phase.CLOSED or row is None or not row["flagged"]:
            raise ServiceError("R-ANR-3：只有评议结果中不认同率超过规定比例的干部需要调查核实。")
        try:
            with transaction.atomic():
                return CadreFollowUp.objects.create(
                    evaluated=evaluated,
                    investigated_on=investigated_on,
                    findings=findings.strip(),
                    conclusion=conclusion.strip(),
                    recorded_by=actor.user,
                )
        except IntegrityError:
            raise ServiceError("该干部的调查核实情况已经记录。") from None


# ---- R-ANR-4: results and the year-on-year comparison ---------------------------------------------


@dataclass
class Results:
    report: AnnualReport
    figures: Figures
    previous_figures: Figures | None
    work: AnnualEvaluation
    cadre: AnnualEvaluation
    previous_work: AnnualEvaluation | None
    previous_cadre: AnnualEvaluation | None
    follow_ups: dict[int, CadreFollowUp]

    def work_rows(self) -> list[dict]:
        """Per question: this year's rates and, where asked last year too, the change in 好和较好率."""
        before = {}
        if self.previous_work and self.previous_work.phase == AnnualEvaluation.Phase.CLOSED:
            before = {q["text"]: q for q in self.previous_work.tally.get("questions", [])}
        rows = []
        for q in self.work.tally.get("questions", []):
            prev = before.get(q["text"])
            delta = None
            if prev is not None:
                d = q["positive_tenths"] - prev["positive_tenths"]
                delta = f"{'+' if d >= 0 else '-'}{abs(d) // 10}.{abs(d) % 10}"
            options = [v for v, _ in self.work.options]
            rows.append(
                {
                    **q,
                    "previous": prev["positive"] if prev else "—",
                    "delta": delta,
                    "cells": [(q["counts"].get(o, 0), q["rates"].get(o, "—")) for o in options],
                }
            )
        return rows

    def cadre_rows(self) -> list[dict]:
        options = [v for v, _ in self.cadre.options]
        return [
            {
                **c,
                "follow_up": self.follow_ups.get(c["id"]),
                "cells": [(c["counts"].get(o, 0), c["rates"].get(o, "—")) for o in options],
            }
            for c in self.cadre.tally.get("cadres", [])
        ]


def results(report: AnnualReport) -> Results:
    evaluations = {e.kind: e for e in report.evaluations.select_related("opened_by", "closed_by")}
    previous = (
        AnnualReport.objects.filter(organization=report.organization, year=report.year - 1)
        .prefetch_related("evaluations")
        .first()
    )
    before = {e.kind: e for e in previous.evaluations.all()} if previous else {}
    cadre_eval = evaluations[AnnualEvaluation.Kind.CADRE]
    follow_ups = {
        f.evaluated_id: f
        for f in CadreFollowUp.objects.filter(evaluated__evaluation=cadre_eval).select_related("recorded_by")
    }
    return Results(
        report=report,
        figures=figures(report.organization, report.year),
        previous_figures=figures(report.organization, report.year - 1) if previous else None,
        work=evaluations[AnnualEvaluation.Kind.WORK],
        cadre=cadre_eval,
        previous_work=before.get(AnnualEvaluation.Kind.WORK),
        previous_cadre=before.get(AnnualEvaluation.Kind.CADRE),
        follow_ups=follow_ups,
    )


def pending_for(user) -> list[AnnualEvaluation]:
    """Open evaluations this account is invited to and has not filled (我的待办)."""
    if not user.is_authenticated:
        return []
    return list(
        AnnualEvaluation.objects.filter(
            phase=AnnualEvaluation.Phase.OPEN, invitations__user=user, invitations__used=False
        )
        .select_related("report")
        .order_by("report__year", "kind")
        .distinct()
    )
