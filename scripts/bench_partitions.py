#!/usr/bin/env python
"""PostgreSQL: the retention purge of the event table's expired months, detach-and-drop of whole
partitions against the batched DELETE the purge did before (ingest/db.py, retention/services.py).

On a throwaway database (made afresh, dropped at the end unless --keep): migrate, take the ingest
app back to 0004 (one unpartitioned table, as before), load --events events spread evenly over
--months months (set-based), and time the old purge: DELETE … WHERE id IN (SELECT … LIMIT 10000)
until none of the expired months is left. Load the same events again, time ingest migration 0005
(moving them into monthly partitions), and time the purge as it is now (`_raw_events_purge`: the
expired months detached and dropped, the boundary month in batches). Both purges start from the
same rows, and both must delete the same number. Figures are printed and written to --json.

    .venv/bin/python scripts/bench_partitions.py --events 2000000 --months 12 --expired 6
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--months", type=int, default=12, help="Months the events span (the first starts 2025-01).")
    parser.add_argument("--expired", type=int, default=6, help="Whole months before the cutoff.")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/usage_portal_bench_partitions"))
    parser.add_argument("--json", type=Path, default=ROOT / "var/bench/partitions.json")
    parser.add_argument("--keep", action="store_true", help="Leave the database behind.")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from devtools.bench_db import postgres_drop, postgres_recreate

    postgres_recreate(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usage_portal.settings")
    import django

    django.setup()
    try:
        figures = run(args)
    finally:
        from django.db import connection

        connection.close()
        if not args.keep:
            postgres_drop(args.database_url)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"section": "Event partitions (PostgreSQL)", "figures": figures}, indent=2) + "\n")
    for figure in figures:
        print(f"{figure['figure']:<58} {figure['value']:>12,.2f} {figure['unit']:<7} {figure.get('target', '')}")
    print(f"written to {args.json}")


def _month(n: int) -> datetime:
    return datetime(2025 + n // 12, n % 12 + 1, 1, tzinfo=UTC)


def _load(*, events: int, months: int) -> None:
    """`events` events spread evenly over the months, each with a key of its own (instant digits
    first), into the table as ingest 0004 left it."""
    from django.db import connection

    first, end = _month(0), _month(months)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO analytics_event (occurred_at, event, member_id, entity_type, entity_id, client_platform, upload_id, dedupe_key) "
            "SELECT at, 'conversation_created', g %% 10000 + 1, 'chat_conversation', md5(g::text), 'web', NULL, "
            "to_char(at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS') || lpad(to_hex(g), 12, '0') "
            "FROM (SELECT g, %s::timestamptz + (%s::timestamptz - %s::timestamptz) * g / %s AS at FROM generate_series(0, %s - 1) g) s",
            [first, end, first, events, events],
        )
        cursor.execute("VACUUM ANALYZE analytics_event")


def run(args) -> list[dict]:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ingest.models import Event
    from portal.selectors import Cutoff
    from retention.services import PURGE_BATCH_SIZE, _raw_events_purge

    cutoff = _month(args.expired)
    expected = round(args.events * args.expired / args.months)
    call_command("migrate", verbosity=0)
    call_command("migrate", "ingest", "0004", verbosity=0)
    _load(events=args.events, months=args.months)

    # Before: the purge's batches, on the one table.
    started = time.perf_counter()
    old_deleted = 0
    expired = Event.objects.filter(occurred_at__lt=cutoff)
    while deleted := Event.objects.filter(pk__in=expired.values("pk")[:PURGE_BATCH_SIZE]).delete()[0]:
        old_deleted += deleted
    old_seconds = time.perf_counter() - started

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE analytics_event")
    _load(events=args.events, months=args.months)
    started = time.perf_counter()
    call_command("migrate", "ingest", verbosity=0)
    migrate_seconds = time.perf_counter() - started
    assert Event.objects.count() == args.events

    counts = {"rows": 0, "files": 0}
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        _raw_events_purge(cutoff=Cutoff(oldest_day_kept=cutoff.date(), first_instant_kept=cutoff), dry_run=False, counts=counts, batch_size=PURGE_BATCH_SIZE)
    new_seconds = time.perf_counter() - started
    drops = [float(q["time"]) for q in queries if "partition_drop_oldest" in q["sql"]]
    if old_deleted != counts["rows"]:
        raise SystemExit(f"the two purges deleted {old_deleted} and {counts['rows']} rows")
    left = Event.objects.count()
    if left != args.events - old_deleted:
        raise SystemExit(f"{left} events left, expected {args.events - old_deleted}")

    scale = f"{args.events:,} events over {args.months} months, {args.expired} expired ({old_deleted:,} rows)"
    return [
        {"figure": "purge, batched DELETE (before)", "value": round(old_seconds, 2), "unit": "s", "note": scale},
        {
            "figure": "purge, partitions detached and dropped (now)",
            "value": round(new_seconds, 3),
            "unit": "s",
            "note": f"{scale}; {len(drops) - 1} partitions counted, detached and dropped in {sum(drops):.2f} s "
            f"(slowest {max(drops):.2f} s), the rest the other raw tables' and the boundary month's batches",
        },
        {
            "figure": "purge speed-up, batched DELETE / partition drop",
            "value": round(old_seconds / new_seconds, 1),
            "unit": "x",
            "target": ">= 10 x",
            "ok": old_seconds / new_seconds >= 10,
            "note": f"same run, same rows; about {expected:,} expected. A catch-up purge (first run, a shorter "
            "period); the daily purge still deletes each day of the boundary month in batches",
        },
        {
            "figure": "migration 0005 of an existing install",
            "value": round(migrate_seconds, 2),
            "unit": "s",
            "note": f"{args.events:,} events moved into {args.months} monthly partitions ({args.events / migrate_seconds:,.0f} rows/s)",
        },
    ]


if __name__ == "__main__":
    main()
