# shebao — 社会保险单位网上服务系统. Quick start: `make run`, then `make test`.
# GNU make; recipes are indented with tabs.

PY ?= python3
VENV = .venv
FLASK = $(VENV)/bin/flask --app app:create_app
PYTEST_ARGS ?=

# The install stamp is named after a hash of the requirements files' content, so `make setup`
# re-runs pip only when a requirement changes (and is a no-op otherwise).
REQS = requirements.txt requirements-dev.txt
REQ_HASH := $(shell cat $(REQS) 2>/dev/null | sha256sum | cut -c1-16)
STAMP = $(VENV)/.installed-$(REQ_HASH)

.PHONY: setup python-deps system-deps translations run test bench clean babel-extract babel-update

setup: system-deps python-deps translations

system-deps:
	@bash scripts/system-packages.sh

python-deps: $(STAMP)

$(STAMP):
	@test -x $(VENV)/bin/python || $(PY) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	@rm -f $(VENV)/.installed*
	@touch $@

# Compile Babel catalogues (*.mo are not committed); skipped while translations/ has no .po file.
translations: python-deps
	@if find translations -name '*.po' 2>/dev/null | grep -q .; then \
		$(VENV)/bin/pybabel -q compile -f -d translations; \
	fi

run: setup
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(VENV)/bin/python run.py

test: setup
	$(VENV)/bin/python -m pytest tests --ignore=tests/benchmarks -p no:cacheprovider -rs $(PYTEST_ARGS)

bench: setup
	$(VENV)/bin/python -m pytest tests/benchmarks -s -p no:cacheprovider $(PYTEST_ARGS)

clean:
	rm -f instance/*.db $(VENV)/.installed*

babel-extract: python-deps
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k __ -o translations/messages.pot .

babel-update: python-deps
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations
