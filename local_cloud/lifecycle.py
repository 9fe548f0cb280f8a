"""Starting, stopping and inspecting the local cloud's supervisor from another process.

`course up/down/status/reset` (the course's command) call these; so do the tests and benchmarks.
Idempotent: `up` on a running local cloud, or `down` on a stopped one, only says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable

import psutil

from . import config, ports, supervisor
from .config import state_dir

READY_TIMEOUT_SECONDS = 90


class LocalCloudError(RuntimeError):
    """The local cloud could not do what was asked; the message says what to do."""


def running_process() -> psutil.Process | None:
    info = supervisor.read_info()
    if info is None:
        return None
    try:
        process = psutil.Process(info.pid)
        if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
            return process
    except psutil.Error:
        pass
    return None


def check_ports_free() -> None:
    """Name a taken port before starting anything, rather than after a half-started local cloud."""
    try:
        for piece in config.PIECES:
            ports.ensure_port_free(piece.host, piece.port, piece.name, piece.variable)
    except ports.PortInUseError as error:
        raise LocalCloudError(str(error)) from None


def _start_supervisor() -> subprocess.Popen:
    supervisor.log_dir().mkdir(parents=True, exist_ok=True)
    log = open(supervisor.log_dir() / "supervisor.log", "ab")
    detach: dict = (
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
        if os.name == "nt"
        else {"start_new_session": True}
    )
    return subprocess.Popen(
        [sys.executable, "-m", "local_cloud.supervisor"],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        **detach,
    )


def _wait_until_ready(process: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LocalCloudError(
                f"The local cloud stopped while starting. The end of {supervisor.log_dir() / 'supervisor.log'}:\n"
                + log_tail()
            )
        info = supervisor.read_info()
        if info and info.pid == process.pid and ports.port_in_use(config.AWS.host, config.AWS.port):
            return
        time.sleep(0.05)
    raise LocalCloudError(f"The local cloud did not start within {READY_TIMEOUT_SECONDS} s:\n" + log_tail())


def log_tail(lines: int = 25) -> str:
    try:
        return "\n".join((supervisor.log_dir() / "supervisor.log").read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def up(say: Callable[[str], None] = print) -> bool:
    """Start the supervisor unless it runs. Returns whether it was started now."""
    if running_process() is not None:
        say("Local cloud already running.")
        return False
    supervisor.info_path().unlink(missing_ok=True)
    check_ports_free()
    started = time.monotonic()
    _wait_until_ready(_start_supervisor())
    say(f"Local cloud started in {time.monotonic() - started:.1f} s.")
    return True


def down(say: Callable[[str], None] = print) -> None:
    process = running_process()
    if process is None:
        supervisor.info_path().unlink(missing_ok=True)
        say("Local cloud is not running.")
        return
    family = [process, *process.children(recursive=True)]
    process.terminate()
    _, alive = psutil.wait_procs([process], timeout=20)
    for leftover in [p for p in family if p.is_running()]:
        try:
            leftover.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(family, timeout=5)
    supervisor.info_path().unlink(missing_ok=True)
    say("Local cloud stopped." + (" (it had to be killed)" if alive else ""))


def status_lines() -> list[str] | None:
    """What runs where and its memory, or None when the local cloud is not running."""
    process = running_process()
    info = supervisor.read_info()
    if process is None or info is None:
        return None
    family = [process, *process.children(recursive=True)]
    rss = 0
    for member in family:
        try:
            rss += member.memory_info().rss
        except psutil.Error:
            pass
    return [
        f"Local cloud: running (supervisor pid {process.pid}, {len(family)} processes, {rss / 2**20:.0f} MB resident)",
        f"  local AWS       {info.aws_endpoint}",
        f"  local Redshift  {info.redshift_host}:{info.redshift_port} (PostgreSQL on {config.HOST}:{info.postgres_port})",
        f"  state           {state_dir()}",
    ]


def delete_state(say: Callable[[str], None] = print) -> None:
    """Stop the local cloud and delete everything it keeps."""
    down(say=lambda _: None)
    shutil.rmtree(state_dir(), ignore_errors=True)
    say(f"Deleted all local state in {state_dir()}.")


def env_lines(region: str, shell: str) -> list[str]:
    """Shell lines that point the AWS CLI and boto3 at the local AWS, for sh, fish, powershell or cmd."""
    exports = config.client_environment(region)
    if shell == "powershell":
        lines = [f'$Env:{key} = "{value}"' for key, value in exports.items()]
    elif shell == "cmd":
        lines = [f"set {key}={value}" for key, value in exports.items()]
    elif shell == "fish":
        lines = [f"set -gx {key} {value}" for key, value in exports.items()]
    else:
        lines = [f"export {key}={value}" for key, value in exports.items()]
    comment = "REM" if shell == "cmd" else "#"
    return [f"{comment} The local AWS. These credentials are dummies, not secrets: moto accepts any key."] + lines
