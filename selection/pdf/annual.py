"""一报告两评议 report for the county organization department (R-ANR-4): the computed numbers, HR's text,
both evaluations' rates per option with last year's, the flagged cadres and their follow-up."""

from selection.models import AnnualReport
from selection.services import annual as annual_svc

from .common import cn_date
from .render import render_pdf

TEMPLATE = "pdf/annual_report.html"


def annual_report_context(report: AnnualReport) -> dict:
    results = annual_svc.results(report)
    previous = results.previous_figures
    figure_rows = [
        (label, value, previous.rows[i][1] if previous else "—")
        for i, (label, value) in enumerate(results.figures.rows)
    ]
    return {
        "title": f"{report.organization.name}{report.year}年度选人用人工作情况报告",
        "report": report,
        "results": results,
        "figure_rows": figure_rows,
        "previous_year": report.year - 1,
        "work_rows": results.work_rows(),
        "cadre_rows": results.cadre_rows(),
        "work_options": results.work.options,
        "cadre_options": results.cadre.options,
        "consistency": results.figures.consistency,
        "cn_date": cn_date,
    }


def render_annual_report(report: AnnualReport) -> bytes:
    return render_pdf(TEMPLATE, annual_report_context(report))
