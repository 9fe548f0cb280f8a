"""The local cloud survives its faults: a supervisor killed with kill -9, a PostgreSQL that died.

Run as a learner runs it (the `course` command), on a local cloud of its own (folder, ports)."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import psutil
import pytest
from cli_support import course, own_local_cloud

PORTS = {"COURSE_AWS_PORT": 4683, "COURSE_REDSHIFT_PORT": 5683, "COURSE_POSTGRES_PORT": 54683}


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    with own_local_cloud(PORTS, "course-faults-test-") as environment:
        yield environment


def recorded(env: dict[str, str], name: str) -> int:
    return json.loads(Path(env["COURSE_STATE_DIR"], "children.json").read_text())[name]["pid"]


def supervisor_pid(env: dict[str, str]) -> int:
    return json.loads(Path(env["COURSE_STATE_DIR"], "supervisor.json").read_text())["pid"]


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def kill_and_wait(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    try:
        psutil.Process(pid).wait(timeout=20)
    except (psutil.NoSuchProcess, psutil.TimeoutExpired):
        pass


def test_up_records_postgres(env):
    result = course(env, "up")
    assert result.returncode == 0, result.stdout + result.stderr
    assert psutil.Process(recorded(env, "postgres")).name().startswith("postgres")
    assert recorded(env, "gateway") == supervisor_pid(env)  # the gateway runs inside the supervisor


def test_up_after_the_supervisor_was_killed_cleans_up_and_starts(env):
    old_postgres = recorded(env, "postgres")
    kill_and_wait(supervisor_pid(env))
    assert not gone(old_postgres)  # the orphan that used to keep its port

    status = course(env, "status")
    assert status.returncode == 1 and "still running" in status.stdout

    result = course(env, "up")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "left running" in result.stdout
    assert gone(old_postgres)
    assert course(env, "status").returncode == 0


def test_down_after_the_supervisor_was_killed_stops_the_orphan(env):
    old_postgres = recorded(env, "postgres")
    kill_and_wait(supervisor_pid(env))
    result = course(env, "down")
    assert result.returncode == 0 and "left running" in result.stdout
    assert gone(old_postgres)
    assert course(env, "up").returncode == 0


def test_status_names_a_dead_postgres_and_up_heals_it(env):
    old_supervisor = supervisor_pid(env)
    kill_and_wait(recorded(env, "postgres"))

    status = course(env, "status")
    assert status.returncode == 1
    lines = status.stdout.splitlines()
    assert "degraded" in lines[0]
    assert any(line.split()[0] == "PostgreSQL" and "DOWN" in line for line in lines)
    assert any(line.strip().startswith("local AWS") and "ok" in line for line in lines)

    result = course(env, "up")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PostgreSQL" in result.stdout and "restarting the whole local cloud" in result.stdout
    assert supervisor_pid(env) != old_supervisor
    healthy = course(env, "status")
    assert healthy.returncode == 0 and "DOWN" not in healthy.stdout
