"""Dashboard exports: requested from a dashboard view, built into private storage, downloadable by
their creator until they expire (RetentionSettings.exports_days). A small export
(exports.selectors.export_is_small) is built in the request and downloaded at once; a larger one
by a Celery task, followed on its page. Either way it is an Export row, so ownership, expiry and
the access log of its downloads are the same.

CSV comes as a ZIP: the provenance block in its own file, then one tidy CSV per table. XLSX is one
workbook: a provenance sheet, then one formatted sheet per table.

The scope (what the file may show about people) is decided when the export is requested and stored
on it; the task asks exports.selectors for the rows under that scope.
"""

from __future__ import annotations

import logging
import tempfile
import traceback
from datetime import date, datetime, timedelta

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from exports import files
from exports.models import Export
from exports.selectors import export_content_get
from people.groups import Group
from portal import privacy, spreadsheets
from portal.models import Scope
from portal.selectors import reporting_timezone_get, retention_settings_get
from usage.forms import DateRange

logger = logging.getLogger(__name__)

INTERNAL_ERROR = "The export stopped on an internal error and no file was made. Try again, or report it."
TITLES = {"overview": "usage overview", "conversations": "conversations", "rollout": "Rollout", "claude-code": "Claude Code"}
EXTENSIONS = {Export.Format.CSV: "zip", Export.Format.XLSX: "xlsx"}
PROGRESS_STEPS = 20  # progress is written about this many times while rows are written


def export_file_name(*, export: Export) -> str:
    return f"usage-{export.view}-{export.parameters.get('as_of', '')}-{export.pk}.{EXTENSIONS[export.format]}"


def export_create(
    *,
    user,
    view: str,
    format: str,
    as_of: date,
    sort: str,
    scope: Scope,
    group: str = "",
    names_until: datetime | None = None,
    build_now: bool = False,
    date_range: DateRange | None = None,
) -> Export:
    """Record an export request, and build it now (`build_now`, for a small export) or queue its
    build once the transaction commits.

    A named export belongs to the reveal it was made under (`names_until`, when that reveal ends):
    it expires with the reveal, and only that reveal can download it (export_reveal_check).
    """
    expires_at = timezone.now() + timedelta(days=retention_settings_get().exports_days)
    parameters = {"as_of": as_of.isoformat(), "sort": sort, "group": group}
    if date_range is not None and date_range.start is not None:  # the daily tables' days; none: all time
        parameters.update(range_start=date_range.start.isoformat(), range_label=date_range.label)
    if scope == Scope.NAMED:
        if names_until is None:
            raise ValueError("A named export needs the end of the reveal it is made under.")
        parameters["names_until"] = names_until.isoformat()
        expires_at = min(expires_at, names_until)
    export = Export.objects.create(
        created_by=user,
        username=user.get_username(),
        view=view,
        format=format,
        parameters=parameters,
        scope=scope,
        expires_at=expires_at,
    )
    if build_now:
        return export_build(export_id=export.pk) or export  # None only if deleted meanwhile
    export_enqueue(export=export)
    return export


def export_enqueue(*, export: Export) -> None:
    """Queue the export's build once the transaction commits. With the broker down it is marked
    waiting, and exports_requeue (a periodic job) sends it when the broker is back."""
    from exports.tasks import export_build_task
    from portal.queue import task_send

    def send() -> None:
        if not task_send(export_build_task, export.pk):
            Export.objects.filter(pk=export.pk, status=Export.Status.QUEUED).update(status=Export.Status.WAITING)

    transaction.on_commit(send)


def exports_requeue() -> list[int]:
    """Send the builds of exports requested while the broker was down. Returns the ids sent."""
    from exports.tasks import export_build_task
    from portal.queue import task_send

    sent = []
    for export_id in Export.objects.filter(status=Export.Status.WAITING).values_list("pk", flat=True):
        if not task_send(export_build_task, export_id):
            break  # still down: the next run tries again
        Export.objects.filter(pk=export_id, status=Export.Status.WAITING).update(status=Export.Status.QUEUED)
        sent.append(export_id)
    return sent


def export_is_expired(*, export: Export) -> bool:
    return export.expires_at <= timezone.now()


def export_expire(*, export: Export) -> None:
    """End an export now: its file is deleted, and it answers 410 Gone from then on."""
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    export.expires_at = timezone.now()
    export_file_delete(export=export)


def export_reveal_check(*, export: Export, viewer) -> bool:
    """Whether `viewer` may still have `export`: a named export only under the very reveal it was
    made in. One whose reveal has ended (hidden, run out, or replaced by a new reveal) is expired."""
    if export.scope != Scope.NAMED:
        return True
    made_under = export.parameters.get("names_until")
    current = viewer.names_visible_until.isoformat() if viewer.sees_names and viewer.names_visible_until else None
    if made_under is not None and made_under == current:
        return True
    export_expire(export=export)
    return False


def named_exports_expire(*, user) -> int:
    """Expire every named export of `user` that has not expired yet (their reveal ended)."""
    exports = list(Export.objects.filter(created_by=user, scope=Scope.NAMED, expires_at__gt=timezone.now()))
    for export in exports:
        export_expire(export=export)
    return len(exports)


def export_file_delete(*, export: Export) -> bool:
    """Delete an export's file from storage, if it is still there. True when a file was deleted."""
    if not export.file:
        return False
    name = export.file.name
    deleted = export.file.storage.exists(name)
    if deleted:
        export.file.storage.delete(name)
    Export.objects.filter(pk=export.pk).update(file="")
    export.file = ""
    return deleted


def export_build(*, export_id: int) -> Export | None:
    """Build an export's file and return the export. One already finished (built in its request,
    or delivered twice by the queue) is returned as it is; None when it is gone."""
    export = Export.objects.filter(pk=export_id).first()
    if export is None or export.status in (Export.Status.DONE, Export.Status.FAILED):
        return export
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, progress=0, error="")
    try:
        _export_write(export)
    except Exception as exc:  # noqa: BLE001 - every failure must leave a failed export, not a stuck one
        logger.error(
            "export %s failed: %s\n%s", export.pk, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__))
        )
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED, error=INTERNAL_ERROR, finished_at=timezone.now()
        )
    export.refresh_from_db()
    return export


def _export_write(export: Export) -> None:
    as_of = date.fromisoformat(export.parameters["as_of"])
    zone = reporting_timezone_get()
    group = Group.parse(export.parameters.get("group", ""))
    start = export.parameters.get("range_start")
    date_range = (
        DateRange(start=date.fromisoformat(start), end=as_of, label=export.parameters.get("range_label", "Range"))
        if start
        else DateRange(start=None, end=as_of, label="All time")
    )
    content = export_content_get(
        view=export.view, scope=export.scope, as_of=as_of, timezone=zone, sort=export.parameters.get("sort", ""), group=group,
        start=date_range.start,
    )
    tables = [spreadsheets.Table(section.title, section.header, section.rows) for section in content.sections]
    xlsx = export.format == Export.Format.XLSX
    names = spreadsheets.sheet_titles(tables, reserved=[spreadsheets.PROVENANCE_SHEET]) if xlsx else spreadsheets.csv_file_names(tables)
    provenance = files.dashboard_provenance_rows(
        title=f"{TITLES[export.view]} export",
        username=export.username,
        generated_at=timezone.now(),
        as_of=as_of,
        date_range=date_range.description if date_range.start else "",
        timezone=zone,
        min_group_size=privacy.min_group_size(),
        scope=export.get_scope_display(),
        group=f"{group.kind.capitalize()} {group.name} (its roster members)" if group else "Whole organisation",
        contents=[(name, table.title, len(table.rows)) for name, table in zip(names, tables, strict=True)],
        format=export.format,
    )
    write = spreadsheets.xlsx_tables_write if xlsx else spreadsheets.csv_zip_write
    with tempfile.TemporaryFile() as target:
        write(tables, target, provenance=provenance, on_row=_progress_recorder(export, total=sum(len(t.rows) for t in tables)))
        target.seek(0)
        export.file.save(export_file_name(export=export), File(target), save=False)
    parameters = {**export.parameters, "members": content.members} if content.members else export.parameters
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.DONE,
        progress=100,
        file=export.file.name,
        rows=content.person_rows,
        parameters=parameters,
        finished_at=timezone.now(),
    )


def _progress_recorder(export: Export, *, total: int):
    """A callback for each row written, noting the share written so far on the export (at most 99
    until the file is saved)."""
    step = max(total // PROGRESS_STEPS, 1)
    written = 0

    def on_row() -> None:
        nonlocal written
        written += 1
        if written % step == 0:
            Export.objects.filter(pk=export.pk).update(progress=min(written * 100 // total, 99))

    return on_row
