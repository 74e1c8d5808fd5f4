# 选拔通 — set-up and checks. `make run` and `make test` each work on a fresh clone.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SYS_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 poppler-utils
E2E_PACKAGES := chromium
PYTEST_ARGS ?=
PORT ?= 8000

.PHONY: run test e2e lint format check sysdeps e2e-sysdeps deps clean bench

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || { PYBIN=$$(scripts/find_python.sh) && $$PYBIN -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.env:
	@sed "s/^DJANGO_SECRET_KEY=.*/DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')/" .env.example > .env
	@echo "Created .env (development settings)."

# System packages: Chinese fonts and HarfBuzz subsetting for the PDFs, poppler for looking at them.
sysdeps:
	@missing=""; for p in $(SYS_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing system packages. Run as root: apt-get install -y$$missing"; exit 1; fi; \
	fi

e2e-sysdeps:
	@missing=""; for p in $(E2E_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing system packages. Run as root: apt-get install -y$$missing"; exit 1; fi; \
	fi

deps: sysdeps $(VENV)/.installed node_modules/.installed .env

run: deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "选拔通 running on http://127.0.0.1:$(PORT) — log in with a demo account listed above."
	@# The task worker (exports, daily checkpoints) runs beside the web server; Ctrl-C stops both.
	@$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' INT TERM EXIT; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite (browser tests excluded; they run in `make e2e`). Exit code 5 (no tests) fails too.
test: deps
	$(VENV)/bin/pytest -n 2 --dist worksteal -m "not e2e" $(PYTEST_ARGS)

e2e: deps e2e-sysdeps
	$(VENV)/bin/pytest -m e2e -p no:xdist $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: deps lint
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) test

bench: deps
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules .env db.sqlite3
