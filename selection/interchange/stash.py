"""The uploaded file between preview and confirmation: kept under MEDIA_ROOT by a random token.

An import is previewed first and written only when the user confirms; the upload waits here in between,
named by a token the session holds. Uploads older than a day are removed when the next one arrives.
"""

import secrets
import time
from contextlib import suppress
from pathlib import Path

from django.conf import settings

STASH_DIR = "tmp/imports"
STASH_MAX_AGE = 24 * 3600


def _stash_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / STASH_DIR


def stash_upload(data: bytes) -> str:
    """Keep an upload until it is confirmed; returns a random token naming it. Old uploads are removed."""
    folder = _stash_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STASH_MAX_AGE
    for old in folder.glob("*.upload"):
        with suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.upload").write_bytes(data)
    return token


def _stash_path(token: str) -> Path | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    return _stash_dir() / f"{token}.upload"


def load_stash(token: str) -> bytes | None:
    path = _stash_path(token)
    try:
        return path.read_bytes() if path else None
    except OSError:
        return None


def discard_stash(token: str) -> None:
    path = _stash_path(token)
    if path:
        path.unlink(missing_ok=True)
