"""`manage.py benchmark --load`: many signed-in viewers at once against gunicorn on 127.0.0.1.

On the configured database (DATABASE_URL; it must be migrated and hold the dataset to measure):
make two accounts, a Usage viewer and an Individual-detail viewer, with fresh random passwords;
list every dashboard page and chart with its as-of, group and range variants; start gunicorn
(4 sync workers, production settings: DEBUG off, behind a TLS proxy) on a free port of
127.0.0.1; run Locust headless (devtools/loadtest/locustfile.py) with `users` users and no think
time for `seconds`; then stop both and check that the access log holds exactly one record per
request Locust made. Every step has a deadline, so the run ends within `seconds` plus setup.

Figures: requests/s, p50/p95/p99 (every dashboard request in the window, as Locust's client
timed it), errors (any answer but 200, or none), access records against requests (in total and
per view), and the CPU the web workers and PostgreSQL spent per request. Written as
{"section", "figures"} JSON; figures of the same label in that file are replaced, others kept.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from audit.models import AccessRecord
from portal.roles import INDIVIDUAL_VIEWERS, USAGE_VIEWERS
from portal.selectors import reporting_timezone_get, reporting_today

TARGET_P95_MS = 300
WORKERS = 4
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
ACCOUNTS = {"usage": ("load-viewer", USAGE_VIEWERS), "individual": ("load-coach", INDIVIDUAL_VIEWERS)}
PAGES = ["dashboard-overview", "dashboard-conversations", "dashboard-rollout", "dashboard-claude-code"]
CHARTS = [
    "chart-daily-active-users",
    "chart-daily-conversations",
    "chart-conversation-distribution",
    "chart-weekly",
    "chart-code-active-users",
    "chart-code-sessions",
    "chart-code-weekly-active-users",
    "chart-code-weekly-sessions",
    "chart-support-tickets",
]
# Deadlines of the steps around the window, in seconds.
SERVER_START_SECONDS = 60
SIGN_IN_SECONDS = 120  # 50 password checks (PBKDF2) on a busy 2-core machine take a while
STOP_SECONDS = 30


def load_test_run(*, users: int, seconds: int, label: str, json_path: Path | None, write, warm: bool = False) -> dict:
    """Run the load test; `write` prints a line. Returns {"section", "figures", "details"}.
    `warm`: first open every URL once as each viewer (what the figure cache holds once the pages
    have been visited since the last import), so that the window measures the steady state."""
    if users < 1 or seconds < 1:
        raise CommandError("The load test needs at least one user and one second.")
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError("The database has unapplied migrations: run `manage.py migrate` first.")
    begun = time.time()
    folder = Path(tempfile.mkdtemp(prefix="loadtest-", dir=_var_dir()))
    accounts = _accounts_ensure()
    urls = _urls_list(write)
    plan_path, results_path = folder / "plan.json", folder / "results.json"
    plan = {
        "users": users,
        "seconds": seconds,
        "login_timeout": SIGN_IN_SECONDS,
        "results": str(results_path),
        "accounts": accounts,
        "urls": {role: urls for role in accounts},
    }
    plan_path.write_text(json.dumps(plan))
    plan_path.chmod(0o600)  # it holds the accounts' passwords
    variants = len(urls)
    write(
        f"Load test{f' ({label})' if label else ''}: {users} users, {seconds} s, no think time, over {variants} page and "
        f"chart URLs; gunicorn with {WORKERS} sync workers on {connection.vendor} ({connection.settings_dict['NAME']})"
    )
    warmed = _cache_warm(urls) if warm else None
    if warmed is not None:
        write(f"  Warm-up: every URL once as each viewer, {warmed:.1f} s")
    before = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = folder / "gunicorn.log"
    server = _server_start(port, server_log)
    sampler = None
    try:
        _server_wait(base, server, server_log)
        sampler = CpuSampler(server.pid)
        sampler.start()
        server_ready = time.time()
        locust = _locust_run(base, plan_path, folder / "locust.log", users=users, seconds=seconds)
    finally:
        if sampler:
            sampler.stop()
        server.send_signal(signal.SIGINT)  # a quick stop: every request has been answered by now
        try:
            server.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        plan_path.unlink(missing_ok=True)
    if not results_path.exists():
        raise CommandError(f"Locust wrote no results (exit {locust['exit']}); see {folder / 'locust.log'}")
    results = json.loads(results_path.read_text())
    records = AccessRecord.objects.filter(pk__gt=before)
    result = _figures(results, records, label=label, users=users, seconds=seconds, locust=locust, sampler=sampler)
    result["details"]["logs"] = str(folder)
    result["details"]["warm_up_seconds"] = warmed
    window_start, window_end = results["window_started"] or server_ready, results["window_ended"]
    result["details"]["phases_seconds"] = phases = {
        "setup and server start": server_ready - begun,
        "sign-in": window_start - server_ready,
        "window": window_end - window_start,
        "stop and checks": time.time() - window_end,
    }
    write("  time: " + ", ".join(f"{name} {value:.1f} s" for name, value in phases.items()))
    _print(result, write)
    if json_path:
        _json_merge(json_path, result, label)
        write(f"Written to {json_path}")
    return result


# -- setup -------------------------------------------------------------------------------------


def _var_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "loadtest"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _accounts_ensure() -> dict:
    """The two viewers, each with a fresh random password (never printed, never stored in clear)."""
    accounts = {}
    for role, (username, group) in ACCOUNTS.items():
        password = secrets.token_urlsafe(24)
        user, _ = User.objects.get_or_create(username=username)
        user.is_active, user.is_staff, user.is_superuser = True, False, False
        user.set_password(password)
        user.save()
        role_group = AuthGroup.objects.filter(name=group).first()
        if role_group is None:
            raise CommandError(f"The role group {group!r} is missing: run `manage.py migrate` (its data migrations make it).")
        user.groups.set([role_group])
        accounts[role] = {"username": username, "password": password}
    return accounts


def _cache_warm(urls: list[tuple[str, str]]) -> float:
    """Open every URL once as each load-test viewer, in this process: the same database and figure
    cache as the server's workers. Returns the seconds it took."""
    from django.test import Client

    started = time.perf_counter()
    for username, _ in ACCOUNTS.values():
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=username))
        for _, url in urls:
            client.get(url, secure=True)
    return time.perf_counter() - started


def _urls_list(write) -> list[tuple[str, str]]:
    """Every dashboard page and chart, each as a viewer opens it: today (no as-of), the last day
    with data, four weeks before it, for a team and a cohort, and the charts over the last 30 days."""
    from people.models import Cohort, Member, Team
    from usage.selectors import activity

    timezone = reporting_timezone_get()
    last = activity.data_last_day_get(timezone=timezone) or reporting_today(timezone=timezone)
    on_roster = Member.objects.filter(on_roster=True)
    team = Team.objects.filter(members__in=on_roster).order_by("name").values_list("name", flat=True).first()
    cohort = Cohort.objects.filter(members__in=on_roster).order_by("name").values_list("name", flat=True).first()
    if team is None and Member.objects.exists():
        # A bare audit-log import (scripts/bench) has members but no roster: give them the demo's
        # (teams, departments, cohorts), as load_demo does, so the group variants have groups.
        from devtools.demo import demo_roster_apply

        started = time.perf_counter()
        with transaction.atomic():  # one commit, not two per member
            demo_roster_apply(seed=7)
        write(f"  The members had no roster: gave them the demo's teams and cohorts ({time.perf_counter() - started:.0f} s).")
        team = Team.objects.filter(members__in=on_roster).order_by("name").values_list("name", flat=True).first()
        cohort = Cohort.objects.filter(members__in=on_roster).order_by("name").values_list("name", flat=True).first()
    variants = [
        ("today", {}),
        ("as_of", {"as_of": last.isoformat()}),
        ("as_of -28 d", {"as_of": (last - timedelta(days=28)).isoformat()}),
    ]
    if team:
        variants.append(("team", {"as_of": last.isoformat(), "group": f"team:{team}"}))
    if cohort:
        variants.append(("cohort", {"group": f"cohort:{cohort}"}))
    urls = []
    for name in PAGES + CHARTS:
        path = reverse(name)
        for variant, query in variants:
            urls.append((f"{name} [{variant}]", f"{path}?{urlencode(query)}" if query else path))
        if name in CHARTS:
            urls.append((f"{name} [30 days]", f"{path}?{urlencode({'as_of': last.isoformat(), 'range': '30d'})}"))
    urls.append(("dashboard-conversations [sorted]", f"{reverse('dashboard-conversations')}?sort=-conversations_all_time"))
    return urls


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_start(port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "usage_portal.settings",
        "DEBUG": "false",
        "BEHIND_TLS_PROXY": "true",  # as in docs/deploy.md: TLS ends at the proxy
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "gunicorn", "usage_portal.wsgi:application",
        "--workers", str(WORKERS), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
        "--timeout", "120", "--error-logfile", str(log), "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _server_wait(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    request = urllib.request.Request(f"{base}/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn stopped ({server.returncode}): {_tail(log)}")
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise CommandError(f"gunicorn did not answer within {SERVER_START_SECONDS} s: {_tail(log)}")


def _locust_run(base: str, plan: Path, log: Path, *, users: int, seconds: int) -> dict:
    """Locust in its own process (it patches the standard library with gevent). Its --run-time
    caps the run should the window never end; normally the users end it themselves."""
    cap = SIGN_IN_SECONDS + seconds + STOP_SECONDS
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", base,
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{cap}s",
        "--stop-timeout", str(STOP_SECONDS), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LOADTEST_PLAN": str(plan)}
    started = time.perf_counter()
    with log.open("w") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            # wait4: this child's own CPU time (Locust competes with the server for the same cores).
            _, status, usage = _wait4(child, cap + STOP_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise CommandError(f"Locust did not stop within {cap + STOP_SECONDS} s; see {log}") from None
    return {
        "exit": os.waitstatus_to_exitcode(status),
        "seconds": time.perf_counter() - started,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
    }


def _wait4(child: subprocess.Popen, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return pid, status, usage
        time.sleep(0.1)
    raise subprocess.TimeoutExpired(child.args, timeout)


def _tail(log: Path) -> str:
    try:
        return log.read_text()[-2000:]
    except OSError:
        return "(no log)"


class CpuSampler(threading.Thread):
    """Samples, once a second, the CPU seconds used by gunicorn's workers and by PostgreSQL, and
    the machine's CPU counters, so the window's share can be cut out afterwards."""

    def __init__(self, master_pid: int):
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.samples: list[tuple[float, float, float | None, list[int]]] = []
        self._done = threading.Event()

    def run(self) -> None:
        from devtools.management.commands.benchmark import cpu_ticks, postgres_cpu_seconds

        while True:
            self.samples.append((time.time(), _children_cpu_seconds(self.master_pid), postgres_cpu_seconds(), cpu_ticks()))
            if self._done.wait(1.0):
                return

    def stop(self) -> None:
        self._done.set()
        self.join(5)

    def between(self, start: float, end: float) -> dict | None:
        """CPU used between the samples closest to `start` and `end`."""
        if len(self.samples) < 2:
            return None
        first = min(self.samples, key=lambda s: abs(s[0] - start))
        last = min(self.samples, key=lambda s: abs(s[0] - end))
        if last[0] <= first[0]:
            return None
        from devtools.management.commands.benchmark import cpu_share

        return {
            "seconds": last[0] - first[0],
            "web_cpu_seconds": last[1] - first[1],
            "postgres_cpu_seconds": (last[2] - first[2]) if first[2] is not None and last[2] is not None else None,
            "machine": cpu_share(first[3], last[3]),
        }


def _children_cpu_seconds(parent: int) -> float:
    """User + system CPU seconds of the live children of `parent` (gunicorn's workers)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2 :].split()
        if int(fields[1]) == parent:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


# -- figures -----------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (0 < share <= 1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(len(ordered) * share) - 1))] if ordered else 0.0


def _figures(results: dict, records, *, label: str, users: int, seconds: int, locust: dict, sampler: CpuSampler | None) -> dict:
    samples = results["samples"]
    window = (results["window_ended"] - results["window_started"]) if results["window_started"] else 0.0
    times = [ms for _, ms, _, _, _ in samples]
    errors = [(name, status, error) for name, _, status, error, _ in samples if error]
    errors_total = len(errors) + len(results["sign_in_failures"])
    requested = len(samples)
    recorded = records.count()
    # Each Locust name is "<url name> [variant]"; the access log names the view by its URL name.
    requested_by_view = Counter(name.split(" [")[0] for name, *_ in samples)
    recorded_by_view = Counter(records.values_list("view_name", flat=True))
    view_mismatches = {
        view: {"requests": requested_by_view.get(view, 0), "records": recorded_by_view.get(view, 0)}
        for view in set(requested_by_view) | set(recorded_by_view)
        if requested_by_view.get(view, 0) != recorded_by_view.get(view, 0)
    }
    # Throughput counts the answers within the window; the requests still open at its end are
    # answered after it (each user stops between requests), and count in the timings and the log check.
    answered_in_window = sum(1 for *_, answered in samples if answered <= results["window_ended"])
    rps = answered_in_window / window if window else 0.0
    p50, p95, p99 = (_percentile(times, share) for share in (0.50, 0.95, 0.99))
    cpu = sampler.between(results["window_started"], results["window_ended"]) if sampler and results["window_started"] else None
    if cpu and connection.vendor != "postgresql":
        cpu["postgres_cpu_seconds"] = None
    prefix = f"{label}: " if label else ""
    vendor = connection.vendor
    note = f"{users} users, no think time, {window:.0f} s, gunicorn {WORKERS} sync workers, {vendor}"
    figures = [
        {"figure": f"{prefix}load p95", "value": round(p95, 1), "unit": "ms", "target": f"<= {TARGET_P95_MS} ms",
         "ok": bool(times) and p95 <= TARGET_P95_MS, "note": note},
        {"figure": f"{prefix}load p50", "value": round(p50, 1), "unit": "ms", "target": "-", "ok": None, "note": note},
        {"figure": f"{prefix}load p99", "value": round(p99, 1), "unit": "ms", "target": "-", "ok": None, "note": note},
        {"figure": f"{prefix}load throughput", "value": round(rps, 2), "unit": "req/s", "target": "-", "ok": None,
         "note": f"{answered_in_window} answered in the {window:.0f} s window, {requested - answered_in_window} more after it"},
        {"figure": f"{prefix}load errors", "value": errors_total, "unit": "requests", "target": "0",
         "ok": errors_total == 0 and requested > 0, "note": "; ".join(sorted({f"{n}: {e}" for n, _, e in errors})[:5])},
        {"figure": f"{prefix}load access records", "value": recorded, "unit": "records",
         "target": f"= {requested} (one per request)", "ok": recorded == requested and not view_mismatches,
         "note": "per view: " + (json.dumps(view_mismatches) if view_mismatches else "all match")},
    ]  # fmt: skip
    if cpu and answered_in_window:
        in_window = answered_in_window * cpu["seconds"] / window  # requests answered between the two samples, about
        web = cpu["web_cpu_seconds"] / in_window * 1000
        pg = cpu["postgres_cpu_seconds"] / in_window * 1000 if cpu["postgres_cpu_seconds"] is not None else None
        machine = cpu["machine"]
        figures.append(
            {"figure": f"{prefix}load CPU per request", "value": round(web + (pg or 0), 1), "unit": "ms", "target": "-",
             "ok": None, "note": f"web workers {web:.0f} ms" + (f" + PostgreSQL {pg:.0f} ms (every client's)" if pg is not None else "")
             + f"; machine {machine['busy']:.0%} busy, {machine['steal']:.0%} stolen; Locust used "
             f"{locust['cpu_seconds']:.0f} CPU s of the same cores"}
        )  # fmt: skip
    by_name: dict[str, list[float]] = {}
    for name, ms, *_ in samples:
        by_name.setdefault(name, []).append(ms)
    details = {
        "window_seconds": window,
        "requests": requested,
        "records": recorded,
        "sign_in_failures": results["sign_in_failures"],
        "errors": errors[:50],
        "per_view_mismatches": view_mismatches,
        "locust": locust,
        "cpu": cpu,
        "load_average": os.getloadavg(),
        "per_url": {
            name: {"requests": len(ms), "p50_ms": statistics.median(ms), "p95_ms": _percentile(ms, 0.95)}
            for name, ms in sorted(by_name.items())
        },
    }
    return {"section": f"Load test (Locust against gunicorn, {users} viewers)", "figures": figures, "details": details}


def _print(result: dict, write) -> None:
    for figure in result["figures"]:
        mark = "" if figure["ok"] is None else ("  ok" if figure["ok"] else "  NOT MET")
        target = f"  (target {figure['target']})" if figure["target"] != "-" else ""
        write(f"  {figure['figure']:<36} {figure['value']:>10} {figure['unit']:<8}{target}{mark}  {figure['note']}")
    slowest = sorted(result["details"]["per_url"].items(), key=lambda item: -item[1]["p95_ms"])[:5]
    write("  slowest URLs by p95: " + "; ".join(f"{name} {row['p95_ms']:.0f} ms" for name, row in slowest))


def _json_merge(path: Path, result: dict, label: str) -> None:
    """Write the figures, keeping those of other labels already in the file (1M and 10M runs)."""
    prefix = f"{label}: " if label else ""
    kept = []
    if path.exists():
        try:
            kept = [f for f in json.loads(path.read_text()).get("figures", []) if not f["figure"].startswith(prefix or "load ")]
        except (ValueError, KeyError, TypeError):
            kept = []
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"section": "Load test (Locust against gunicorn)", "figures": kept + result["figures"]}
    path.write_text(json.dumps(data, indent=2))
    path.with_name(f"{path.stem}-details{'-' + label if label else ''}.json").write_text(
        json.dumps(result["details"], indent=2, default=str)
    )
