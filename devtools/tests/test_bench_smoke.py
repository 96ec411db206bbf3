"""`make bench` in miniature: the benchmark script runs end to end at a tiny size and prints its
table of figures and targets. The figures are not checked (a busy CI machine says nothing about
speed); that every step runs, writes its results and reaches the table is."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_make_bench_runs_end_to_end_at_a_tiny_size(tmp_path):
    on_postgresql = connection.vendor == "postgresql"
    env = {
        **os.environ,
        "BENCH_ROWS": "2000",
        "BENCH_SMALL_ROWS": "1000",
        "BENCH_MEMBERS": "40",
        "BENCH_DAYS": "14",
        "BENCH_RUNS": "1",
        "BENCH_HOSTILE_SCALE": "0.01",
        "BENCH_PARTITION_EVENTS": "5000",
        "BENCH_SCALING_BROKER_URL": "redis://127.0.0.1:6379/8",
        "BENCH_SCALING_CHUNK_ROWS": "500",
        "BENCH_LOAD_USERS": "3",
        "BENCH_LOAD_SECONDS": "5",
        "BENCH_10M_EVENTS": "20000",
        "BENCH_10M_MEMBERS": "200",
        "BENCH_10M_PG_URL": "postgres://postgres@127.0.0.1:5432/usage_portal_bench_10m_smoke",
        "BENCH_DATABASES": "postgresql" if on_postgresql else "sqlite",
        "BENCH_PG_URL": "postgres://postgres@127.0.0.1:5432/usage_portal_bench_smoke",
        "BENCH_OUT": str(tmp_path / "bench"),
        "BENCH_SQLITE_DIR": str(tmp_path / "sqlite"),
    }
    done = subprocess.run(["scripts/bench"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = done.stdout.split("### Every figure with its target", 1)[-1]
    label = "postgresql" if on_postgresql else "sqlite"
    assert f"## Import and pages: {label}-2k" in table
    assert "figures meet their target" in table
