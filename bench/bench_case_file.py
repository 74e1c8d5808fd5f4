"""Median wall time of one 任免审批表 and of the case file (一批一档) of a 10-candidate case, each beside
the time WeasyPrint alone needs for the same HTML (our overhead: data, fitting, templates, pypdf merge).

"WeasyPrint alone" gets the HTML our renderers passed to WeasyPrint (captured from one run) and does
the WeasyPrint work the document needs, warm like our renderers (one `FontConfiguration` reused, as
WeasyPrint recommends for several documents): lay out each HTML and write the pages as one PDF. For
the case file only the final cover counts (re-laying out the cover until its index fits is ours).

Builds the case in a throw-away test database (migrated in memory) with its media in a temporary folder.
"""

import io
import statistics
import tempfile
import time
from collections.abc import Callable

RUNS = 3
FORM_RUNS = 7
CANDIDATES = 10


def _median(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _recording_html(captured: list[str]):
    from weasyprint import HTML

    class RecordingHTML(HTML):
        def __init__(self, *args, string: str | None = None, **kwargs):
            if string is not None:
                captured.append(string)
            super().__init__(*args, string=string, **kwargs)

    return RecordingHTML


def _weasyprint_alone() -> Callable[[list[str]], bytes]:
    """A plain WeasyPrint renderer (own font configuration and fetcher): HTML strings → one PDF."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from selection.pdf.fonts import font_stack
    from selection.pdf.render import LocalOnlyFetcher

    stack = font_stack()
    config, fetcher = FontConfiguration(), LocalOnlyFetcher()
    sheets = (
        [CSS(string=stack.font_faces, font_config=config, url_fetcher=fetcher)] if stack.font_faces else []
    )

    def render(htmls: list[str]) -> bytes:
        documents = [
            HTML(string=html, url_fetcher=fetcher).render(stylesheets=sheets, font_config=config)
            for html in htmls
        ]
        return documents[0].copy([page for document in documents for page in document.pages]).write_pdf()

    return render


def captured_html(render: Callable[[], object]) -> list[str]:
    """The HTML strings `render` hands to WeasyPrint, in order, earlier layouts of the cover left out.
    Laid out in this process (XUANBA_PDF_PROCESSES=1), so forked children cannot hide parts from the
    recording."""
    from django.test.utils import override_settings

    from selection.pdf import render as render_module

    captured: list[str] = []
    original = render_module.HTML
    render_module.HTML = _recording_html(captured)
    try:
        with override_settings(XUANBA_PDF_PROCESSES=1):
            render()
    finally:
        render_module.HTML = original
    covers = [i for i, html in enumerate(captured) if "一批一档</title>" in html]
    return [html for i, html in enumerate(captured) if i not in covers[:-1]]


def measure(render: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median of ours, median of WeasyPrint alone over the HTML the same render produced)."""
    htmls = captured_html(render)
    alone = _weasyprint_alone()
    alone(htmls)  # warm-up, as ours was
    return _median(render, runs), _median(lambda: alone(htmls), runs)


def line(label: str, ours: float, alone: float) -> str:
    overhead = (ours - alone) / alone * 100 if alone else 0.0
    return f"{label} {ours:.2f} s (WeasyPrint alone {alone:.2f} s, overhead {overhead:+.0f} %)"


def run() -> str:
    from django.db import connection
    from django.test.utils import override_settings
    from pypdf import PdfReader

    from accounts.roles import Role
    from selection.pdf.adapters import render_approval_form
    from selection.pdf.case_file import render_case_file
    from selection.pdf.parallel import processes
    from tests import test_pdf_builders as build
    from tests.factories import OrganizationFactory, UserFactory

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            org = OrganizationFactory(name="安吉县医疗保障局", short_name="县医保局")
            hr = UserFactory(username="bench-hr", full_name="孙丽", organization=org, roles=[Role.HR])
            case = build.build_case(org, hr, candidates=CANDIDATES)
            candidate = case.candidates.order_by("pk").first()
            render_approval_form(candidate)  # warm-up: fonts, templates
            form = measure(lambda: render_approval_form(candidate), FORM_RUNS)
            pages = len(PdfReader(io.BytesIO(render_case_file(case))).pages)
            with override_settings(XUANBA_PDF_PROCESSES=1):
                whole = measure(lambda: render_case_file(case), RUNS)
            parallel = _median(lambda: render_case_file(case), RUNS)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return (
        line(f"任免审批表 (median of {FORM_RUNS})", *form)
        + "; "
        + line(
            f"case file, {CANDIDATES} candidates (median of {RUNS}{f', {pages} pages' if pages else ''}), "
            "in one process",
            *whole,
        )
        + f"; laid out by {processes()} processes (XUANBA_PDF_PROCESSES) {parallel:.2f} s"
    )
