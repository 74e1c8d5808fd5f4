"""`manage.py verify_record [CASE_ID …]`: recompute every case's record chain and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from selection.models import Document, RecordEvent, SelectionCase, verify_chain


class Command(BaseCommand):
    help = (
        "重新计算每个批次（或指定批次）纪实记录的哈希链，并核对归档文书的 SHA-256；"
        "每个批次输出一行结果，指出第一处断裂的记录。发现任何异常时退出码为 1。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_ids", nargs="*", type=int, metavar="CASE_ID", help="批次编号（默认全部）")

    def handle(self, *args, case_ids: list[int], **options) -> None:
        cases = SelectionCase.objects.order_by("pk")
        if case_ids:
            cases = cases.filter(pk__in=case_ids)
            missing = sorted(set(case_ids) - set(cases.values_list("pk", flat=True)))
            if missing:
                raise CommandError("没有找到这些批次：" + "、".join(f"#{pk}" for pk in missing))
        broken = 0
        total = 0
        for case in cases.iterator():
            total += 1
            # One case's events at a time, in seq order, so memory stays flat over a long history.
            check = verify_chain(RecordEvent.objects.filter(case=case).order_by("seq").iterator())
            bad_documents = [d for d in Document.objects.filter(case=case).order_by("pk") if not d.intact]
            label = f"批次 #{case.pk}《{case.title}》"
            if check.ok and not bad_documents:
                self.stdout.write(f"✓ {label}：{check.message}")
                continue
            broken += 1
            parts = [] if check.ok else [check.message]
            parts += [
                f"文书《{d.title}》（#{d.pk}）与归档时的 SHA-256 不符或文件丢失。" for d in bad_documents
            ]
            if check.ok:
                parts.insert(0, check.message)
            self.stdout.write(f"✗ {label}：" + "".join(parts))
        if broken:
            raise CommandError(f"共核验 {total} 个批次，{broken} 个发现异常。", returncode=1)
        self.stdout.write(f"共核验 {total} 个批次，均未发现篡改。")
