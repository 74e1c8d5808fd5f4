"""Median wall time of rendering one 干部任免审批表 (two pages, photo included), beside the time WeasyPrint
alone needs for the same HTML (see bench_case_file for what "alone" does)."""

RUNS = 10


def run() -> str:
    # The realistic sample lives with the tests, so the benchmark measures what the tests check.
    from selection.pdf.approval_form import render_approval_form_data
    from tests.test_pdf_approval_form import crowded_form_data, sample_form_data

    from .bench_case_file import measure

    render_approval_form_data(sample_form_data())  # warm-up: font discovery, template loading
    results = []
    for label, data in (("sample", sample_form_data()), ("40-line 简历", crowded_form_data())):
        ours, alone = measure(lambda data=data: render_approval_form_data(data), RUNS)
        overhead = (ours - alone) / alone * 100 if alone else 0.0
        results.append(
            f"{label} {ours * 1000:.0f} ms (WeasyPrint alone {alone * 1000:.0f} ms, {overhead:+.0f} %)"
        )
    return f"approval form, median of {RUNS}: " + ", ".join(results)
