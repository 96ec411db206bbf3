"""`manage.py bench_table var/bench`: every figure `make bench` measured, in one table, with its target.

Each benchmark step writes a JSON file of its figures:
    {"section": "...", "figures": [{"figure": "...", "value": 1.0, "unit": "ms", "target": "<= 100 ms",
                                    "ok": true, "note": "..."}]}
The import-and-pages runs (`benchmark --json`, files result-*.json) have their own richer shape; they
are read into the same rows here, so one table shows everything.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from devtools.management.commands.benchmark import TARGET_PAGE_MS, TARGET_PEAK_MB, TARGET_ROWS_PER_S


class Command(BaseCommand):
    help = "Print every benchmark figure in var/bench (or the given folder) in one table with its target."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", type=Path, default=Path("var/bench"))

    def handle(self, *args, folder: Path, **options):
        sections = [section for path in sorted(folder.glob("*.json")) if (section := _section_read(path))]
        if not sections:
            raise CommandError(f"No benchmark results in {folder}.")
        self._print(sections)

    def _print(self, sections: list[dict]) -> None:
        w = self.stdout.write
        rows = [(s["section"], f) for s in sections for f in s["figures"]]
        width = max(len(f["figure"]) for _, f in rows)
        width = min(max(width, 30), 70)
        failed = 0
        w("=" * (width + 60))
        for section in sections:
            w("")
            w(f"## {section['section']}")
            w(f"{'figure':<{width}}  {'value':>14}  {'target':<16} ok?")
            for f in section["figures"]:
                ok = f.get("ok")
                failed += ok is False
                mark = {True: "yes", False: "NO", None: ""}[ok]
                w(f"{f['figure'][:width]:<{width}}  {_value(f):>14}  {f.get('target') or '':<16} {mark}")
                if f.get("note"):
                    w(f"{'':<{width}}    {f['note']}")
        w("")
        w(f"{sum(1 for _, f in rows if f.get('ok') is True)} figures meet their target, {failed} do not, "
          f"{sum(1 for _, f in rows if f.get('ok') is None)} have none.")
        w("=" * (width + 60))


def _value(figure: dict) -> str:
    value, unit = figure.get("value"), figure.get("unit") or ""
    if value is None:
        return "-"
    if isinstance(value, float) and abs(value) < 100:
        text = f"{value:,.2f}"
    elif isinstance(value, (int, float)):
        text = f"{value:,.0f}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def _section_read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and "section" in data and isinstance(data.get("figures"), list):
        return data
    if isinstance(data, dict) and "import" in data and "label" in data:
        return _import_run_section(data)
    return None


def _import_run_section(run: dict) -> dict:
    """An import-and-pages run of `benchmark --json` as rows of the table."""
    imp = run["import"]
    target = TARGET_ROWS_PER_S.get(run["vendor"], 0)
    figures = [
        {
            "figure": f"import_logs --sync, {imp['rows_imported']:,} rows",
            "value": imp["rows_per_second"],
            "unit": "rows/s",
            "target": f">= {target:,}",
            "ok": imp["rows_per_second"] >= target,
            "note": f"{imp['seconds']:.1f} s end to end",
        },
        {
            "figure": "import peak memory (RSS)",
            "value": imp["peak_rss_mb"],
            "unit": "MB",
            "target": f"< {TARGET_PEAK_MB} MB",
            "ok": imp["peak_rss_mb"] < TARGET_PEAK_MB,
        },
    ]
    for page in run.get("pages") or []:
        figures.append(
            {
                "figure": page["name"],
                "value": page["median_ms"],
                "unit": "ms",
                "target": f"< {TARGET_PAGE_MS} ms",
                "ok": page["status"] == 200 and page["median_ms"] < TARGET_PAGE_MS,
                "note": f"{page['queries']} queries, cold {page['cold_ms']:.0f} ms",
            }
        )
    return {"section": f"Import and pages: {run['label']}", "figures": figures}
