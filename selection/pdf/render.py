"""HTML template → PDF bytes through WeasyPrint, with our fonts and no network access."""

from typing import Any

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .fonts import font_stack, fonts_dir


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
            allowed = fonts_dir().as_uri() + "/"
            if not url.startswith(allowed):
                raise ValueError(f"Refusing to read {url}: only fonts from {allowed} may be loaded.")
        return super().fetch(url, headers)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to PDF. Pure: nothing is written, no request is needed."""
    stack = font_stack()
    html = render_to_string(template_name, {**context, "fonts": stack})
    font_config = FontConfiguration()
    fetcher = LocalOnlyFetcher()
    stylesheets = (
        [CSS(string=stack.font_faces, font_config=font_config, url_fetcher=fetcher)]
        if stack.font_faces
        else []
    )
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=stylesheets, font_config=font_config)
