"""`manage.py verify_record [CASE_ID …] [--receipt FILE]`: recompute every case's record chain, check its
signed heads and its stored documents, and name the first broken link; or prove the chain still extends a
receipt (selection/signing.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from selection import integrity, signing
from selection.models import SelectionCase


class Command(BaseCommand):
    help = (
        "重新计算每个批次（或指定批次）纪实记录的哈希链，核对链头签名和归档文书的 SHA-256；"
        "每个批次输出一行结果，指出第一处断裂或缺失的记录，并保存核验结果。"
        "--receipt 回执文件：核验链条是否完整地延续了该回执。发现任何异常时退出码为 1。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_ids", nargs="*", type=int, metavar="CASE_ID", help="批次编号（默认全部）")
        parser.add_argument("--receipt", metavar="FILE", help="纪实回执文件（JSON）")

    def handle(self, *args, case_ids: list[int], receipt: str | None, **options) -> None:
        self.stdout.write(f"签名密钥指纹：{signing.current_fingerprint()}")
        if receipt:
            try:
                data = Path(receipt).read_bytes()
            except OSError as exc:
                raise CommandError(f"无法读取回执文件：{receipt}") from exc
            proof = signing.check_receipt(data)
            label = f"批次 #{proof.case_id}" if proof.case_id else "回执"
            if not proof.ok:
                self.stdout.write(f"✗ {label}：{proof.message}")
                raise CommandError("回执核验未通过。", returncode=1)
            self.stdout.write(f"✓ {label}：{proof.message}")
            return
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
            result, _ = integrity.verify_and_store(case)
            label = f"批次 #{case.pk}《{case.title}》"
            if result.ok and not result.bad_documents:
                self.stdout.write(f"✓ {label}：{result.message}")
                continue
            broken += 1
            parts = [result.message]
            parts += [
                f"文书《{d.title}》（#{d.pk}）与归档时的 SHA-256 不符或文件丢失。"
                for d in result.bad_documents
            ]
            self.stdout.write(f"✗ {label}：" + "".join(parts))
        if broken:
            raise CommandError(f"共核验 {total} 个批次，{broken} 个发现异常。", returncode=1)
        self.stdout.write(f"共核验 {total} 个批次，均未发现篡改。")
