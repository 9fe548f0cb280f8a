"""`course`: start, stop and inspect the local stack (local AWS + local Redshift).

    course up        start it (idempotent) and provision the team's Redshift settings
    course down      stop it; no process is left behind
    course status    what runs where, and how much memory it takes
    course reset     stop, delete all local state, start again
    course env       shell exports that point the aws CLI and boto3 at the local AWS:
                     eval "$(course env)"
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

import psutil

from . import ports, stack
from .paths import state_dir
from .settings import (
    LOCAL_AWS_HOST,
    LOCAL_AWS_PORT,
    LOCAL_REDSHIFT_HOST,
    LOCAL_REDSHIFT_PORT,
    CourseSettings,
    SettingsError,
)

READY_TIMEOUT_SECONDS = 90


class StackError(RuntimeError):
    """The local stack could not do what was asked; the message says what to do."""


def running_process() -> psutil.Process | None:
    info = stack.read_info()
    if info is None:
        return None
    try:
        process = psutil.Process(info.pid)
        if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
            return process
    except psutil.Error:
        pass
    return None


def _check_ports_free() -> None:
    """Name a taken port before starting anything, rather than after a half-started stack."""
    from .local_redshift.postgres import LocalPostgres

    wanted = [
        (LOCAL_AWS_PORT, "the local AWS", "COURSE_AWS_PORT"),
        (LOCAL_REDSHIFT_PORT, "the local Redshift", "COURSE_REDSHIFT_PORT"),
        (LocalPostgres(stack.postgres_dir()).port, "the local Redshift's PostgreSQL", "COURSE_POSTGRES_PORT"),
    ]
    try:
        for port, what, variable in wanted:
            ports.ensure_port_free("127.0.0.1", port, what, variable)
    except ports.PortInUseError as error:
        raise StackError(str(error)) from None


def _start_supervisor() -> subprocess.Popen:
    stack.log_dir().mkdir(parents=True, exist_ok=True)
    log = open(stack.log_dir() / "stack.log", "ab")
    detach: dict = (
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
        if os.name == "nt"
        else {"start_new_session": True}
    )
    return subprocess.Popen(
        [sys.executable, "-m", "redshift_course.stack"],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        **detach,
    )


def _wait_until_ready(process: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(
                f"The local stack stopped while starting. The end of {stack.log_dir() / 'stack.log'}:\n"
                + _log_tail()
            )
        info = stack.read_info()
        if info and info.pid == process.pid and ports.port_in_use(LOCAL_AWS_HOST, LOCAL_AWS_PORT):
            return
        time.sleep(0.05)
    raise StackError(f"The local stack did not start within {READY_TIMEOUT_SECONDS} s:\n" + _log_tail())


def _log_tail(lines: int = 25) -> str:
    try:
        return "\n".join((stack.log_dir() / "stack.log").read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def up(settings: CourseSettings, quiet: bool = False) -> None:
    say = (lambda *_: None) if quiet else print
    if running_process() is None:
        stack.info_path().unlink(missing_ok=True)
        _check_ports_free()
        started = time.monotonic()
        _wait_until_ready(_start_supervisor())
        say(f"Local stack started in {time.monotonic() - started:.1f} s.")
    else:
        say("Local stack already running.")
    from .provisioning import provision_local_team

    provision_local_team(settings)
    say(f"  local AWS       http://{LOCAL_AWS_HOST}:{LOCAL_AWS_PORT}   (dummy credentials: `course env`)")
    say(f"  local Redshift  {LOCAL_REDSHIFT_HOST}:{LOCAL_REDSHIFT_PORT}")
    say(f"  team            {settings.team}: settings in SSM parameter {settings.parameter_name} (SecureString)")


def down(quiet: bool = False) -> None:
    say = (lambda *_: None) if quiet else print
    process = running_process()
    if process is None:
        stack.info_path().unlink(missing_ok=True)
        say("Local stack is not running.")
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
    stack.info_path().unlink(missing_ok=True)
    say("Local stack stopped." + (" (it had to be killed)" if alive else ""))


def status() -> int:
    process = running_process()
    if process is None:
        print("Local stack: not running. Start it with `course up` (or `make lab`).")
        return 1
    info = stack.read_info()
    family = [process, *process.children(recursive=True)]
    rss = 0
    for member in family:
        try:
            rss += member.memory_info().rss
        except psutil.Error:
            pass
    print(f"Local stack: running (supervisor pid {process.pid}, {len(family)} processes, {rss / 2**20:.0f} MB resident)")
    print(f"  local AWS       {info.aws_endpoint}")
    print(f"  local Redshift  {info.redshift_host}:{info.redshift_port} (PostgreSQL on 127.0.0.1:{info.postgres_port})")
    print(f"  state           {state_dir()}")
    return 0


def reset(settings: CourseSettings) -> None:
    down(quiet=True)
    shutil.rmtree(state_dir(), ignore_errors=True)
    print(f"Deleted all local state in {state_dir()}.")
    up(settings)


def env_lines(settings: CourseSettings, shell: str) -> list[str]:
    exports = settings.local_env()
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--team", help="team name (default: $COURSE_TEAM or la-vida-mocha)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start the local stack and provision the team")
    commands.add_parser("down", help="stop the local stack")
    commands.add_parser("status", help="show what runs")
    commands.add_parser("reset", help="delete all local state and start again")
    env_parser = commands.add_parser("env", help="print shell exports for the local AWS")
    env_parser.add_argument("--shell", choices=["sh", "fish", "powershell", "cmd"], default="sh")
    args = parser.parse_args(argv)
    if hasattr(signal, "SIGPIPE"):  # `course status | head` ends quietly, as shell tools do
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    try:
        settings = CourseSettings.from_env(mode="local", team=args.team)
        if args.command == "up":
            up(settings)
        elif args.command == "down":
            down()
        elif args.command == "status":
            return status()
        elif args.command == "reset":
            reset(settings)
        elif args.command == "env":
            print("\n".join(env_lines(settings, args.shell)))
    except (StackError, SettingsError) as error:
        print(f"course {args.command}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
