"""Every CloudFormation template in the pack passes cfn-lint with nothing to report.

Suppressions live in the templates themselves (resource Metadata) with the reason beside them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [*REPO.glob("handouts/*-stack.yml"), *REPO.glob("infra/*-stack.yml")],
    key=lambda path: str(path),
)
CFN_LINT = Path(sys.executable).with_name("cfn-lint")


def test_the_expected_templates_exist():
    names = {path.relative_to(REPO).as_posix() for path in TEMPLATES}
    assert {
        "handouts/deployment-bucket-stack.yml",
        "handouts/etl-stack.yml",
        "infra/network-stack.yml",
        "infra/redshift-cluster-stack.yml",
    } <= names


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.relative_to(REPO).as_posix())
def test_cfn_lint_reports_nothing(template: Path):
    result = subprocess.run([str(CFN_LINT), str(template)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
