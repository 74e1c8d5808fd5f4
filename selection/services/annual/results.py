"""R-ANR-4: the closed evaluations' results with the year-on-year comparison, and 我的待办's open ones."""

from dataclasses import dataclass

from selection.models.annual import (
    AnnualEvaluation,
    AnnualReport,
    CadreFollowUp,
)

from .report import Figures, figures

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
