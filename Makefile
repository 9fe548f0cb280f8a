# The two commands a new user needs:
#   make lab    set up (first time), start the local stack, open JupyterLab on notebooks/
#               (NO_BROWSER=1 make lab: print the URL instead of opening a browser)
#   make test   set up the same way and run every test, notebooks included (nbval)
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The first Python from 3.11 to 3.13 on the PATH; override with `make PYTHON=/path/to/python3.12`.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3,11) <= sys.version_info[:2] <= (3,13))' 2>/dev/null \
	&& { echo $$p; break; }; done)
NBVAL := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600
JUPYTEXT_NOTEBOOKS := $(wildcard notebooks/[0-9]*.py) $(wildcard solutions/*.py)

.PHONY: lab test test-busy lint setup tools stack down notebooks notebooks-alone exercises slides bench lock environment.yml clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11, 3.12 or 3.13 is needed: install one, or run make PYTHON=/path/to/python3.x"; exit 1; }
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Static-analysis tools whose pins conflict with the course's (checkov pins its own boto3), in their
# own git-ignored venv; tests/aws_mode/test_static_checks.py uses it and skips where it is missing.
tools: .venv-tools/.installed

.venv-tools/.installed: requirements-tools.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11, 3.12 or 3.13 is needed: install one, or run make PYTHON=/path/to/python3.x"; exit 1; }
	@test -d .venv-tools || $(PYTHON) -m venv .venv-tools
	.venv-tools/bin/python -m pip install --quiet --upgrade pip
	.venv-tools/bin/python -m pip install --quiet -r requirements-tools.txt
	@touch $@

lab: $(STAMP)
	$(BIN)/course up
	$(BIN)/jupyter lab notebooks/ $(if $(NO_BROWSER),--no-browser,) $(if $(filter 0,$(shell id -u)),--allow-root,)

stack: $(STAMP)
	$(BIN)/course up

down: $(STAMP)
	$(BIN)/course down

# Notebooks first, on a freshly reset stack, so their outputs match a clean top-to-bottom run;
# then the solutions notebook and the tests; then every notebook once more on its own fresh stack.
test: $(STAMP) tools lint
	$(BIN)/course reset
	status=0; $(BIN)/pytest $(NBVAL) notebooks solutions tests || status=$$?; \
	[ $$status -ne 0 ] || $(MAKE) --no-print-directory notebooks-alone || status=$$?; \
	$(BIN)/course down; exit $$status

# The maintainers' habits (pre-commit runs the same): lint and format, shell scripts, secrets.
# A new secret-like string fails here; a false positive is audited into .secrets.baseline.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/shellcheck handouts/deploy.sh .ci/run
	$(BIN)/python tools/check_secrets.py

# The local-stack and pipeline tests, with every core kept busy by other processes (issue 11: a
# learner's laptop is never idle). Slower than `make test`; run it before changing timeouts.
test-busy: $(STAMP)
	$(BIN)/course reset
	status=0; $(BIN)/python tools/run_with_busy_cores.py -- $(BIN)/pytest -q tests/emulator tests/pipeline \
		tests/course/test_course_cli.py tests/course/test_course_cli_faults.py || status=$$?; \
	$(BIN)/course down; exit $$status

# Each notebook must also pass when run by itself on a fresh local stack.
notebooks-alone: $(STAMP)
	for nb in notebooks/[0-9]*.ipynb solutions/*.ipynb; do \
		$(BIN)/course reset >/dev/null && $(BIN)/pytest -q $(NBVAL) "$$nb" || exit 1; done

# Re-execute every notebook on a fresh stack and store its outputs (commit the result).
notebooks: $(STAMP)
	$(BIN)/jupytext --sync $(JUPYTEXT_NOTEBOOKS)
	$(BIN)/course reset
	for nb in $(or $(NB),notebooks/[0-9]*.ipynb solutions/*.ipynb); do \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False "$$nb" || exit 1; \
		$(BIN)/python tools/tidy_executed_notebook.py "$$nb"; done

exercises: $(STAMP)
	$(BIN)/python tools/make_exercises.py

bench: $(STAMP)
	for script in bench/bench_*.py; do $(BIN)/python "$$script" || exit 1; done

# Regenerate the pins from requirements.in in a throwaway virtual environment.
lock:
	rm -rf /tmp/course-lock && $(PYTHON) -m venv /tmp/course-lock
	/tmp/course-lock/bin/pip install --quiet -r requirements.in
	/tmp/course-lock/bin/pip freeze --exclude-editable > requirements.txt
	$(MAKE) environment.yml

environment.yml:
	$(PYTHON) tools/write_environment_yml.py

clean:
	-$(BIN)/course down
	rm -rf $(VENV) .venv-tools .course handouts/build

# Offline reveal.js slides of every notebook, speaker notes included (press s), in _site/.
slides: $(STAMP)
	$(BIN)/python tools/build_slides.py
