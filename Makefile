# Quick start: `make demo` (the main job on the embedded SQLite default) and `make test`.
# Each target creates .venv and installs what it needs, so a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-check clean

# pip's -qq shows errors only. One -q still shows warnings, and a machine whose pip config
# (pip config list) names an extra index or --find-links folder that lacks some of our
# packages gets one "Location ... is ignored" warning per package: ~130 lines of noise on
# first install that say nothing about this project. Real failures are errors and still print.
PIP_INSTALL := $(BIN)/python -m pip install -qq

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/coachbot demo
	COACHBOT_DATABASE_URL=sqlite+aiosqlite:///coachbot-demo.db $(BIN)/coachbot credentials verify coachbot-demo-credential.json

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# One worker per core (TEST_WORKERS=0 runs in one process, e.g. to debug with -s or pdb).
TEST_WORKERS ?= auto

test: lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

bench: $(STAMP)
	$(BIN)/python -m bench.run_all
	$(BIN)/python -m bench.nudges
	$(BIN)/python -m bench.dispatch
	$(BIN)/python -m bench.slack_ack
	$(BIN)/python -m bench.discord
	$(BIN)/python -m bench.routing
	$(BIN)/python -m bench.evidence_open
	$(BIN)/python -m bench.credentials
	$(BIN)/python -m bench.authorization
	$(BIN)/python -m bench.ledger_export

# Every benchmark at a quick size, one table of figures against targets, non-zero on a miss.
# Not part of `test`: timings on a shared machine are not tests.
bench-check: $(STAMP)
	$(BIN)/python -m bench.check

clean:
	rm -rf $(VENV) .pytest_cache coachbot-demo.db coachbot-demo-credential.json coachbot-demo-ledger-*.csv
