"""Dashboards read from the read replica (DATABASE_REPLICA_URL), and nothing else does.

The replica here is a second alias on the same PostgreSQL test database, as a deployment's
DATABASE_REPLICA_URL makes one (settings.py); each alias keeps its own connection, so which
connection ran which query shows the routing."""

from __future__ import annotations

import pytest
from django.db import connection, connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Member
from portal.replica import REPLICA, DashboardReplicaMiddleware
from testing.rollout import AS_OF

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a read replica is a PostgreSQL deployment"),
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]
PRIMARY_ONLY_TABLES = ("django_session", "auth_user", "analytics_accessrecord", "analytics_portalsettings")


@pytest.fixture(scope="module")
def replica(django_db_setup):
    """Added once the test database exists, and before each test's database setup, which must
    know the alias (a mirror: Django neither creates nor flushes it)."""
    primary = connections["default"].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _get(client, url):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get(url)
    return response, [q["sql"] for q in primary.captured_queries], [q["sql"] for q in replica.captured_queries]


@pytest.mark.parametrize("name", ["dashboard-overview", "dashboard-rollout", "chart-weekly", "chart-daily-active-users"])
def test_dashboard_figures_come_from_the_replica(client, viewer, rollout, replica, name):
    client.force_login(viewer)
    url = f"{reverse(name)}?as_of={AS_OF}&group=team:Alpha"
    del connections.settings[REPLICA]  # the same request without a replica, for comparison
    alone = client.get(url)
    connections.settings[REPLICA] = replica.settings_dict

    response, on_primary, on_replica = _get(client, url)

    assert response.status_code == alone.status_code == 200
    if name.startswith("chart-"):
        assert response.json() == alone.json()
    assert on_replica, "no query went to the replica"
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in on_replica)
    assert not [sql for sql in on_replica if any(table in sql for table in PRIMARY_ONLY_TABLES)]
    # The session, the account and the access record are the primary's.
    assert any("django_session" in sql for sql in on_primary)
    assert any("INSERT" in sql and "analytics_accessrecord" in sql for sql in on_primary)


def test_other_pages_read_the_primary_only(client, auditor, rollout, replica):
    client.force_login(auditor)
    response, on_primary, on_replica = _get(client, reverse("access-log"))
    assert response.status_code == 200
    assert on_primary and not on_replica


def _in_dashboard_request(work):
    """Run `work` as the view of a dashboard GET, through the middleware."""
    request = RequestFactory().get(reverse("dashboard-overview"))
    return DashboardReplicaMiddleware(lambda request: work())(request)


def test_a_request_that_wrote_reads_its_writes_from_the_primary(replica):
    def work():
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert not Member.objects.filter(email="new@example.com").exists()  # before any write: the replica
            Member.objects.create(email="new@example.com")
            found = Member.objects.filter(email="new@example.com").exists()  # after it: the primary
        return found, len(on_replica)

    found, replica_queries = _in_dashboard_request(work)
    assert found
    assert replica_queries == 1


def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    def work():
        with CaptureQueriesContext(connections[REPLICA]) as on_replica, transaction.atomic():
            Member.objects.count()
        return len(on_replica)

    assert _in_dashboard_request(work) == 0
