"""Starting, stopping and inspecting the local cloud's supervisor from another process.

`course up/down/status/reset` (the course's command) call these; so do the tests and benchmarks.
Idempotent: `up` on a running local cloud, or `down` on a stopped one, only says so.
Healing: `status` checks every piece for real (an HTTP call to the local AWS, PostgreSQL's
process and port, a `select 1` through the gateway) and names the one that is down; `up` on a
local cloud with a dead piece restarts the whole of it (both fresh, as every start), and `up` or
`down` after the supervisor itself died stops the PostgreSQL it left behind (`stop_leftovers`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass
class PieceHealth:
    name: str
    ok: bool
    detail: str


def _recorded_process(entry: dict | None) -> psutil.Process | None:
    """The recorded process if it still runs (same pid AND start time: a reused pid is not it)."""
    if not entry or not entry.get("pid"):
        return None
    try:
        process = psutil.Process(entry["pid"])
        if abs(process.create_time() - entry.get("create_time", 0)) < 1 and process.status() != psutil.STATUS_ZOMBIE:
            return process
    except psutil.Error:
        pass
    return None


def _postmaster_from_pid_file() -> psutil.Process | None:
    """A PostgreSQL still serving our data folder (a supervisor that died before recording it)."""
    pgdata = supervisor.postgres_dir() / "pgdata"
    try:
        process = psutil.Process(int((pgdata / "postmaster.pid").read_text().splitlines()[0]))
        if process.name().startswith("postgres") and str(pgdata) in " ".join(process.cmdline()):
            return process
    except (OSError, ValueError, IndexError, psutil.Error):
        pass
    return None


def _leftover_postgres() -> psutil.Process | None:
    return _recorded_process(supervisor.read_children().get("postgres")) or _postmaster_from_pid_file()


def stop_leftovers(say: Callable[[str], None] = print) -> bool:
    """Stop what a supervisor that died without stopping (kill -9, a crash) left running.

    PostgreSQL above all: it keeps its port, so the next start would fail. Returns whether
    anything was stopped. Only for a supervisor that is gone: never call it while one runs."""
    postgres = _leftover_postgres()
    if postgres is not None:
        family = [postgres, *postgres.children(recursive=True)]
        try:  # SIGINT is PostgreSQL's fast shutdown: sessions ended, data consistent
            postgres.send_signal(signal.SIGINT) if os.name != "nt" else postgres.terminate()
        except psutil.Error:
            pass
        psutil.wait_procs([postgres], timeout=15)
        for leftover in family:
            try:
                leftover.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(family, timeout=5)
        say(f"Stopped PostgreSQL (pid {postgres.pid}) left running by a local cloud that did not stop cleanly.")
    supervisor.children_path().unlink(missing_ok=True)
    supervisor.info_path().unlink(missing_ok=True)
    return postgres is not None


def check_pieces(info: supervisor.SupervisorInfo) -> list[PieceHealth]:
    """Each piece, checked for real: does it answer, not merely does a process exist."""
    return [_check_aws(info.aws_endpoint), _check_postgres(info.postgres_port), _check_gateway(info)]


def _check_aws(endpoint: str) -> PieceHealth:
    name = "local AWS"
    try:
        urllib.request.urlopen(endpoint + "/", timeout=5).close()
    except urllib.error.HTTPError:
        pass  # an HTTP answer of any status: it serves
    except OSError as error:
        return PieceHealth(name, False, f"{endpoint} does not answer ({error})")
    return PieceHealth(name, True, endpoint)


def _check_postgres(port: int) -> PieceHealth:
    name = "PostgreSQL"
    # postmaster.pid first: whoever (re)started the server on our data folder, it is the one serving.
    process = _postmaster_from_pid_file() or _recorded_process(supervisor.read_children().get("postgres"))
    if process is None:
        return PieceHealth(name, False, "its process is gone")
    try:
        socket.create_connection((config.HOST, port), timeout=3).close()
    except OSError as error:
        return PieceHealth(name, False, f"pid {process.pid} does not accept connections on port {port} ({error})")
    return PieceHealth(name, True, f"{config.HOST}:{port}, pid {process.pid} (internal)")


def _check_gateway(info: supervisor.SupervisorInfo) -> PieceHealth:
    from .redshift.admin import admin_connect  # redshift_connector: only when checking

    name = "local Redshift"
    where = f"{info.redshift_host}:{info.redshift_port}"
    try:
        with admin_connect(
            supervisor.postgres_dir(), host=info.redshift_host, port=info.redshift_port, timeout=5
        ) as db:
            cursor = db.cursor()
            cursor.execute("select 1")
            cursor.fetchall()
    except Exception as error:  # whatever redshift_connector raises: the piece does not serve
        return PieceHealth(name, False, f"{where}: select 1 failed ({type(error).__name__}: {error})")
    return PieceHealth(name, True, f"{where} (select 1 answered)")


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
    """Start the supervisor unless it runs with every piece healthy. Returns whether it was started now."""
    info = supervisor.read_info()
    if running_process() is not None and info is not None:
        down_pieces = [piece.name for piece in check_pieces(info) if not piece.ok]
        if not down_pieces:
            say("Local cloud already running.")
            return False
        say(
            f"{' and '.join(down_pieces)} down: restarting the whole local cloud "
            "(the local AWS and the database start fresh, as on every start)."
        )
        down(say=lambda _: None)
    else:
        stop_leftovers(say)
    check_ports_free()
    started = time.monotonic()
    _wait_until_ready(_start_supervisor())
    say(f"Local cloud started in {time.monotonic() - started:.1f} s.")
    return True


def down(say: Callable[[str], None] = print) -> None:
    process = running_process()
    if process is None:
        if not stop_leftovers(say):
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
    stop_leftovers(say=lambda _: None)  # the supervisor had to be killed, or PostgreSQL outlived it
    say("Local cloud stopped." + (" (it had to be killed)" if alive else ""))


def status_report() -> tuple[str, list[str]]:
    """("running" | "degraded" | "stopped", lines): what runs where, each piece checked for real."""
    process = running_process()
    info = supervisor.read_info()
    if process is None or info is None:
        leftover = _leftover_postgres()
        lines = [f"  PostgreSQL (pid {leftover.pid}) is still running: `course down` stops it."] if leftover else []
        return "stopped", lines
    family = [process, *process.children(recursive=True)]
    rss = 0
    for member in family:
        try:
            rss += member.memory_info().rss
        except psutil.Error:
            pass
    pieces = check_pieces(info)
    state = "running" if all(piece.ok for piece in pieces) else "degraded"
    lines = [
        f"Local cloud: {state} (supervisor pid {process.pid}, {len(family)} processes, {rss / 2**20:.0f} MB resident)"
    ]
    lines += [f"  {piece.name:<15} {'ok  ' if piece.ok else 'DOWN'}  {piece.detail}" for piece in pieces]
    lines.append(f"  state           {state_dir()}")
    if state == "degraded":
        lines.append("  `course up` restarts the local cloud (fresh, as every start).")
    return state, lines


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
