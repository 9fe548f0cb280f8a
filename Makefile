# The two commands a new user needs:
#   make lab    set up (first time), start the local stack, open JupyterLab on notebooks/00_start_here
#               (NO_BROWSER=1 make lab: print the URL instead of opening a browser;
#                JUPYTER_PORT=8890 make lab: JupyterLab on another port than 8888)
#   make test   set up the same way and run every test, notebooks included (nbval)
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The maintainers' tools (requirements-dev.txt) on top of the learners' set: make test, lint, notebooks.
DEV_STAMP := $(VENV)/.installed-dev
# The Lambda's dependencies as wheels, so deploy.sh works without a network after set-up.
WHEELS := handouts/build/wheels
# The first Python from 3.11 to 3.13 on the PATH; override with `make PYTHON=/path/to/python3.12`.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3,11) <= sys.version_info[:2] <= (3,13))' 2>/dev/null \
	&& { echo $$p; break; }; done)
NBVAL := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600
JUPYTEXT_NOTEBOOKS := $(wildcard scripts/notebooks/[0-9]*.py scripts/solutions/*.py)

.PHONY: lab test test-busy lint setup setup-dev wheels wheels-aws tools stack down notebooks notebooks-alone exercises slides bench lock environment.yml clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml handouts/src/requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11, 3.12 or 3.13 is needed: install one, or run make PYTHON=/path/to/python3.x"; exit 1; }
	@test -d $(VENV) || { echo "First set-up: about 1 GB into $(VENV) (~200 MB download), 1 to 5 minutes depending on the network."; \
		$(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(MAKE) --no-print-directory wheels
	@touch $(STAMP)

# The maintainers' set: the learners' pins plus requirements-dev.txt (one resolution, see make lock).
setup-dev: $(DEV_STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@touch $(DEV_STAMP)

# The Lambda's dependencies (handouts/src/requirements.txt) for this machine's Python (local mode);
# deploy.sh installs from here with --no-index. A failed download only means deploy.sh uses the index.
wheels:
	@$(BIN)/python -m pip download --quiet --disable-pip-version-check -r handouts/src/requirements.txt -d $(WHEELS)/local \
		&& echo "Lambda dependencies cached in $(WHEELS)/local (deploy.sh local works offline)." \
		|| echo "Could not cache the Lambda's dependencies in $(WHEELS)/local: deploy.sh will download them."

# The same for aws mode (Lambda's platform: manylinux2014 x86_64, CPython 3.12), ~20 MB; not part of make lab.
wheels-aws: $(STAMP)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check -r handouts/src/requirements.txt -d $(WHEELS)/lambda \
		--platform manylinux2014_x86_64 --implementation cp --python-version 3.12 --only-binary=:all:

# Static-analysis tools whose pins conflict with the course's (checkov pins its own boto3), in their
# own git-ignored venv; tests/aws_mode/test_static_checks.py uses it and skips where it is missing.
tools: .venv-tools/.installed

.venv-tools/.installed: requirements-tools.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11, 3.12 or 3.13 is needed: install one, or run make PYTHON=/path/to/python3.x"; exit 1; }
	@test -d .venv-tools || $(PYTHON) -m venv .venv-tools
	.venv-tools/bin/python -m pip install --quiet --upgrade pip
	.venv-tools/bin/python -m pip install --quiet -r requirements-tools.txt
	@touch $@

# JupyterLab serves the repository root, so every link in a notebook or handout opens (../docs/…,
# ../deploy.sh), and opens on notebooks/00_start_here.ipynb; the rest of its settings (what the file
# browser hides) are in .jupyter/jupyter_server_config.py, shared with Binder and tests/browser/.
lab: $(STAMP)
	$(BIN)/course up
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(if $(NO_BROWSER),--no-browser,) \
		$(if $(JUPYTER_PORT),--ServerApp.port=$(JUPYTER_PORT),) $(if $(filter 0,$(shell id -u)),--allow-root,)

stack: $(STAMP)
	$(BIN)/course up

down: $(STAMP)
	$(BIN)/course down

# Notebooks first, on a freshly reset stack, so their outputs match a clean top-to-bottom run;
# then the solutions notebook and the tests; then every notebook once more on its own fresh stack.
test: $(DEV_STAMP) tools lint
	$(BIN)/course reset
	status=0; $(BIN)/pytest $(NBVAL) notebooks solutions tests || status=$$?; \
	[ $$status -ne 0 ] || $(MAKE) --no-print-directory notebooks-alone || status=$$?; \
	$(BIN)/course down; exit $$status

# The maintainers' habits (pre-commit runs the same): lint and format, shell scripts, secrets.
# A new secret-like string fails here; a false positive is audited into .secrets.baseline.
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/shellcheck handouts/deploy.sh .ci/run
	$(BIN)/python tools/check_secrets.py

# The local-stack and pipeline tests, with every core kept busy by other processes (issue 11: a
# learner's laptop is never idle). Slower than `make test`; run it before changing timeouts.
test-busy: $(DEV_STAMP)
	$(BIN)/course reset
	status=0; $(BIN)/python tools/run_with_busy_cores.py -- $(BIN)/pytest -q tests/emulator tests/pipeline \
		tests/course/test_course_cli.py tests/course/test_course_cli_faults.py || status=$$?; \
	$(BIN)/course down; exit $$status

# Each notebook must also pass when run by itself on a fresh local stack.
notebooks-alone: $(DEV_STAMP)
	for nb in notebooks/[0-9]*.ipynb solutions/*.ipynb; do \
		$(BIN)/course reset >/dev/null && $(BIN)/pytest -q $(NBVAL) "$$nb" || exit 1; done

# Re-execute every notebook on a fresh stack and store its outputs (commit the result).
notebooks: $(DEV_STAMP)
	$(BIN)/jupytext --sync $(JUPYTEXT_NOTEBOOKS)
	$(BIN)/course reset
	for nb in $(or $(NB),notebooks/[0-9]*.ipynb solutions/*.ipynb); do \
		$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
			--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False "$$nb" || exit 1; \
		$(BIN)/python tools/tidy_executed_notebook.py "$$nb"; done

exercises: $(DEV_STAMP)
	$(BIN)/python tools/make_exercises.py

bench: $(DEV_STAMP)
	for script in bench/bench_*.py; do $(BIN)/python "$$script" || exit 1; done

# Regenerate the pins in a throwaway virtual environment: one resolution of requirements-dev.in
# (which includes requirements.in), split into requirements.txt (the learners') and requirements-dev.txt.
lock:
	rm -rf /tmp/course-lock && $(PYTHON) -m venv /tmp/course-lock
	/tmp/course-lock/bin/pip install --quiet -r requirements-dev.in
	/tmp/course-lock/bin/pip freeze --exclude-editable > /tmp/course-lock/freeze.txt
	/tmp/course-lock/bin/python tools/split_pins.py /tmp/course-lock/freeze.txt
	$(MAKE) environment.yml

environment.yml:
	$(PYTHON) tools/write_environment_yml.py

clean:
	-$(BIN)/course down
	rm -rf $(VENV) .venv-tools .course handouts/build

# Offline reveal.js slides of every notebook, speaker notes included (press s), in _site/.
slides: $(DEV_STAMP)
	$(BIN)/python tools/build_slides.py
