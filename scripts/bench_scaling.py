#!/usr/bin/env python
"""PostgreSQL: import throughput of one large audit-log export with 1, 2 and 4 Celery worker
processes (chunked imports, ingest.services.uploads), and the single task as it was before
(IMPORT_CHUNK_ROWS above the file's size), back to back on the same machine.

For each run: a fresh database (made afresh, dropped at the end unless --keep), `migrate`, the
broker's queue purged, `celery -A usage_portal worker -c N` started, the export queued with
`manage.py import_logs`, and the time from the upload's row to its `finished_at` taken from the
database (the file's copy into storage happens before the row, as in the admin). CPU busy is
the whole machine's, from /proc/stat, over the import. Figures are printed and written to --json.

    .venv/bin/python scripts/bench_scaling.py --export var/bench/exports/audit-1000000r-….zip \\
        --database-url postgres://postgres@127.0.0.1:5432/usage_portal_bench_scaling \\
        --broker-url redis://127.0.0.1:6379/0
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))
from devtools.bench_db import postgres_drop, postgres_recreate  # noqa: E402 - after the checkout is on the path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--export", type=Path, help="The export to import (default: a generated 1,000,000-row one, cached).")
    parser.add_argument("--rows", type=int, default=1_000_000, help="Rows of the generated export.")
    parser.add_argument("--workers", default="1 2 4", help="Worker process counts to run (default: 1 2 4).")
    parser.add_argument("--chunk-rows", type=int, default=None, help="IMPORT_CHUNK_ROWS (default: the setting's).")
    parser.add_argument("--no-single", action="store_true", help="Skip the single-task run.")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_SCALING_PG_URL", "postgres://postgres@127.0.0.1:5432/usage_portal_bench_scaling"))
    parser.add_argument("--broker-url", default=os.environ.get("BENCH_SCALING_BROKER_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--json", type=Path, default=ROOT / "var/bench/scaling.json")
    parser.add_argument("--keep", action="store_true", help="Leave the database behind.")
    args = parser.parse_args()

    export = args.export or _export_generated(args.rows)
    var_dir = Path(tempfile.mkdtemp(prefix="bench-scaling-"))
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": args.database_url,
        "CELERY_BROKER_URL": args.broker_url,
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }
    if args.chunk_rows:
        env["IMPORT_CHUNK_ROWS"] = str(args.chunk_rows)
    runs = [("single task", 1, {"IMPORT_CHUNK_ROWS": str(10**12)})] if not args.no_single else []
    runs += [(f"{n} worker{'s' if n > 1 else ''}", n, {}) for n in map(int, args.workers.split())]
    results = []
    try:
        for label, processes, extra in runs:
            result = _run(export=export, processes=processes, env={**env, **extra}, database_url=args.database_url)
            result["label"] = label
            results.append(result)
            print(
                f"{label:<12} {result['rows']:>10,} rows {result['seconds']:>8.1f} s {result['rows_per_second']:>10,.0f} rows/s "
                f"CPU busy {result['cpu_busy_percent']:.0f} %",
                flush=True,
            )
    finally:
        if not args.keep:
            postgres_drop(args.database_url)
    base = next((r for r in results if r["label"] == "1 worker"), None)
    figures = []
    for result in results:
        note = f"{result['rows']:,} rows, {result['seconds']:.1f} s (parse {result['parse_seconds']:.1f} s), CPU busy {result['cpu_busy_percent']:.0f} % of {os.cpu_count()} cores"
        if base and result is not base:
            note += f", {base['seconds'] / result['seconds']:.2f}x the 1-worker run"
        figures.append({"figure": f"Import rows/s, {result['label']}", "value": round(result["rows_per_second"]), "unit": "rows/s", "note": note})
    args.json.parent.mkdir(parents=True, exist_ok=True)
    section = {"section": f"Import scaling (PostgreSQL, {export.name}, {os.cpu_count()} cores)", "figures": figures}
    args.json.write_text(json.dumps(section, indent=2) + "\n")
    print(f"written to {args.json}")


def _export_generated(rows: int) -> Path:
    folder = ROOT / "var/bench/exports"
    end = (date.today() - timedelta(days=1)).isoformat()
    path = folder / f"audit-{rows}r-5000m-180d-{end}-s7.zip"
    if not path.exists():
        code = (
            "from datetime import date; from pathlib import Path; from devtools.demo import demo_export_write; "
            f"Path('{folder}').mkdir(parents=True, exist_ok=True); "
            f"demo_export_write(path=Path('{path}.partial'), members=5000, days=180, events={rows}, end=date.fromisoformat('{end}'), seed=7); "
            f"Path('{path}.partial').rename('{path}')"
        )
        subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, env={**os.environ, "DEBUG": "true"}, check=True)
    return path


def _cpu_busy() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _sql(env: dict, sql: str) -> list:
    out = subprocess.run(["psql", env["DATABASE_URL"], "-At", "-F", "|", "-c", sql], capture_output=True, text=True, check=True)
    return [line.split("|") for line in out.stdout.split("\n") if line]


def _run(*, export: Path, processes: int, env: dict, database_url: str) -> dict:
    postgres_recreate(database_url)
    manage = [PY, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "-m", "celery", "-A", "usage_portal", "purge", "-f"], cwd=ROOT, env=env, check=True, capture_output=True)
    worker = subprocess.Popen(
        [PY, "-m", "celery", "-A", "usage_portal", "worker", "-c", str(processes), "-l", "warning"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(5)  # the worker's processes up
        busy0, total0 = _cpu_busy()
        subprocess.run([*manage, "import_logs", str(export)], cwd=ROOT, env=env, check=True, capture_output=True)
        queued = time.monotonic()
        deadline, parsed = queued + 3600, None
        while True:
            (status, error, chunks_total), = _sql(env, "SELECT status, error, chunks_total FROM analytics_upload ORDER BY id DESC LIMIT 1")
            if parsed is None and (int(chunks_total) or status != "processing" and status != "queued"):
                parsed = time.monotonic() - queued  # the parse finished (the chunks may still run)
            if status in ("done", "failed"):
                break
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit(f"the import did not finish: {status}")
            time.sleep(0.5)
        busy1, total1 = _cpu_busy()
        if status != "done":
            raise SystemExit(f"the import failed: {error}")
        (rows, seconds, chunks), = _sql(
            env,
            "SELECT rows_read, EXTRACT(EPOCH FROM finished_at - created_at), "
            "(SELECT COUNT(*) FROM analytics_event) FROM analytics_upload ORDER BY id DESC LIMIT 1",
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    rows, seconds = int(rows), float(seconds)
    return {
        "processes": processes,
        "rows": rows,
        "events": int(chunks),
        "seconds": seconds,
        "parse_seconds": parsed,
        "rows_per_second": rows / seconds,
        "cpu_busy_percent": 100 * (busy1 - busy0) / max(total1 - total0, 1),
    }


if __name__ == "__main__":
    main()
