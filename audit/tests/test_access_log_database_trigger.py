"""The database itself keeps the access log append-only, on SQLite and PostgreSQL alike (audit/db.py,
audit migration 0002); only access_log_purge may delete, and only records older than its cutoff.
With two PostgreSQL roles the app role's raw UPDATE and DELETE are refused before the trigger, as
"permission denied"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AccessRecord
from audit.services import access_log_purge

TABLE = AccessRecord._meta.db_table
CUTOFF = datetime(2025, 1, 1, tzinfo=UTC)

# Each test commits for real: a refused statement aborts its transaction, and the purge's
# permission (a transaction-local setting, a connection flag) must be seen to end with the purge's own transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def _record(username: str, when: str) -> AccessRecord:
    return AccessRecord.objects.create(username=username, occurred_at=datetime.fromisoformat(when).replace(tzinfo=UTC))


def _refused(sql: str, params: list | None = None) -> None:
    with pytest.raises(DatabaseError, match="append-only|permission denied"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _usernames() -> list[str]:
    return sorted(AccessRecord.objects.values_list("username", flat=True))


def test_a_raw_update_is_refused():
    _record("alice", "2024-06-01 09:00")

    _refused(f"UPDATE {TABLE} SET username = 'mallory'")

    assert _usernames() == ["alice"]


def test_a_raw_delete_is_refused_even_for_old_records():
    _record("alice", "2020-06-01 09:00")

    _refused(f"DELETE FROM {TABLE}")
    _refused(f"DELETE FROM {TABLE} WHERE occurred_at < %s", [CUTOFF])

    assert _usernames() == ["alice"]


def test_the_purge_deletes_only_records_older_than_the_cutoff():
    _record("old", "2024-12-31 23:59")
    _record("at-cutoff", "2025-01-01 00:00")
    _record("new", "2025-06-01 09:00")

    deleted = access_log_purge(before=CUTOFF)

    assert deleted == 1
    assert _usernames() == ["at-cutoff", "new"]


def test_after_a_purge_other_deletes_are_refused_again_in_a_new_transaction():
    _record("old", "2020-06-01 09:00")
    access_log_purge(before=CUTOFF)
    _record("older-written-later", "2020-06-01 09:00")

    _refused(f"DELETE FROM {TABLE} WHERE occurred_at < %s", [CUTOFF])
    _refused(f"DELETE FROM {TABLE}")

    assert _usernames() == ["older-written-later"]


def test_after_a_purge_deletes_of_newer_records_are_refused_in_the_same_transaction():
    _record("old", "2020-06-01 09:00")
    _record("new", "2025-06-01 09:00")

    with transaction.atomic():
        access_log_purge(before=CUTOFF)
        _refused(f"DELETE FROM {TABLE}")
        _refused(f"UPDATE {TABLE} SET username = 'mallory'")

    assert _usernames() == ["new"]


def test_after_a_purge_inside_a_transaction_old_records_written_later_are_still_protected():
    _record("old", "2020-06-01 09:00")

    with transaction.atomic():
        access_log_purge(before=CUTOFF)
        _record("older-written-later", "2020-06-01 09:00")
        _refused(f"DELETE FROM {TABLE} WHERE occurred_at < %s", [CUTOFF])

    assert _usernames() == ["older-written-later"]
