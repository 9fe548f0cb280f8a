"""Codespaces (.devcontainer/) and Binder (binder/) set up the course with the project's own steps.

Neither runs a container here: each set-up command is taken as written and run the way it can be
outside one (make in dry-run mode, every file it names checked), so a renamed target, a moved file
or a stray browser cannot creep in unnoticed.
"""

import json
import os
import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEVCONTAINER = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text())
BINDER = ROOT / "binder"


def make_dry_run(command: str) -> str:
    """Run `VAR=value make target... VAR=value` from a set-up step with make -n; its output."""
    words = shlex.split(command)
    environment = dict(os.environ)
    while words and re.match(r"^[A-Z_]+=", words[0]):
        name, value = words.pop(0).split("=", 1)
        environment[name] = value
    assert words[0] == "make", f"not a make command: {command}"
    done = subprocess.run(
        ["make", "-n", *words[1:]], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"{command}: {done.stderr}"
    return done.stdout


def shell_steps(path: Path) -> list[str]:
    """The commands of a bash script, comments and `set` lines left out."""
    lines = [line.strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "set "))]


def test_devcontainer_uses_python_312_and_forwards_the_courses_ports():
    assert re.search(r"python:.*3\.12", DEVCONTAINER["image"]), DEVCONTAINER["image"]
    assert {8888, 4566, 5439} <= set(DEVCONTAINER["forwardPorts"])


@pytest.mark.parametrize("step", ["postCreateCommand", "postAttachCommand"])
def test_devcontainer_steps_are_make_targets_that_exist(step):
    make_dry_run(DEVCONTAINER[step])  # fails on a target the Makefile does not have


def test_devcontainer_sets_up_like_make_lab_and_opens_no_browser():
    assert make_dry_run(DEVCONTAINER["postCreateCommand"]) == make_dry_run("make setup")
    assert "--no-browser" in make_dry_run(DEVCONTAINER["postAttachCommand"])


def test_binder_runs_a_supported_python():
    version = (BINDER / "runtime.txt").read_text().strip()
    supported = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert re.fullmatch(r"python-3\.(11|12|13)", version), (version, supported)


def test_binder_installs_the_learners_pins():
    includes = [
        line.split(None, 1)[1]
        for line in (BINDER / "requirements.txt").read_text().splitlines()
        if line.startswith("-r ")
    ]
    assert [(BINDER / include).resolve() for include in includes] == [ROOT / "requirements.txt"]


@pytest.mark.parametrize("script", ["postBuild", "start"])
def test_binder_scripts_are_executable_and_their_commands_exist(script):
    path = BINDER / script
    assert os.access(path, os.X_OK), f"chmod +x binder/{script}"
    commands = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    for step in shell_steps(path):
        word = shlex.split(step)[0]
        if word == "make":
            make_dry_run(step.replace('"$(dirname "$(command -v python)")"', "/usr/bin"))
        elif word == "python":  # the course package, or one of the project's own tools (which must exist)
            assert step.endswith("-e .") or (ROOT / shlex.split(step)[1]).is_file(), step
        elif word == "exec":
            assert step == 'exec "$@"', step  # start must hand over to Binder's own command
        else:
            assert word in commands, f"binder/{script}: {word} is neither make, python nor a course command"
    if script == "start":
        assert shell_steps(path)[-1] == 'exec "$@"'


def test_readme_links_codespaces_and_binder():
    readme = (ROOT / "README.md").read_text()
    assert "https://codespaces.new/" in readme
    assert "https://mybinder.org/v2/gh/" in readme
    assert "JUPYTER_PORT" in readme and "NO_BROWSER" in readme


def test_binder_installs_make_for_its_make_steps():
    packages = [line.strip() for line in (BINDER / "apt.txt").read_text().splitlines() if not line.startswith("#")]
    assert "make" in packages


def test_make_present_starts_the_same_lab_as_make_lab_with_rise_installed_first():
    """Instructors' `make present` = the learners' `make lab` plus requirements-present.txt (RISE)."""

    def lab_start(output: str) -> list[str]:
        lines = output.splitlines()
        return lines[next(i for i, line in enumerate(lines) if line.endswith("/course up")) :]

    lab, present = make_dry_run("NO_BROWSER=1 make lab"), make_dry_run("NO_BROWSER=1 make present")
    assert lab_start(present) == lab_start(lab)
    assert "requirements-present.txt" in make_dry_run("make -B .venv/.installed-present")
