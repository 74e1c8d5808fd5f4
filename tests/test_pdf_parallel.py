"""The case file laid out by several processes (selection/pdf/parallel.py) is the file one process lays out."""

import io
import os
import re
from concurrent.futures.process import BrokenProcessPool

import pdfplumber
import pytest
from pypdf import PdfReader

from selection.pdf import parallel
from selection.pdf.case_file import render_case_file
from selection.pdf.limits import RenderTimedOut, time_limit

from . import test_pdf_builders as build


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def appointed(org, hr):
    return build.build_case(org, hr, candidates=3)


def _pages(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return ["".join((page.extract_text() or "").split()) for page in document.pages]


def _undated(pages: list[str]) -> list[str]:
    """The clock on the pages (生成时间, 核验时间) may have turned a minute between two builds."""
    return [re.sub(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}", "…", page) for page in pages]


def _outline(pdf: bytes) -> list:
    reader = PdfReader(io.BytesIO(pdf))

    def walk(items):
        return [
            walk(item) if isinstance(item, list) else (item.title, reader.get_destination_page_number(item))
            for item in items
        ]

    return walk(reader.outline)


def test_two_processes_give_the_file_one_process_gives(settings, appointed):
    """Same pages with the same text (index page numbers included), same outline down to each part's own
    headings; progress is reported part by part up to 80 % (the cover and the final write follow)."""
    settings.XUANBA_PDF_PROCESSES = 1
    alone = render_case_file(appointed)
    settings.XUANBA_PDF_PROCESSES = 2
    seen: list[float] = []
    shared = render_case_file(appointed, seen.append)
    assert _undated(_pages(shared)) == _undated(_pages(alone))
    assert _outline(shared) == _outline(alone)
    assert seen == sorted(seen) and len(seen) >= 8 and seen[-2:] == [0.8, 0.85]


def test_a_child_busy_with_a_long_part_leaves_the_short_ones_to_the_other():
    """The parts come from one queue, longest first: while one child lays out the long part, the other
    takes every short one (a fixed share by HTML length left one child idle while the other worked on)."""
    long_part = "<p>第一段。</p>" * 1500
    short = ["<p>短</p>"] * 5
    rendered = parallel.render_parallel([short[0], long_part, *short[1:]], 2)
    assert [r.pages for r in rendered].count(max(r.pages for r in rendered)) == 1
    shorts = [r for n, r in enumerate(rendered) if n != 1]
    assert all(r.pdf is not rendered[1].pdf for r in shorts)  # written by the other child
    assert len({id(r.pdf) for r in shorts}) == 1
    assert [r.start for r in shorts] == list(range(5))  # in file order within that child's PDF


def test_more_processes_asked_for_than_parts_lay_out_each_part_once_and_return():
    rendered = parallel.render_parallel(["<p>一</p>", "<p>二</p>"], 4)
    assert [(r.pages, bool(r.pdf)) for r in rendered] == [(1, True), (1, True)]


def test_a_render_past_its_time_limit_in_a_child_is_reported_as_such():
    """Only the children lay out here (no render in the parent): their RenderTimedOut crosses back whole."""
    long_document = "<p>第一段。</p>" * 3000
    with time_limit(0.05), pytest.raises(RenderTimedOut) as raised:
        parallel.render_parallel([long_document] * 4, 2)
    assert "文书生成时间过长（超过 0.05 秒）" in raised.value.message


def _die():
    os._exit(9)  # as the out-of-memory killer ends a child: no exception, no result


def test_a_child_that_dies_leaves_the_case_file_to_the_worker_itself(settings, appointed, monkeypatch):
    """A child killed mid-layout breaks the pool; the worker lays every part out itself and the file
    still comes out whole: the pages and outline one process gives."""
    settings.XUANBA_PDF_PROCESSES = 1
    alone = render_case_file(appointed)
    settings.XUANBA_PDF_PROCESSES = 2
    monkeypatch.setattr(parallel, "_render_taken", _die)
    tried = []

    def render_parallel(*args, **kwargs):
        tried.append(args[1])
        return real(*args, **kwargs)

    real = parallel.render_parallel
    monkeypatch.setattr(parallel, "render_parallel", render_parallel)
    with pytest.raises(BrokenProcessPool):  # what the fallback catches
        real(["<p>一</p>"] * 4, 2)
    survived = render_case_file(appointed)
    assert tried == [2]  # the build did fork, and its children died
    assert _undated(_pages(survived)) == _undated(_pages(alone))
    assert _outline(survived) == _outline(alone)
