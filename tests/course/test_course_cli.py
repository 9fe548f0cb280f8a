"""The `course` command, run as a learner runs it, on a local cloud of its own (own folder, own ports)."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import boto3
import psutil
import pytest
from cli_support import BIN, course, own_local_cloud

from local_cloud.config import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY
from redshift_course.redshift import connect_with_settings

PORTS = {"COURSE_AWS_PORT": 4681, "COURSE_REDSHIFT_PORT": 5681, "COURSE_POSTGRES_PORT": 54681}


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    with own_local_cloud(PORTS, "course-cli-test-") as environment:
        yield environment


def supervisor_pids(env: dict[str, str]) -> list[int]:
    info = Path(env["COURSE_STATE_DIR"], "supervisor.json")
    if not info.exists():
        return []
    supervisor = psutil.Process(json.loads(info.read_text())["pid"])
    return [supervisor.pid] + [child.pid for child in supervisor.children(recursive=True)]


def local_client(service: str):
    """A client of this test's own local AWS (the settings module's ports are the default ones)."""
    return boto3.client(
        service,
        endpoint_url=f"http://127.0.0.1:{PORTS['COURSE_AWS_PORT']}",
        region_name="eu-west-1",
        aws_access_key_id=DUMMY_ACCESS_KEY_ID,
        aws_secret_access_key=DUMMY_SECRET_ACCESS_KEY,
    )


def settings_parameter(env: dict[str, str]) -> dict:
    parameter = local_client("ssm").get_parameter(Name="la_vida_mocha_redshift_settings", WithDecryption=True)[
        "Parameter"
    ]
    assert parameter["Type"] == "SecureString"
    return json.loads(parameter["Value"])


def test_up_starts_everything_and_provisions_the_team_without_printing_the_password(env):
    result = course(env, "up")
    assert result.returncode == 0, result.stderr
    settings = settings_parameter(env)
    assert set(settings) == {"host", "port", "database-name", "user", "password"}
    assert settings["password"] not in result.stdout + result.stderr
    assert "la_vida_mocha_redshift_settings" in result.stdout
    with connect_with_settings(settings) as connection:
        cursor = connection.cursor()
        cursor.execute("select current_user")
        assert cursor.fetchone()[0] == "la_vida_mocha"


def test_up_twice_is_fine_and_keeps_the_password(env):
    before = settings_parameter(env)["password"]
    pids = supervisor_pids(env)
    result = course(env, "up")
    assert result.returncode == 0 and "already running" in result.stdout
    assert supervisor_pids(env) == pids
    assert settings_parameter(env)["password"] == before


def test_status_says_where_things_are(env):
    result = course(env, "status")
    assert result.returncode == 0
    assert f"127.0.0.1:{PORTS['COURSE_AWS_PORT']}" in result.stdout and "MB resident" in result.stdout


def test_env_prints_labelled_dummy_credentials_for_every_shell(env):
    sh = course(env, "env").stdout
    assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{PORTS['COURSE_AWS_PORT']}" in sh
    assert "dummies, not secrets" in sh
    assert "$Env:AWS_ENDPOINT_URL" in course(env, "env", "--shell", "powershell").stdout


def test_env_really_points_the_aws_cli_at_the_local_aws(env):
    exports = dict(
        line.removeprefix("export ").split("=", 1)
        for line in course(env, "env").stdout.splitlines()
        if line.startswith("export ")
    )
    result = subprocess.run(
        [str(BIN / "aws"), "ssm", "describe-parameters", "--query", "Parameters[].Name"],
        env={**env, **exports},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "la_vida_mocha_redshift_settings" in result.stdout


def test_a_restart_starts_both_aws_and_the_database_fresh(env):
    s3 = local_client("s3")
    s3.create_bucket(Bucket="left-from-before", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    settings = settings_parameter(env)
    with connect_with_settings(settings) as connection:
        connection.autocommit = True
        connection.cursor().execute("create table left_from_before (x int)")
    assert course(env, "down").returncode == 0
    assert course(env, "up").returncode == 0
    assert "left-from-before" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    settings = settings_parameter(env)
    with connect_with_settings(settings) as connection:
        cursor = connection.cursor()
        cursor.execute("select count(*) from information_schema.tables where table_name = 'left_from_before'")
        assert cursor.fetchone()[0] == 0


def test_down_leaves_no_process_behind(env):
    pids = supervisor_pids(env)
    assert len(pids) > 2  # the supervisor and PostgreSQL's processes
    result = course(env, "down")
    assert result.returncode == 0 and "stopped" in result.stdout
    assert not [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert course(env, "status").returncode == 1
    assert "not running" in course(env, "down").stdout


def test_a_port_in_use_is_named_with_what_to_do(env):
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the port may be in TIME_WAIT
        squatter.bind(("127.0.0.1", PORTS["COURSE_REDSHIFT_PORT"]))
        squatter.listen()
        result = course(env, "up")
    assert result.returncode == 2
    assert f"Port {PORTS['COURSE_REDSHIFT_PORT']}" in result.stderr and "COURSE_REDSHIFT_PORT" in result.stderr
    assert not supervisor_pids(env)


def test_a_bad_team_name_is_refused_clearly(env):
    result = course(env, "--team", "La_Vida", "env")
    assert result.returncode == 2 and "lowercase letters" in result.stderr
