# The README's first commands. Needs only Python 3.11+, git and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-from-lock
UV_VERSION := 0.13.9

.PHONY: setup demo feed-demo test run dev notebook migrate bench bench-quick crash-loop fault-soak dictionary lock clean

# The dependencies' bytecode is compiled once here: where PYTHONDONTWRITEBYTECODE is set (this project's
# development machines, many containers) Python would otherwise compile Dagster's sources again in every process
# it starts, about 3 s of each CLI run and each worker process.
# The project itself is built against the locked Cython and lxml (no build isolation): that compiles the optional
# compiled parser (setup.py) where a C compiler is at hand; the last line says which parser this machine runs.
$(INSTALLED): requirements.lock pyproject.toml setup.py Makefile $(wildcard transforms/*.pyx)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation --reinstall-package insider-warehouse -e .
	@$(BIN)/python -c "from transforms.normalize import COMPILED_PARSER_BUILT as built; \
		print('parser: compiled (transforms/_batch_parser.pyx)' if built else \
		'parser: pure Python, about 3x slower: no C compiler or Python headers here (install gcc and python3-dev, then make setup)')"
	touch $@

setup: $(INSTALLED) ## create .venv from the lockfile

demo: setup ## offline: serve fixtures/mirror on 127.0.0.1, ingest its days into data/, print the summary
	$(BIN)/insider-warehouse demo

feed-demo: setup ## offline, about 3 minutes: the mirror's filings arrive in its latest-filings feed as if accepted now; watch loads and publishes each, then the summary shows their latency
	$(BIN)/insider-warehouse demo --feed

# The local Dagster instance (data/dagster): telemetry off, one run at a time. A user's own settings there are kept.
DAGSTER_HOME_DIR := $(CURDIR)/data/dagster
define dagster_home
	@mkdir -p $(DAGSTER_HOME_DIR)
	@[ -f $(DAGSTER_HOME_DIR)/dagster.yaml ] || cp orchestration/instance.yaml $(DAGSTER_HOME_DIR)/dagster.yaml
endef

test: setup ## lint, then every test (CI runs exactly this)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(dagster_home)
	DAGSTER_HOME=$(DAGSTER_HOME_DIR) $(BIN)/dg check defs
	$(BIN)/pytest

run: setup ## live EDGAR: needs EDGAR_USER_AGENT="Your Name you@example.com"; ingests the nightly window
	$(BIN)/insider-warehouse ingest $(if $(START),--start $(START)) $(if $(END),--end $(END))

dev: setup ## the Dagster UI on http://127.0.0.1:3000 with the local instance under data/dagster
	$(dagster_home)
	DAGSTER_HOME=$(DAGSTER_HOME_DIR) $(BIN)/dg dev

notebook: setup ## the notebook headless, on the published copy: its pictures go to data/pictures/
	NOTEBOOK_OUTPUT_DIR=$(CURDIR)/data/pictures MPLBACKEND=Agg $(BIN)/python notebooks/insider_holdings.py
	@echo "pictures in data/pictures/"

migrate: setup ## bring data/warehouse.duckdb to this release's schema (every run also does this first)
	$(BIN)/insider-warehouse migrate

bench: setup ## benchmarks at full scale (50,000 filings, 10M-row warehouse), each against a same-run baseline
	$(BIN)/python -m bench.run

bench-quick: setup ## the same benchmarks at a small scale (about a minute)
	$(BIN)/python -m bench.run --filings 2000 --days 10 --warehouse-rows 50000 --load-copies 5 --f345-quarters 2 --f345-submissions 2000 --schedule13-filings 5000

crash-loop: setup ## SIGKILL the ingest run, then a history load, 50 times each at random moments; the warehouse must stay whole
	$(BIN)/python -m bench.crash_loop --runs 50
	$(BIN)/python -m bench.crash_loop --runs 50 --f345

fault-soak: setup ## a generated 5,000-filing week from a mirror injecting every fault, by ingest and then by the feed (watch --once hour by hour, some runs killed, then the nightly); all must end loaded once and published
	$(BIN)/python -m bench.fault_soak --filings 5000 --days 5

dictionary: setup ## regenerate docs/data_dictionary.md (CI fails when it is stale)
	$(BIN)/insider-warehouse dictionary

lock: ## re-pin every dependency (needs the registry)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal --generate-hashes \
		-o requirements.lock

clean: ## remove the warehouse, raw archive and Dagster instance (not the virtualenv)
	find data -mindepth 1 ! -name .gitkeep -delete
