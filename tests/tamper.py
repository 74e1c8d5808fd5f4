"""Forcing a write on the append-only record, as a database superuser with the triggers disabled would.

The application cannot do this: its querysets refuse (SQLite and PostgreSQL) and the triggers refuse
(PostgreSQL). Tests use it to show that verification still catches what a superuser forces.
"""

from contextlib import contextmanager

import pgtrigger
from django.db.models import QuerySet

GUARDS = (
    "selection.RecordEvent:record_event_append_only",
    "selection.RecordEvent:record_event_no_truncate",
    "selection.SignedHead:signed_head_append_only",
    "selection.SignedHead:signed_head_no_truncate",
)


@contextmanager
def triggers_disabled():
    with pgtrigger.ignore(*GUARDS):
        yield


def force_update(queryset, **values) -> int:
    with triggers_disabled():
        return QuerySet.update(queryset, **values)


def force_delete(queryset) -> int:
    with triggers_disabled():
        return QuerySet._raw_delete(queryset, queryset.db)


def allow_test_flush() -> None:
    """pytest-django empties the database with TRUNCATE after each transactional test: let that pass the
    record's TRUNCATE guard (only the test runner's flush; see docs/SECURITY.md)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush
    if getattr(original, "_xuanba", False):
        return

    def execute_sql_flush(self, sql_list):
        with pgtrigger.ignore(GUARDS[1], GUARDS[3]):
            return original(self, sql_list)

    execute_sql_flush._xuanba = True
    DatabaseOperations.execute_sql_flush = execute_sql_flush
