"""One local AWS (moto + the adapter) for the whole session, on a free port, with state in tmp."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from local_cloud import config
from local_cloud.ports import free_port

REPO = Path(__file__).resolve().parents[3]
AWS_CLI = str(Path(sys.executable).with_name("aws"))
REGION = "eu-west-1"
LOCAL_REDSHIFT_TEST_PORT = "15439"


@pytest.fixture(scope="session")
def local_aws_env(tmp_path_factory) -> dict[str, str]:
    """State in tmp, and a Redshift port that is not the real stack's."""
    return {
        "COURSE_STATE_DIR": str(tmp_path_factory.mktemp("course-state")),
        "COURSE_REDSHIFT_PORT": LOCAL_REDSHIFT_TEST_PORT,
    }


@pytest.fixture(autouse=True)
def _use_local_aws_env(monkeypatch, local_aws_env):
    # Per test, not for the whole session: tests in other folders must not see these values.
    for name, value in local_aws_env.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def local_aws(local_aws_env):
    from local_cloud.aws import lambda_async
    from local_cloud.aws.server import start_local_aws

    clusters: list[tuple[str, str, str]] = []
    handle = start_local_aws("127.0.0.1", free_port(), on_redshift_cluster=lambda *login: clusters.append(login))
    lambda_async.set_retry_delays(0.5, 1.0)
    handle.clusters = clusters
    handle.state_dir = Path(local_aws_env["COURSE_STATE_DIR"])
    yield handle
    handle.stop()
    lambda_async.set_retry_delays(1.0, 2.0)


@pytest.fixture(scope="session")
def client(local_aws):
    def make(service: str):
        return local_aws.client(service, REGION)

    return make


@pytest.fixture(scope="session")
def cli_env(local_aws):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ENDPOINT_URL": local_aws.endpoint_url,
            "AWS_ACCESS_KEY_ID": config.DUMMY_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": config.DUMMY_SECRET_ACCESS_KEY,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }
    )
    return env


@pytest.fixture(scope="session")
def aws(cli_env):
    """Run the real AWS CLI against the local AWS; returns the CompletedProcess."""

    def run(*args: str, check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run([AWS_CLI, *args], env=cli_env, capture_output=True, text=True, cwd=cwd, timeout=120)
        if check and done.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    return run


def zip_code(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def make_role(client, name: str) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam = client("iam")
    try:
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        return iam.get_role(RoleName=name)["Role"]["Arn"]


def wait_for(condition, timeout: float = 20, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture(scope="session")
def helpers():
    """The small helpers above, as a fixture (test modules here import nothing from each other)."""

    class Helpers:
        zip_code = staticmethod(zip_code)
        make_role = staticmethod(make_role)
        wait_for = staticmethod(wait_for)
        region = REGION

    return Helpers
