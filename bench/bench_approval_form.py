"""Median wall time of rendering one 干部任免审批表 (two pages, photo included)."""

import statistics
import time

RUNS = 10


def run() -> str:
    # The realistic sample lives with the tests, so the benchmark measures what the tests check.
    from selection.pdf.approval_form import render_approval_form_data
    from tests.test_pdf_approval_form import crowded_form_data, sample_form_data

    render_approval_form_data(sample_form_data())  # warm-up: font discovery, template loading
    results = []
    for label, data in (("sample", sample_form_data()), ("40-line 简历", crowded_form_data())):
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            render_approval_form_data(data)
            times.append(time.perf_counter() - started)
        results.append(f"{label} {statistics.median(times) * 1000:.0f} ms")
    return f"approval form, median of {RUNS}: " + ", ".join(results)
