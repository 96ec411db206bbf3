# Usage Portal. `make run` sets up and runs the portal with demo data; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test bench clean

setup: $(VENV)/.installed static/vendor/chart.umd.min.js

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[test,bench]"
	touch $@

# Chart.js 4 comes from the npm registry; the built file is copied into a git-ignored folder.
static/vendor/chart.umd.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md static/vendor/
	touch $@

run: setup
	scripts/run

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	scripts/bench

clean:
	rm -rf $(VENV) node_modules static/vendor var
