"""manage.py render_document KIND PK -o FILE

KIND: approval-form (PK = candidate, or a cadre with --cadre), record-form (candidate), case-file (case),
inspection-notice (candidate), public-notice (case), appointment-notice (case).
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from selection.models import Cadre, Candidate, SelectionCase
from selection.pdf.adapters import render_approval_form
from selection.pdf.case_file import render_case_file
from selection.pdf.common import DocumentUnavailable
from selection.pdf.notices import render_appointment_notice, render_inspection_notice, render_public_notice
from selection.pdf.record_form import render_record_form

KINDS: dict[str, tuple[type, Callable[..., bytes]]] = {
    "approval-form": (Candidate, render_approval_form),
    "record-form": (Candidate, render_record_form),
    "case-file": (SelectionCase, render_case_file),
    "inspection-notice": (Candidate, render_inspection_notice),
    "public-notice": (SelectionCase, render_public_notice),
    "appointment-notice": (SelectionCase, render_appointment_notice),
}
LABELS = {Candidate: "人选", SelectionCase: "批次", Cadre: "干部"}


class Command(BaseCommand):
    help = "Render an official document (任免审批表, 纪实表, 一批一档, stage notices) to a PDF file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("pk", type=int, help="candidate, case or (with --cadre) cadre id")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        parser.add_argument("--cadre", action="store_true", help="approval-form only: PK is a registry cadre")
        parser.add_argument(
            "--age-on", type=date.fromisoformat, default=None, help="计算年龄时间, YYYY-MM-DD"
        )
        parser.add_argument("--filled-by", default="", help="填表人 (approval-form)")

    def handle(self, *args, kind: str, pk: int, output: str, cadre: bool, **options) -> None:
        model, render = KINDS[kind]
        extra = {}
        if kind == "approval-form":
            extra = {"age_on": options["age_on"], "filled_by": options["filled_by"]}
            if cadre:
                model = Cadre
        elif cadre:
            raise CommandError("--cadre 仅适用于 approval-form。")
        try:
            obj = model.objects.get(pk=pk)
        except model.DoesNotExist:
            raise CommandError(f"没有编号为 {pk} 的{LABELS[model]}。") from None
        try:
            data = render(obj, **extra)
        except DocumentUnavailable as error:
            raise CommandError(error.message) from error
        Path(output).write_bytes(data)
        self.stdout.write(f"已写入 {output}（{len(data) // 1024} KB）")
