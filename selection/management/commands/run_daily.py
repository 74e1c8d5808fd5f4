"""`manage.py run_daily [--now]`: enqueue the daily jobs (selection.tasks.DAILY_JOBS) for the task worker, or
run them here and now. Call it once a day from cron or a systemd timer."""

from django.core.management.base import BaseCommand, CommandParser

from selection.tasks import daily


class Command(BaseCommand):
    help = "将每日任务（检查点、提醒、导出文件清理）加入后台队列；--now 则立即在本进程执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="立即执行，不经后台队列")

    def handle(self, *args, now: bool, **options) -> None:
        if now:
            for path, result in daily.call().items():
                self.stdout.write(f"{path}: {result}")
            return
        result = daily.enqueue()
        self.stdout.write(f"已加入后台队列：{result.id}")
