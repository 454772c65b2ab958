# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MO := locales/fr/LC_MESSAGES/messages.mo locales/en/LC_MESSAGES/messages.mo \
	locales/fr/LC_MESSAGES/tutoiement.mo

.PHONY: run test install catalogs i18n lint bench clean

# The territory pack: `make run TERRITORY=dumbea` (default: PASSERELLE_TERRITORY, then
# kremlin-bicetre in the console).
TERRITORY ?=

run: install catalogs
	$(if $(TERRITORY),PASSERELLE_TERRITORY=$(TERRITORY) )$(PY) -m bot run

test: install catalogs
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy bot handlers
	$(PY) -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Compiled catalogs are build outputs: made from the .po files, never committed.
catalogs: $(MO)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile -d locales -D messages -l $* 2>&1 | grep -v '^compiling' || true
	@test -f $@

# The French interface in the "tu" register (packs with `register: tu`).
locales/fr/LC_MESSAGES/tutoiement.mo: locales/fr/LC_MESSAGES/tutoiement.po $(STAMP)
	$(VENV)/bin/pybabel compile -d locales -D tutoiement -l fr 2>&1 | grep -v '^compiling' || true
	@test -f $@

# After changing interface text: extract, merge into both catalogs, then translate
# the new English entries and their "tu" forms in locales/fr/LC_MESSAGES/tutoiement.po
# (tests fail while one is missing).
i18n: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k N_ -k n_:1,2 --no-location \
		--sort-output --project=Passerelle -o locales/messages.pot .
	for lang in fr en; do \
		test -f locales/$$lang/LC_MESSAGES/messages.po || \
			$(VENV)/bin/pybabel init -i locales/messages.pot -d locales -D messages -l $$lang --no-wrap; \
	done
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages \
		--no-fuzzy-matching --no-wrap --ignore-obsolete
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D tutoiement -l fr \
		--no-fuzzy-matching --no-wrap --ignore-obsolete

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy bot handlers

bench: install catalogs
	$(PY) bench/updates.py

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo
