"""`manage.py check --deploy`: the keys that must live outside the database are set (docs/SECURITY.md)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
