# Kairan. The README's two commands: `make demo` and `make test`. Each installs what is
# missing (Debian packages when run as root, uv, the virtual environment) and starts what is
# not running (the embedded PostgreSQL and Redis, unless DATABASE_URL / REDIS_URL are set).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
UV := python3 -m uv
DEBIAN_PACKAGES := $(shell grep -v '^\#' infra/debian-packages.txt)
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: help demo test lint install system-packages

help:
	@echo "make demo   run Kairan locally with a sample association (http://localhost:8000/)"
	@echo "make test   lint and run the test suite"

demo: install
	$(BIN)/kairan demo

test: install lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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

$(VENV)/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

%.mo: %.po
	msgfmt --check-format -o $@ $<
