"""`manage.py check`: the keys are usable, and a secret-key rotation is not left half done
(docs/PRODUCTION.md "Keys", docs/SECURITY.md).

The ballot key-encryption key and the record signing key default to keys derived from DJANGO_SECRET_KEY
(HKDF-SHA256, one purpose string each): as secret as the secret key, outside the database and its backups,
independent of each other and of Django's own uses of the key. That is a sound production default, so
`check --deploy` is silent about it; a deployment may still set them apart (XUANBA_BALLOT_KEK,
XUANBA_SIGNING_KEY_FILE) to rotate them on their own or keep them from the web processes. What the checks
report is a real risk: a key set but unusable (found only at the first vote or the first signature
otherwise), and a rotated secret key whose fallback still carries open votes or signed heads.
"""

import base64
import binascii
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError


@register(Tags.security)
def keys_are_usable(app_configs, **kwargs):
    from cryptography.fernet import Fernet

    found = []
    for key in settings.XUANBA_BALLOT_KEKS:
        try:
            Fernet(key)
        except (ValueError, binascii.Error):
            found.append(
                Error(
                    "XUANBA_BALLOT_KEK holds a value that is not a Fernet key: no secret vote could be opened.",
                    hint='Generate one with `python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())"`.',
                    id="selection.E001",
                )
            )
            break
    if settings.XUANBA_SIGNING_KEY_FILE and not Path(settings.XUANBA_SIGNING_KEY_FILE).is_file():
        found.append(
            Error(
                f"XUANBA_SIGNING_KEY_FILE {settings.XUANBA_SIGNING_KEY_FILE} cannot be read: heads cannot be signed.",
                hint="Run `manage.py sign_record_heads --generate-key FILE` or correct the path.",
                id="selection.E002",
            )
        )
    elif settings.XUANBA_SIGNING_KEY:
        try:
            if len(base64.b64decode(settings.XUANBA_SIGNING_KEY, validate=True)) != 32:
                raise ValueError
        except (ValueError, binascii.Error):
            found.append(
                Error(
                    "XUANBA_SIGNING_KEY is not the base64 of 32 bytes (an Ed25519 private key).",
                    hint="Prefer XUANBA_SIGNING_KEY_FILE: `manage.py sign_record_heads --generate-key FILE`.",
                    id="selection.E002",
                )
            )
    return found


@register(Tags.security, deploy=True)
def secret_key_rotation_is_finished(app_configs, **kwargs):
    derived = [
        name
        for name, own in (
            ("ballot keys", settings.XUANBA_BALLOT_KEKS),
            ("record signing", settings.XUANBA_SIGNING_KEY_FILE or settings.XUANBA_SIGNING_KEY),
        )
        if not own
    ]
    if not (settings.SECRET_KEY_FALLBACKS and derived):
        return []
    return [
        Warning(
            f"DJANGO_SECRET_KEY_FALLBACKS is set and {' and '.join(derived)} derive from the secret key: "
            "open votes and signed heads still depend on the old key.",
            hint="Run `sealing.rewrap_all()` and `manage.py sign_record_heads --all`, then remove the "
            "fallback (docs/PRODUCTION.md).",
            id="selection.W001",
        )
    ]


@register(Tags.database)
def stored_files_have_random_names(app_configs, databases=None, **kwargs):
    """Run where checks may query the database (`migrate`, `check --database default`)."""
    if not databases:
        return []
    from selection.services.documents import files_with_old_names

    try:
        count = len(files_with_old_names())
    except DatabaseError:  # tables not created yet
        return []
    if not count:
        return []
    return [
        Warning(
            f"{count} stored file(s) still carry a name that is not random (an ID number, an upload's own name).",
            hint="Run `manage.py rename_stored_files`.",
            id="selection.W003",
        )
    ]
