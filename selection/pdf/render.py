"""HTML template → PDF bytes through WeasyPrint, with our fonts and no network access.

Speed (issue 6): what does not depend on the document is built once per process, thread and fonts
folder and reused by every render (`_Kit`): the `FontConfiguration` (fontconfig/Pango state, the faces
Pango has opened), the parsed `@font-face` stylesheet, and the URL fetcher (constructing one builds an
SSL context, ~50 ms). The kit is keyed by the fonts folder's path and font files (name, size, mtime),
so fonts dropped into the folder are picked up without a restart. Kits are
per thread: Pango font maps are not meant to be shared between threads.

`render_document` stops after layout, so the case file can lay out each part on its own (its own page
numbers) and write all of them as one PDF with one embedded subset per font (see case_file.py).
"""

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.template.loader import render_to_string
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .fonts import FontStack, folder_signature, font_stack, fonts_dir
from .limits import rendering

# Passed to every render and write; WeasyPrint's defaults spelled out (compressed, no HTML
# presentational hints: our templates style everything in CSS).
OPTIONS: dict[str, Any] = {"presentational_hints": False, "uncompressed_pdf": False}


class LocalOnlyFetcher(URLFetcher):
    """Allow `data:` URIs and font files from the fonts folder only.

    Form values are user data; even though templates autoescape them, a renderer that can reach the
    network or the file system is a needless risk (and a slow one on an intranet without internet).
    Failing loudly beats a PDF silently missing its photo or font.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"}, fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if url.startswith("file:"):
            # Decode and normalise the path first (percent-escapes, `.`, `..`), then confine it to the
            # folder. Symbolic links the operator put inside the folder stay usable.
            folder = Path(os.path.normpath(fonts_dir()))
            parsed = urlsplit(url)
            if parsed.netloc not in ("", "localhost") or parsed.query or parsed.fragment:
                raise ValueError(f"Refusing to read {url}: only fonts from {folder} may be loaded.")
            path = Path(os.path.normpath(url2pathname(parsed.path)))
            if not path.is_relative_to(folder) or not path.is_file():
                raise ValueError(f"Refusing to read {url}: only fonts from {folder} may be loaded.")
            url = path.as_uri()
        return super().fetch(url, headers)


@dataclass(frozen=True)
class _Kit:
    """Render state shared by every document of one fonts folder (in one thread)."""

    stack: FontStack
    font_config: FontConfiguration
    fetcher: LocalOnlyFetcher
    stylesheets: tuple[CSS, ...]


_local = threading.local()


def _kit() -> _Kit:
    key = folder_signature()
    kit: _Kit | None = getattr(_local, "kits", {}).get(key)
    if kit is None:
        stack, font_config, fetcher = font_stack(), FontConfiguration(), LocalOnlyFetcher()
        sheets = (
            (CSS(string=stack.font_faces, font_config=font_config, url_fetcher=fetcher),)
            if stack.font_faces
            else ()
        )
        kit = _Kit(stack, font_config, fetcher, sheets)
        # One fonts folder in practice; a changed folder replaces the kit rather than piling up.
        _local.kits = {key: kit}
    return kit


def forget_kit() -> None:
    """Drop this thread's render state (after an interrupted render)."""
    _local.kits = {}


def render_html(template_name: str, context: dict[str, Any]) -> str:
    """The HTML source of a document (the fonts of the current stack filled in)."""
    return render_to_string(template_name, {**context, "fonts": _kit().stack})


def layout(html: str, *, image_cache: dict | None = None) -> Document:
    """Lay out HTML produced by `render_html` (pages, no PDF yet)."""
    kit = _kit()
    with rendering():
        return HTML(string=html, url_fetcher=kit.fetcher).render(
            stylesheets=list(kit.stylesheets), font_config=kit.font_config, cache=image_cache, **OPTIONS
        )


def write(document: Document, finisher: Any = None) -> bytes:
    with rendering():
        return document.write_pdf(finisher=finisher, **OPTIONS)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to PDF. Pure: nothing is written, no request is needed."""
    return write(layout(render_html(template_name, context)))
