import json

from django.core.management import call_command


def test_every_section_and_import_run_is_one_table_with_targets(tmp_path, capsys):
    (tmp_path / "load.json").write_text(
        json.dumps(
            {
                "section": "Load test",
                "figures": [
                    {"figure": "p95", "value": 410.0, "unit": "ms", "target": "<= 300 ms", "ok": False},
                    {"figure": "errors", "value": 0, "unit": "", "target": "0", "ok": True, "note": "of 1,234 requests"},
                ],
            }
        )
    )
    run = {
        "label": "sqlite-1M",
        "vendor": "sqlite",
        "import": {"rows_imported": 1_000_000, "rows_per_second": 40_000.0, "seconds": 25.0, "peak_rss_mb": 120.0},
        "pages": [{"name": "overview", "median_ms": 80.0, "cold_ms": 200.0, "status": 200, "queries": 12}],
    }
    (tmp_path / "result-sqlite-1M.json").write_text(json.dumps(run))
    (tmp_path / "broken.json").write_text("{not json")

    call_command("bench_table", tmp_path)

    out = capsys.readouterr().out
    assert "## Load test" in out and "## Import and pages: sqlite-1M" in out
    assert "410 ms  <= 300 ms" in out and " NO" in out
    assert "of 1,234 requests" in out and "12 queries" in out
    assert "4 figures meet their target, 1 do not" in out
