"""manage.py import_lrmx FILE… --organization ID [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from selection.interchange.importing import ImportRefused, import_lrmx_files, preview_lrmx_files
from selection.interchange.records import ImportFileError

from .import_cadres import get_organization, print_plan, read_file


class Command(BaseCommand):
    help = (
        "Import one or several .lrmx files (任免审批表) into an organization, all or none; a cadre already "
        "registered (same ID number) is updated. Exits non-zero when a file is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help=".lrmx files")
        parser.add_argument("--organization", type=int, required=True, help="the importing organization's id")
        parser.add_argument("--dry-run", action="store_true", help="only show what would change")

    def handle(self, *args, files: list[str], organization: int, dry_run: bool, **options) -> None:
        org = get_organization(organization)
        contents = [(Path(name).name, read_file(name)) for name in files]
        try:
            plan = preview_lrmx_files(contents, org) if dry_run else import_lrmx_files(contents, org)
        except ImportFileError as error:
            raise CommandError(error.message) from None
        except ImportRefused as refused:
            plan = refused.plan
        print_plan(self, plan)
        if plan.problems:
            raise CommandError("文件有错误，没有导入任何数据。")
        if not dry_run:
            self.stdout.write(self.style.SUCCESS("导入完成。"))
