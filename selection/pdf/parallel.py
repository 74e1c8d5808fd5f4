"""Lay out many documents at once on several cores: the case file's parts (case_file.py).

WeasyPrint is pure Python for the most part, so threads would not help; processes do. The generated parts'
HTML is inherited by forked child processes, which take the parts from one queue, longest first, each
taking the next part as soon as it has laid out the last one (so no child idles while another still has a
backlog: HTML length predicts the layout time only roughly). Each child reports every finished part
through a queue (the export's progress bar) and writes the parts it took as ONE PDF (one embedded subset
per font, per child). The parent gets back, per part, its page range in that PDF and
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


def longest_first(htmls: Sequence[str]) -> list[int]:
    """The order the parts are handed out in: longest HTML first, so the last parts taken are short ones."""
    return sorted(range(len(htmls)), key=lambda i: -len(htmls[i]))


_htmls: Sequence[str] = ()
_work: Any = None
_progress_queue: Any = None


def _start_child(htmls: Sequence[str], work: Any, progress_queue: Any, nice: int) -> None:
    global _htmls, _work, _progress_queue
    _htmls, _work, _progress_queue = htmls, work, progress_queue  # inherited by the fork, not pickled
    if nice > 0:
        os.nice(nice)


def _render_taken() -> tuple[bytes, list[tuple[int, int, int, list]]]:
    """In a child: lay out parts from the queue until its end mark, then write them, in file order, as
    one PDF."""
    images: dict = {}
    laid_out = []
    while (index := _work.get()) is not None:
        laid_out.append((index, layout(_htmls[index], image_cache=images)))
        _progress_queue.put(index)
    if not laid_out:  # the other children took every part
        return b"", []
    laid_out.sort(key=lambda item: item[0])
    joined = laid_out[0][1].copy([page for _, document in laid_out for page in document.pages])
    ranges, start = [], 0
    for index, document in laid_out:
        ranges.append((index, start, len(document.pages), document.make_bookmark_tree()))
        start += len(document.pages)
    return write(joined), ranges


def render_parallel(
    htmls: Sequence[str], count: int, progress: Callable[[int], None] | None = None
) -> list[Rendered]:
    """Lay out every HTML source in `count` forked processes; `progress(done)` after each part."""
    context = multiprocessing.get_context("fork")
    progress_queue, work = context.Queue(), context.Queue()
    count = max(1, min(count, len(htmls)))
    for index in longest_first(htmls):
        work.put(index)
    for _ in range(count):
        work.put(None)  # one end mark per child
    nice = getattr(settings, "XUANBA_PDF_NICE", 10)
    results: dict[int, Rendered] = {}
    done = 0
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=_start_child,
        initargs=(htmls, work, progress_queue, nice),
    ) as pool:
        futures = [pool.submit(_render_taken) for _ in range(count)]
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
    work.close()
    return [results[i] for i in range(len(htmls))]
