"""`manage.py import_roster FILE [--dry-run]`: the admin's checks and all-or-nothing rule, a report,
a non-zero exit on errors."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from people.models import Member, Team
from testing import DATA

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_roster", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_roster_imports_and_a_second_run_changes_nothing(db):
    out, _ = run(DATA / "roster.csv")

    assert "roster.csv: imported 3 rows: 3 new, 0 updated, 0 unchanged, 0 with errors." in out
    assert Member.objects.filter(on_roster=True).count() == 3

    again, _ = run(DATA / "roster.csv")
    assert "0 new, 0 updated, 3 unchanged" in again


def test_dry_run_reports_and_changes_nothing(db):
    out, _ = run(DATA / "roster.csv", "--dry-run")

    assert "would import (dry run, nothing changed) 3 rows: 3 new" in out
    assert (Member.objects.count(), Team.objects.count()) == (0, 0)


def test_a_file_with_errors_imports_nothing_and_says_why_per_row(db, tmp_path):
    roster = tmp_path / "roster.csv"
    good = (DATA / "roster.csv").read_text().splitlines()
    bad = (DATA / "roster_errors.csv").read_text().splitlines()[1:3]
    roster.write_text("\n".join(good + bad) + "\n")

    with pytest.raises(CommandError, match="nothing was imported"):
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_roster", str(roster), stdout=out, stderr=err)
        finally:
            report = err.getvalue()
    assert "Nothing was imported:" in report
    assert "row 4: email: “not-an-email” is not a valid email address." in report
    assert "row 5: seat_start: Seat start “01/09/2025” is not a date written YYYY-MM-DD" in report
    assert Member.objects.count() == 0 and Team.objects.count() == 0


def test_an_xlsx_roster_imports(db, tmp_path):
    book = openpyxl.Workbook()
    for row in [["Email", "Name", "Team", "Seat start"], ["ada@example.com", "Ada Example", "Data", "2025-09-01"]]:
        book.active.append(row)
    path = tmp_path / "hr.xlsx"
    book.save(path)

    out, _ = run(path)

    assert "imported 1 rows: 1 new" in out
    assert Member.objects.get().team.name == "Data"


def test_a_file_over_the_size_limit_is_refused(db, settings, tmp_path):
    settings.ROSTER_MAX_BYTES = 10
    with pytest.raises(CommandError, match="ROSTER_MAX_BYTES"):
        run(DATA / "roster.csv")


def test_the_command_exits_non_zero_on_errors(tmp_path):
    """A scheduled sync checks the exit status: run it as cron would, in its own process."""
    var = tmp_path / "var"
    env = {"SECRET_KEY": "tests-only", "VAR_DIR": str(var), "PATH": "/usr/bin:/bin", "LOG_LEVEL": "WARNING"}
    subprocess.run([sys.executable, str(MANAGE), "migrate", "-v0"], env=env, check=True, timeout=300)

    bad = subprocess.run([sys.executable, str(MANAGE), "import_roster", str(DATA / "roster_errors.csv")], env=env, capture_output=True, text=True, timeout=120)
    good = subprocess.run([sys.executable, str(MANAGE), "import_roster", str(DATA / "roster.csv")], env=env, capture_output=True, text=True, timeout=120)

    assert bad.returncode != 0 and "nothing was imported" in bad.stderr and "Traceback" not in bad.stderr
    assert good.returncode == 0, good.stderr
