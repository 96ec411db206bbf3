"""`manage.py load_demo`: fill an empty portal with a believable demo organisation, once.

The demo export is generated to a temporary file and imported through the same pipeline as
any upload (upload_create, then upload_process, here synchronously). Demo logins, one per
role, get fixed passwords that are printed: fine for a local demo, never for a shared server.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from devtools.demo import demo_export_write, demo_roster_apply
from devtools.demo_claude_code import demo_claude_code_write
from ingest.models import Event, Upload
from people.models import Member
from usage.models import DailyActivity
from ingest.services.uploads import UploadBusy, upload_create, upload_process
from people.services import pseudonyms_rotate
from portal.roles import (
    INDIVIDUAL_VIEWERS,
    LOG_IMPORTERS,
    PRIVACY_AUDITORS,
    ROLLOUT_CHAMPIONS,
    USAGE_VIEWERS,
)
from portal.selectors import reporting_today

DEMO_UPLOAD_NAME = "demo-claude-enterprise-audit-export.zip"
URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000/")  # scripts/run says which port
# (username, password, group, is_staff, is_superuser)
DEMO_LOGINS = (
    ("viewer", "demo-viewer-pass", USAGE_VIEWERS, False, False),
    ("coach", "demo-coach-pass", INDIVIDUAL_VIEWERS, False, False),
    ("importer", "demo-importer-pass", LOG_IMPORTERS, True, False),
    ("auditor", "demo-auditor-pass", PRIVACY_AUDITORS, True, False),
    ("champion", "demo-champion-pass", ROLLOUT_CHAMPIONS, False, False),
    ("admin", "demo-admin-pass", None, True, True),
)
ROLE_LABELS = {
    "viewer": "aggregate dashboards",
    "coach": "dashboards with per-member detail, names after a logged reveal",
    "importer": "uploads (admin)",
    "auditor": "the access log, retention settings and purge receipts",
    "champion": "aggregate dashboards and the rollout notes",
    "admin": "everything (superuser)",
}


class Command(BaseCommand):
    help = "Load a demo organisation (generated audit-log export plus one login per role), unless already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=320, help="People in the demo organisation (default 320).")
        parser.add_argument("--days", type=int, default=180, help="Days of history, ending today (default 180).")
        parser.add_argument("--events", type=int, default=100_000, help="Events to generate (default 100,000).")
        parser.add_argument("--seed", type=int, default=7, help="Random seed of the generated export.")
        parser.add_argument(
            "--force", action="store_true", help="Add the demo even though the database already holds other imported events."
        )

    def handle(self, *args, members, days, events, seed, force, **options):
        if members < 1 or days < 1 or events < members:
            raise CommandError("Need --members ≥ 1, --days ≥ 1 and --events ≥ --members.")
        demo_loaded = Upload.objects.filter(original_name=DEMO_UPLOAD_NAME, status=Upload.Status.DONE).exists()
        if demo_loaded and Event.objects.exists():
            _logins_ensure(reset_passwords=False)
            self.stdout.write("Demo already loaded.")
            self._print_logins()
            return
        if Event.objects.exists() and not force:
            self.stdout.write(
                "The database already holds imported events that are not the demo's; leaving it alone "
                "(run with --force to add the demo anyway). No demo logins were created."
            )
            return

        # The generator's days are UTC days; ending on the earlier of today here and today in
        # UTC, and capping the last day at now, keeps every demo event in the past.
        now = datetime.now(UTC)
        end = min(reporting_today(), now.date())
        with tempfile.TemporaryDirectory(prefix="usage-portal-demo-") as folder:
            path = Path(folder) / DEMO_UPLOAD_NAME
            self.stdout.write(f"Generating a demo export: {events:,} events, {members:,} members, {days} days to {end}…")
            started = time.perf_counter()
            written = demo_export_write(
                path=path, members=members, days=days, events=events, end=end, seed=seed, not_after=now
            )
            self.stdout.write(f"  written in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.1f} MB ZIP)")
            with path.open("rb") as handle, transaction.atomic():
                upload = upload_create(file=File(handle, name=DEMO_UPLOAD_NAME), name=DEMO_UPLOAD_NAME, queue=False)
        started = time.perf_counter()
        upload = self._import(upload.pk, written)
        elapsed = time.perf_counter() - started
        if upload.status != Upload.Status.DONE:
            raise CommandError(f"The demo import failed: {upload.error}")
        self.stdout.write(
            f"  imported {upload.rows_imported:,} events ({upload.rows_duplicate:,} duplicate, "
            f"{upload.rows_rejected:,} rejected) in {elapsed:.1f} s"
        )
        demo_roster_apply(seed=seed)
        self.stdout.write("  a roster (8 teams, a pilot cohort), a baseline week, a milestone and three notes added")
        self._claude_code(end=end, days=days, seed=seed)
        pseudonyms_rotate()  # as the daily task would by now: this period's pseudonyms
        _logins_ensure(reset_passwords=True)
        self._print_logins()

    def _claude_code(self, *, end, days: int, seed: int) -> None:
        """Claude Code usage, plugins, skills, tickets and Anthropic's summaries for the same people,
        imported like any file (the ticket spike follows the "MCP servers enabled" note)."""
        people = list(Member.objects.filter(on_roster=True).order_by("email").values_list("email", "team__name"))
        chat_active: dict[str, set[str]] = {}
        recent = DailyActivity.objects.filter(member__isnull=False, day__gte=end - timedelta(days=days))
        for day, email in recent.values_list("day", "member__email"):
            chat_active.setdefault(day.isoformat(), set()).add(email)
        with tempfile.TemporaryDirectory(prefix="usage-portal-demo-cc-") as folder:
            paths = demo_claude_code_write(
                folder=Path(folder), people=people, end=end, days=days, seed=seed, chat_active=chat_active
            )
            for path in paths:
                with path.open("rb") as handle, transaction.atomic():
                    upload = upload_create(file=File(handle, name=path.name), name=path.name, queue=False)
                upload = self._import(upload.pk, 0)
                if upload.status != Upload.Status.DONE:
                    raise CommandError(f"The demo import of {path.name} failed: {upload.error}")
                self.stdout.write(f"  {path.name}: {upload.rows_imported:,} records imported")

    def _import(self, upload_id: int, total: int) -> Upload:
        """Process the upload here and now, printing a progress line while it runs."""
        done = threading.Event()
        reporter = threading.Thread(target=self._report_progress, args=(upload_id, total, done), daemon=True)
        reporter.start()
        try:
            while True:
                try:
                    result = upload_process(upload_id=upload_id)
                except UploadBusy:
                    self.stdout.write("  another import is running; waiting…")
                    time.sleep(2)
                    continue
                return result or Upload.objects.get(pk=upload_id)
        finally:
            done.set()
            reporter.join()

    def _report_progress(self, upload_id: int, total: int, done: threading.Event) -> None:
        """Poll the upload's progress (its own connection; the import commits batch by batch):
        one updating line on a terminal, a line per quarter otherwise."""
        tty = self.stdout.isatty()
        shown, next_quarter = -1, 25
        try:
            while not done.wait(1.0):
                row = Upload.objects.filter(pk=upload_id).values("progress", "rows_read").first()
                if not row or row["progress"] == shown:
                    continue
                shown = row["progress"]
                of = f" of {total:,}" if total else ""
                line = f"  importing… {shown:3d}% ({row['rows_read']:,}{of} rows read)"
                if tty:
                    self.stdout.write("\r" + line, ending="")
                    self.stdout.flush()
                elif shown >= next_quarter:
                    self.stdout.write(line)
                    next_quarter = (shown // 25 + 1) * 25
            if tty and shown >= 0:
                self.stdout.write("")
        except Exception:  # noqa: BLE001 - progress is cosmetic; the import's own result is what counts
            pass
        finally:
            connections.close_all()  # this thread's own connections

    def _print_logins(self) -> None:
        width = max(len(name) for name, *_ in DEMO_LOGINS)
        lines = [
            "",
            f"Usage Portal: {URL}",
            "",
            "Demo logins (fixed passwords, for a local demo only; never use them on a shared server):",
        ]
        for username, password, *_ in DEMO_LOGINS:
            lines.append(f"  {username:<{width}}  {password:<20}  {ROLE_LABELS[username]}")
        lines.append("")
        self.stdout.write("\n".join(lines))


def _logins_ensure(*, reset_passwords: bool) -> None:
    """Create the demo logins that are missing (and, on a fresh load, reset their passwords)."""
    for username, password, group, is_staff, is_superuser in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": is_staff, "is_superuser": is_superuser}
        )
        if created or reset_passwords:
            user.is_staff, user.is_superuser, user.is_active = is_staff, is_superuser, True
            user.set_password(password)
            user.save()
        if group:
            user.groups.add(Group.objects.get(name=group))
