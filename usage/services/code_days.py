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
    for start in range(0, len(pairs), CHUNK):
        _refresh(set(pairs[start : start + CHUNK]))


def _in_pairs(pairs: set[tuple[int, date]]) -> Q:
    return Q(member_id__in={m for m, _ in pairs}, date__in={d for _, d in pairs})


def _refresh(pairs: set[tuple[int, date]]) -> None:
    narrowed = _in_pairs(pairs)
    for model in (CodeDay, CodeDayModel):
        doomed = [pk for pk, m, d in model.objects.filter(narrowed).values_list("pk", "member_id", "date") if (m, d) in pairs]
        for start in range(0, len(doomed), 900):
            model.objects.filter(pk__in=doomed[start : start + 900]).delete()

    reported = defaultdict(list)  # (member, date) → {source: [CodeUsage values]}
    for row in CodeUsage.objects.filter(narrowed, member__isnull=False).values(
        "id", "source", "member_id", "date", "terminal", *FIGURES, "cost_cents"
    ):
        key = (row["member_id"], row["date"])
        if key in pairs:
            reported[key].append(row)
    points = defaultdict(list)
    for row in OtelPoint.objects.filter(narrowed).values("member_id", "date", "metric", "kind", "terminal", "model", "value"):
        key = (row["member_id"], row["date"])
        if key in pairs:
            points[key].append(row)

    days: list[CodeDay] = []
    models: list[CodeDayModel] = []
    usage_ids_for_models: dict[int, tuple[int, date]] = {}
    for member_id, day in pairs:
        rows = reported.get((member_id, day), [])
        source = next((s for s in PRECEDENCE[:2] if any(r["source"] == s for r in rows)), None)
        if source is not None:
            for row in rows:
                if row["source"] != source:
                    continue
                days.append(
                    CodeDay(
                        member_id=member_id,
                        date=day,
                        terminal=row["terminal"],
                        source=source,
                        cost_cents=row["cost_cents"],
                        **{f: row[f] for f in FIGURES},
                    )
                )
                usage_ids_for_models[row["id"]] = (member_id, day)
        elif (member_id, day) in points:
            otel_days, otel_models = _from_otel(member_id, day, points[(member_id, day)])
            days.extend(otel_days)
            models.extend(otel_models)
    if usage_ids_for_models:
        models.extend(_models_of_usage(usage_ids_for_models))
    CodeDay.objects.bulk_create(days)
    CodeDayModel.objects.bulk_create(models)


def _models_of_usage(usage_ids: dict[int, tuple[int, date]]) -> list[CodeDayModel]:
    summed: dict[tuple[int, date, str], dict] = {}
    ids = list(usage_ids)
    for start in range(0, len(ids), 900):
        for row in CodeModelUsage.objects.filter(usage_id__in=ids[start : start + 900]).values(
            "usage_id", "model", *TOKENS, "cost_cents"
        ):
            member_id, day = usage_ids[row["usage_id"]]
            total = summed.setdefault((member_id, day, row["model"]), dict.fromkeys((*TOKENS, "cost_cents"), 0))
            for name in (*TOKENS, "cost_cents"):
                total[name] += row[name]
    return [CodeDayModel(member_id=m, date=d, model=model, **values) for (m, d, model), values in summed.items()]


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
