# Kairan. The README's two commands: `make demo` and `make test`. Each installs what is
# missing (Debian packages when run as root, uv, the virtual environment) and starts what is
# not running (the embedded PostgreSQL and Redis, unless DATABASE_URL / REDIS_URL are set).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
UV := python3 -m uv
DEBIAN_PACKAGES := $(shell grep -v '^\#' infra/debian-packages.txt)
DEV_PACKAGES := $(shell grep -v '^\#' infra/debian-packages-dev.txt)
BENCHES := provision fanout inbound pdf scale
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help demo test bench lint stop install system-packages dev-packages browser-tools

help:
	@echo "make demo   run Kairan locally with a sample association (http://localhost:8000/)"
	@echo "make test   lint and run the test suite"
	@echo "make bench  run every benchmark (each prints one JSON line last)"
	@echo "make stop   stop the embedded PostgreSQL and Redis the other targets started"

demo: install
	$(BIN)/kairan demo

test: install lint browser-tools
	$(BIN)/pytest

# Every benchmark in turn; each prints one JSON line as its last line.
bench: install dev-packages
	@for name in $(BENCHES); do \
	  echo "== bench/$$name.py"; $(BIN)/python bench/$$name.py || exit 1; \
	done

# The embedded servers outlive `make demo` and `make test`, so that the next run starts fast.
stop:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m kairan.embedded stop; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

install: system-packages $(VENV)/.synced $(MO_FILES)

system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Please install these Debian packages: $$missing" >&2; exit 1; \
	  fi; \
	fi

# Test-only tools, never fatal: without them the browser tests skip and say why.
dev-packages:
	@missing=$$(for p in $(DEV_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages for tests: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing \
	      || echo "Could not install $$missing: browser tests will be skipped" >&2; \
	  else \
	    echo "Not installed (needs root): $$missing; browser tests will be skipped" >&2; \
	  fi; \
	fi

browser-tools: dev-packages tests/browser/node_modules/.installed

# axe-core from the npm registry, pinned by tests/browser/package-lock.json.
tests/browser/node_modules/.installed: tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --silent && touch $@ \
	    || echo "npm ci failed: accessibility tests will be skipped" >&2; \
	else \
	  echo "npm is missing: accessibility tests will be skipped" >&2; \
	fi

$(VENV)/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

%.mo: %.po
	msgfmt --check-format -o $@ $<
