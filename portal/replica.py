"""Dashboards read from a PostgreSQL read replica when DATABASE_REPLICA_URL names one (docs/deploy.md).

A replica may lag the primary by a moment, which a dashboard can afford and little else can. So
only these reads go there: those made while a dashboard page or chart is answered (a GET to a
route in DASHBOARD_ROUTE_PREFIXES), of the tables that imports fill (REPLICA_APPS: events,
rollups, people and their groups, rollout notes). Everything else reads the primary: sessions,
accounts, the access log, settings, uploads and exports, every read inside a transaction, and
every read after the request wrote anything, so a request always sees its own writes. Writes
always go to the primary.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import Resolver404, resolve

REPLICA = "replica"
REPLICA_APPS = frozenset({"ingest", "usage", "people", "notes"})
DASHBOARD_ROUTE_PREFIXES = ("dashboard-", "chart-")


class _Reads:
    """The current request's routing: whether its reads may still go to the replica."""

    def __init__(self) -> None:
        self.replica = True


_dashboard_reads: ContextVar[_Reads | None] = ContextVar("dashboard_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class DashboardReplicaRouter:
    """Sends a dashboard request's reads of REPLICA_APPS to the replica; everything else to the
    default (primary) database. Both aliases are one database, so relations between them hold."""

    def db_for_read(self, model, **hints):
        reads = _dashboard_reads.get()
        if reads is None or not reads.replica or model._meta.app_label not in REPLICA_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        reads = _dashboard_reads.get()
        if reads is not None:
            reads.replica = False  # from now on this request reads what it wrote: the primary
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False  # the replica follows the primary; it is never migrated itself
        return None


def is_dashboard_route(match) -> bool:
    return bool(match.url_name) and not match.namespace and match.url_name.startswith(DASHBOARD_ROUTE_PREFIXES)


class DashboardReplicaMiddleware:
    """Marks the GET and HEAD requests of dashboard pages and charts, whose reads may use the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured() or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if not is_dashboard_route(match):
            return self.get_response(request)
        token = _dashboard_reads.set(_Reads())
        try:
            return self.get_response(request)
        finally:
            _dashboard_reads.reset(token)
