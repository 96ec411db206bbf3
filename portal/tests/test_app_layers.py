"""The apps form layers (docs/architecture.md): each imports only from the apps below it, so a
change to a lower app never needs a look at the ones above. Checked on every module's imports,
the lazy ones inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# Lowest first, as INSTALLED_APPS lists them (analytics holds only the old migrations).
LAYERS = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists() and app != "analytics"]


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & set(LAYERS)


def test_the_layers_are_the_installed_apps_in_order():
    assert LAYERS == ["portal", "audit", "people", "notes", "ingest", "usage", "exports", "retention", "devtools"]


def test_no_app_imports_from_an_app_above_it():
    upward = []
    for app in LAYERS:
        allowed = set(LAYERS[: LAYERS.index(app) + 1])
        for path in sorted((ROOT / app).rglob("*.py")):
            if "tests" in path.relative_to(ROOT / app).parts:
                continue  # tests may set up whatever they need
            for other in sorted(imported_apps(path) - allowed):
                upward.append(f"{path.relative_to(ROOT)} imports {other}")
    assert upward == []
