# make run   – install, migrate, seed demo data, start web + RQ worker (see crm/devrun.py)
# make test  – install, ruff, the whole pytest suite including browser tests
# make test-e2e-repeat N=20 – the browser tests N times under CPU load
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TRANSLATIONS := crm/translations
CHROMIUM := /usr/bin/chromium
LOCALES := zh
CATALOGS := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
PYTEST_ARGS ?=
N ?= 20

.PHONY: install run test test-e2e-repeat lint bench chromium pdf-libs translations clean

install: pdf-libs $(STAMP) $(COMPILED)

# WeasyPrint (the collection letter as a PDF) needs Debian's Pango and CJK fonts.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
pdf-libs:
	@missing=$$(for p in $(PDF_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "PDF letters need, as root: apt-get install -y --no-install-recommends" $$missing; \
	  else \
	    apt-get update && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y --no-install-recommends $$missing; \
	  fi; \
	fi

# One install (dev extras included) serves both `run` and `test`.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -e '.[dev]'
	touch $@

# Compiled catalogs are build output (.gitignore); rebuilt whenever a .po changes.
%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel -q compile -i $< -o $@

run: install
	CRM_DEMO=$${CRM_DEMO:-1} $(PY) -m crm.devrun

# TEST_PROCESSES: pytest-xdist processes (CI runs its two rounds side by side with 2 each)
TEST_PROCESSES ?= 3
test: install chromium lint
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

# The browser tests N times in a row with a bounded busy loop on the other core (issue 19).
test-e2e-repeat: install chromium
	$(PY) -m tests.e2e.repeat --runs $(N) -- $(PYTEST_ARGS)

# Benchmarks: BENCH_SIZE=small|medium|large (default medium) into DATABASE_URL (default a SQLite
# file in bench/data); results in bench/results/.
bench: install
	$(PY) -m bench --size $${BENCH_SIZE:-medium} $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# Browser tests drive Debian's chromium (Playwright's own download needs the internet).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "make test needs $(CHROMIUM). As root run:"; \
	    echo "  apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-cjk"; \
	    exit 1; \
	  fi; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends chromium fonts-noto-cjk; \
	fi

translations: install
	mkdir -p $(TRANSLATIONS)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext \
	  -o $(TRANSLATIONS)/messages.pot .
	for locale in $(LOCALES); do \
	  test -f $(TRANSLATIONS)/$$locale/LC_MESSAGES/messages.po || \
	    $(VENV)/bin/pybabel init -d $(TRANSLATIONS) -i $(TRANSLATIONS)/messages.pot -l $$locale; \
	done
	$(VENV)/bin/pybabel update -d $(TRANSLATIONS) -i $(TRANSLATIONS)/messages.pot \
	  --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) instance/crm.db instance/crm.db-wal instance/crm.db-shm
