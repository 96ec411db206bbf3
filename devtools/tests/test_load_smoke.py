"""The load test's smoke run: `manage.py benchmark --load` for a few seconds with three users, on a
tiny dataset, with real gunicorn on 127.0.0.1 and real Locust. Its figures are not judged here
(timings are for `make bench`); what must hold is that every request got its page and left
exactly one access record."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from audit.models import AccessRecord
from devtools.loadtest.runner import ACCOUNTS
from portal.roles import INDIVIDUAL_VIEWERS, USAGE_VIEWERS
from testing.fixtures import user_make


def _database_url(tmp_path: Path) -> str:
    """A URL of this test's database that other processes can open: SQLite's in-memory test
    database is copied to a file; PostgreSQL's test database is used as it is."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        target = tmp_path / "portal.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{target}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _records_by_username(url: str) -> dict[str, int]:
    """Access records per username, read from the database the server wrote to."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            table = AccessRecord._meta.db_table
            return dict(db.execute(f"SELECT username, COUNT(*) FROM {table} GROUP BY username").fetchall())
    return dict(Counter(AccessRecord.objects.values_list("username", flat=True)))


@pytest.mark.django_db(transaction=True)
def test_every_request_answered_and_logged_once(rollout, tmp_path):
    # The role groups, with their permissions (an earlier transactional test may have flushed them).
    user_make("someone-viewing", USAGE_VIEWERS)
    user_make("someone-coaching", INDIVIDUAL_VIEWERS)
    url = _database_url(tmp_path)
    env = {key: value for key, value in os.environ.items() if key not in ("MIGRATION_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="usage_portal.settings",
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY="tests-only-not-secret",
        VAR_DIR=str(tmp_path / "var"),
        LOG_LEVEL="WARNING",
    )
    out = tmp_path / "load.json"
    command = [sys.executable, "manage.py", "benchmark", "--load", "--load-users", "3", "--load-seconds", "5", "--json", str(out)]
    run = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    figures = {figure["figure"]: figure for figure in json.loads(out.read_text())["figures"]}
    details = json.loads((tmp_path / "load-details.json").read_text())
    assert details["requests"] > 0, run.stdout
    assert figures["load errors"]["value"] == 0, details["errors"] or details["sign_in_failures"]
    assert figures["load access records"]["ok"], figures["load access records"]
    # Checked again here, in the database itself: every record is one of the two viewers' requests.
    by_username = _records_by_username(url)
    assert sum(by_username.values()) == details["requests"] == figures["load access records"]["value"]
    assert set(by_username) == {username for username, _ in ACCOUNTS.values()}, by_username
