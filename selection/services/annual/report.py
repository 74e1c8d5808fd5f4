"""The yearly report (R-ANR-1): its numbers computed from the year's closed cases every time they are
shown (`figures`), and HR's text, the only thing it stores (`update_sections` refuses anything else).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction

from selection import rules
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
    EvaluatedCadre,
)
from selection.models.post import Rank

from ..base import ServiceError, as_actor
from .evaluations import ballots_name_voters

SECTIONS = {
    "overall": "选人用人工作总体情况",
    "rules_applied": "执行政策法规和制度情况",
    "problems": "存在问题及整改措施",
}
SECTION_MAX = 10000
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
