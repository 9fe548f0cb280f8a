"""The project's own files install everything, and the conda and pip pins agree."""

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import write_environment_yml  # noqa: E402


def test_environment_yml_is_generated_from_requirements():
    assert (ROOT / "environment.yml").read_text() == write_environment_yml.render(), "run `make environment.yml`"


def test_every_requirement_is_pinned():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[^=]+$", line), line


def test_direct_requirements_are_in_the_pins():
    pinned = {
        re.split(r"==", line)[0].lower().replace("_", "-")
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line
    }
    for line in (ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name = re.split(r"[\[=<>]", line)[0].lower().replace("_", "-")
            assert name in pinned, name


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()


def pins() -> dict[str, str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return dict(line.split("==", 1) for line in lines if "==" in line and not line.startswith("#"))


def test_every_pin_installs_on_the_oldest_python_the_project_supports():
    """A lock made on Python 3.11.7 can pick versions that refuse 3.11.2 (Debian 12's python3)."""
    supported = re.search(r'requires-python = "([^"]+)"', (ROOT / "pyproject.toml").read_text())[1]
    oldest = Version(re.search(r">=\s*([0-9.]+)", supported)[1])  # 3.11 means 3.11.0
    refusing = []
    for name, version in pins().items():
        installed = metadata.metadata(name)  # the test runs in the venv made from these pins
        assert installed["Version"] == version, f"{name}: {installed['Version']} installed, {version} pinned"
        needs = installed.get("Requires-Python")
        if needs and not SpecifierSet(needs).contains(oldest):
            refusing.append(f"{name}=={version} (Requires-Python {needs})")
    assert not refusing, f"these pins refuse Python {oldest}: hold them back in requirements.in: {refusing}"
