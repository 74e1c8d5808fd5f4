"""Lay out many documents at once on several cores: the case file's parts (case_file.py).

WeasyPrint is pure Python for the most part, so threads would not help; processes do. The generated parts'
HTML is shared out among forked child processes (balanced by HTML length); each child lays out its share,
reports every finished part through a queue (the export's progress bar), and writes its share as ONE PDF
(one embedded subset per font, per child). The parent gets back, per part, its page range in that PDF and
its bookmark tree, and case_file.py joins the PDFs with pypdf.

The children run at a lower priority (`XUANBA_PDF_NICE`, default 10), so web requests served on the same
machine keep their speed while a case file is being built. They never touch the database: every query
was made in the parent (the inherited connections stay open and unused — closing or dropping them in the
child would end the parent's session on the server).

`XUANBA_PDF_PROCESSES`: 0 (default) uses every core, at most four; 1 lays out in the calling process.
"""

import multiprocessing
import os
import queue as queues
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .render import layout, write

MAX_PROCESSES = 4
MIN_PARTS = 4  # fewer parts than this are laid out in the calling process: forking costs more


@dataclass(frozen=True)
class Rendered:
    """A part laid out by a child: pages [start, start + pages) of `pdf`, and its headings."""

    pdf: bytes
    start: int
    pages: int
    bookmarks: list  # WeasyPrint's make_bookmark_tree(): [(label, (page, x, y), children, state), …]


def processes() -> int:
    """How many processes lay out a case file's parts (1: in the calling process)."""
    wanted = getattr(settings, "XUANBA_PDF_PROCESSES", 0)
    if wanted <= 0:
        wanted = min(MAX_PROCESSES, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, wanted)


def share_out(htmls: Sequence[str], count: int) -> list[list[int]]:
    """Indexes of `htmls` in `count` groups of about equal total length, each group in file order."""
    groups: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    for index in sorted(range(len(htmls)), key=lambda i: -len(htmls[i])):
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += len(htmls[index])
    return [sorted(group) for group in groups if group]


_progress_queue: Any = None


def _start_child(progress_queue: Any, nice: int) -> None:
    global _progress_queue
    _progress_queue = progress_queue
    if nice > 0:
        os.nice(nice)


def _render_share(items: list[tuple[int, str]]) -> tuple[bytes, list[tuple[int, int, list]]]:
    """In a child: lay out each (index, html), then write them all as one PDF."""
    images: dict = {}
    laid_out = []
    for index, html in items:
        document = layout(html, image_cache=images)
        laid_out.append((index, document))
        _progress_queue.put(index)
    joined = laid_out[0][1].copy([page for _, document in laid_out for page in document.pages])
    ranges, start = [], 0
    for index, document in laid_out:
        ranges.append((index, start, len(document.pages), document.make_bookmark_tree()))
        start += len(document.pages)
    pdf = write(joined)
    return pdf, [(index, first, count, tree) for index, first, count, tree in ranges]


def render_parallel(
    htmls: Sequence[str], count: int, progress: Callable[[int], None] | None = None
) -> list[Rendered]:
    """Lay out every HTML source in `count` forked processes; `progress(done)` after each part."""
    context = multiprocessing.get_context("fork")
    progress_queue = context.Queue()
    shares = share_out(htmls, count)
    nice = getattr(settings, "XUANBA_PDF_NICE", 10)
    results: dict[int, Rendered] = {}
    done = 0
    with ProcessPoolExecutor(
        max_workers=len(shares), mp_context=context, initializer=_start_child, initargs=(progress_queue, nice)
    ) as pool:
        futures = [pool.submit(_render_share, [(i, htmls[i]) for i in share]) for share in shares]
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.25, return_when=FIRST_EXCEPTION)
            while True:
                try:
                    progress_queue.get_nowait()
                except queues.Empty:
                    break
                done += 1
                if progress:
                    progress(done)
            for future in finished:
                pdf, ranges = future.result()  # a child's exception is raised here
                for index, start, pages, tree in ranges:
                    results[index] = Rendered(pdf, start, pages, tree)
    progress_queue.close()
    return [results[i] for i in range(len(htmls))]
