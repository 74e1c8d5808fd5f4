"""Cache keys that name the database in use, read when the key is made (so a test database counts too):
deployments, or the demo and test databases, that share one Redis never read each other's entries."""

from pathlib import Path

from django.db import connection


def database_key(key: str, key_prefix: str, version: int) -> str:
    """Django's `KEY_FUNCTION` signature; the default key with the database's name after the prefix."""
    return f"{key_prefix}:{Path(str(connection.settings_dict['NAME'])).name}:{version}:{key}"
