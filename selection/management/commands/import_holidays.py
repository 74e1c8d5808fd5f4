"""manage.py import_holidays YEAR FILE [--source TEXT] [--user USERNAME] [--dry-run]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from selection.services import calendar as service
from selection.services.base import Actor, ServiceError


class Command(BaseCommand):
    help = (
        "Enter a year's holidays and make-up working days from the State Council notice, one festival a line, "
        "worded as the notice words them (e.g. 二、春节：2月15日至23日放假调休，共9天。2月14日（周六）上班。). "
        "Replaces the year's schedule; the previous version stays in its history. Exits non-zero when the text "
        "does not add up."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("file", help="a UTF-8 text file with the notice's lines ('-' for standard input)")
        parser.add_argument("--source", default="", help="the notice's title or document number")
        parser.add_argument("--user", help="username recorded as the one who entered it")
        parser.add_argument("--dry-run", action="store_true", help="only show the result")

    def handle(self, *args, year: int, file: str, source: str, user: str | None, dry_run: bool, **options):
        text = self._read(file)
        actor = Actor(self._user(user))
        try:
            parsed = service.read_notice(year, text)
            months = service.preview(parsed)
            for f in parsed.festivals:
                rest = (
                    f"{f.rest_days[0]:%m-%d} 至 {f.rest_days[-1]:%m-%d} 放假 {len(f.rest_days)} 天"
                    if f.rest_days
                    else ""
                )
                work = "、".join(f"{d:%m-%d}" for d in f.makeup_days)
                self.stdout.write(f"{f.name}：{rest}{'；' + work + ' 上班' if work else ''}")
            for note in parsed.notes:
                self.stdout.write(self.style.WARNING(note))
            self.stdout.write("每月工作日：" + " ".join(f"{m.month}月{m.workdays}" for m in months))
            self.stdout.write(f"全年工作日 {sum(m.workdays for m in months)} 天。")
            if dry_run:
                return
            service.save_schedule(actor, year, text, source)
        except ServiceError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(f"{year}年节假日安排已保存。"))

    def _read(self, file: str) -> str:
        if file == "-":
            import sys

            return sys.stdin.read()
        try:
            return Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"无法读取 {file}：{error}") from None

    def _user(self, username: str | None):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"没有用户 {username}。") from None
