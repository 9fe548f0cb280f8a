"""The instructor guide's commands: every AWS command names its region (and profile), every
template and tool it names exists, and the guide covers each step from a fresh account back to
nothing."""

from __future__ import annotations

import re
import shlex

import pytest
from aws_mode_support import REPO

GUIDE = REPO / "docs" / "instructor-guide.md"


def commands() -> list[str]:
    """Every shell command in the guide's code blocks, continuation lines joined."""
    found = []
    for block in re.findall(r"```bash\n(.*?)```", GUIDE.read_text(), re.S):
        text = re.sub(r"\\\n\s*", " ", block)
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                found.append(line)
    return found


def aws_calls(command: str) -> int:
    """How many `aws <service> ...` calls a command makes, those inside $(...) included."""
    return len(re.findall(r"(?:^|\$\(|[\s|;&])aws [a-z0-9-]+ ", command))


def test_the_guide_has_commands():
    assert len(commands()) > 20


@pytest.mark.parametrize("command", [c for c in commands() if "aws " in c], ids=lambda c: c[:60])
def test_every_aws_command_names_region_and_profile(command):
    calls = aws_calls(command)
    assert calls, command
    assert command.count('--region "$R"') == calls, command
    assert command.count('--profile "$P"') == calls, command


@pytest.mark.parametrize(
    "command", [c for c in commands() if re.search(r"infra/\w+\.py|deploy\.sh", c)], ids=lambda c: c[:60]
)
def test_every_course_tool_is_given_the_region(command):
    words = shlex.split(command.replace("$(", " ").replace(")", " "))
    if any(w.endswith("deploy.sh") for w in words):
        index = next(i for i, w in enumerate(words) if w.endswith("deploy.sh"))
        assert words[index + 1 : index + 4] == ["$P", "smoke-test", "$R"], command
    else:
        assert "--region" in words and words[words.index("--region") + 1] == "$R", command


def test_every_template_and_tool_named_exists():
    text = GUIDE.read_text()
    for path in set(re.findall(r"(?:infra|handouts|docs)/[\w./-]+\.(?:yml|py|sh|md|csv)", text)):
        assert (REPO / path).exists(), path


def test_the_checklist_goes_from_a_fresh_account_back_to_nothing():
    text = GUIDE.read_text()
    for step in (
        "budget-stack.yml",
        "get-account-settings",
        "network-stack.yml",
        "redshift-cluster-stack.yml",
        "redshift-serverless-stack.yml",
        "learner-policy-stack.yml",
        "provision_teams.py",
        "deploy.sh",
        "teardown.py",
        "delete-stack",
        "resourcegroupstaggingapi get-resources",
        "Key=course,Values=aws-07-redshift",
    ):
        assert step in text, step
