"""The column-wise reader (ingest.importers.audit_columnar) reads exactly what the row-by-row one
reads: the same records and the same rejections, line for line, or it steps aside for the file.

Every case is read twice, with the fast path forced on (any size) and off, and compared; the
plain ones must really have been read column-wise, so that a fast path that always stepped aside
could not pass.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from ingest.importers import audit_columnar
from ingest.importers.audit_log import RejectedRow, UnsupportedFile, open_audit_log
from ingest.importers.common import ImportLimits
from testing import SAMPLES

HEADER = "created_at,actor_info,event,event_info,entity_info,ip_address,device_id,user_agent,client_platform"
ACTOR = "\"{'name': 'Ann Example', 'uuid': 'u-ann', 'metadata': {'email_address': 'Ann@Example.com'}}\""
ENTITY = "\"{'type': 'chat_conversation', 'uuid': 'c-1', 'metadata': {'project_uuid': None}}\""
GOOD = f"2025-10-01T09:00:00.123456Z,{ACTOR},conversation_created,{{}},{ENTITY},192.0.2.1,d-1,UA,web_claude_ai"

# Rows the fast path must hand to the row reader, or read just as it does.
ODD_ROWS = [
    GOOD.replace("2025-10-01T09:00:00.123456Z", "2025-02-30T09:00:00.123456Z"),  # right shape, no such day
    GOOD.replace("2025-10-01T09:00:00.123456Z", "2025-10-01T09:00:00Z"),  # no fraction
    GOOD.replace("2025-10-01T09:00:00.123456Z", "2025-10-01T11:00:00.5+02:00"),  # an offset
    GOOD.replace("2025-10-01T09:00:00.123456Z", "2025-10-01T09:00:00.123456z"),  # lower-case z
    GOOD.replace("2025-10-01T09:00:00.123456Z", "2025-10-01 09:00:00"),  # no offset: rejected
    GOOD.replace("2025-10-01T09:00:00.123456Z", " 2025-10-01T09:00:00.123456Z "),  # padded
    GOOD.replace("2025-10-01T09:00:00.123456Z", "yesterday"),
    GOOD.replace("2025-10-01T09:00:00.123456Z", ""),
    GOOD.replace("conversation_created", ""),
    GOOD.replace("conversation_created", " conversation_created "),
    GOOD.replace("conversation_created", "x" * 101),
    GOOD.replace("conversation_created", "événement"),
    GOOD.replace(ACTOR, '"not a dict"'),
    GOOD.replace(ACTOR, "\"{'name': 'Reece O'Sullivan', 'uuid': 'u-r', 'metadata': {'email_address': 'reece@example.com'}}\""),
    GOOD.replace(ACTOR, ""),  # no actor: a service account's row
    GOOD.replace(ACTOR, '"{""name"": ""Jo"", ""uuid"": ""u-jo"", ""metadata"": {""email_address"": ""jo@example.com""}}"'),
    GOOD.replace(ENTITY, "\"{'type': 'chat_conversation', 'uuid': '" + "c" * 101 + "'}\""),
    GOOD.replace(ENTITY, "\"{'uuid': 'c-2', 'type': 'project'}\""),  # keys in another order
    GOOD.replace(ENTITY, "None"),
    GOOD.replace(ENTITY, '"{not readable"'),
    GOOD.replace(ENTITY, '" {}"'),
    GOOD.replace(",d-1,", ",None,"),
    GOOD.replace(",d-1,", ", d-1 ,"),
    GOOD.replace(",d-1,", ",dévice,"),
    GOOD.replace("web_claude_ai", "Desktop_App"),
    GOOD.replace("web_claude_ai", ""),
]


def read(content: bytes, *, columnar: bool, monkeypatch, limits=ImportLimits()):
    monkeypatch.setattr(audit_columnar, "COLUMNAR_MIN_BYTES", 0 if columnar else 1 << 62)
    log = None
    try:
        log = open_audit_log(io.BytesIO(content), limits=limits)
        rows = list(log.rows())
    except UnsupportedFile as exc:
        return ("unsupported", str(exc)), log is not None and log.read_columnar
    return rows, log.read_columnar


def both(content: bytes, monkeypatch, **kwargs):
    fast, read_columnar = read(content, columnar=True, monkeypatch=monkeypatch, **kwargs)
    slow, _ = read(content, columnar=False, monkeypatch=monkeypatch, **kwargs)
    assert fast == slow
    return fast, read_columnar


def lines(*rows: str, header: str = HEADER, end: str = "\n") -> bytes:
    return (end.join([header, *rows]) + end).encode("utf-8")


def test_plain_rows_odd_cells_and_rejections_read_alike(monkeypatch):
    rows, read_columnar = both(lines(GOOD, *ODD_ROWS, GOOD.replace("c-1", "c-9")), monkeypatch)
    assert read_columnar
    assert len(rows) == len(ODD_ROWS) + 2
    rejected = [row for row in rows if type(row) is RejectedRow]
    assert {r.reason for r in rejected} >= {
        "created_at is not an ISO 8601 timestamp",
        "missing event name",
        "event name is longer than 100 characters",
        "actor_info could not be read",
        "entity_info could not be read",
    }
    assert rows[0].actor_email == "ann@example.com" and rows[0].line == 2 and rows[-1].line == len(ODD_ROWS) + 3


@pytest.mark.parametrize("name", ["claude_enterprise_audit.csv", "claude_enterprise_audit_export.zip"])
def test_the_samples_read_alike_column_wise(name, monkeypatch):
    rows, read_columnar = both((SAMPLES / name).read_bytes(), monkeypatch)
    assert read_columnar and len(rows) > 10


def test_columns_in_another_order_or_missing_read_alike(monkeypatch):
    header = "event,created_at,actor_info"
    rows, read_columnar = both(lines("conversation_created,2025-10-01T09:00:00.123456Z," + ACTOR, header=header), monkeypatch)
    assert read_columnar and rows[0].entity_id == "" and rows[0].client_platform == ""


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lines(GOOD, GOOD, end="\r\n"), id="CRLF"),
        pytest.param(b"\xef\xbb\xbf" + lines(GOOD), id="byte-order mark"),
        pytest.param(lines(GOOD, "", GOOD), id="blank line"),
        pytest.param(lines(GOOD) + b"\n", id="blank line at the end"),
        pytest.param(lines(GOOD.replace("UA", '"two\nlines"'), GOOD), id="line break in a cell"),
        pytest.param(lines(GOOD + ",extra", GOOD), id="a cell too many"),
        pytest.param(lines(GOOD.rsplit(",", 1)[0], GOOD), id="a cell too few"),
        pytest.param(lines(GOOD.replace("UA", "U\"A"), GOOD), id="stray quote"),
        pytest.param(lines(GOOD, GOOD).replace(b"UA", b"U\xff"), id="not UTF-8"),
        pytest.param(lines(*([GOOD] * 600), GOOD.replace("UA", "U\x00")), id="NUL past the first 64 KiB"),
        pytest.param(lines(GOOD, header=HEADER.replace("event,", "Event,")), id="header not plain"),
        pytest.param(lines(GOOD, header=HEADER + ",event"), id="a column twice"),
        pytest.param(lines(GOOD, header=HEADER.replace(",", ";")).replace(b",", b";"), id="semicolons"),
        pytest.param(lines(GOOD).rstrip(b"\n"), id="no line break at the end"),
        pytest.param(lines(), id="header only"),
    ],
)
def test_files_that_are_not_plain_read_alike(content, monkeypatch):
    both(content, monkeypatch)


def test_a_cell_past_the_field_limit_is_left_to_the_row_reader(monkeypatch):
    limits = ImportLimits(max_field_chars=50)
    rows, read_columnar = both(lines(GOOD, GOOD), monkeypatch, limits=limits)
    assert not read_columnar
    assert all(type(row) is RejectedRow for row in rows)


def test_a_zip_is_read_column_wise_within_its_inflation_caps(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("audit_logs.csv", lines(*(GOOD.replace("c-1", f"c-{i}") for i in range(6000))))
    rows, read_columnar = both(buffer.getvalue(), monkeypatch, limits=ImportLimits(zip_max_ratio=10**6))
    assert read_columnar and len(rows) == 6000
    # A ZIP that inflates past its caps fails the file either way, with the same message.
    for limits in (ImportLimits(zip_max_ratio=2), ImportLimits(zip_max_inflated_bytes=1 << 20)):
        bomb, _ = both(buffer.getvalue(), monkeypatch, limits=limits)
        assert bomb[0] == "unsupported" and "inflates" in bomb[1]


def test_progress_runs_to_the_end(monkeypatch):
    monkeypatch.setattr(audit_columnar, "COLUMNAR_MIN_BYTES", 0)
    monkeypatch.setattr(audit_columnar, "FETCH_ROWS", 100)
    log = open_audit_log(io.BytesIO(lines(*([GOOD] * 1000))))
    seen = [log.progress for _ in log.rows()]
    assert log.read_columnar and seen[0] < 0.5 and log.progress == 1.0


def test_an_upload_read_column_wise_stores_what_the_row_reader_would(db, monkeypatch):
    """Imported column-wise, then again row by row: the second finds every event stored (the same
    dedupe keys) and rejects the same lines."""
    from django.core.files.base import ContentFile

    from ingest.models import Event
    from ingest.services.uploads import upload_create, upload_process
    from people.models import Member

    content = lines(*(GOOD.replace("c-1", f"c-{i}") for i in range(200)), *ODD_ROWS)
    counts = []
    for columnar in (True, False):
        monkeypatch.setattr(audit_columnar, "COLUMNAR_MIN_BYTES", 0 if columnar else 1 << 62)
        upload = upload_process(upload_id=upload_create(file=ContentFile(content, name="audit.csv"), queue=False).pk)
        assert upload.status == "done"
        counts.append((upload.rows_read, upload.rows_imported, upload.rows_duplicate, upload.rows_rejected, upload.rejected_sample))
    (read, imported, duplicate, rejected, sample), again = counts
    assert read == 200 + len(ODD_ROWS) and imported > 200 and rejected > 0
    assert imported + duplicate + rejected == read
    assert again == (read, 0, read - rejected, rejected, sample)
    assert Event.objects.count() == imported
    assert Member.objects.filter(email="ann@example.com", name="Ann Example").exists()
