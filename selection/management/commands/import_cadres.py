"""manage.py import_cadres FILE --organization ID [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from selection.interchange.importing import ImportPlan, ImportRefused, import_cadre_sheet, preview_cadre_sheet
from selection.interchange.records import ImportFileError
from selection.models import Organization


def print_plan(command: BaseCommand, plan: ImportPlan) -> None:
    """The preview the import page shows: what changes, then every problem as (row, column, problem)."""
    for item in plan.created:
        command.stdout.write(
            f"新增  {item.record.row or item.record.source}  {item.cadre.name}  {item.cadre.id_number}"
        )
    for item in plan.updated:
        command.stdout.write(
            f"更新  {item.record.row or item.record.source}  {item.cadre.name}  {item.cadre.id_number}"
            f"  （{'、'.join(item.changes)}）"
        )
    for warning in plan.warnings:
        command.stdout.write(command.style.WARNING(f"提示  {warning}"))
    for problem in plan.problems:
        command.stderr.write(f"错误  {problem.location}\t{problem.column}\t{problem.message}")
    command.stdout.write(plan.summary() + (f"，问题 {len(plan.problems)} 处" if plan.problems else ""))


def get_organization(pk: int) -> Organization:
    try:
        return Organization.objects.get(pk=pk)
    except Organization.DoesNotExist:
        raise CommandError(f"没有编号为 {pk} 的单位。") from None


def read_file(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise CommandError(f"无法读取文件 {name}：{error.strerror}") from None


class Command(BaseCommand):
    help = (
        "Import cadres from an Excel sheet (the 干部信息 template) into an organization: all rows or none. "
        "Prints what will be created or updated and every bad value; exits non-zero when a row is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--organization", type=int, required=True, help="the importing organization's id")
        parser.add_argument("--dry-run", action="store_true", help="only show the preview; change nothing")

    def handle(self, *args, file: str, organization: int, dry_run: bool, **options) -> None:
        org = get_organization(organization)
        data = read_file(file)
        try:
            plan = preview_cadre_sheet(data, org) if dry_run else import_cadre_sheet(data, org)
        except ImportFileError as error:
            raise CommandError(error.message) from None
        except ImportRefused as refused:
            plan = refused.plan
        print_plan(self, plan)
        if plan.problems:
            raise CommandError("文件有错误，没有导入任何数据。")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS("导入完成。"))
