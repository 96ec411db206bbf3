"""What the tests share, outside any test file: fixtures and hooks as pytest plugins (listed in the
root conftest.py's pytest_plugins), helpers and constants to import, and the sample files in data/."""

from pathlib import Path

DATA = Path(__file__).parent / "data"
SAMPLES = DATA / "samples"
