"""Deploying the pipeline: running handouts/deploy.sh with its output streamed, or only when needed."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field

from ..live import Status, display_widget, in_notebook
from ..paths import DEPLOY_SCRIPT, HANDOUTS
from ..settings import CourseSettings
from .stacks import pipeline_names, stack_status
from .warehouse import VISIT_TABLE


@dataclass
class DeployResult:
    returncode: int
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def deploy_command(settings: CourseSettings) -> list[str]:
    """``deploy.sh <profile> <team> <region>``: the region is the settings' in both modes."""
    return ["bash", str(DEPLOY_SCRIPT), settings.cli_profile, settings.team, settings.region]


def run_deploy(settings: CourseSettings, echo: Callable[[str], None] | None = None) -> DeployResult:
    """Run ``handouts/deploy.sh <profile> <team> <region>`` and stream its output, line by line, to ``echo``.

    In local mode the profile is ``local`` (deploy.sh points the AWS CLI at the local AWS itself);
    in aws mode it is the learner's own profile. The script runs from ``handouts/`` as a learner
    would run it. Raises ``RuntimeError`` with the output's tail when the script fails.
    """
    echo = echo or live_log()
    env = dict(os.environ)
    # No colour codes or pagers in captured output.
    env.update({"AWS_PAGER": "", "NO_COLOR": "1"})
    process = subprocess.Popen(
        deploy_command(settings),
        cwd=HANDOUTS,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    result = DeployResult(returncode=-1)
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip("\n")
        result.lines.append(line)
        echo(line)
    result.returncode = process.wait()
    if not result.ok:
        tail = "\n".join(result.lines[-15:])
        raise RuntimeError(f"deploy.sh failed with exit code {result.returncode}:\n{tail}")
    return result


# Colour and cursor codes some tools print even when asked not to.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(line: str) -> str:
    return _ANSI.sub("", line)


def live_log(lines_shown: int = 12) -> Callable[[str], None]:
    """A log box in Jupyter that always shows the last ``lines_shown`` lines, colour codes removed;
    print elsewhere. Its saved output is a sentence, not a widget placeholder."""
    if not in_notebook():
        return lambda line: print(strip_ansi(line), flush=True)
    import ipywidgets as widgets

    box = widgets.Textarea(value="", rows=lines_shown, layout=widgets.Layout(width="100%"), disabled=True)
    display_widget(box, "(deploy.sh's output streams here while it runs, its last lines always in view)")
    tail: list[str] = []

    def append(line: str) -> None:
        tail.append(strip_ansi(line))
        del tail[:-lines_shown]
        box.value = "\n".join(tail)

    return append


def ensure_pipeline_deployed(settings: CourseSettings) -> str:
    """Deploy the team's stacks unless both are already in a complete state; returns a stable message.

    It says what it checks, shows deploy.sh's latest line while a deploy runs, and how it ended."""
    healthy = ("CREATE_COMPLETE", "UPDATE_COMPLETE")
    # The same saved output whether it deploys or not; in a live notebook the line follows deploy.sh.
    status = Status("Checking the team's two stacks; deploy.sh runs if one is not complete (about half a minute) ...")
    statuses = [stack_status(settings, name) for name in (settings.deployment_bucket_stack, settings.etl_stack)]
    if not all(state in healthy for state in statuses):
        status.update("deploy.sh is running ...")
        try:
            run_deploy(settings, echo=lambda line: status.update(f"deploy.sh: {strip_ansi(line)[:120]}"))
        except RuntimeError:
            status.finish("deploy.sh failed: its last lines are in the error below.", ok=False)
            raise
    status.finish("Both stacks are complete.")
    names = pipeline_names(settings)
    return f"Pipeline ready: upload to s3://{names.bucket}/ and {names.function_name} loads {VISIT_TABLE}."
