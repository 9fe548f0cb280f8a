"""Reading the handouts in a notebook: the templates' resources, deploy.sh step by step, source lines."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd


def _cfn_yaml(path: Path) -> dict[str, Any]:
    import yaml

    class Loader(yaml.SafeLoader):
        """Reads CloudFormation YAML; short-form intrinsics (!Ref, !Sub...) are kept as plain values."""

    def intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    Loader.add_multi_constructor("!", intrinsic)
    return yaml.load(Path(path).read_text(), Loader=Loader)  # noqa: S506 - SafeLoader subclass


def template_resources(*paths: Path) -> pd.DataFrame:
    """Each template's resources (logical id and type), read from the YAML files themselves."""
    rows = [
        {"template": Path(path).name, "LogicalResourceId": name, "ResourceType": body["Type"]}
        for path in paths
        for name, body in _cfn_yaml(Path(path))["Resources"].items()
    ]
    return pd.DataFrame(rows)


# What each of the deck's five bullets looks like in deploy.sh:
# (bullet, regex for the line where it starts, how many following lines belong to it).
DEPLOY_STEPS: tuple[tuple[str, str, int], ...] = (
    ("Collect your aws-profile and team-name from the command line", r'^(PROFILE|TEAM)="\$[12]"', 0),
    ("Deploy a stack called team-name-shopper-deployment-bucket", r'^\s*say "1/5', 5),
    ("Install the Lambda's dependencies", r"-m pip install", 1),
    ("Package the team-name-shopper-etl-pipeline stack with the Lambda zip in S3", r"cloudformation package", 4),
    ("Deploy a stack called team-name-shopper-etl-pipeline", r'^\s*say "4/5', 3),
)


def script_lines(path: Path, pattern: str) -> list[tuple[int, str]]:
    """(line number, line) for every non-comment line of a file that matches ``pattern``."""
    import re

    regex = re.compile(pattern)
    return [
        (number, line.rstrip())
        for number, line in enumerate(Path(path).read_text().splitlines(), start=1)
        if regex.search(line) and not line.lstrip().startswith("#")
    ]


def show_script_steps(path: Path, steps: Iterable[tuple[str, str, int]] = DEPLOY_STEPS) -> None:
    """Print, for each step, the script's lines that do it, with their line numbers."""
    lines = Path(path).read_text().splitlines()
    for number, (bullet, pattern, following) in enumerate(steps, start=1):
        print(f"{number}. {bullet}")
        for line_number, _ in script_lines(path, pattern):
            for shown in range(line_number, min(line_number + following, len(lines)) + 1):
                print(f"   {shown:4d} | {lines[shown - 1].strip()}")


def show_source_lines(path: Path, pattern: str, context: int = 0) -> None:
    """Print the lines of a source file that match ``pattern`` (with ``context`` lines around them)."""
    lines = Path(path).read_text().splitlines()
    wanted: set[int] = set()
    for number, _ in script_lines(path, pattern):
        wanted.update(range(max(1, number - context), min(len(lines), number + context) + 1))
    previous = None
    for number in sorted(wanted):
        if previous is not None and number != previous + 1:
            print("      ...")
        print(f"{number:5d} | {lines[number - 1]}")
        previous = number
