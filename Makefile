# jobspec: the two commands a new user needs are `make demo` and `make test`.
# Both create the virtualenv and build the Pulumi engine when they are missing.
SHELL := bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: setup engine demo test test-fast bench lint schema docs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

engine:
	bash tools/ensure-pulumi.sh >/dev/null

demo: setup engine
	$(PY) -m tools.demo

test: setup engine
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -m "not e2e"

bench: setup engine
	$(PY) -m bench.run

lint: setup
	$(VENV)/bin/jobspec lint jobspecs

schema: setup
	$(VENV)/bin/jobspec schema > schema/jobspec.schema.json
	$(VENV)/bin/jobspec schema --defaults > schema/defaults.schema.json

clean:
	rm -rf $(VENV) .tools .state

docs: setup
	$(PY) -m tools.gen_docs
