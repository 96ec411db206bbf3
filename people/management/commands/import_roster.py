"""`manage.py import_roster FILE [--dry-run]`: HR's roster from a scheduled sync, checked and
imported as the admin's Import does (people.resources.RosterResource): all rows or none."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.formats import RosterFileRefused, roster_size_check
from people.resources import roster_file_import


class Command(BaseCommand):
    help = "Import HR's roster (CSV or XLSX) as the admin does; nothing changes if any row has an error."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; change nothing.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            roster_size_check(size=file.stat().st_size)
            result = roster_file_import(content=file.read_bytes(), name=file.name, dry_run=dry_run)
        except (RosterFileRefused, ValueError, UnicodeDecodeError) as refused:
            raise CommandError(f"{file.name}: {refused}") from None
        errors = [f"  {error.error}" for error in result.base_errors]
        for number, row_errors in result.row_errors():
            errors += [f"  row {number}: {error.error}" for error in row_errors]
        for invalid in result.invalid_rows:
            for field, messages in invalid.error_dict.items():
                label = "" if field == "__all__" else f"{field}: "
                errors += [f"  row {invalid.number}: {label}{message}" for message in messages]
        totals = result.totals
        counts = (
            f"{totals['new']} new, {totals['update']} updated, {totals['skip']} unchanged, "
            f"{totals['error'] + totals['invalid']} with errors"
        )
        if errors:
            self.stderr.write(f"{file.name}: {result.total_rows} rows: {counts}. Nothing was imported:")
            self.stderr.write("\n".join(errors))
            raise CommandError(f"{file.name}: {len(errors)} error(s); nothing was imported")
        verb = "would import (dry run, nothing changed)" if dry_run else "imported"
        self.stdout.write(f"{file.name}: {verb} {result.total_rows} rows: {counts}.")
