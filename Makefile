# Benefits Finder. `make run` serves the app; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Exact versions with hashes of everything `.[dev,prod]` needs; refresh with `make lock` (see README).
LOCK := requirements.lock
# e.g. `make lock LOCK_FLAGS=--upgrade` (every package to its newest allowed version)
# or `make lock LOCK_FLAGS='--upgrade-package flask'`.
LOCK_FLAGS ?=
# The browser tests drive this Chromium (tests/browser/conftest.py reads the same variable).
BENEFITS_CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 5000

# Every catalogue there is (the languages are listed in app/services/language.py).
MO := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
# Static files under content-hashed names (cached for a year) with gzipped copies: app/web/assets.py.
DIGEST := static/cache_manifest.json
STATIC_SOURCES := $(filter-out $(wildcard static/*-????????????????????????????????.*) static/cache_manifest.json,\
	$(wildcard static/*.css static/*.js static/*.svg))

.PHONY: run serve test lint bench bench-web bench-impact bench-batch bench-phone fuzz-api fuzz crosscheck translations clean

# Installs exactly what the lock says (pip checks every hash), then the project itself without
# dependencies (editable, for its `flask rules` and babel entry points), built with the locked
# setuptools rather than whatever version a build environment would download.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --requirement $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation --editable .
	touch $(STAMP)

# Re-resolve the ranges in pyproject.toml (extras dev and prod; not bench) into $(LOCK), for
# CPython 3.11 and every later version on any platform (uv's universal resolution), with hashes
# of every published file. Keeps the current pins where they still fit unless LOCK_FLAGS says
# otherwise. The build backend (pyproject's build-system.requires) is locked too, read from stdin.
# uv is only needed here, never to install.
.PHONY: lock
lock:
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	[ -x $(BIN)/uv ] || $(BIN)/pip install --quiet uv
	$(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' \
		| $(BIN)/uv pip compile pyproject.toml - --extra dev --extra prod --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command 'make lock' --quiet $(LOCK_FLAGS) --output-file $(LOCK)

$(DIGEST): $(STATIC_SOURCES) $(STAMP)
	$(BIN)/flask --app app digest clean >/dev/null
	$(BIN)/flask --app app digest compile >/dev/null

# Compiled catalogues are built, not committed.
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/python -m app.catalogs compile $*

run: $(STAMP) $(MO) $(DIGEST)
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

# Production-like: gunicorn with the shipped configuration.
serve: $(STAMP) $(MO) $(DIGEST)
	BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: $(STAMP) $(MO) $(DIGEST)
	@[ -e '$(BENEFITS_CHROMIUM)' ] || echo 'WARNING: the browser tests will be SKIPPED: no Chromium at $(BENEFITS_CHROMIUM). Install it with: sudo apt-get install chromium (Debian; `bash .ci/run` does it)' >&2
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

# Our results, question and caseworker POSTs under gunicorn against bare Flask serving the same bytes (wrk, 64 connections).
bench-web: $(STAMP) $(MO) $(DIGEST)
	$(BIN)/python benchmarks/web.py

# The family's results at 360 px and printed, per reference household, in English and French (needs Chromium).
# A one-parameter change previewed over the synthetic population (benchmarks/impact.py).
bench-impact: $(STAMP)
	$(BIN)/python benchmarks/impact.py

# Schemathesis against the API of a real gunicorn: 2,000 valid and 2,000 invalid cases per operation.
fuzz-api: $(STAMP) $(MO) $(DIGEST)
	API_FUZZ_EXAMPLES=2000 $(BIN)/pytest -q -s tests/web/api/test_fuzz.py

bench-phone: $(STAMP) $(MO) $(DIGEST)
	$(BIN)/python benchmarks/phone.py

# 100,000 seeded random and malformed requests against gunicorn with the shipped config (benchmarks/fuzz.py);
# fails on any 5xx or traceback. Options: `$(BIN)/python benchmarks/fuzz.py --help`.
fuzz: $(STAMP) $(MO) $(DIGEST)
	$(BIN)/python benchmarks/fuzz.py

# Batch screening: 1,000,000 synthetic households on the array path, 100,000 on the scalar path, the
# bare ceiling (read and write only), a local Dask cluster, and policyengine-canada built from arrays
# when PE_PYTHON names a Python that has it (benchmarks/batch.py; prints figures, asserts nothing).
bench-batch: $(STAMP)
	$(BIN)/python benchmarks/batch.py --dask $(if $(PE_PYTHON),--pe $(PE_PYTHON))

# Our engine against policyengine-canada on 2,000 generated households (docs/crosscheck.md).
# Needs the optional `bench` extra, installed here (editable, like the rest); not part of `make test`.
crosscheck: $(STAMP)
	$(BIN)/python -c "import policyengine_canada" 2>/dev/null || $(BIN)/pip install --quiet --editable '.[bench]'
	$(BIN)/python benchmarks/crosscheck.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis $(DIGEST) static/*.gz static/*-????????????????????????????????.*
