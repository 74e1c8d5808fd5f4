"""manage.py export_lrmx CADRE_ID -o FILE"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from selection.interchange.lrmx import export_lrmx
from selection.models import Cadre


class Command(BaseCommand):
    help = "Write a cadre's 任免审批表 as an .lrmx file (34 elements, UTF-8, dates YYYYMM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("cadre_id", type=int)
        parser.add_argument("-o", "--output", required=True, help="the .lrmx file to write")
        parser.add_argument("--proposed-post", default="", help="拟任职务")
        parser.add_argument("--post-to-remove", default="", help="拟免职务")
        parser.add_argument("--reason", default="", help="任免理由")
        parser.add_argument("--reporting-unit", default="", help="呈报单位")
        parser.add_argument(
            "--age-on", type=date.fromisoformat, default=None, help="计算年龄时间, YYYY-MM-DD"
        )
        parser.add_argument("--filled-by", default="", help="填表人")

    def handle(self, *args, cadre_id: int, output: str, **options) -> None:
        try:
            cadre = Cadre.objects.select_related("organization").get(pk=cadre_id)
        except Cadre.DoesNotExist:
            raise CommandError(f"没有编号为 {cadre_id} 的干部。") from None
        data = export_lrmx(
            cadre,
            proposed_post=options["proposed_post"],
            post_to_remove=options["post_to_remove"],
            reason=options["reason"],
            reporting_unit=options["reporting_unit"],
            age_on=options["age_on"],
            filled_by=options["filled_by"],
        )
        Path(output).write_bytes(data)
        self.stdout.write(f"已写入 {output}（{cadre.name}）。")
