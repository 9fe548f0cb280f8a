"""The project's own files install everything, and the conda and pip pins agree."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import write_environment_yml  # noqa: E402


def test_environment_yml_is_generated_from_requirements():
    assert (ROOT / "environment.yml").read_text() == write_environment_yml.render(), "run `make environment.yml`"


def test_every_requirement_is_pinned():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[^=]+$", line), line


def test_direct_requirements_are_in_the_pins():
    pinned = {re.split(r"==", line)[0].lower().replace("_", "-") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line}
    for line in (ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name = re.split(r"[\[=<>]", line)[0].lower().replace("_", "-")
            assert name in pinned, name


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
