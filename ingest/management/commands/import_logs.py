import time
from datetime import date
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ingest.models import Upload
from ingest.services.uploads import QUEUE_DOWN, UploadBusy, upload_create, upload_process


class Command(BaseCommand):
    help = (
        "Import audit-log exports (ZIP, CSV, JSON or JSON lines), Claude Code usage-report pages, analytics API "
        "pages, OpenTelemetry lines, spend reports and help-desk tickets (the format is read from the content). "
        "Queued for the worker unless --sync."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--sync", action="store_true", help="Process here and now instead of queueing.")
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            dest="covers_date",
            help="YYYY-MM-DD: the UTC date an analytics API /users page covers (the page does not say).",
        )

    def handle(self, *args, files, sync, covers_date=None, **options):
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        failed = 0
        for path in files:
            with path.open("rb") as handle, transaction.atomic():
                upload = upload_create(file=File(handle, name=path.name), name=path.name, queue=not sync, covers_date=covers_date)
            if not sync:
                if getattr(upload, "queue_state", "") == "broker down":
                    self.stdout.write(f"{path.name}: upload {upload.pk} {QUEUE_DOWN}")
                else:
                    self.stdout.write(f"{path.name}: queued as upload {upload.pk}")
                continue
            upload = _process_when_free(upload.pk)
            if upload.status == Upload.Status.DONE:
                self.stdout.write(
                    f"{path.name}: {upload.detected_format}, {upload.rows_read} rows read, "
                    f"{upload.rows_imported} imported, {upload.rows_duplicate} duplicate, "
                    f"{upload.rows_rejected} rejected"
                    + (f", {upload.rows_too_old} older than retention (skipped)" if upload.rows_too_old else "")
                )
                for rejected in upload.rejected_sample[:10]:
                    self.stdout.write(f"  line {rejected['line']}: {rejected['reason']}")
            else:
                failed += 1
                self.stderr.write(f"{path.name}: failed: {upload.error}")
        if failed:
            raise CommandError(f"{failed} file(s) failed")


def _process_when_free(upload_id: int) -> Upload:
    while True:
        try:
            upload = upload_process(upload_id=upload_id, chunked=False)  # no worker to hand chunks to
        except UploadBusy:
            time.sleep(2)
            continue
        return upload or Upload.objects.get(pk=upload_id)
