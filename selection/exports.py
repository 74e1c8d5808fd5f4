"""The kinds of background export (DESIGN.md "Scale and deployment"): one `ExportKind` per file the site
builds off the request, in a background task (`selection.tasks.run_export`).

To add a kind (花名册, the yearly report …): write a builder `build(job, progress) -> ExportFile` (pure
apart from reading the database and stored files; `progress(fraction)` with 0.0–1.0 as it goes) and add
one entry to `EXPORT_KINDS`. Requesting, the progress page, the stored copy with its SHA-256, reuse and the
permission check on download come with it (selection/services/exports.py, selection/views/exports.py).

This module imports nothing heavy: builders are named by dotted path and imported in the worker.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils.module_loading import import_string

from .permissions import Action

Progress = Callable[[float], None]


@dataclass(frozen=True)
class ExportFile:
    """What a builder returns: the bytes and how the download names them."""

    data: bytes
    filename: str
    content_type: str = "application/pdf"


@dataclass(frozen=True)
class ExportKind:
    key: str  # stored on ExportJob.kind; also in URLs
    label: str  # Chinese, shown on the progress page
    builder: str  # dotted path of `build(job, progress) -> ExportFile`
    actions: tuple[Action, ...]  # the user needs one of them to request and to download
    # A case-scoped kind keeps its file while the case's record head is unchanged (a new event, upload or
    # transition appends to the record and makes the next request build afresh).
    case_scoped: bool = False

    @cached_property
    def build(self) -> Callable:
        return import_string(self.builder)


EXPORT_KINDS: dict[str, ExportKind] = {
    kind.key: kind
    for kind in (
        ExportKind(
            key="case-file",
            label="一批一档（案卷）",
            builder="selection.pdf.case_file.build_case_file_export",
            actions=(Action.MANAGE_CASES, Action.AUDIT),
            case_scoped=True,
        ),
        ExportKind(
            key="roster",
            label="花名册",
            builder="selection.roster.build_roster_export",
            actions=(Action.VIEW_REGISTRY,),
        ),
    )
}


def export_kind(key: str) -> ExportKind | None:
    return EXPORT_KINDS.get(key)
