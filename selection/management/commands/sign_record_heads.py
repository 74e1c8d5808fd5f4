"""`manage.py sign_record_heads`: the daily job — sign every case head that changed, verify and store every
case (the auditor page reads the stored results). `--all` re-signs every head with the current key (after a
key rotation); `--generate-key FILE` writes a new Ed25519 key file and prints its fingerprint."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from selection import integrity, signing
from selection.models import SelectionCase, SignedHead


class Command(BaseCommand):
    help = "每日任务：对链头有变化的批次签名，并核验、保存每个批次的结果。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="用当前密钥重新签名每个批次的链头（更换密钥后）"
        )
        parser.add_argument("--generate-key", metavar="FILE", help="生成新的 Ed25519 签名密钥文件")

    def handle(self, *args, all: bool, generate_key: str | None, **options) -> None:
        if generate_key:
            try:
                fingerprint = signing.generate_key_file(Path(generate_key))
            except FileExistsError as exc:
                raise CommandError(f"文件已存在，不会覆盖：{generate_key}") from exc
            self.stdout.write(f"已生成签名密钥 {generate_key}，指纹 {fingerprint}。")
            self.stdout.write(
                "请设置 XUANBA_SIGNING_KEY_FILE 指向该文件，并把旧公钥加入 XUANBA_SIGNING_OLD_PUBLIC_KEYS。"
            )
            return
        if all:
            signed = 0
            for case in SelectionCase.objects.order_by("pk").iterator():
                result = integrity.verify_case(case)
                if not result.ok:
                    self.stdout.write(f"✗ 批次 #{case.pk}：{result.message}（未重新签名）")
                    continue
                signed += bool(signing.sign_head(case, SignedHead.Reason.ROTATE))
            self.stdout.write(f"已用密钥 {signing.current_fingerprint()} 重新签名 {signed} 个批次的链头。")
            return
        total, broken, signed = integrity.daily()
        self.stdout.write(f"核验 {total} 个批次（{broken} 个异常），新签名 {signed} 个链头。")
        if broken:
            raise CommandError(f"{broken} 个批次发现异常，请在纪实核验页面查看。", returncode=1)
