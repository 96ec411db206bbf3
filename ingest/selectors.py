"""What the upload pages show about uploads: the list, and each upload's outcome in words.

The headline is the one place that says how an import went: "Done" only when every row was
stored or already there; rows skipped as too old or rejected make it "Done with warnings", with
the reason in the headline itself (an import that stored nothing says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat

from ingest.models import Upload

FORMAT_LABELS = {
    "zip": "Audit log (ZIP)",
    "csv": "Audit log (CSV)",
    "json": "Audit log (JSON)",
    "jsonl": "Audit log (JSON lines)",
    "claude_code_usage_report": "Claude Code usage report",
    "analytics_users": "Analytics API: /users",
    "analytics_summaries": "Analytics API: /summaries",
    "otel_metrics": "OpenTelemetry metrics",
    "otel_logs": "OpenTelemetry events",
    "spend_report": "Spend report",
    "support_tickets": "Support tickets",
}
ACTIVE_STATUSES = (Upload.Status.QUEUED, Upload.Status.PROCESSING)


def _rows(count: int, what: str) -> str:
    return f"{count:,} {'row' if count == 1 else 'rows'} {what}"


def _rows_were(count: int, what: str) -> str:
    """ "1 row was rejected", "26 rows older than retention were skipped" ("{}" marks the verb)."""
    return f"{count:,} {'row' if count == 1 else 'rows'} " + what.format("was" if count == 1 else "were")


@dataclass(frozen=True)
class UploadOutcome:
    tone: str  # "active", "done", "warning" or "failed": the badge's colour
    label: str  # the badge: Queued, Importing, Done, Done with warnings, Failed
    headline: str  # the label with its reason


def upload_outcome_get(*, upload: Upload) -> UploadOutcome:
    if upload.status == Upload.Status.QUEUED:
        return UploadOutcome("active", "Queued", "Queued: the import starts shortly")
    if upload.status == Upload.Status.PROCESSING:
        return UploadOutcome("active", "Importing", f"Importing: {upload.progress}% of the file read")
    if upload.status == Upload.Status.FAILED:
        return UploadOutcome("failed", "Failed", f"Failed: {upload.error or 'the import stopped'}")
    warnings = []
    if upload.rows_too_old:
        warnings.append(_rows_were(upload.rows_too_old, "older than retention {} skipped"))
    if upload.rows_rejected:
        warnings.append(_rows_were(upload.rows_rejected, "{} rejected"))
    if not warnings:
        if upload.rows_imported == 0 and upload.rows_duplicate:
            return UploadOutcome("done", "Done", "Done: nothing new, every row was already stored")
        return UploadOutcome("done", "Done", f"Done: {_rows(upload.rows_imported, 'stored')}")
    reason = " and ".join(warnings)
    if upload.rows_imported == 0:
        reason += "; nothing was stored"
    return UploadOutcome("warning", "Done with warnings", f"Done with warnings: {reason}")


def upload_format_label(*, upload: Upload) -> str:
    if not upload.detected_format:
        return "Not recognised" if upload.status == Upload.Status.FAILED else "Not read yet"
    return FORMAT_LABELS.get(upload.detected_format, upload.detected_format)


def upload_status_get(*, upload: Upload) -> dict:
    """What the upload page polls while an import runs: every count, raw and formatted."""
    outcome = upload_outcome_get(upload=upload)
    counts = {
        key: getattr(upload, key)
        for key in ("rows_read", "rows_imported", "rows_duplicate", "rows_rejected", "rows_too_old")
    }
    return {
        "status": upload.status,
        "status_label": upload.get_status_display(),
        "progress": upload.progress,
        **counts,
        **{f"{key}_text": f"{value:,}" for key, value in counts.items()},
        "label": outcome.label,
        "headline": outcome.headline,
        "format": upload_format_label(upload=upload),
    }


@dataclass(frozen=True)
class UploadRow:
    upload: Upload
    outcome: UploadOutcome
    format: str
    size: str  # "7.0 MB"
    rows_read: str  # counts as shown: "12,345"
    rows_imported: str
    rows_duplicate: str
    rows_skipped: str  # older than retention, and rejected


def upload_row_list(*, uploads) -> list[UploadRow]:
    """The rows of the uploads list, for the uploads given (a page of them)."""
    return [
        UploadRow(
            upload=upload,
            outcome=upload_outcome_get(upload=upload),
            format=upload_format_label(upload=upload),
            size=filesizeformat(upload.size_bytes),
            rows_read=f"{upload.rows_read:,}",
            rows_imported=f"{upload.rows_imported:,}",
            rows_duplicate=f"{upload.rows_duplicate:,}",
            rows_skipped=f"{upload.rows_too_old + upload.rows_rejected:,}",
        )
        for upload in uploads
    ]


def upload_list():
    return Upload.objects.select_related("uploaded_by").order_by("-created_at", "-id")
