"""The staff-ballot machinery, one copy for every box that invites people and hands out receipts: the
会议推荐 / 民主测评 ballot boxes (services/voting/boxes.py) and the 一报告两评议 evaluations (services/annual/).

The shape (docs/SECURITY.md "Secret ballots"): one-time invitations (an account, or a printed code of which
only a keyed hash is stored); the content is validated and sealed under the box's key *before* any lock
(selection/sealing.py); under the box's lock the invitation is flipped to used by compare-and-set and the
sealed ballot written in the same transaction, with nothing that names the other; at close the blobs are
opened in memory, only counts are stored and the key is destroyed in that transaction.
"""

import hashlib
import secrets

from django.db import models
from django.utils.crypto import salted_hmac

from selection import sealing

from .base import ServiceError

# Unambiguous characters for codes read off paper: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SLIP_CODE_LENGTH = 12
RECEIPT_LENGTH = 16


def new_code(length: int) -> str:
    """A random code in groups of four (a slip code, a receipt)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def code_hash(code: str) -> str:
    """Keyed, so a copy of the database alone cannot be used to try codes."""
    return salted_hmac("selection.invitation-code", normalise_code(code), algorithm="sha256").hexdigest()


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(normalise_code(receipt).encode()).hexdigest()


def find_invitation(invitations: models.QuerySet, *, user=None, code: str = "", fields=("pk", "used")):
    """The invitation an account or a code casts with (as a dict of `fields`), or None."""
    if user is not None:
        invitations = invitations.filter(user=user)
    else:
        invitations = invitations.filter(code_hash=code_hash(code))
    return invitations.values(*fields).first()


def seal_ballot(scope: str, content: dict, size: int, *, refused: str) -> bytes:
    """Seal one ballot's content under the box's key, before anything is locked or written."""
    try:
        return sealing.seal(sealing.key_for(scope), content, size)
    except sealing.SealError as exc:
        raise ServiceError(refused) from exc


def write_ballot(invitations: models.QuerySet, invitation_pk, ballot: models.Model, *, refused: str) -> None:
    """Under the box's lock: flip the invitation to used (compare-and-set: of simultaneous submissions
    exactly one succeeds) and write the sealed ballot in the same transaction."""
    if not invitations.filter(pk=invitation_pk, used=False).update(used=True):
        raise ServiceError(refused)
    ballot.save(force_insert=True)


def open_ballots(scope: str, blobs) -> tuple[object, list[dict]]:
    """At close, under the box's lock: the key and every ballot's content, opened in memory in random
    order. The caller stores counts only, then calls `sealing.destroy(key)` in the same transaction."""
    key = sealing.key_for(scope)
    try:
        return key, sealing.open_all(key, list(blobs))
    except sealing.SealError as exc:
        raise ServiceError(str(exc)) from exc


def destroy_key(scope: str) -> None:
    """Destroy the box's key if it has one still alive (a paper tally, a box closed without ballots)."""
    key = sealing.key_for(scope)
    if key is not None and key.wrapped_private is not None:
        sealing.destroy(key)
