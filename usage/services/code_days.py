"""Deciding each member's Claude Code figures per UTC date (usage.models.CodeDay, CodeDayModel).

For one member and date exactly one source counts, in this order: the usage report (summed over
terminal types), else the analytics API's claude_code_metrics, else the OpenTelemetry metrics
summed over that UTC date. Two sources are never added together. Called for the member-dates an
import or a purge touched (ingest.signals.code_records_changed), inside its transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q

from ingest.models import CodeModelUsage, CodeSource, CodeUsage, OtelPoint
from usage.models import CodeDay, CodeDayModel

PRECEDENCE = (CodeSource.USAGE_REPORT, CodeSource.ANALYTICS, CodeSource.OTEL)
FIGURES = ("sessions", "lines_added", "lines_removed", "commits", "pull_requests", "edits_accepted", "edits_rejected")
TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")
# OpenTelemetry metric (and the attribute value that splits it) → CodeDay figure.
OTEL_FIGURES = {
    ("session.count", ""): "sessions",
    ("lines_of_code.count", "added"): "lines_added",
    ("lines_of_code.count", "removed"): "lines_removed",
    ("commit.count", ""): "commits",
    ("pull_request.count", ""): "pull_requests",
    ("code_edit_tool.decision", "accept"): "edits_accepted",
    ("code_edit_tool.decision", "reject"): "edits_rejected",
}
SPLIT_METRICS = frozenset({"lines_of_code.count", "code_edit_tool.decision"})
OTEL_TOKENS = {
    "input": "input_tokens",
    "output": "output_tokens",
    "cacheRead": "cache_read_tokens",
    "cacheCreation": "cache_creation_tokens",
}
CHUNK = 500  # member-dates decided per round of queries


def code_days_refresh(*, member_dates: Iterable[tuple[int, date]]) -> None:
    pairs = sorted(set(member_dates))
    if not pairs:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # The touched member-dates in a temporary table, so that each step is one set-based statement.
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_PAIRS} (member_id bigint NOT NULL, date date NOT NULL)")
        cursor.execute(f"DELETE FROM {_PAIRS}")
        ops = connection.ops
        for start in range(0, len(pairs), CHUNK):
            cursor.executemany(
                f"INSERT INTO {_PAIRS} (member_id, date) VALUES (%s, %s)",
                [(member_id, ops.adapt_datefield_value(day)) for member_id, day in pairs[start : start + CHUNK]],
            )
        for model in (CodeDay, CodeDayModel):
            table = model._meta.db_table
            cursor.execute(
                f"DELETE FROM {table} WHERE EXISTS "
                f"(SELECT 1 FROM {_PAIRS} p WHERE p.member_id = {table}.member_id AND p.date = {table}.date)"
            )
        cursor.execute(_INSERT_REPORTED_DAYS)
        cursor.execute(_INSERT_REPORTED_MODELS)
        # The rest fall back on OpenTelemetry: few points per member-date, summed in Python.
        cursor.execute(
            f"SELECT p.member_id, p.date FROM {_PAIRS} p WHERE NOT EXISTS "
            f"(SELECT 1 FROM {CodeUsage._meta.db_table} u WHERE u.member_id = p.member_id AND u.date = p.date "
            f"AND u.source IN ('{CodeSource.USAGE_REPORT}', '{CodeSource.ANALYTICS}'))"
        )
        otel_only = [(member_id, _as_date(day)) for member_id, day in cursor.fetchall()]
        cursor.execute(f"DELETE FROM {_PAIRS}")
    for start in range(0, len(otel_only), CHUNK):
        _refresh_from_otel(set(otel_only[start : start + CHUNK]))


_PAIRS = "code_days_touched"
# The deciding reported source of a member-date: the usage report, else the analytics API.
_DECIDING_SOURCE = f"""
    (SELECT CASE MIN(CASE s.source WHEN '{CodeSource.USAGE_REPORT}' THEN 1 WHEN '{CodeSource.ANALYTICS}' THEN 2 END)
            WHEN 1 THEN '{CodeSource.USAGE_REPORT}' WHEN 2 THEN '{CodeSource.ANALYTICS}' END
     FROM {CodeUsage._meta.db_table} s WHERE s.member_id = u.member_id AND s.date = u.date)
"""
_INSERT_REPORTED_DAYS = f"""
INSERT INTO {CodeDay._meta.db_table} (member_id, date, terminal, source, {", ".join(FIGURES)}, cost_cents)
SELECT u.member_id, u.date, u.terminal, u.source, {", ".join(f"u.{f}" for f in FIGURES)}, u.cost_cents
FROM {CodeUsage._meta.db_table} u JOIN {_PAIRS} p ON p.member_id = u.member_id AND p.date = u.date
WHERE u.source = {_DECIDING_SOURCE}
"""
_INSERT_REPORTED_MODELS = f"""
INSERT INTO {CodeDayModel._meta.db_table} (member_id, date, model, {", ".join(TOKENS)}, cost_cents)
SELECT u.member_id, u.date, m.model, {", ".join(f"SUM(m.{t})" for t in TOKENS)}, SUM(m.cost_cents)
FROM {CodeModelUsage._meta.db_table} m
JOIN {CodeUsage._meta.db_table} u ON u.id = m.usage_id
JOIN {_PAIRS} p ON p.member_id = u.member_id AND p.date = u.date
WHERE u.source = {_DECIDING_SOURCE}
GROUP BY u.member_id, u.date, m.model
"""


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _refresh_from_otel(pairs: set[tuple[int, date]]) -> None:
    points = defaultdict(list)
    narrowed = Q(member_id__in={m for m, _ in pairs}, date__in={d for _, d in pairs})
    for row in OtelPoint.objects.filter(narrowed).values("member_id", "date", "metric", "kind", "terminal", "model", "value"):
        key = (row["member_id"], row["date"])
        if key in pairs:
            points[key].append(row)
    days: list[CodeDay] = []
    models: list[CodeDayModel] = []
    for member_id, day in sorted(points):
        otel_days, otel_models = _from_otel(member_id, day, points[(member_id, day)])
        days.extend(otel_days)
        models.extend(otel_models)
    CodeDay.objects.bulk_create(days)
    CodeDayModel.objects.bulk_create(models)


def _from_otel(member_id: int, day: date, points: list[dict]) -> tuple[list[CodeDay], list[CodeDayModel]]:
    by_terminal: dict[str, dict] = {}
    by_model: dict[str, dict] = {}
    for point in points:
        figures = by_terminal.setdefault(point["terminal"], {**dict.fromkeys(FIGURES, 0), "cost_cents": Decimal(0)})
        figure = OTEL_FIGURES.get((point["metric"], point["kind"] if point["metric"] in SPLIT_METRICS else ""))
        if figure:
            figures[figure] += int(point["value"])
        elif point["metric"] == "cost.usage":
            cents = point["value"] * 100
            figures["cost_cents"] += cents
            by_model.setdefault(point["model"], {**dict.fromkeys(TOKENS, 0), "cost_cents": Decimal(0)})["cost_cents"] += cents
        elif point["metric"] == "token.usage" and point["kind"] in OTEL_TOKENS:
            by_model.setdefault(point["model"], {**dict.fromkeys(TOKENS, 0), "cost_cents": Decimal(0)})[
                OTEL_TOKENS[point["kind"]]
            ] += int(point["value"])
    days = [
        CodeDay(member_id=member_id, date=day, terminal=terminal, source=CodeSource.OTEL, **figures)
        for terminal, figures in by_terminal.items()
    ]
    models = [CodeDayModel(member_id=member_id, date=day, model=model, **values) for model, values in by_model.items() if model]
    return days, models
