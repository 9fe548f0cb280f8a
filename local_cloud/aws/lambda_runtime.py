"""Lambda without Docker: run a function's deployed code in a child process of this machine's Python.

moto 5.2.5 runs a Lambda only inside a Docker container (an AWS runtime image). This machine has
no Docker, so moto's Invoke answers with "error running docker". This module replaces
`LambdaFunction.invoke` so that an invocation

* unzips the deployed code (CreateFunction's zip, or the S3 object CloudFormation points at)
  once into `<state dir>/lambda/<function>/<code sha256>/`,
* runs `lambda_bootstrap.py` with `sys.executable`, the function's handler string, its
  environment variables, AWS's standard variables, the local endpoint and the dummy credentials,
* kills it after the function's timeout ("Task timed out after N seconds", as on AWS),
* streams its output to CloudWatch Logs (`lambda_logs.py`) and answers with the function's
  result or AWS's error payload (errorMessage, errorType, stackTrace) and FunctionError.

`lambda_invoke.py` puts this in place of moto's Invoke; asynchronous invocations
(InvocationType=Event) go through `lambda_async.py`, which adds AWS's retries.
What differs from AWS: the function runs on this machine's Python and installed packages (not
the python3.12 image), with no memory limit, no VPC, and with whatever the dummy credentials may
do (moto does not enforce IAM), and every invocation is a cold start.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moto.awslambda.models import LambdaFunction

from .. import config
from .lambda_logs import InvocationLog

BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")
_endpoint_url: str | None = None  # set by configure(); until then, the configured port
_unzip_lock = threading.Lock()


@dataclass
class InvocationResult:
    payload: bytes
    failed: bool  # AWS's X-Amz-Function-Error: Unhandled
    log_tail: str


def configure(endpoint_url: str) -> None:
    """Tell functions where the local AWS listens (the server knows its port only when started)."""
    global _endpoint_url
    _endpoint_url = endpoint_url


def code_folder(function: LambdaFunction) -> Path:
    """The function's unzipped code, cached by content hash so a redeploy gets a fresh folder."""
    folder = config.state_dir() / "lambda" / function.function_name / function.code_sha_256.replace("/", "_")
    with _unzip_lock:
        if not folder.is_dir():
            staging = Path(tempfile.mkdtemp(dir=folder.parent if folder.parent.is_dir() else None))
            with zipfile.ZipFile(io.BytesIO(function.code_bytes)) as archive:
                archive.extractall(staging)
            folder.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staging), folder)
    return folder


def function_environment(function: LambdaFunction, log: InvocationLog) -> dict[str, str]:
    """A clean environment like Lambda's: the function's variables, AWS's, then the local endpoint."""
    environment = {name: os.environ[name] for name in ("PATH", "LANG", "SYSTEMROOT") if name in os.environ}
    environment.update({name: str(value) for name, value in function.environment_vars.items()})
    environment.update(
        {
            "_HANDLER": function.handler or "",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.run_time}",
            "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": log.group,
            "AWS_LAMBDA_LOG_STREAM_NAME": log.stream,
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            "LAMBDA_TASK_ROOT": str(code_folder(function)),
            "PYTHONUNBUFFERED": "1",
            "TZ": ":UTC",
            # Local only: where the local AWS is, and dummy (non-secret) keys to sign requests with.
            "AWS_ENDPOINT_URL": _endpoint_url or config.aws_endpoint_url(),
            "AWS_ACCESS_KEY_ID": config.DUMMY_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": config.DUMMY_SECRET_ACCESS_KEY,
        }
    )
    return environment


def run_function(function: LambdaFunction, event: Any) -> InvocationResult:
    """Run one invocation to its end (or its timeout) and return what Invoke returns."""
    log = InvocationLog(function.account_id, function.region, function.function_name)
    request_id = str(uuid.uuid4())
    timeout = float(function.timeout or 3)
    started = time.monotonic()
    log.start(request_id)
    with tempfile.TemporaryDirectory(prefix="lambda-invocation-") as scratch:
        result_path = Path(scratch) / "result.json"
        invocation_path = Path(scratch) / "invocation.json"
        invocation_path.write_text(
            json.dumps(
                {
                    "code_dir": str(code_folder(function)),
                    "handler": function.handler,
                    "request_id": request_id,
                    "function_arn": function.function_arn,
                    "deadline_ms": time.time() * 1000 + timeout * 1000,
                    "result_path": str(result_path),
                }
            )
        )
        process = subprocess.Popen(
            [sys.executable, str(BOOTSTRAP), str(invocation_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=function_environment(function, log),
            cwd=scratch,
            text=True,
        )
        reader = threading.Thread(target=_copy_lines, args=(process.stdout, log), daemon=True)
        reader.start()
        process.stdin.write(json.dumps(event))
        process.stdin.close()
        try:
            process.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            timed_out = True
        reader.join(timeout=5)
        duration_ms = (time.monotonic() - started) * 1000
        outcome = _outcome(result_path, process.returncode, timed_out, timeout, request_id)

    if timed_out:
        log.write(f"{_timestamp()} {request_id} Task timed out after {timeout:.2f} seconds")
    log.end(request_id, duration_ms, function.memory_size, outcome.get("max_memory_mb"))
    if outcome["ok"]:
        return InvocationResult(outcome["payload"].encode(), False, log.tail())
    return InvocationResult(json.dumps(outcome["error"]).encode(), True, log.tail())


def _copy_lines(stream, log: InvocationLog) -> None:
    for line in stream:
        log.write(line)


def _outcome(result_path: Path, returncode: int, timed_out: bool, timeout: float, request_id: str) -> dict:
    if timed_out:
        message = f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
        return {"ok": False, "error": {"errorType": "Sandbox.Timedout", "errorMessage": message}}
    if result_path.exists():
        return json.loads(result_path.read_text())
    # The process died without reporting (os._exit, a crash, out of memory): AWS says this.
    message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {returncode}"
    return {"ok": False, "error": {"errorType": "Runtime.ExitError", "errorMessage": message}}


def _timestamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"
