from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from selection.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo bureau (安吉县医疗保障局), its people and data. Safe to run twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (it creates `admin` and the demo accounts with a public password).",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DJANGO_DEBUG is off: seed_demo would create the `admin` account and the demo accounts "
                f"with the public password {DEMO_PASSWORD!r}. Refused; pass --force on a demonstration server."
            )
        accounts = seed_demo()
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）："))
        for account in accounts:
            if account.username.startswith("zhigong") and account.username != "zhigong01":
                continue
            roles = "、".join(str(role.label) for role in account.roles)
            self.stdout.write(f"  {account.username:<10} {account.full_name:<6} {roles:<14} {account.note}")
        self.stdout.write("  zhigong01 … zhigong40  干部职工（共 40 人）")
