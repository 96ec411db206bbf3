"""Each download of an export leaves an access record: action Export, the file's scope, how many
rows about people it holds, and the ids of the members it names."""

from __future__ import annotations

from audit.models import AccessRecord
from people.models import Member
from portal.models import Scope
from testing.exports import download, export_made, export_with_names

PEOPLE = {f"person{n}@example.com": f"Person Number{n}" for n in range(5)}


def test_a_named_download_records_scope_rows_and_members(client, detail_viewer, reveal_names, import_bytes):
    import_bytes(export_with_names(PEOPLE))
    client.force_login(detail_viewer)
    reveal_names(client)
    export = export_made(client)

    download(client, export)
    download(client, export)

    records = AccessRecord.objects.filter(view_name="export-download")
    assert records.count() == 2
    record = records.first()
    assert (record.action, record.scope, record.outcome) == (AccessRecord.Action.EXPORT, Scope.NAMED, "allowed")
    assert record.username == "detail-viewer"
    assert record.person_rows == 5 + 5  # member table and leaderboard
    assert record.members == sorted(Member.objects.values_list("id", flat=True))


def test_an_aggregate_download_records_no_people(client, viewer, import_bytes):
    import_bytes(export_with_names(PEOPLE))
    client.force_login(viewer)

    download(client, export_made(client, format="xlsx"))

    record = AccessRecord.objects.get(view_name="export-download")
    assert (record.action, record.scope, record.person_rows, record.members) == (AccessRecord.Action.EXPORT, Scope.AGGREGATE, 0, [])
