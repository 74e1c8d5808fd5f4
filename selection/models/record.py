"""纪实: the append-only, hash-chained record of everything done in a case (R-REQ-1).

Each event stores the hash of the previous event of its case and its own hash over a canonical JSON
serialisation, so any change, deletion or reordering breaks the chain at a nameable link. The table is
append-only: on PostgreSQL triggers (django-pgtrigger) refuse UPDATE, DELETE and TRUNCATE for every role;
everywhere the model and its queryset refuse them. Each case's head is signed outside the database's
reach (`SignedHead`, selection/signing.py), so a cut tail or a consistent rewrite is detected too.
"""

import hashlib
import json
from dataclasses import dataclass

import pgtrigger
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .case import Candidate, Document, SelectionCase

GENESIS = "0" * 64


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk writes that would rewrite history are refused (the PostgreSQL triggers refuse them too)."""

    def update(self, **kwargs):
        raise AppendOnlyError("纪实记录只能追加，不能修改。")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("纪实记录只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("纪实记录只能追加，不能删除。")

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        raise AppendOnlyError("纪实记录只能追加，不能删除。")


class RefuseTruncate(pgtrigger.Trigger):
    """TRUNCATE fires no row trigger, so it gets its own statement trigger."""

    when = pgtrigger.Before
    level = pgtrigger.Statement
    operation = pgtrigger.Truncate
    func = "RAISE EXCEPTION 'xuanba: % is append-only, TRUNCATE refused', TG_TABLE_NAME;"


def append_only_triggers(prefix: str) -> list:
    return [
        pgtrigger.Protect(name=f"{prefix}_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        RefuseTruncate(name=f"{prefix}_no_truncate"),
    ]


class RecordEvent(models.Model):
    case = models.ForeignKey(SelectionCase, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField("序号")
    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("操作人", max_length=50)
    at = models.DateTimeField("时间")
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    action = models.CharField("操作", max_length=50)
    summary = models.CharField("摘要", max_length=300)
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20, blank=True)
    findings = models.JSONField("规则检查结果", default=list, encoder=DjangoJSONEncoder)
    justification = models.JSONField("预警说明", default=dict, encoder=DjangoJSONEncoder)
    payload = models.JSONField("数据", default=dict, encoder=DjangoJSONEncoder)
    attachments = models.JSONField("附件摘要", default=list, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "纪实记录"
        verbose_name_plural = "纪实记录"
        ordering = ["-case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="record_event_unique_seq")]
        triggers = append_only_triggers("record_event")

    def __str__(self) -> str:
        return f"#{self.seq} {self.summary}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("纪实记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("纪实记录只能追加，不能删除。")

    def canonical(self) -> bytes:
        body = {
            "case": self.case_id,
            "seq": self.seq,
            "candidate": self.candidate_id,
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "at": self.at.isoformat(),
            "ip": self.ip,
            "action": self.action,
            "summary": self.summary,
            "from": self.from_state,
            "to": self.to_state,
            "findings": self.findings,
            "justification": self.justification,
            "payload": self.payload,
            "attachments": self.attachments,
            "prev": self.prev_hash,
        }
        return json.dumps(
            body, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    count: int
    broken_seq: int | None = None
    message: str = ""


def verify_chain(events) -> ChainCheck:
    """Recompute a case's chain in order; name the first broken link."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return ChainCheck(False, count, expected_seq, f"第 {expected_seq} 条记录缺失或顺序被改动。")
        if event.prev_hash != prev:
            return ChainCheck(
                False, count, event.seq, f"第 {event.seq} 条记录与前一条的链接不符（前序记录被删除或改动）。"
            )
        if event.compute_hash() != event.hash:
            return ChainCheck(False, count, event.seq, f"第 {event.seq} 条记录的内容已被改动。")
        prev = event.hash
        expected_seq += 1
    return ChainCheck(True, count, None, f"共 {count} 条记录，链条完整，未发现篡改。")


class SignedHead(models.Model):
    """A case's chain head (digest of event #seq) signed with the Ed25519 key kept outside the database.
    Written at every stage change and by the daily task; append-only like the record itself."""

    class Reason(models.TextChoices):
        STAGE = "stage", "阶段变更"
        DAILY = "daily", "每日签名"
        EXPORT = "export", "导出文书"
        ROTATE = "rotate", "更换密钥"

    case = models.ForeignKey(SelectionCase, on_delete=models.PROTECT, related_name="signed_heads")
    seq = models.PositiveIntegerField("记录条数")
    head = models.CharField("链头摘要", max_length=64)
    signed_at = models.DateTimeField("签名时间")
    fingerprint = models.CharField("密钥指纹", max_length=19)
    signature = models.CharField("签名", max_length=128)
    reason = models.CharField("原因", max_length=10, choices=Reason.choices)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "纪实链头签名"
        verbose_name_plural = "纪实链头签名"
        ordering = ["-case_id", "seq", "signed_at", "pk"]
        indexes = [models.Index(fields=["case", "-seq"], name="signed_head_latest")]
        triggers = append_only_triggers("signed_head")

    def __str__(self) -> str:
        return f"#{self.case_id} 第 {self.seq} 条 {self.head[:12]}…"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("链头签名只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("链头签名只能追加，不能删除。")


class CaseVerification(models.Model):
    """The last verification of one case (issue 11: the auditor page reads this, never recomputes all):
    how far the chain was verified, against which head, with what result."""

    case = models.OneToOneField(SelectionCase, on_delete=models.CASCADE, related_name="verification")
    seq = models.PositiveIntegerField("已核验条数", default=0)
    head = models.CharField("已核验链头", max_length=64, blank=True)
    ok = models.BooleanField("核验通过", default=True)
    message = models.CharField("核验结果", max_length=300, blank=True)
    broken_seq = models.PositiveIntegerField("异常记录", null=True, blank=True)
    documents_ok = models.BooleanField("文书完整", default=True)
    checked_at = models.DateTimeField("核验时间")

    class Meta:
        verbose_name = "纪实核验结果"
        verbose_name_plural = "纪实核验结果"

    def __str__(self) -> str:
        return f"{self.case_id}：{self.message}"


class FileCheck(models.Model):
    """The last SHA-256 check of one stored document's file."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="last_check")
    ok = models.BooleanField("文件完整")
    checked_at = models.DateTimeField("核对时间")

    class Meta:
        verbose_name = "文书核对结果"
        verbose_name_plural = "文书核对结果"

    def __str__(self) -> str:
        return f"{self.document_id}：{'完整' if self.ok else '不符'}"
