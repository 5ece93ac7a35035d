# Benefits Finder. `make run` serves the app; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

MO := translations/en/LC_MESSAGES/messages.mo translations/fr/LC_MESSAGES/messages.mo

.PHONY: run serve test lint bench crosscheck translations clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --editable '.[dev,prod]'
	touch $(STAMP)

# Compiled catalogues are built, not committed.
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@ -l $*

run: $(STAMP) $(MO)
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

# Production-like: gunicorn with the shipped configuration.
serve: $(STAMP) $(MO)
	BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: $(STAMP) $(MO)
	$(BIN)/ruff check .
	$(BIN)/flask rules check
	$(BIN)/flask rules test
	$(BIN)/pytest

# After changing any English text: refresh the catalogues, then translate what is new in fr.
translations: $(STAMP)
	$(BIN)/python -m app.catalogs update

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py

# Our engine against policyengine-canada on 2,000 generated households (docs/crosscheck.md).
# Needs the optional `bench` extra, installed here (editable, like the rest); not part of `make test`.
crosscheck: $(STAMP)
	$(BIN)/python -c "import policyengine_canada" 2>/dev/null || $(BIN)/pip install --quiet --editable '.[bench]'
	$(BIN)/python benchmarks/crosscheck.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
