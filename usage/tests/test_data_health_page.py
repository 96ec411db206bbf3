"""The data health page: for importers and superusers, with the headline "Data through DATE"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.roles import ROLLOUT_CHAMPIONS
from testing.fixtures import export_csv, user_make


@pytest.fixture
def imported(import_bytes, settings):
    settings.REPORTING_TIMEZONE = "UTC"
    for day in ("2025-09-01", "2025-09-04"):
        upload = import_bytes(export_csv({"a@example.com": 1}, day=day), name=f"audit-{day}.csv")
    return upload


def test_an_importer_sees_the_data_through_date_the_gaps_and_the_last_import(client, importer, imported):
    client.force_login(importer)

    html = client.get(reverse("data-health")).content.decode()

    assert 'Data through <time datetime="2025-09-04">2025-09-04</time>' in html
    assert "2025-09-02 to 2025-09-03 (2 days)" in html
    assert f'<a href="{reverse("upload-detail", args=[imported.pk])}">audit-2025-09-04.csv</a>, done at' in html
    assert "2 rows read, 2 new, 0 duplicate, 0 rejected, 0 older than retention." in html
    assert 'href="/data-health/"' in html  # the link in the user tools


@pytest.mark.parametrize("who", ["viewer", "auditor", "champion"])
def test_people_who_do_not_import_cannot_see_it(client, who, request, db):
    user = user_make("champion", ROLLOUT_CHAMPIONS) if who == "champion" else request.getfixturevalue(who)
    client.force_login(user)

    assert client.get(reverse("data-health")).status_code == 403
    assert 'href="/data-health/"' not in client.get(reverse("transparency")).content.decode()


def test_a_superuser_sees_it_before_any_import(client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("data-health"))

    assert response.status_code == 200
    assert "No data yet" in response.content.decode()
