"""The reveal governs every named byte: a named export downloads only under the reveal it was
made in; when that reveal ends (hidden, run out, or replaced by a new one) the export answers
410 Gone and its file is deleted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exports.models import Export
from portal.models import Scope
from portal.privacy import REVEAL_SESSION_KEY
from testing.exports import DAY, download, downloaded_rows, export_made, export_with_names

NAMES = {f"person{n}@example.com": f"Person {n}" for n in range(5)}
WHY = {"justification": "Coaching conversation for the platform team"}


@pytest.fixture
def revealed(client, detail_viewer, import_bytes):
    assert import_bytes(export_with_names(NAMES)).status == "done"
    client.force_login(detail_viewer)
    assert client.post(reverse("names-reveal"), WHY).status_code == 302
    return client


def named_export(client) -> Export:
    export = export_made(client, view="conversations", as_of=DAY)
    assert export.scope == Scope.NAMED and export.file
    return export


def gone(client, export: Export) -> bool:
    response = client.get(reverse("export-download", args=[export.pk]))
    export.refresh_from_db()
    return response.status_code == 410 and not export.file


def test_under_its_reveal_a_named_export_downloads_and_expires_with_it(revealed):
    export = named_export(revealed)

    assert "Person 1" in str(downloaded_rows(revealed, export))
    until = datetime.fromisoformat(revealed.session[REVEAL_SESSION_KEY])
    assert export.expires_at <= until


def test_hiding_names_expires_the_named_exports_and_deletes_their_files(revealed):
    export = named_export(revealed)
    storage, name = export.file.storage, export.file.name

    revealed.post(reverse("names-hide"))

    export.refresh_from_db()
    assert export.expires_at <= timezone.now() and not export.file and not storage.exists(name)
    assert gone(revealed, export)


def test_a_new_reveal_does_not_bring_back_an_export_of_the_old_one(revealed):
    export = named_export(revealed)
    session = revealed.session
    session.pop(REVEAL_SESSION_KEY)  # the reveal ran out without a hide
    session.save()
    assert revealed.post(reverse("names-reveal"), WHY).status_code == 302

    assert gone(revealed, export)


def test_a_reveal_that_ran_out_leaves_no_named_file(revealed):
    export = named_export(revealed)
    session = revealed.session
    session[REVEAL_SESSION_KEY] = (timezone.now() - timedelta(seconds=1)).isoformat()
    session.save()

    assert gone(revealed, export)


def test_a_pseudonymous_export_is_not_tied_to_any_reveal(client, detail_viewer, import_bytes):
    assert import_bytes(export_with_names(NAMES)).status == "done"
    client.force_login(detail_viewer)
    export = export_made(client, view="conversations", as_of=DAY)
    client.post(reverse("names-reveal"), WHY)
    client.post(reverse("names-hide"))

    assert export.scope == Scope.PSEUDONYMOUS and download(client, export)
