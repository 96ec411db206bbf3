"""/healthz: the load balancer's probe answers 200 while the databases answer, 503 when one does not."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from audit.models import AccessRecord
from portal.replica import REPLICA


@pytest.fixture(scope="module")
def unreachable_replica(django_db_setup):
    """A replica alias that cannot be reached (before each test's database setup, which must know it)."""
    primary = connections["default"].settings_dict
    broken = {"NAME": "/nonexistent/folder/replica.sqlite3"} if connection.vendor == "sqlite" else {"PORT": "1"}
    connections.settings[REPLICA] = {**primary, **broken, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.mark.django_db
def test_healthy_without_login_and_not_in_the_access_log(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-cache" in response["Cache-Control"]
    assert not AccessRecord.objects.exists()


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_an_unreachable_database_answers_503(client, unreachable_replica):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"replica" in response.content
