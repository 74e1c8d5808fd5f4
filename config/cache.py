"""The cache's settings, and cache keys that name the database in use.

Keys name the database, read when the key is made (so a test database counts too): deployments, or the
demo and test databases, that share one Redis never read each other's entries.

Every cached value is derived (registry counts, statistics tables, whether a year's holidays are entered)
and computed again on a miss, so a Redis that is down or unreachable must make pages slower, never
failing them: DJANGO_CACHE_URL=redis://… goes through django-redis with its exceptions ignored (a miss,
logged) and short waits for the connection.
"""

from pathlib import Path

import environ

REDIS_BACKEND = "django_redis.cache.RedisCache"
REDIS_OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25}


def caches(url: str) -> dict:
    """CACHES for a cache URL (locmemcache://, redis://host:port/db, …); options in the URL win."""
    default = environ.Env.cache_url_config(url)
    default.setdefault("KEY_PREFIX", "xuanba")
    default["KEY_FUNCTION"] = "config.cache.database_key"
    if default["BACKEND"] == REDIS_BACKEND:
        default["OPTIONS"] = {**REDIS_OPTIONS, **default.get("OPTIONS", {})}
    return {"default": default}


def database_key(key: str, key_prefix: str, version: int) -> str:
    """Django's `KEY_FUNCTION` signature; the default key with the database's name after the prefix."""
    from django.db import connection

    return f"{key_prefix}:{Path(str(connection.settings_dict['NAME'])).name}:{version}:{key}"
