"""`manage.py benchmark`: how fast an export imports and how fast the dashboard answers.

On the configured database (expected fresh: scripts/bench makes a throwaway one per run):
migrate; generate a demo export (cached under --export-dir, so SQLite and PostgreSQL import
the same bytes); import it in a separate process (`manage.py import_logs --sync FILE`),
timing it and reading that child's peak RSS from wait4(); then, unless --import-only, time
the dashboard pages server-side with django.test.Client as a superuser (median of --runs
after one untimed warm-up) and the selectors behind them. Results are printed and, with
--json, written for `benchmark --summary` to tabulate.

    manage.py benchmark --rows 1000000 --members 5000 --days 180 --json var/bench/sqlite-1m.json
    manage.py benchmark --summary var/bench/*.json

With --load, instead: the load test of devtools/loadtest/runner.py (Locust against gunicorn on
127.0.0.1) on the configured database, which must already hold the dataset:

    manage.py benchmark --load [--load-warm] [--load-users 50] [--load-seconds 60] [--label 1M] [--json var/bench/load.json]

With --import-duckdb, instead: the same export's CSV loaded by DuckDB (read_csv into a table: its
load time), then imported end to end by `import_logs --sync` (upload to rollups) in a separate process
with its peak RSS, back to back on each of --databases (a throwaway SQLite file; the PostgreSQL
database of --pg-url, dropped and created afresh); prints ours/DuckDB and writes --bench-json.

    manage.py benchmark --import-duckdb --rows 1000000 --pg-url postgres://postgres@127.0.0.1:5432/h_a_bench

With --hostile, instead: write the hostile corpus (devtools.hostile) and import each file in its
own `import_logs --sync` process, printing that process's peak RSS and the upload's outcome
(target: every one under TARGET_PEAK_MB, none a crash).

    manage.py benchmark --hostile [--hostile-dir var/bench/hostile] [--hostile-scale 1]
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools.bench_db import postgres_recreate
from devtools.demo import demo_export_write
from portal import privacy
from portal.models import Scope
from portal.selectors import reporting_timezone_get
from usage.selectors import activity

TARGET_PAGE_MS = 300
TARGET_PEAK_MB = 300
TARGET_ROWS_PER_S = {"postgresql": 50_000, "sqlite": 30_000}
TARGET_DUCKDB_RATIO = 4.0  # issue 13 §1: ours end to end within 4× DuckDB's load of the same CSV
TARGET_IMPORT_PEAK_MB = 250
TEN_MILLION_SECTION = "Ten million events: pages, charts and export builds (issue 13 §2)"


class Command(BaseCommand):
    help = "Benchmark importing a generated export (child process: time, peak RSS) and the dashboard pages."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1_000_000)
        parser.add_argument("--members", type=int, default=5_000)
        parser.add_argument("--days", type=int, default=180)
        parser.add_argument("--end", help="Last day of the export, YYYY-MM-DD (default: yesterday, UTC).")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--export-dir", type=Path, default=None, help="Where generated exports are cached.")
        parser.add_argument("--runs", type=int, default=5, help="Timed runs per page (median reported).")
        parser.add_argument("--import-only", action="store_true", help="Skip the page timings.")
        parser.add_argument("--label", default="", help="A name for this run in the summary.")
        parser.add_argument("--json", type=Path, help="Write the results here as JSON.")
        parser.add_argument("--summary", nargs="+", type=Path, help="Only tabulate earlier --json results.")
        parser.add_argument("--hostile", action="store_true", help="Peak memory of importing each hostile file.")
        parser.add_argument(
            "--claude-code", action="store_true", help="Import a usage-report page of --rows records, then time the Claude Code figures."
        )
        parser.add_argument("--load", action="store_true", help="Load test: Locust against gunicorn on this database.")
        parser.add_argument(
            "--load-warm", action="store_true", help="With --load: open every URL once as each viewer before the window (steady state)."
        )
        parser.add_argument("--load-users", type=int, default=50, help="Concurrent signed-in viewers (default 50).")
        parser.add_argument(
            "--load-seconds", type=int, default=int(os.environ.get("BENCH_LOAD_SECONDS") or 60), help="The measured window (default $BENCH_LOAD_SECONDS or 60)."
        )
        parser.add_argument(
            "--ten-million", action="store_true",
            help="Build (once, cached in the database) the 10M-event dataset, then time every page, chart and export build.",
        )
        parser.add_argument("--build-only", action="store_true", help="With --ten-million: build the dataset, time nothing.")
        parser.add_argument(
            "--import-duckdb", action="store_true", help="DuckDB's load of the export's CSV against ours, end to end."
        )
        parser.add_argument("--databases", default="sqlite postgresql", help="With --import-duckdb: where ours imports.")
        parser.add_argument(
            "--pg-url",
            default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/usage_portal_import_bench"),
            help="With --import-duckdb: a PostgreSQL database to drop and create afresh.",
        )
        parser.add_argument(
            "--import-code", type=Path, default=None, help="With --import-duckdb: another checkout whose import to time (before/after)."
        )
        parser.add_argument("--bench-json", type=Path, default=None, help="With --import-duckdb (default var/bench/import.json).")
        parser.add_argument(
            "--cache", action="store_true", help="Pages with the figure cache cold, warm and off, on the configured database (after load_demo)."
        )
        parser.add_argument("--hostile-dir", type=Path, default=None, help="Where the hostile files are written.")
        parser.add_argument("--hostile-scale", type=float, default=1.0, help="Size of the hostile files' big parts.")

    def handle(self, *args, **options):
        if options["summary"]:
            self._summary([json.loads(p.read_text()) for p in options["summary"] if p.exists()])
            return
        if options["hostile"]:
            self._hostile(options)
            return
        if options["load"]:
            from devtools.loadtest.runner import load_test_run

            load_test_run(
                users=options["load_users"], seconds=options["load_seconds"], label=options["label"],
                json_path=options["json"] or Path(settings.BASE_DIR) / "var" / "bench" / "load.json", write=self.stdout.write,
                warm=options["load_warm"],
            )  # fmt: skip
            return
        if options["claude_code"]:
            self._claude_code(options)
            return
        if options["ten_million"]:
            self._ten_million(options)
            return
        if options["import_duckdb"]:
            self._import_duckdb(options)
            return
        if options["cache"]:
            from devtools.cache_bench import cache_benchmark

            result = cache_benchmark(runs=options["runs"], write=self.stdout.write)
            path = options["json"] or Path(settings.BASE_DIR) / "var" / "bench" / "cache.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, indent=2, default=str))
            self.stdout.write(f"Written: {path}")
            return
        if settings.DEBUG:
            self.stderr.write("Warning: DEBUG is on; Django then records every query, which slows the pages.")
        result = {
            "label": options["label"] or f"{connection.vendor}-{options['rows']}",
            "vendor": connection.vendor,
            "machine": machine_info(),
            "code": code_info(),
            "load_before": os.getloadavg(),
        }
        call_command("migrate", verbosity=0)
        result["database"] = database_info()
        from ingest.models import Event

        if Event.objects.exists():
            raise CommandError("The database already holds events; the benchmark needs a fresh one (see scripts/bench).")
        end = date.fromisoformat(options["end"]) if options["end"] else date.today() - timedelta(days=1)
        export, result["generate"] = self._export(options, end)
        result["import"] = self._import(export, options["rows"])
        if not options["import_only"]:
            result["pages"], result["selectors"] = self._pages(end, options["runs"])
        result["load_after"] = os.getloadavg()
        if options["json"]:
            options["json"].parent.mkdir(parents=True, exist_ok=True)
            options["json"].write_text(json.dumps(result, indent=2, default=str))
        self._summary([result])

    # -- export ------------------------------------------------------------------------------

    def _export(self, options, end: date) -> tuple[Path, dict]:
        folder = options["export_dir"] or Path(settings.BASE_DIR) / "var" / "bench" / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        rows, members, days, seed = options["rows"], options["members"], options["days"], options["seed"]
        path = folder / f"audit-{rows}r-{members}m-{days}d-{end}-s{seed}.zip"
        info = {"path": str(path), "rows": rows, "members": members, "days": days, "end": end.isoformat()}
        if path.exists():
            self.stdout.write(f"Export: reusing {path} ({path.stat().st_size / 1e6:.0f} MB)")
            info.update(cached=True, bytes=path.stat().st_size)
            return path, info
        self.stdout.write(f"Export: generating {rows:,} rows, {members:,} members, {days} days to {end}…")
        partial = path.with_suffix(".partial")
        started, cpu = time.perf_counter(), time.process_time()
        written = demo_export_write(path=partial, members=members, days=days, events=rows, end=end, seed=seed)
        elapsed = time.perf_counter() - started
        partial.rename(path)
        info.update(cached=False, seconds=elapsed, cpu_seconds=time.process_time() - cpu, bytes=path.stat().st_size)
        self.stdout.write(
            f"  {written:,} rows in {elapsed:.1f} s ({written / elapsed:,.0f} rows/s, "
            f"{info['cpu_seconds']:.1f} s CPU), {info['bytes'] / 1e6:.0f} MB ZIP"
        )
        return path, info

    # -- import (child process) ----------------------------------------------------------------

    def _import(self, export: Path, rows: int) -> dict:
        from ingest.models import Event, Upload
        from people.models import Member

        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "import_logs", "--sync", str(export)]
        self.stdout.write(f"Import: {' '.join(command[1:])} (separate process)")
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            cpu_before, pg_before = cpu_ticks(), postgres_cpu_seconds()
            started = time.perf_counter()
            child = subprocess.Popen(command, stdout=out, stderr=err, text=True)
            # wait4 gives this child's own resource usage (RUSAGE_CHILDREN would mix in any other child).
            _, status, activity = os.wait4(child.pid, 0)
            elapsed = time.perf_counter() - started
            cpu_after, pg_after = cpu_ticks(), postgres_cpu_seconds()
            child.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            output, errors = out.read().strip(), err.read().strip()
        if child.returncode != 0:
            raise CommandError(f"import_logs failed ({child.returncode}): {errors[-2000:]}")
        upload = Upload.objects.order_by("-pk").first()
        info = {
            "seconds": elapsed,
            "rows_per_second": rows / elapsed,
            "peak_rss_mb": activity.ru_maxrss / 1024,  # KiB on Linux
            "cpu_user_seconds": activity.ru_utime,
            "cpu_system_seconds": activity.ru_stime,
            "output": output,
            "rows_read": upload.rows_read,
            "rows_imported": upload.rows_imported,
            "rows_rejected": upload.rows_rejected,
            "events_stored": Event.objects.count(),
            "members": Member.objects.count(),
            "processing_seconds": (upload.finished_at - upload.started_at).total_seconds(),
            "rows_per_cpu_second": rows / max(activity.ru_utime + activity.ru_stime, 1e-9),
            "machine_cpu": cpu_share(cpu_before, cpu_after),
        }
        if connection.vendor == "postgresql" and pg_before is not None and pg_after is not None:
            info["postgres_server_cpu_seconds"] = pg_after - pg_before
        share = info["machine_cpu"]
        self.stdout.write(
            f"  {output}\n  {elapsed:.1f} s wall ({info['processing_seconds']:.1f} s processing, "
            f"{activity.ru_utime + activity.ru_stime:.1f} s CPU in the importer"
            + (f", {info['postgres_server_cpu_seconds']:.1f} s in PostgreSQL" if "postgres_server_cpu_seconds" in info else "")
            + f"): {info['rows_per_second']:,.0f} rows/s, peak RSS {info['peak_rss_mb']:.0f} MB\n"
            f"  machine during the import: {share['busy']:.0%} busy, {share['steal']:.0%} stolen by the hypervisor, "
            f"{share['idle']:.0%} idle"
        )
        if info["rows_rejected"] or info["rows_imported"] != rows:
            self.stderr.write(f"  Warning: expected {rows:,} imported and none rejected.")
        return info

    # -- ours against DuckDB ------------------------------------------------------------------------

    def _import_duckdb(self, options) -> None:
        end = date.fromisoformat(options["end"]) if options["end"] else date.today() - timedelta(days=1)
        export, _ = self._export(options, end)
        csv_path = export.with_suffix(".csv")
        if not csv_path.exists():
            partial = csv_path.with_suffix(".partial")
            with zipfile.ZipFile(export) as archive, archive.open("audit_logs.csv") as member, partial.open("wb") as out:
                shutil.copyfileobj(member, out, 1 << 20)
            partial.rename(csv_path)
        rows = options["rows"]
        figures, runs = [], []
        for vendor in options["databases"].split():
            duck = _duckdb_load_seconds(csv_path, rows)
            env = dict(os.environ, DEBUG="false", SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-not-a-secret"))
            env.setdefault("LOG_LEVEL", "WARNING")
            with tempfile.TemporaryDirectory(prefix="bench-import-") as var_dir:
                env["VAR_DIR"] = var_dir
                if vendor == "postgresql":
                    env["DATABASE_URL"] = options["pg_url"]
                    postgres_recreate(options["pg_url"])
                else:
                    env.pop("DATABASE_URL", None)
                manage = [sys.executable, str((options["import_code"] or Path(settings.BASE_DIR)) / "manage.py")]
                subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)
                started = time.perf_counter()
                child = subprocess.Popen([*manage, "import_logs", "--sync", str(csv_path)], env=env, stdout=subprocess.PIPE, text=True)
                output = child.stdout.read().strip()
                _, status, usage = os.wait4(child.pid, 0)
                ours = time.perf_counter() - started
                if os.waitstatus_to_exitcode(status) != 0:
                    raise CommandError(f"import_logs failed on {vendor}: {output[-500:]}")
                floor = _store_floor_seconds(manage, env, rows)
            ratio, peak = ours / duck, usage.ru_maxrss / 1024
            runs.append({"vendor": vendor, "duckdb_seconds": duck, "ours_seconds": ours, "ratio": ratio, "peak_rss_mb": peak,
                         "store_floor_seconds": floor, "output": output, "load": os.getloadavg()})
            self.stdout.write(
                f"{vendor}: DuckDB loads {rows:,} rows in {duck:.1f} s; ours end to end {ours:.1f} s "
                f"({rows / ours:,.0f} rows/s): {ratio:.1f}× DuckDB (target ≤ {TARGET_DUCKDB_RATIO:g}×), "
                f"peak RSS {peak:.0f} MB (target ≤ {TARGET_IMPORT_PEAK_MB} MB); {vendor} alone stores the same rows "
                f"in {floor:.1f} s ({floor / duck:.1f}× DuckDB)\n  {output}"
            )
            figures += [
                {"figure": f"import {rows:,} audit rows end to end / DuckDB load, {vendor}", "value": round(ratio, 2), "unit": "×",
                 "target": f"<= {TARGET_DUCKDB_RATIO:g} ×", "ok": ratio <= TARGET_DUCKDB_RATIO,
                 "note": f"ours {ours:.1f} s, DuckDB {duck:.1f} s, back to back; load average {os.getloadavg()[0]:.1f}"},
                {"figure": f"{vendor} alone storing the same rows / DuckDB load (the floor)", "value": round(floor / duck, 2),
                 "unit": "×", "target": "", "ok": True,
                 "note": f"{floor:.1f} s: the imported rows, read back, into an empty copy of the event table with its "
                         f"indexes in one transaction ({'COPY' if vendor == 'postgresql' else 'executemany'}); ours is "
                         f"{ours / floor:.1f}× that"},
                {"figure": f"import worker peak RSS, {vendor}", "value": round(peak), "unit": "MB",
                 "target": f"<= {TARGET_IMPORT_PEAK_MB} MB", "ok": peak <= TARGET_IMPORT_PEAK_MB, "note": "import_logs --sync child, wait4()"},
            ]
        target = options["bench_json"] or Path(settings.BASE_DIR) / "var" / "bench" / "import.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"section": "Import near the hardware's limit (issue 13 §1)", "figures": figures,
                                      "runs": runs, "machine": machine_info(), "code": code_info()}, indent=2, default=str))
        self.stdout.write(f"Written to {target}")

    # -- Claude Code usage report -----------------------------------------------------------------

    def _claude_code(self, options) -> None:
        from ingest.models import CodeUsage
        from usage.selectors import claude_code
        from usage.selectors.rollout import weekly_figures_list

        call_command("migrate", verbosity=0)
        if CodeUsage.objects.exists():
            raise CommandError("The database already holds Claude Code records; the benchmark needs a fresh one.")
        rows, members, days = options["rows"], options["members"], options["days"]
        end = date.fromisoformat(options["end"]) if options["end"] else date.today() - timedelta(days=1)
        folder = options["export_dir"] or Path(settings.BASE_DIR) / "var" / "bench" / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        page = folder / f"usage-report-{rows}-{members}-{days}-{end}.json"
        if not page.exists():
            started = time.perf_counter()
            _usage_report_write(page, rows=rows, members=members, days=days, end=end)
            self.stdout.write(f"Generated {page.name} ({page.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
        result = {"label": options["label"] or f"{connection.vendor}-claude-code-{rows}", "vendor": connection.vendor,
                  "machine": machine_info(), "code": code_info()}
        result["import"] = self._import(page, rows)
        timings = {
            "code_totals_get": lambda: claude_code.code_totals_get(as_of=end),
            "code_daily_list": lambda: claude_code.code_daily_list(as_of=end),
            "code_member_list (named)": lambda: claude_code.code_member_list(viewer=privacy.OPERATOR, as_of=end),
            "weekly_figures_list (with Claude Code)": lambda: weekly_figures_list(as_of=end, timezone="UTC"),
        }
        self.stdout.write("Claude Code figures at that size (median of --runs, the tab's selectors):")
        result["selectors"] = []
        for name, call in timings.items():
            timed = _timed(call, options["runs"])
            result["selectors"].append({"name": name, **timed})
            self.stdout.write(f"  {name:<42} {timed['median_ms']:>8.0f} ms")
        if options["json"]:
            options["json"].parent.mkdir(parents=True, exist_ok=True)
            options["json"].write_text(json.dumps(result, indent=2, default=str))

    # -- ten million events ------------------------------------------------------------------------

    def _ten_million(self, options) -> None:
        """Every page, chart and export build at 10M events, for a Usage viewer and an Individual-detail
        viewer, the whole organisation and one team; figures in the common shape (--json)."""
        from devtools.bench_dataset import Spec, StaleDataset, dataset_ensure, team_name

        call_command("migrate", verbosity=0)
        # Smaller sizes for a smoke run (the cached database must then be a matching one).
        spec = Spec(events=int(os.environ.get("BENCH_10M_EVENTS", 10_000_000)), members=int(os.environ.get("BENCH_10M_MEMBERS", 10_000)))
        try:
            build = dataset_ensure(spec=spec, say=self.stdout.write)
        except StaleDataset as stale:
            self.stderr.write(str(stale))
            sys.exit(STALE_DATASET_EXIT)  # scripts/bench then starts again from a fresh database
        if options["build_only"]:
            return
        target = TARGET_10M_MS[connection.vendor]
        as_of = spec.end
        runs = options["runs"]
        figures = [{
            "figure": f"{connection.vendor}: build the 10M dataset", "value": round(build["total_seconds"], 1), "unit": "s",
            "target": "", "ok": True,
            "note": ("cached; " if build["cached"] else "") + ", ".join(f"{k} {v:.0f} s" for k, v in build["steps_seconds"].items()),
        }]
        self.stdout.write(f"Pages at 10M ({connection.vendor}; server-side, django.test.Client, median of {runs} after a warm-up; target <= {target} ms):")
        # BENCH_10M_ONLY="usage viewer/organisation,…": only those role/scope pairs (a quicker run).
        only = {pair.strip() for pair in os.environ.get("BENCH_10M_ONLY", "").split(",") if pair.strip()}
        for role, scope in (("usage viewer", Scope.AGGREGATE), ("individual-detail viewer", Scope.PSEUDONYMOUS)):
            client = _role_client(role)
            for scope_name, group in (("organisation", ""), ("team", f"team:{team_name(0)}")):
                if only and f"{role}/{scope_name}" not in only:
                    continue
                query = f"as_of={as_of.isoformat()}" + (f"&group={group}" if group else "")
                for name, path in TEN_MILLION_URLS:
                    url = f"{path}?{query}"
                    timed = _timed(lambda url=url: client.get(url, secure=True), runs)
                    response = timed.pop("result")
                    with CaptureQueriesContext(connection) as queries:
                        client.get(url, secure=True)
                    figures.append(_page_figure(f"{name} ({role}, {scope_name})", timed, response.status_code, len(queries), target))
                    self.stdout.write(f"  {timed['median_ms']:8.1f} ms  {len(queries):4d} queries  {response.status_code}  {role:<24} {url}")
                for view in EXPORT_VIEWS:
                    call = lambda view=view: _export_build(username=ROLE_LOGINS[role][0], view=view, scope=scope, as_of=as_of, group=group)  # noqa: E731
                    timed = _timed(call, runs)
                    export = timed.pop("result")
                    with CaptureQueriesContext(connection) as queries:
                        call()
                    status = 200 if export.status == "done" else 500
                    figures.append(_page_figure(f"export build: {view} ({role}, {scope_name})", timed, status, len(queries), target))
                    self.stdout.write(f"  {timed['median_ms']:8.1f} ms  {len(queries):4d} queries  {export.status}  {role:<24} export {view} {group}")
                if options["json"]:  # after each role and scope, so that a cut-short run leaves what it measured
                    _figures_merge(options["json"], section=TEN_MILLION_SECTION, vendor=connection.vendor, figures=figures)
        slow = [f for f in figures[1:] if not f["ok"]]
        self.stdout.write(f"{len(figures) - 1 - len(slow)} of {len(figures) - 1} within {target} ms")
        if options["json"]:
            _figures_merge(options["json"], section=TEN_MILLION_SECTION, vendor=connection.vendor, figures=figures)

    # -- hostile files (child process each) ------------------------------------------------------

    def _hostile(self, options) -> None:
        from devtools.hostile import CORPUS, hostile_file_write
        from ingest.models import Upload

        call_command("migrate", verbosity=0)
        folder = options["hostile_dir"] or Path(settings.BASE_DIR) / "var" / "bench" / "hostile"
        scale = options["hostile_scale"]
        self.stdout.write(f"Hostile files (scale {scale:g}), each imported by `import_logs --sync` in its own process:")
        self.stdout.write(f"  {'file':<26} {'size':>10} {'peak RSS':>9}  {'exit':>4}  outcome")
        results, worst = [], 0.0
        for hostile in CORPUS:
            path = hostile_file_write(hostile, folder, scale=scale)
            command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "import_logs", "--sync", str(path)]
            with tempfile.TemporaryFile("w+") as out:
                child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, text=True)
                _, status, rusage = os.wait4(child.pid, 0)  # this child's own peak RSS, in KiB
            code = os.waitstatus_to_exitcode(status)
            peak = rusage.ru_maxrss / 1024
            worst = max(worst, peak)
            upload = Upload.objects.order_by("-pk").first()
            outcome = upload.status if upload and upload.original_name == path.name else "no upload"
            if outcome == "done":
                outcome += (
                    f", {upload.rows_read} rows: {upload.rows_imported} new, {upload.rows_duplicate} seen in an "
                    f"earlier file, {upload.rows_rejected} rejected ({upload.rejected_sample[0]['reason'][:60]})"
                    if upload.rejected_sample else f", {upload.rows_imported} imported"
                )
            elif outcome == "failed":
                outcome += f": {upload.error[:90]}"
            right = outcome.startswith(hostile.status) and code in (0, 1)  # 1: import_logs reports a failed file
            self.stdout.write(
                f"  {hostile.name:<26} {path.stat().st_size / 1024**2:>7.1f} MiB {peak:>6.0f} MB  {code:>4}  "
                f"{'' if right and peak < TARGET_PEAK_MB else '!! '}{outcome}"
            )
            results.append({"file": hostile.name, "attack": hostile.attack, "bytes": path.stat().st_size,
                            "peak_rss_mb": peak, "exit": code, "outcome": outcome, "expected": hostile.status})
            path.unlink()
        self.stdout.write(f"  worst peak RSS {worst:.0f} MB (target < {TARGET_PEAK_MB} MB)")
        if options["json"]:
            options["json"].parent.mkdir(parents=True, exist_ok=True)
            options["json"].write_text(json.dumps({"hostile": results, "machine": machine_info()}, indent=2))

    # -- pages and selectors -----------------------------------------------------------------------

    def _pages(self, end: date, runs: int) -> tuple[list[dict], list[dict]]:
        from django.contrib.auth.models import User
        from django.test import Client

        user = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
            "bench-admin", "bench@example.com", None
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        as_of = end.isoformat()
        urls = [
            ("overview", f"/dashboard/?as_of={as_of}"),
            ("chart: daily active users", f"/dashboard/charts/daily-active-users.json?as_of={as_of}"),
            ("conversations by member", f"/dashboard/conversations/?as_of={as_of}&sort=-conversations_all_time"),
            ("chart: daily conversations", f"/dashboard/charts/daily-conversations.json?as_of={as_of}"),
            ("chart: users by conversations", f"/dashboard/charts/conversation-distribution.json?as_of={as_of}"),
        ]
        self.stdout.write(f"Pages (server-side, django.test.Client, median of {runs} after a warm-up):")
        pages = []
        for name, url in urls:
            page = {"name": name, "url": url, **_timed(lambda url=url: client.get(url, secure=True), runs)}
            response = page.pop("result")
            page["status"] = response.status_code
            page["bytes"] = len(response.content)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, secure=True)
            page["queries"] = len(queries)
            page["slowest_query_ms"] = max((float(q["time"]) * 1000 for q in queries.captured_queries), default=0.0)
            pages.append(page)
            note = "" if response.status_code == 200 else "  (not 200: view missing or failing)"
            self.stdout.write(
                f"  {page['median_ms']:8.1f} ms  (cold {page['cold_ms']:.0f} ms, {page['queries']} queries) "
                f"{response.status_code} {url}{note}"
            )

        timezone = reporting_timezone_get()
        viewer = privacy.Viewer(scope=Scope.PSEUDONYMOUS)
        members = lambda: activity.member_activity_list(viewer=viewer, as_of=end, timezone=timezone).rows
        calls = [
            ("usage_totals_get", lambda: activity.usage_totals_get(as_of=end, timezone=timezone)),
            ("conversation_windows_get", lambda: activity.conversation_windows_get(as_of=end, timezone=timezone)),
            ("daily_active_users_list", lambda: activity.daily_active_users_list(as_of=end, timezone=timezone)),
            ("daily_conversations_list", lambda: activity.daily_conversations_list(as_of=end, timezone=timezone)),
            ("member_activity_list top 25", lambda: list(members().order_by("-conversations_all_time")[:25])),
            ("member_activity_list count", lambda: members().count()),
            ("conversation_distribution_get", lambda: activity.conversation_distribution_get(as_of=end, timezone=timezone)),
            (
                "member_leaderboard_list",
                lambda: activity.member_leaderboard_list(viewer=viewer, as_of=end, timezone=timezone),
            ),
        ]
        self.stdout.write("Selectors:")
        selectors = []
        for name, call in calls:
            timing = _timed(call, runs)
            timing.pop("result")
            selectors.append({"name": name, **timing})
            self.stdout.write(f"  {timing['median_ms']:8.1f} ms  (cold {timing['cold_ms']:.0f} ms) {name}")
        return pages, selectors

    # -- summary ---------------------------------------------------------------------------------

    def _summary(self, results: list[dict]) -> None:
        if not results:
            raise CommandError("No results to summarise.")
        results = sorted(results, key=lambda r: (r["vendor"] != "sqlite", -r["import"]["rows_imported"]))
        w = self.stdout.write
        machine = results[0]["machine"]
        w("")
        w("=" * 100)
        w(
            f"Machine: {machine['nproc']} CPUs, {machine['cpu_model']}, {machine['ram_gib']:.1f} GiB RAM; "
            f"Python {machine['python']}, Django {machine['django']}"
        )
        loads = ", ".join(f"{r['label']} {r['load_before'][0]:.1f}→{r['load_after'][0]:.1f}" for r in results)
        w(f"Load average (1 min) before→after each run: {loads}")
        for r in results:
            code = r.get("code") or {}
            modified = ", ".join(line[3:] for line in code.get("modified", [])) or "none"
            w(f"Code for {r['label']}: commit {code.get('commit', '?')}, uncommitted changes: {modified}")
        w("")
        w(
            f"{'run':<18} {'database':<17} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'target':>7} {'peak MB':>8} "
            f"{'CPU s':>6} {'PG CPU s':>8} {'rows/CPU-s':>10} {'stolen':>7}  ok?"
        )
        for r in results:
            imp = r["import"]
            target = TARGET_ROWS_PER_S.get(r["vendor"], 0)
            ok = imp["rows_per_second"] >= target and imp["peak_rss_mb"] < TARGET_PEAK_MB and not imp["rows_rejected"]
            cpu = imp["cpu_user_seconds"] + imp["cpu_system_seconds"]
            pg_cpu = imp.get("postgres_server_cpu_seconds")
            pg_text = f"{pg_cpu:.1f}" if pg_cpu is not None else "-"
            steal = (imp.get("machine_cpu") or {}).get("steal", 0.0)
            w(
                f"{r['label']:<18} {r['database']['version'][:17]:<17} {imp['rows_imported']:>10,} {imp['seconds']:>8.1f} "
                f"{imp['rows_per_second']:>9,.0f} {target:>7,} {imp['peak_rss_mb']:>8.0f} {cpu:>6.1f} {pg_text:>8} "
                f"{imp['rows_imported'] / max(cpu + (pg_cpu or 0), 1e-9):>10,.0f} {steal:>7.0%}  {'yes' if ok else 'NO'}"
            )
        w(
            "rows/s is wall-clock (the target); rows/CPU-s divides by importer + PostgreSQL CPU time, which "
            "hides contention; stolen = share of the machine's CPU time taken by the hypervisor during the import."
        )
        by_vendor: dict[str, dict[int, float]] = {}
        for r in results:
            by_vendor.setdefault(r["vendor"], {})[r["import"]["rows_imported"]] = r["import"]["peak_rss_mb"]
        for vendor, peaks in by_vendor.items():
            if len(peaks) > 1:
                small, large = min(peaks), max(peaks)
                w(
                    f"Memory flatness, {vendor}: peak {peaks[small]:.0f} MB at {small:,} rows vs {peaks[large]:.0f} MB "
                    f"at {large:,} rows ({peaks[large] / peaks[small]:.2f}x for {large / small:.0f}x the rows)"
                )
        with_pages = [r for r in results if r.get("pages")]
        if with_pages:
            w("")
            w(f"Pages, median of runs in ms (target < {TARGET_PAGE_MS} ms; cold = first request):")
            header = f"{'page':<30}" + "".join(f"{r['label']:>24}" for r in with_pages)
            w(header)
            for i, page in enumerate(with_pages[0]["pages"]):
                cells = []
                for r in with_pages:
                    p = r["pages"][i]
                    mark = "" if p["status"] == 200 and p["median_ms"] < TARGET_PAGE_MS else " !"
                    status = "" if p["status"] == 200 else f" [{p['status']}]"
                    cells.append(f"{p['median_ms']:.0f} (cold {p['cold_ms']:.0f}){status}{mark}".rjust(24))
                w(f"{page['name']:<30}" + "".join(cells))
            w("")
            w("Selectors, median ms:")
            for i, sel in enumerate(with_pages[0]["selectors"]):
                w(f"{sel['name']:<30}" + "".join(f"{r['selectors'][i]['median_ms']:>24.1f}" for r in with_pages))
        w("=" * 100)


STALE_DATASET_EXIT = 3
TARGET_10M_MS = {"postgresql": 100, "sqlite": 300}
TEN_MILLION_URLS = (
    ("overview", "/dashboard/"),
    ("conversations", "/dashboard/conversations/"),
    ("rollout", "/dashboard/rollout/"),
    ("claude code", "/dashboard/claude-code/"),
    ("chart: daily active users", "/dashboard/charts/daily-active-users.json"),
    ("chart: daily conversations", "/dashboard/charts/daily-conversations.json"),
    ("chart: users by conversations", "/dashboard/charts/conversation-distribution.json"),
    ("chart: weekly", "/dashboard/charts/weekly.json"),
    ("chart: code active users", "/dashboard/charts/code-active-users.json"),
    ("chart: code sessions", "/dashboard/charts/code-sessions.json"),
    ("chart: code weekly active users", "/dashboard/charts/code-weekly-active-users.json"),
    ("chart: code weekly sessions", "/dashboard/charts/code-weekly-sessions.json"),
    ("chart: support tickets", "/dashboard/charts/support-tickets.json"),
)
EXPORT_VIEWS = ("overview", "conversations", "rollout", "claude-code")
ROLE_LOGINS = {"usage viewer": ("bench-usage-viewer", "USAGE_VIEWERS"), "individual-detail viewer": ("bench-individual-viewer", "INDIVIDUAL_VIEWERS")}


def _role_client(role: str):
    """A test client logged in as a user holding only the role's group (portal.roles)."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from portal import roles

    username, group_constant = ROLE_LOGINS[role]
    user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.com"})
    user.groups.set([Group.objects.get(name=getattr(roles, group_constant))])
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _export_build(*, username: str, view: str, scope, as_of: date, group: str):
    """One export built as its request or task would build it (CSV), then deleted with its file."""
    from django.contrib.auth.models import User

    from exports.services import export_create, export_file_delete

    user = User.objects.get(username=username)
    export = export_create(user=user, view=view, format="csv", as_of=as_of, sort="", scope=scope, group=group, build_now=True)
    export_file_delete(export=export)
    export.delete()
    return export


def _page_figure(name: str, timed: dict, status: int, queries: int, target: int) -> dict:
    return {
        "figure": f"{connection.vendor}: {name}",
        "value": round(timed["median_ms"], 1),
        "unit": "ms",
        "target": f"<= {target} ms",
        "ok": status == 200 and timed["median_ms"] <= target,
        "note": f"{queries} queries; cold {timed['cold_ms']:.0f} ms" + ("" if status == 200 else f"; status {status}"),
    }


def _figures_merge(path: Path, *, section: str, vendor: str, figures: list[dict]) -> None:
    """Write the figures into the section file, replacing earlier ones of the same name (a run of
    some roles and scopes keeps the others')."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = []
    names = {f["figure"] for f in figures}
    if path.exists():
        kept = [f for f in json.loads(path.read_text()).get("figures", []) if f["figure"] not in names]
    path.write_text(json.dumps({"section": section, "figures": kept + figures}, indent=2))


def _timed(call, runs: int) -> dict:
    started = time.perf_counter()
    result = call()
    cold = (time.perf_counter() - started) * 1000
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "cold_ms": cold,
        "median_ms": statistics.median(samples),
        "min_ms": min(samples),
        "max_ms": max(samples),
        "samples_ms": samples,
        "result": result,
    }


_DUCKDB_LOAD = """
import sys, tempfile, time, duckdb
with tempfile.TemporaryDirectory(prefix="bench-duckdb-") as folder:
    connection = duckdb.connect(folder + "/load.duckdb")
    connection.execute("SET enable_progress_bar = false")
    started = time.perf_counter()
    connection.execute("CREATE TABLE audit AS SELECT * FROM read_csv(?)", [sys.argv[1]])
    elapsed = time.perf_counter() - started
    print(elapsed, connection.execute("SELECT count(*) FROM audit").fetchone()[0])
"""


def _duckdb_load_seconds(csv_path: Path, rows: int) -> float:
    """DuckDB's load of the CSV into a table of its own (read_csv with its type detection, then the
    insert), in a process of its own: a child started later would inherit this one's peak RSS."""
    output = subprocess.run([sys.executable, "-c", _DUCKDB_LOAD, str(csv_path)], check=True, capture_output=True, text=True)
    elapsed, loaded = output.stdout.split()[-2:]
    if int(loaded) != rows:
        raise CommandError(f"DuckDB loaded {int(loaded):,} rows, not {rows:,}")
    return float(elapsed)


# The database's own share of an import: the rows the import stored, read back, then stored again
# into an empty copy of the event table (its columns, unique key and indexes) in one transaction,
# the fastest way each database takes rows (PostgreSQL: COPY of COPY's own output; SQLite: one
# prepared INSERT run for every row). No import can be faster than this on that schema.
_STORE_FLOOR = """
import io, os, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "usage_portal.settings")
django.setup()
from django.db import connection, transaction
columns = "occurred_at, event, member_id, entity_type, entity_id, client_platform, upload_id, dedupe_key"
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        # Not a temporary table: those skip the write-ahead log, which the event table's inserts do not.
        cursor.execute("CREATE TABLE floor_event (LIKE analytics_event INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)")
        data = io.BytesIO()
        with cursor.cursor.copy(f"COPY (SELECT {columns} FROM analytics_event) TO STDOUT") as copy:
            for block in copy:
                data.write(block)
        started = time.perf_counter()
        with transaction.atomic(), cursor.cursor.copy(f"COPY floor_event ({columns}) FROM STDIN") as copy:
            copy.write(data.getvalue())
    else:
        cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'analytics_event' "
                       "AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC")
        for kind, name, sql in cursor.fetchall():
            sql = sql.replace('"analytics_event"', '"floor_event"')
            cursor.execute(sql.replace(f'"{name}"', f'"floor_{name}"', 1) if kind == "index" else sql)
        cursor.execute(f"SELECT {columns} FROM analytics_event")
        rows = cursor.fetchall()
        started = time.perf_counter()
        with transaction.atomic():
            cursor.executemany(f"INSERT INTO floor_event ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)
    elapsed = time.perf_counter() - started
    cursor.execute("SELECT count(*) FROM floor_event")
    stored = cursor.fetchone()[0]
    cursor.execute("DROP TABLE floor_event")
print(elapsed, stored)
"""


def _store_floor_seconds(manage: list[str], env: dict, rows: int) -> float:
    output = subprocess.run([manage[0], "-c", _STORE_FLOOR], env=env, cwd=Path(manage[1]).parent, check=True,
                            capture_output=True, text=True)
    elapsed, stored = output.stdout.split()[-2:]
    if int(stored) != rows:
        raise CommandError(f"the floor stored {int(stored):,} rows, not {rows:,}")
    return float(elapsed)


def machine_info() -> dict:
    import django

    cpu_model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model,
        "ram_gib": ram,
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def cpu_ticks() -> list[int]:
    """The machine-wide CPU counters of /proc/stat (user nice system idle iowait irq softirq steal)."""
    try:
        return [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    except (OSError, ValueError, IndexError):
        return []


def cpu_share(before: list[int], after: list[int]) -> dict:
    """How the machine's CPUs were spent between two cpu_ticks(): this run competes with others
    for two vCPUs, and a hypervisor may take ("steal") a share of them too."""
    if not before or not after:
        return {"busy": 0.0, "steal": 0.0, "idle": 0.0}
    delta = [b - a for a, b in zip(before, after)]
    total = max(sum(delta), 1)
    user, nice, system, idle, iowait, irq, softirq, steal = delta
    return {
        "busy": (user + nice + system + irq + softirq) / total,
        "steal": steal / total,
        "idle": (idle + iowait) / total,
    }


def postgres_cpu_seconds() -> float | None:
    """CPU seconds used so far by a local PostgreSQL: its live processes plus the children the
    postmaster has reaped (a finished backend's time moves into the postmaster's cutime).
    Includes any other client's work on the same server; None when no postgres process is visible."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.find("(") + 1 : text.rfind(")")]
        if name not in ("postgres", "postmaster"):
            continue
        fields = text[text.rfind(")") + 2 :].split()
        found = True
        parent_is_postgres = False
        try:
            parent = Path(f"/proc/{fields[1]}/stat").read_text()
            parent_is_postgres = parent[parent.find("(") + 1 : parent.rfind(")")] in ("postgres", "postmaster")
        except OSError:
            pass
        utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
        total += utime + stime + (0 if parent_is_postgres else cutime + cstime)
    return total / ticks if found else None


def code_info() -> dict:
    """The commit benchmarked, and which tracked files differed from it (others edit the tree too)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=10
            ).stdout.rstrip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "--short", "HEAD"), "modified": git("status", "--porcelain", "--untracked-files=no").splitlines()}


def database_info() -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0].split(' (')[0]}"
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            version = connection.vendor
    return {"vendor": connection.vendor, "version": version, "name": str(connection.settings_dict["NAME"])}


def _usage_report_write(path: Path, *, rows: int, members: int, days: int, end: date) -> None:
    """A usage-report page of `rows` records (members × dates × terminals), written as it goes."""
    terminals = ("vscode", "iTerm.app", "tmux", "jetbrains")
    per_day = max(1, rows // days)
    with path.open("w") as out:
        out.write('{"data": [')
        for n in range(rows):
            day = end - timedelta(days=n // per_day % days)
            member, terminal = n % per_day % members, terminals[n // (per_day * days) % len(terminals)]
            if n:
                out.write(",")
            out.write(json.dumps({
                "date": day.isoformat(),
                "actor": {"type": "user_actor", "email_address": f"member{member}@example.com"},
                "organization_id": "00000000-0000-4000-8000-00000000be0c",
                "customer_type": "subscription",
                "terminal_type": terminal,
                "core_metrics": {"num_sessions": 1 + n % 5, "lines_of_code": {"added": n % 300, "removed": n % 40},
                                 "commits_by_claude_code": n % 3, "pull_requests_by_claude_code": n % 2},
                "tool_actions": {"edit_tool": {"accepted": n % 20, "rejected": n % 3}},
                "model_breakdown": [{"model": "claude-sonnet-4-5",
                                     "tokens": {"input": 1000, "output": 200, "cache_read": 0, "cache_creation": 0},
                                     "estimated_cost": {"currency": "USD", "amount": n % 500}}],
            }))
        out.write('], "has_more": false, "next_page": null}')
