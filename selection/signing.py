"""Signed chain heads and receipts (DESIGN.md "Record integrity", R-REQ-1; docs/SECURITY.md).

A chain that lives only in the database can be rewritten consistently, or cut short, by whoever writes the
database. So the head of each case's chain (the hash of its last event, and how many events there are) is
signed with an Ed25519 key that is never stored in the database (`cryptography`), at every stage change and
daily, and printed on every exported case file and 纪实表 and downloadable as a receipt. A receipt carries
the hash of every event up to its head, so checking it later names the first event missing or altered.
"""

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from selection.models import RecordEvent, SelectionCase, SignedHead
from selection.sealing import derived_from_old_secrets, derived_key

RECEIPT_TYPE = "xuanba-record-receipt"
SIGNING_INFO = b"xuanba record signing key"


# ---- keys ----------------------------------------------------------------------------------------------


def _load_private(file: str, inline: str, secret: str) -> Ed25519PrivateKey:
    if file:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise ImproperlyConfigured(f"XUANBA_SIGNING_KEY_FILE 无法读取：{file}") from exc
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("XUANBA_SIGNING_KEY_FILE 必须是 Ed25519 私钥。")
        return key
    if inline:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(inline))
    del secret  # cache key only: a changed SECRET_KEY derives another development key
    return Ed25519PrivateKey.from_private_bytes(derived_key(SIGNING_INFO))


def private_key() -> Ed25519PrivateKey:
    return _cached_private(settings.XUANBA_SIGNING_KEY_FILE, settings.XUANBA_SIGNING_KEY, settings.SECRET_KEY)


_cached_private = cache(_load_private)


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint_of(public: bytes) -> str:
    """SHA-256 of the raw public key, first 16 hex digits in groups of four: what auditors compare."""
    digest = hashlib.sha256(public).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def current_fingerprint() -> str:
    return fingerprint_of(raw_public(private_key().public_key()))


def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """fingerprint → public key: the current key and every retired one the settings still list."""
    keys = {current_fingerprint(): private_key().public_key()}
    for encoded in settings.XUANBA_SIGNING_OLD_PUBLIC_KEYS:
        raw = base64.b64decode(encoded)
        keys[fingerprint_of(raw)] = Ed25519PublicKey.from_public_bytes(raw)
    if not (settings.XUANBA_SIGNING_KEY_FILE or settings.XUANBA_SIGNING_KEY):
        # The key derived from a rotated-out secret key (SECRET_KEY_FALLBACKS) still verifies its heads.
        for seed in derived_from_old_secrets(SIGNING_INFO):
            public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
            keys[fingerprint_of(raw_public(public))] = public
    return keys


def generate_key_file(path: Path) -> str:
    """Write a new Ed25519 private key (PEM, mode 0600); return its fingerprint."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.touch(mode=0o600, exist_ok=False)
    path.write_bytes(pem)
    return fingerprint_of(raw_public(key.public_key()))


# ---- signing -------------------------------------------------------------------------------------------


def head_message(case_id: int, seq: int, head: str, signed_at: str) -> bytes:
    body = {"type": RECEIPT_TYPE, "v": 1, "case": case_id, "seq": seq, "head": head, "at": signed_at}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _chain_sound(case: SelectionCase) -> bool:
    """Never sign a broken chain: it verifies from genesis and still passes through every signed head."""
    from selection.models import verify_chain

    hashes: dict[int, str] = {}

    def events():
        for event in RecordEvent.objects.filter(case=case).order_by("seq").iterator(chunk_size=500):
            hashes[event.seq] = event.hash
            yield event

    if not verify_chain(events()).ok:
        return False
    return check_signed_heads(case, len(hashes), hashes).ok


def sign_head(case: SelectionCase, reason: str, *, only_if_changed: bool = False) -> SignedHead | None:
    """Sign the case's current head, if its chain is sound. With `only_if_changed`, skip a case whose
    head is already signed by a trusted key. A broken chain is not signed (the audit page shows it broken)."""
    last = RecordEvent.objects.filter(case=case).order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return None
    seq, head = last
    if only_if_changed:
        trusted = list(trusted_keys())
        if SignedHead.objects.filter(case=case, seq=seq, head=head, fingerprint__in=trusted).exists():
            return None  # signed already, by a key still trusted
    if not _chain_sound(case):
        return None
    signed_at = timezone.now().replace(microsecond=0)
    key = private_key()
    signature = key.sign(head_message(case.pk, seq, head, signed_at.isoformat()))
    return SignedHead.objects.create(
        case=case,
        seq=seq,
        head=head,
        signed_at=signed_at,
        fingerprint=current_fingerprint(),
        signature=signature.hex(),
        reason=reason,
    )


def latest_head(case: SelectionCase) -> SignedHead | None:
    """The signed head of the chain as it is now (signing it if it is sound and not signed yet); for a
    broken chain, the last head signed before."""
    last = RecordEvent.objects.filter(case=case).order_by("-seq").values_list("seq", "hash").first()
    head = SignedHead.objects.filter(case=case).order_by("-seq", "-signed_at", "-pk").first()
    # Signed anew when the chain moved on, or when the last signature's key is no longer trusted (a key
    # rotated without listing the old public key): what is printed and handed out must verify today.
    stale = head is None or (head.seq, head.head) != last or head.fingerprint not in trusted_keys()
    if last and stale:
        head = sign_head(case, SignedHead.Reason.EXPORT) or head
    return head


def printed_head(case: SelectionCase) -> dict | None:
    """What every exported case file and 纪实表 prints: digest, event count, time, key fingerprint, and a
    QR code (segno) carrying the same with the signature."""
    import segno

    from selection.pdf.common import cn_datetime

    head = latest_head(case)
    if head is None:
        return None
    text = f"XUANBA-RECORD;case={case.pk};seq={head.seq};head={head.head};at={head.signed_at.isoformat()};fp={head.fingerprint.replace(' ', '')};sig={head.signature}"
    return {
        "seq": head.seq,
        "head": head.head,
        "signed_at": cn_datetime(head.signed_at),
        "fingerprint": head.fingerprint,
        "qr": segno.make(text, error="m").svg_data_uri(scale=2, border=1),
    }


def signature_valid(head: SignedHead, keys: dict | None = None) -> bool | None:
    """True / False; None when the signing key is not among the trusted ones (lost or unlisted)."""
    public = (keys or trusted_keys()).get(head.fingerprint)
    if public is None:
        return None
    try:
        public.verify(
            bytes.fromhex(head.signature),
            head_message(head.case_id, head.seq, head.head, head.signed_at.isoformat()),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


# ---- receipts ------------------------------------------------------------------------------------------


def receipt_for(case: SelectionCase) -> dict:
    """The small file an auditor keeps: the signed head plus the hash of every event up to it."""
    head = latest_head(case)
    if head is None:
        raise ValueError("该批次的纪实记录未通过核验，尚无可签名的链头，不能出具回执。")
    public = trusted_keys().get(head.fingerprint)
    if public is None:  # only when the chain cannot be signed anew (latest_head)
        raise ValueError(
            f"该批次最后一次链头签名所用密钥（指纹 {head.fingerprint}）不在信任列表中，且纪实记录未通过核验，"
            "不能出具回执。"
        )
    hashes = list(
        RecordEvent.objects.filter(case=case, seq__lte=head.seq)
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    return {
        "type": RECEIPT_TYPE,
        "version": 1,
        "case": case.pk,
        "title": case.title,
        "seq": head.seq,
        "head": head.head,
        "signed_at": head.signed_at.isoformat(),
        "fingerprint": head.fingerprint,
        "public_key": base64.b64encode(raw_public(public)).decode(),
        "signature": head.signature,
        "events": hashes,
    }


def receipt_bytes(case: SelectionCase) -> bytes:
    return json.dumps(receipt_for(case), ensure_ascii=False, indent=1).encode()


@dataclass(frozen=True)
class Proof:
    """Whether today's chain still extends a receipt or a printed digest; else the first bad event."""

    ok: bool
    message: str
    first_bad_seq: int | None = None
    case_id: int | None = None


def _load_receipt(data: bytes | str | dict) -> dict:
    try:
        receipt = data if isinstance(data, dict) else json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("回执文件格式不正确（应为本系统导出的 JSON 回执）。") from exc
    needed = {"type", "case", "seq", "head", "signed_at", "fingerprint", "public_key", "signature", "events"}
    if not isinstance(receipt, dict) or receipt.get("type") != RECEIPT_TYPE or not needed <= set(receipt):
        raise ValueError("回执文件格式不正确（应为本系统导出的 JSON 回执）。")
    return receipt


def check_receipt(data: bytes | str | dict) -> Proof:
    """The receipt's own signature, then every event it lists against the chain as it is now."""
    from selection.models import verify_chain

    try:
        receipt = _load_receipt(data)
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(receipt["public_key"]))
        signed_at = parse_datetime(receipt["signed_at"])
        public.verify(
            bytes.fromhex(receipt["signature"]),
            head_message(int(receipt["case"]), int(receipt["seq"]), receipt["head"], signed_at.isoformat()),
        )
        hashes = [str(h) for h in receipt["events"]]
        case_id, seq = int(receipt["case"]), int(receipt["seq"])
    except ValueError as exc:
        return Proof(False, str(exc))
    except (InvalidSignature, TypeError, AttributeError, KeyError):
        return Proof(False, "回执的签名无效：回执文件本身已被改动，不能作为核验依据。")
    fingerprint = fingerprint_of(raw_public(public))
    if (
        fingerprint != receipt["fingerprint"]
        or len(hashes) != seq
        or (hashes and hashes[-1] != receipt["head"])
    ):
        return Proof(False, "回执内容前后不一致，不能作为核验依据。")
    trusted = fingerprint in trusted_keys()
    current = dict(RecordEvent.objects.filter(case_id=case_id, seq__lte=seq).values_list("seq", "hash"))
    for number, expected in enumerate(hashes, start=1):
        found = current.get(number)
        if found is None:
            return Proof(
                False,
                f"第 {number} 条记录已不存在：回执签名时共有 {seq} 条记录，现有记录被删除或截断。",
                number,
                case_id,
            )
        if found != expected:
            return Proof(False, f"第 {number} 条记录与回执不符：该条及其后的记录已被改写。", number, case_id)
    chain = verify_chain(RecordEvent.objects.filter(case_id=case_id).order_by("seq").iterator())
    if not chain.ok:
        return Proof(False, chain.message, chain.broken_seq, case_id)
    note = "" if trusted else "（注意：回执的签名密钥不在本系统当前信任的密钥之中，请核对密钥指纹。）"
    return Proof(
        True,
        f"链条完整地延续了该回执：回执签名于第 {seq} 条记录，现有 {chain.count} 条，此前的记录均未改动。{note}",
        None,
        case_id,
    )


def check_digest(case: SelectionCase, digest: str) -> Proof:
    """A digest read off a printed case file or 纪实表: is it still a head the chain passes through?"""
    from selection.models import verify_chain

    digest = "".join(digest.split()).lower()
    if len(digest) < 16 or any(c not in "0123456789abcdef" for c in digest):
        return Proof(False, "请输入完整的链头摘要（至少 16 位十六进制字符）。")
    chain = verify_chain(RecordEvent.objects.filter(case=case).order_by("seq").iterator())
    event = (
        RecordEvent.objects.filter(case=case, hash__startswith=digest).values_list("seq", flat=True).first()
    )
    if event is not None:
        if not chain.ok:
            return Proof(False, chain.message, chain.broken_seq, case.pk)
        return Proof(
            True,
            f"链条完整地延续了该摘要：它是第 {event} 条记录的链头，现有 {chain.count} 条记录。",
            None,
            case.pk,
        )
    signed = SignedHead.objects.filter(case=case, head__startswith=digest).order_by("seq").first()
    if signed is None:
        return Proof(
            False, "本批次的纪实链条中没有该摘要：链条已被改写，或摘要不属于本批次，请核对。", None, case.pk
        )
    first = first_bad_between(case, signed.seq)
    return Proof(False, first.message, first.first_bad_seq, case.pk)


def first_bad_between(case: SelectionCase, upto: int) -> Proof:
    """Locate, from the signed heads stored for the case, the first event missing or altered up to `upto`:
    exact for a cut tail; for a rewrite, between the last head that still matches and the first that does
    not (a receipt, which lists every event, locates it exactly)."""
    current = dict(RecordEvent.objects.filter(case=case, seq__lte=upto).values_list("seq", "hash"))
    count = len(current)
    if count < upto:
        missing = next(n for n in range(1, upto + 1) if n not in current)
        return Proof(
            False, f"第 {missing} 条记录已不存在：签名时共有 {upto} 条记录，之后的记录被删除或截断。", missing
        )
    good = 0
    keys = trusted_keys()
    for head in SignedHead.objects.filter(case=case, seq__lte=upto).order_by("seq", "pk"):
        if signature_valid(head, keys) is not True:
            continue
        if current.get(head.seq) == head.head:
            good = max(good, head.seq)
        else:
            if head.seq == good + 1:
                return Proof(False, f"第 {head.seq} 条记录已被改写（与签名时的链头不符）。", head.seq)
            return Proof(
                False,
                f"第 {good + 1} 至 {head.seq} 条记录之间有记录被改写（截至第 {good} 条与签名一致，"
                f"第 {head.seq} 条的链头与签名不符）；用回执文件核验可指出具体哪一条。",
                good + 1,
            )
    return Proof(False, "签名的链头与现有记录不符。", good + 1)


def check_signed_heads(case: SelectionCase, count: int, hashes: dict[int, str] | None = None) -> Proof:
    """verify_record's signature pass: every stored head's signature, and the chain still passing through it."""
    keys = trusted_keys()
    heads = list(SignedHead.objects.filter(case=case).order_by("seq", "pk"))
    if hashes is None:
        hashes = dict(RecordEvent.objects.filter(case=case).values_list("seq", "hash"))
    unknown = set()
    for head in heads:
        valid = signature_valid(head, keys)
        if valid is None:
            unknown.add(head.fingerprint)
            continue
        if not valid:
            return Proof(False, f"第 {head.seq} 条记录处的链头签名无效（签名记录被伪造或改动）。", head.seq)
        if hashes.get(head.seq) != head.head:
            return first_bad_between(case, head.seq)
    if not heads:
        return Proof(True, "尚无链头签名。")
    note = f"；{len(unknown)} 个签名密钥不在信任列表中，相应签名未核对" if unknown else ""
    return Proof(True, f"{len(heads)} 个链头签名有效{note}。")
