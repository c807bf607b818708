# Every target works on a fresh clone with only Python 3 and make installed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install clean fuzz

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install only when the project metadata or the compiled queue changes (idempotent).
$(STAMP): pyproject.toml setup.py src/netqsim/kernel/_cqueue.c | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m netqsim.demo

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 -q

# The robustness suite with a large fuzz budget (make test runs a small one).
fuzz: $(STAMP)
	NETQSIM_FUZZ_EXAMPLES=2000 $(PY) -m pytest -n 2 -q tests/robustness

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy src

bench: $(STAMP)
	for b in benchmarks/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info src/*.egg-info src/netqsim/kernel/*.so
