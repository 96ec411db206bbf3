"""`manage.py benchmark --cache`: the dashboard pages and charts with the figure cache cold (a new
data version before each run), warm (the same version), and off (FIGURE_CACHE=false), measured
back to back in one run on the configured database (e.g. after `manage.py load_demo`), as a
Usage viewer and an Individual-detail viewer, for the whole organisation and one team; and how
long the worker's warm after an import takes. Writes the section for the lead's table as JSON."""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from people.models import Team
from portal.cache import data_version_bump
from portal.roles import INDIVIDUAL_VIEWERS, USAGE_VIEWERS

PAGES = [
    ("overview", "/dashboard/"),
    ("conversations", "/dashboard/conversations/"),
    ("rollout", "/dashboard/rollout/"),
    ("claude code", "/dashboard/claude-code/"),
    ("data health", "/data-health/"),
    ("chart: weekly", "/dashboard/charts/weekly.json"),
    ("chart: daily active users", "/dashboard/charts/daily-active-users.json"),
]


def _viewer(username: str, group_name: str) -> Client:
    from django.contrib.auth.models import Group

    user = User.objects.filter(username=username).first() or User.objects.create_user(username)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _ms(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def cache_benchmark(*, runs: int = 5, write) -> dict:
    from django.urls import resolve

    from usage.services.figures_warm import figures_warm

    team = Team.objects.order_by("name").values_list("name", flat=True).first()
    clients = {"usage viewer": _viewer("bench-usage-viewer", USAGE_VIEWERS), "individual-detail viewer": _viewer("bench-detail-viewer", INDIVIDUAL_VIEWERS)}
    figures = []
    write(f"Figure cache, server time per request (median of {runs}): cold / warm / off, queries cold / warm")
    for viewer_name, client in clients.items():
        for scope, query in (("organisation", ""), (f"team {team}", f"?group=team:{team}")):
            for name, path in PAGES:
                url = path + query
                try:
                    resolve(path)
                except Exception:  # noqa: BLE001 - a page this version does not have
                    continue
                if client.get(url, secure=True).status_code == 403:  # not for this viewer (data health)
                    continue

                def get(url=url):
                    response = client.get(url, secure=True)
                    assert response.status_code == 200, (url, response.status_code)

                get()  # the templates and code paths loaded
                cold, warm, off = [], [], []
                for _ in range(runs):
                    data_version_bump(reason="benchmark")
                    cold.append(_ms(get))
                    warm.append(_ms(get))
                with override_settings(FIGURE_CACHE=False):
                    for _ in range(runs):
                        off.append(_ms(get))
                data_version_bump(reason="benchmark")
                with CaptureQueriesContext(connection) as cold_queries:
                    get()
                with CaptureQueriesContext(connection) as warm_queries:
                    get()
                row = {
                    "page": name,
                    "viewer": viewer_name,
                    "scope": scope,
                    "cold_ms": statistics.median(cold),
                    "warm_ms": statistics.median(warm),
                    "off_ms": statistics.median(off),
                    "queries_cold": len(cold_queries),
                    "queries_warm": len(warm_queries),
                }
                figures.append(
                    {
                        "figure": f"{name}, {viewer_name}, {scope}: warm",
                        "value": round(row["warm_ms"], 1),
                        "unit": "ms",
                        "target": "<= 100 ms",
                        "ok": row["warm_ms"] <= 100,
                        "note": f"cold {row['cold_ms']:.0f} ms, off {row['off_ms']:.0f} ms "
                        f"(x{row['cold_ms'] / max(row['warm_ms'], 0.01):.1f} cold/warm); "
                        f"queries {row['queries_cold']} cold, {row['queries_warm']} warm",
                    }
                )
                write(
                    f"  {row['cold_ms']:7.1f} / {row['warm_ms']:6.1f} / {row['off_ms']:7.1f} ms   "
                    f"{row['queries_cold']:3d} / {row['queries_warm']:2d} q   {viewer_name}, {scope}: {name}"
                )
    data_version_bump(reason="benchmark")
    started = time.perf_counter()
    groups = figures_warm()
    warm_s = time.perf_counter() - started
    figures.append(
        {
            "figure": "warm after an import (worker)",
            "value": round(warm_s, 2),
            "unit": "s",
            "target": "",
            "ok": True,
            "note": f"{groups} groups (the organisation and each shown team), both scopes",
        }
    )
    write(f"  warm of the common keys: {warm_s:.2f} s for {groups} groups")
    return {
        "section": "figure cache (cold / warm / off)",
        "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "database": connection.vendor,
        "figures": figures,
    }
