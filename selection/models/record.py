"""纪实: the append-only, hash-chained record of everything done in a case (R-REQ-1).

Each event stores the hash of the previous event of its case and its own hash over a canonical JSON
serialisation, so any change, deletion or reordering breaks the chain at a nameable link.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .case import Candidate, SelectionCase

GENESIS = "0" * 64


class AppendOnlyError(Exception):
    pass


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

    class Meta:
        verbose_name = "纪实记录"
        verbose_name_plural = "纪实记录"
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="record_event_unique_seq")]

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
