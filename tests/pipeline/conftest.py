"""The local stack and the deployed pipeline, shared by every test in this folder.

`local_stack` runs `course up` (idempotent: a stack already running is reused) and yields the
settings; `deployed` runs `handouts/deploy.sh local la-vida-mocha` once, the way a learner does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from redshift_course import CourseSettings

REPO = Path(__file__).resolve().parents[2]
HANDOUTS = REPO / "handouts"
DATA = HANDOUTS / "data"
BIN = Path(sys.executable).parent
TEAM = "la-vida-mocha"


def tool_env(settings: CourseSettings | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    # A stack this session starts retries a failed S3-triggered run after 2 s and 4 s (AWS: about
    # 1 and 2 minutes), long enough for the database-restart test to bring PostgreSQL back.
    env.setdefault("COURSE_LAMBDA_RETRY_DELAYS", "2,4")
    if settings is not None:
        env.update(settings.local_env())
    return env


def run(
    command: list[str], settings: CourseSettings | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=REPO, env=tool_env(settings), capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="session")
def local_stack() -> CourseSettings:
    result = run([str(BIN / "course"), "up"], timeout=300)
    if result.returncode != 0:
        pytest.fail(f"`course up` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return CourseSettings(mode="local", team=TEAM)


@dataclass(frozen=True)
class Pipeline:
    settings: CourseSettings
    bucket: str
    function: str
    log_group: str
    deploy_output: str

    def s3(self):
        return self.settings.client("s3")

    def upload(self, source: Path | bytes, key: str) -> None:
        body = source.read_bytes() if isinstance(source, Path) else source
        self.s3().put_object(Bucket=self.bucket, Key=key, Body=body)

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"


def stack_outputs(cfn, stack: str) -> dict[str, str]:
    described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    return {item["OutputKey"]: item["OutputValue"] for item in described.get("Outputs", [])}


@pytest.fixture(scope="session")
def deployed(local_stack: CourseSettings) -> Pipeline:
    result = run(["bash", str(HANDOUTS / "deploy.sh"), "local", TEAM], local_stack)
    assert result.returncode == 0, f"deploy.sh failed:\n{result.stdout}\n{result.stderr}"
    outputs = stack_outputs(local_stack.client("cloudformation"), local_stack.etl_stack)
    return Pipeline(
        settings=local_stack,
        bucket=outputs["RawDataBucketName"],
        function=outputs["EtlFunctionName"],
        log_group=outputs["EtlLogGroupName"],
        deploy_output=result.stdout,
    )


def wait_for(condition: Callable[[], Any], timeout: float = 60, every: float = 0.5, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(every)


def rows_for(settings: CourseSettings, source_file: str) -> int:
    """How many visits of one source file are in the team's table (0 while the table is missing)."""
    connection = settings.connect()
    try:
        cursor = connection.cursor()
        cursor.execute("select count(*) from information_schema.tables where table_name = 'mystery_shop_visit'")
        if cursor.fetchone()[0] == 0:
            return 0
        cursor.execute("select count(*) from mystery_shop_visit where source_file = %s", (source_file,))
        return int(cursor.fetchone()[0])
    finally:
        connection.close()


def log_messages(pipeline: Pipeline, start_ms: int, pattern: str = "") -> list[str]:
    logs = pipeline.settings.client("logs")
    messages: list[str] = []
    try:
        pages = logs.get_paginator("filter_log_events").paginate(
            logGroupName=pipeline.log_group, startTime=start_ms, **({"filterPattern": pattern} if pattern else {})
        )
        for page in pages:
            messages += [event["message"] for event in page.get("events", [])]
    except logs.exceptions.ResourceNotFoundException:
        pass
    return messages


def now_ms() -> int:
    return int(time.time() * 1000)
