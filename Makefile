# madoguchi — the two commands: `make run` and `make test`. See README.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
DEMO ?= 1

.PHONY: run setup test lint bench messages translations lock clean

$(VENV)/.runtime: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

$(VENV)/.test: requirements-test.lock $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.lock
	@touch $@

# Compiled translations (.mo) are built, not committed. msgfmt comes with Debian's gettext.
messages:
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq gettext >/dev/null; } \
	  || { echo "msgfmt missing: install Debian's gettext package"; exit 1; }
	@mkdir -p locale  # git keeps no empty directory, and compilemessages refuses to run without one
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0

# Refresh the .po catalogues from the code (no source locations: merges stay small), then fill the
# new strings with scripts/po_fill.py. Needs Debian's gettext (installed by `make messages`).
translations: $(VENV)/.runtime messages
	$(PY) manage.py makemessages -l ja -l ja_Easy -l en -l zh_Hans -l ko -l vi -l ne --no-location --no-obsolete \
	  --ignore=.venv --ignore=var --ignore=bench -v0

# Everything `make run` needs, idempotent: a second run changes nothing and keeps the data.
setup: $(VENV)/.runtime messages
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py catalog_load
	$(PY) manage.py dx_skills_load
	@if [ "$(DEMO)" != 0 ]; then $(PY) manage.py demo_staff && $(PY) manage.py demo_talent && $(PY) manage.py demo_dxdesk; fi
	@# Eight weeks of demo history through the simulator (about a minute), only on a machine with no visits yet.
	@if [ "$(DEMO)" != 0 ]; then $(PY) manage.py demo_history --if-empty --days 56; fi
	$(PY) manage.py collectstatic --noinput -v0

run: setup
	@echo "madoguchi: http://$(HOST):$(PORT)/  (demo logins in README; Ctrl-C stops)"
	@# config/gunicorn.conf.py: the access log without query strings, /metrics summed over the workers.
	exec $(VENV)/bin/gunicorn config.wsgi -c config/gunicorn.conf.py --bind $(HOST):$(PORT) \
	  --workers $(WORKERS) --forwarded-allow-ips 127.0.0.1

test: $(VENV)/.test messages
	@scripts/test.sh

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .

bench: $(VENV)/.test messages
	@scripts/bench.sh

# Re-resolve the newest allowed versions into the lock files (needs the registry).
lock:
	rm -rf var/lockvenv && $(PYTHON) -m venv var/lockvenv
	var/lockvenv/bin/pip install --quiet . && var/lockvenv/bin/pip uninstall -y --quiet madoguchi
	{ echo "# Exact versions of the runtime dependencies named in pyproject.toml. Regenerate: make lock"; \
	  var/lockvenv/bin/pip freeze; } > requirements.lock
	var/lockvenv/bin/pip install --quiet ".[test]" && var/lockvenv/bin/pip uninstall -y --quiet madoguchi
	{ echo "# Exact versions of the test tools (runtime versions: requirements.lock). Regenerate: make lock"; \
	  echo "-r requirements.lock"; var/lockvenv/bin/pip freeze | grep -v -i -x -F -f requirements.lock; } \
	  > requirements-test.lock
	rm -rf var/lockvenv

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache
