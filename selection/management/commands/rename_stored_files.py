"""`manage.py rename_stored_files [--dry-run]`: give every stored file whose name is not random (LRMX photos
saved as `<身份证号>.jpg`, uploads kept under their own name) a random name (selection/services/documents.py)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from selection.services.base import Actor
from selection.services.documents import rename_stored_files


class Command(BaseCommand):
    help = (
        "将名称不是随机名的存储文件（如以身份证号命名的干部照片、保留原文件名的附件）更名为随机名称："
        "逐个复制并核对内容（文书核对归档时的 SHA-256），更新数据库记录，在批次纪实中记录更名，提交后删除旧文件。"
        "可重复执行；--dry-run 只列出需要更名的文件数量。有文件未能更名时退出码为 1。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计，不更名")

    def handle(self, *args, dry_run: bool, **options) -> None:
        report = rename_stored_files(by=Actor(None), dry_run=dry_run)
        verb = "需要更名" if dry_run else "已更名"
        # Never print the old names: they are what this command removes (ID numbers, people's names).
        for item in report.renamed:
            self.stdout.write(f"{verb}：{item.model} #{item.pk}")
        self.stdout.write(f"{verb} {len(report.renamed)} 个文件。")
        for problem in report.problems:
            self.stdout.write(f"未更名：{problem}")
        if report.problems:
            raise CommandError(f"{len(report.problems)} 个文件未能更名。", returncode=1)
