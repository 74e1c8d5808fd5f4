"""`manage.py check --deploy`: the keys that must live outside the database are set (docs/SECURITY.md)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def keys_outside_the_database(app_configs, **kwargs):
    found = []
    if not settings.XUANBA_BALLOT_KEKS:
        found.append(
            Warning(
                "XUANBA_BALLOT_KEK is not set: ballot keys are wrapped with a key derived from DJANGO_SECRET_KEY.",
                hint="Set XUANBA_BALLOT_KEK to a Fernet key kept out of database backups (docs/SECURITY.md).",
                id="selection.W001",
            )
        )
    if not (settings.XUANBA_SIGNING_KEY_FILE or settings.XUANBA_SIGNING_KEY):
        found.append(
            Warning(
                "No record signing key is set: chain heads are signed with a key derived from DJANGO_SECRET_KEY.",
                hint="Run `manage.py sign_record_heads --generate-key FILE` and set XUANBA_SIGNING_KEY_FILE.",
                id="selection.W002",
            )
        )
    return found


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
