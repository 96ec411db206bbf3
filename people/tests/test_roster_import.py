"""HR's roster through the admin's Import button (django-import-export): preview, confirm, re-import."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from people.models import Cohort, Department, Member, RosterEntry, Team
from portal.privacy import member_pseudonym
from testing.fixtures import export_csv
from testing.roster import FIXTURES, XLSX, confirm, import_roster, preview

HEADER = "email,name,team,department,cohorts,seat_start,seat_end\n"


def roster_state() -> list[tuple]:
    """Everything the roster import writes, per member."""
    return [
        (
            m.pk, m.email, m.name, m.pseudonym, m.on_roster, m.team_id, m.department_id,
            sorted(m.cohorts.values_list("pk", flat=True)), m.seat_start, m.seat_end,
        )
        for m in Member.objects.order_by("pk")
    ]


def roster_log_entries(action_flag: int):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(RosterEntry, for_concrete_model=False), action_flag=action_flag
    )


@pytest.fixture
def as_importer(client, importer):
    client.force_login(importer)
    return client


def test_preview_imports_nothing_until_confirmed(as_importer):
    previewed = preview(as_importer, (FIXTURES / "roster.csv").read_bytes())

    assert previewed.status_code == 200
    assert previewed.context["confirm_form"] is not None
    assert [row.import_type for row in previewed.context["result"].rows] == ["new", "new", "new"]
    assert "ada@example.com" in previewed.content.decode()
    # The dry run made and then undid members, teams, departments and cohorts.
    assert (Member.objects.count(), Team.objects.count(), Department.objects.count(), Cohort.objects.count()) == (0, 0, 0, 0)

    confirmed = confirm(as_importer, previewed)

    assert "Import finished: 3 new, 0 updated, 0 deleted and 0 skipped roster." in confirmed.content.decode()
    assert Member.objects.count() == 3
    assert roster_log_entries(ADDITION).count() == 3


def test_confirm_imports_every_column(as_importer):
    import_roster(as_importer, (FIXTURES / "roster.csv").read_bytes())

    ada = Member.objects.get(email="ada@example.com")
    assert (ada.name, ada.team.name, ada.department.name, ada.seat_start, ada.seat_end) == (
        "Ada Lovelace", "Platform", "Engineering", date(2025, 9, 1), None
    )
    assert sorted(ada.cohorts.values_list("name", flat=True)) == ["pilot", "wave 2"]  # split on ";", trimmed
    assert ada.on_roster and ada.pseudonym == member_pseudonym("ada@example.com", period="")
    grace = Member.objects.get(email="grace@example.com")  # stored lower-cased
    assert (grace.team.name, grace.seat_end) == ("Data", date(2025, 12, 31))  # " Data " trimmed
    linus = Member.objects.get(email="linus@example.com")
    assert (linus.department, list(linus.cohorts.all())) == (None, [])
    assert sorted(Team.objects.values_list("name", flat=True)) == ["Data", "Platform", "Support"]
    assert list(Department.objects.values_list("name", flat=True)) == ["Engineering"]
    assert sorted(Cohort.objects.values_list("name", flat=True)) == ["pilot", "wave 2"]


def test_preview_shows_each_rows_errors_and_offers_no_confirm(as_importer):
    previewed = preview(as_importer, (FIXTURES / "roster_errors.csv").read_bytes())

    assert previewed.status_code == 200
    assert previewed.context.get("confirm_form") is None
    result = previewed.context["result"]
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert sorted(errors) == [1, 2, 3, 4, 5]  # row 6 is fine
    assert errors[1] == {"email": ["“not-an-email” is not a valid email address."]}
    assert errors[2] == {"seat_start": ["Seat start “01/09/2025” is not a date written YYYY-MM-DD, such as 2025-09-01."]}
    assert errors[3] == {"seat_start": ["Seat start is required: a date written YYYY-MM-DD, such as 2025-09-01."]}
    assert errors[4] == {"seat_end": ["Seat end 2025-09-09 is before seat start 2025-09-10."]}
    assert errors[5] == {"team": ["A team is required."]}
    page = previewed.content.decode()
    assert "Some rows have errors: nothing is imported" in page
    assert "is not a valid email address" in page and "A team is required." in page
    assert (Member.objects.count(), Team.objects.count(), Cohort.objects.count()) == (0, 0, 0)


def test_confirming_imports_nothing_when_a_row_fails_after_the_preview(as_importer):
    previewed = preview(as_importer, (HEADER + "ok@example.com,Ok,Platform,,pilot,2025-09-01,\n").encode())
    # The file waiting for confirmation changes: one row now fails.
    stored = Path(tempfile.gettempdir()) / previewed.context["confirm_form"].initial["import_file_name"]
    stored.write_bytes((HEADER + "ok@example.com,Ok,Platform,,pilot,2025-09-01,\nbad,Bad,Platform,,,2025-09-01,\n").encode())

    confirmed = confirm(as_importer, previewed)

    assert "Nothing was imported" in confirmed.content.decode()
    assert (Member.objects.count(), Team.objects.count(), Cohort.objects.count(), LogEntry.objects.count()) == (0, 0, 0, 0)


def test_reimport_changes_nothing(as_importer):
    content = (FIXTURES / "roster.csv").read_bytes()
    import_roster(as_importer, content)
    before = roster_state()
    logged = LogEntry.objects.count()

    previewed = preview(as_importer, content)
    assert [row.import_type for row in previewed.context["result"].rows] == ["skip", "skip", "skip"]
    confirmed = confirm(as_importer, previewed)

    assert "Import finished: 0 new, 0 updated, 0 deleted and 3 skipped roster." in confirmed.content.decode()
    assert roster_state() == before
    assert LogEntry.objects.count() == logged
    assert (Team.objects.count(), Department.objects.count(), Cohort.objects.count()) == (3, 1, 2)


def test_a_changed_row_updates_its_member_and_is_logged(as_importer):
    import_roster(as_importer, (FIXTURES / "roster.csv").read_bytes())
    ada = Member.objects.get(email="ada@example.com")

    confirmed = import_roster(as_importer, (HEADER + "ADA@example.com,Ada Lovelace,Platform,Engineering,pilot,2025-09-01,2026-03-31\n").encode())

    assert "Import finished: 0 new, 1 updated" in confirmed.content.decode()
    ada.refresh_from_db()
    assert (ada.seat_end, list(ada.cohorts.values_list("name", flat=True))) == (date(2026, 3, 31), ["pilot"])
    assert Member.objects.count() == 3
    assert [entry.object_id for entry in roster_log_entries(CHANGE)] == [str(ada.pk)]


def test_email_in_another_case_updates_the_member_seen_in_the_logs(as_importer, import_bytes):
    import_bytes(export_csv({"grace@example.com": 2}))
    seen = Member.objects.get()
    assert not seen.on_roster and seen.first_seen is not None

    import_roster(as_importer, (FIXTURES / "roster.csv").read_bytes())  # has Grace@Example.com

    grace = Member.objects.get(email__iexact="grace@example.com")
    assert grace.pk == seen.pk
    assert Member.objects.count() == 3
    assert grace.on_roster and grace.team.name == "Data"
    assert (grace.pseudonym, grace.first_seen, grace.events.count()) == (seen.pseudonym, seen.first_seen, 3)
    assert grace.name == "Grace Hopper"


def test_a_blank_name_keeps_the_name_from_the_logs(as_importer, import_bytes):
    import_bytes(export_csv({"grace@example.com": 1}))  # named "Member 000" in the export

    import_roster(as_importer, (HEADER + "grace@example.com,,Data,,,2025-09-15,\n").encode())

    grace = Member.objects.get()
    assert (grace.name, grace.on_roster) == ("Member 000", True)


def test_a_member_from_the_logs_joins_the_roster_even_when_the_columns_match(as_importer):
    team = Team.objects.create(name="Data")
    Member.objects.create(email="grace@example.com", pseudonym=member_pseudonym("grace@example.com", period=""), team=team, seat_start=date(2025, 9, 15))

    confirmed = import_roster(as_importer, (HEADER + "grace@example.com,,Data,,,2025-09-15,\n").encode())

    assert "0 new, 1 updated" in confirmed.content.decode()
    assert Member.objects.get().on_roster


def test_teams_departments_and_cohorts_match_existing_ones_ignoring_case(as_importer):
    platform = Team.objects.create(name="Platform")
    pilot = Cohort.objects.create(name="Pilot")

    import_roster(
        as_importer,
        (HEADER + "a@example.com,A,PLATFORM ,eng,pilot ;  Wave  2 ;; wave 2,2025-09-01,\nb@example.com,B,platform,Eng,,2025-09-01,\n").encode(),
    )

    a, b = Member.objects.get(email="a@example.com"), Member.objects.get(email="b@example.com")
    assert a.team == b.team == platform
    assert a.department == b.department and Department.objects.count() == 1
    assert sorted(a.cohorts.values_list("name", flat=True)) == ["Pilot", "Wave 2"]
    assert a.cohorts.get(name="Pilot") == pilot and Cohort.objects.count() == 2


def test_headers_are_matched_ignoring_case_and_spaces(as_importer):
    import_roster(as_importer, b"Email,Name,Team,Seat start\r\nx@example.com,X,Ops,2025-09-01\r\n")

    assert Member.objects.get().seat_start == date(2025, 9, 1)


def test_a_file_without_a_required_column_is_refused(as_importer):
    previewed = preview(as_importer, b"email,name,seat_start\nx@example.com,X,2025-09-01\n")

    assert previewed.context.get("confirm_form") is None
    assert "The file has no team column." in previewed.content.decode()
    assert "Traceback" not in previewed.content.decode()
    assert Member.objects.count() == 0


def test_the_same_person_twice_in_a_file_is_an_error(as_importer):
    previewed = preview(as_importer, (HEADER + "x@example.com,X,Ops,,,2025-09-01,\nX@Example.com,X,Ops,,,2025-09-02,\n").encode())

    assert previewed.context.get("confirm_form") is None
    assert {row.number: row.error_dict for row in previewed.context["result"].invalid_rows} == {
        2: {"email": ["x@example.com is on row 1 too; list each person once."]}
    }


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_imports_with_date_cells_and_text_dates(as_importer):
    content = xlsx(
        [
            ["email", "name", "team", "department", "cohorts", "seat_start", "seat_end"],
            ["ada@example.com", "Ada Lovelace", "Platform", "Engineering", "pilot; wave 2", date(2025, 9, 1), None],
            ["grace@example.com", "Grace Hopper", "Data", None, "wave 2", "2025-09-15", date(2025, 12, 31)],
        ]
    )

    confirmed = import_roster(as_importer, content, name="roster.xlsx", file_format=XLSX)

    assert "Import finished: 2 new" in confirmed.content.decode()
    ada, grace = Member.objects.get(email="ada@example.com"), Member.objects.get(email="grace@example.com")
    assert (ada.seat_start, ada.seat_end, ada.department.name) == (date(2025, 9, 1), None, "Engineering")
    assert sorted(ada.cohorts.values_list("name", flat=True)) == ["pilot", "wave 2"]
    assert (grace.seat_start, grace.seat_end, grace.department) == (date(2025, 9, 15), date(2025, 12, 31), None)

    again = preview(as_importer, content, name="roster.xlsx", file_format=XLSX)
    assert [row.import_type for row in again.context["result"].rows] == ["skip", "skip"]


def test_xlsx_errors_are_shown_per_row(as_importer):
    content = xlsx([["email", "name", "team", "seat_start"], ["x@example.com", "X", "Ops", "someday"]])

    previewed = preview(as_importer, content, name="roster.xlsx", file_format=XLSX)

    assert {row.number: row.error_dict for row in previewed.context["result"].invalid_rows} == {
        1: {"seat_start": ["Seat start “someday” is not a date written YYYY-MM-DD, such as 2025-09-01."]}
    }


def test_a_team_name_too_long_is_a_row_error(as_importer):
    previewed = preview(as_importer, (HEADER + f"x@example.com,X,{'T' * 201},,,2025-09-01,\n").encode())

    [row] = previewed.context["result"].invalid_rows
    assert "is longer than 200 characters" in row.error_dict["team"][0]
    assert Team.objects.count() == 0
