"""Sealed ballots: the generic ballot-box cryptography (DESIGN.md "Votes and ballots"; docs/SECURITY.md).

Any secret vote — a party-group meeting's 无记名投票, a staff 会议推荐 or 民主测评 box, later the
一报告两评议 evaluations — uses the same four calls, with a scope string naming its box:

    key = sealing.create_key("meeting:12")          # when voting opens
    blob = sealing.seal(key, {"c": "agree"}, size=32)  # at cast time: the only thing stored
    contents = sealing.open_all(key, blobs)         # at close: in memory, in random order
    sealing.destroy(key)                            # at close, same transaction: the blobs are now noise

Primitives come from libsodium through PyNaCl (X25519 sealed boxes: anonymous, so a blob says nothing
about who sealed it) and from `cryptography` (Fernet/MultiFernet to wrap the private key). The private key
is stored only wrapped by the key-encryption key(s) in settings.XUANBA_BALLOT_KEKS, which live in the
environment, never in the database. Every plaintext is padded to the box's fixed size so that a blob's
length does not tell one choice from another.
"""

import base64
import json
import random

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import timezone
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

KEK_INFO = b"xuanba ballot kek"


class SealError(Exception):
    """A ballot cannot be sealed or opened (wrong size, key destroyed, unknown key-encryption key)."""


def derived_key(info: bytes, secret: str | None = None) -> bytes:
    """32 bytes derived from SECRET_KEY (or `secret`, an old one) by HKDF-SHA256 with a purpose of its own
    (`info`): the default for the keys a deployment may also set apart (docs/PRODUCTION.md "Keys")."""
    secret = settings.SECRET_KEY if secret is None else secret
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret.encode())


def derived_from_old_secrets(info: bytes) -> list[bytes]:
    """The same key derived from each of SECRET_KEY_FALLBACKS: a rotated secret key keeps what it made
    readable until the fallback is removed (after `rewrap_all` and `sign_record_heads --all`)."""
    return [derived_key(info, old) for old in getattr(settings, "SECRET_KEY_FALLBACKS", []) or []]


def _keks() -> MultiFernet:
    configured = list(getattr(settings, "XUANBA_BALLOT_KEKS", []) or [])
    derived = [derived_key(KEK_INFO), *derived_from_old_secrets(KEK_INFO)]
    keys = configured or [base64.urlsafe_b64encode(key).decode() for key in derived]
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise SealError("XUANBA_BALLOT_KEK 格式不正确（应为 Fernet 密钥）。") from exc


def create_key(scope: str):
    """A fresh X25519 key pair for one box; the private half stored only wrapped."""
    from selection.models import SealingKey

    private = PrivateKey.generate()
    return SealingKey.objects.create(
        scope=scope,
        public_key=bytes(private.public_key),
        wrapped_private=_keks().encrypt(bytes(private)),
    )


def key_for(scope: str):
    from selection.models import SealingKey

    return SealingKey.objects.filter(scope=scope).first()


def encoded(content: dict) -> bytes:
    """A ballot's content as stored before padding: canonical JSON, ASCII only."""
    return json.dumps(content, ensure_ascii=True, sort_keys=True, separators=(",", ":")).encode()


def pad(content: dict, size: int) -> bytes:
    raw = encoded(content)
    if len(raw) > size:
        raise SealError("选票内容超过了选票的固定长度。")
    return raw + b" " * (size - len(raw))  # JSON ignores trailing whitespace


def fixed_size(widest: dict) -> int:
    """The fixed length a box's ballots are padded to: that of its longest possible content, rounded up
    to a multiple of 64, so a blob's length reveals nothing about the choice."""
    return (len(encoded(widest)) // 64 + 1) * 64


def seal(key, content: dict, size: int) -> bytes:
    """Seal one ballot's content under the box's public key. Anyone can seal; only the private key opens."""
    if key is None or key.destroyed_at is not None:
        raise SealError("该投票的密钥已经销毁，不能再投票。")
    return SealedBox(PublicKey(bytes(key.public_key))).encrypt(pad(content, size))


def _private(key) -> PrivateKey:
    if key.wrapped_private is None:
        raise SealError("该投票的密钥已经销毁，密封的选票无法再打开。")
    try:
        return PrivateKey(_keks().decrypt(bytes(key.wrapped_private)))
    except InvalidToken as exc:
        raise SealError("无法解开该投票的密钥：密钥加密密钥（XUANBA_BALLOT_KEK）不符。") from exc


def open_all(key, blobs: list[bytes]) -> list[dict]:
    """Open every blob in memory, in random order; the result is shuffled too, so its order says nothing."""
    box = SealedBox(_private(key))
    blobs = [bytes(b) for b in blobs]
    rng = random.SystemRandom()
    rng.shuffle(blobs)
    out = []
    for blob in blobs:
        try:
            out.append(json.loads(box.decrypt(blob)))
        except (CryptoError, ValueError) as exc:
            raise SealError("有一张密封选票无法打开，计票中止，请联系系统管理员核查。") from exc
    rng.shuffle(out)
    return out


def destroy(key) -> None:
    """Forget the private key: sealed ballots left anywhere (rows, dead row versions, WAL, backups) can
    no longer be opened by anyone holding the database. Counts must be stored before this."""
    key.wrapped_private = None
    key.destroyed_at = timezone.now()
    key.save(update_fields=["wrapped_private", "destroyed_at"])


def rewrap_all() -> int:
    """After adding a new key-encryption key in front of XUANBA_BALLOT_KEKS: re-wrap every live private
    key under it, so the old one can be removed (MultiFernet.rotate)."""
    from selection.models import SealingKey

    keks = _keks()
    n = 0
    for key in SealingKey.objects.filter(wrapped_private__isnull=False):
        key.wrapped_private = keks.rotate(bytes(key.wrapped_private))
        key.save(update_fields=["wrapped_private"])
        n += 1
    return n
