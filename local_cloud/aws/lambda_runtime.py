"""Lambda without Docker: run a function's deployed code in an execution environment of ours.

moto 5.2.5 runs a Lambda only inside a Docker container (an AWS runtime image). This machine has
no Docker, so moto's Invoke answers with "error running docker". Here an invocation

* takes a warm execution environment of the function, or starts one (`lambda_environments.py`:
  a `lambda_bootstrap.py` worker of this machine's Python with the deployed code unzipped once
  into `<state dir>/lambda/<function>/<code sha256>/`, the function's environment variables,
  AWS's standard variables, the local endpoint and the dummy credentials);
* on a cold start waits for the init phase (interpreter start, imports, module code) under AWS's
  own 10 s init limit, apart from the function's timeout, and reports it (`INIT_START`, and
  `Init Duration` on the REPORT line);
* runs the handler under the function's timeout; a timed-out environment is killed and discarded
  ("Task timed out after N seconds", as on AWS);
* streams the function's output to CloudWatch Logs (`lambda_logs.py`) and answers with the
  function's result or AWS's error payload (errorMessage, errorType, stackTrace) and FunctionError.

`lambda_invoke.py` puts this in place of moto's Invoke; asynchronous invocations
(InvocationType=Event) go through `lambda_async.py`, which adds AWS's retries.
What differs from AWS: the function runs on this machine's Python and installed packages (not
the python3.12 image), with no memory limit, no VPC, and with whatever the dummy credentials may
do (moto does not enforce IAM).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from moto.awslambda.models import LambdaFunction

from .. import config
from . import lambda_environments
from .lambda_environments import ENVIRONMENTS, EXITED, ExecutionEnvironment


@dataclass
class InvocationResult:
    payload: bytes
    failed: bool  # AWS's X-Amz-Function-Error: Unhandled
    log_tail: str


def configure(endpoint_url: str) -> None:
    """Tell functions where the local AWS listens (the server knows its port only when started)."""
    lambda_environments.configure(endpoint_url)


def run_function(function: LambdaFunction, event: Any, request_id: str | None = None) -> InvocationResult:
    """Run one invocation to its end (or its timeout) and return what Invoke returns.

    An asynchronous event's retries pass its request id: on AWS every attempt has the same one."""
    request_id = request_id or str(uuid.uuid4())
    timeout = float(function.timeout or 3)
    environment = ENVIRONMENTS.acquire(function)
    reusable = False
    try:
        init_ms = None
        if not environment.initialised:  # a cold start: the init phase, outside the timeout
            init_answer = environment.init(config.LAMBDA_INIT_LIMIT_SECONDS)
            init_ms = environment.init_ms
            if not environment.initialised:
                outcome = _init_failure(environment, init_answer, request_id)
                _report(environment, function, request_id, 0.0, outcome, init_ms)
                return _result(environment, outcome)
        environment.log.start(request_id)
        started = time.monotonic()
        environment.send(
            {
                "request_id": request_id,
                "function_arn": function.function_arn,
                "deadline_ms": time.time() * 1000 + timeout * 1000,
                "event": event,
            }
        )
        outcome = environment.next_answer(timeout)
        duration_ms = (time.monotonic() - started) * 1000
        if outcome is None or outcome is EXITED:
            outcome = _no_answer(environment, request_id, timeout, timed_out=outcome is None)
        else:
            reusable = True
        _report(environment, function, request_id, duration_ms, outcome, init_ms)
        return _result(environment, outcome)
    finally:
        ENVIRONMENTS.release(environment, reusable)


def _no_answer(environment: ExecutionEnvironment, request_id: str, timeout: float, timed_out: bool) -> dict:
    """The handler ran out of time, or its process died (os._exit, a crash, out of memory)."""
    if timed_out:
        environment.discard()  # now, so that its last lines are in the log before END
        environment.log.write(f"{_timestamp()} {request_id} Task timed out after {timeout:.2f} seconds")
        message = f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
        return {"ok": False, "error": {"errorType": "Sandbox.Timedout", "errorMessage": message}}
    status = environment.wait_exit_status()
    message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {status}"
    return {"ok": False, "error": {"errorType": "Runtime.ExitError", "errorMessage": message}}


def _init_failure(environment: ExecutionEnvironment, answer: dict | None, request_id: str) -> dict:
    environment.log.start(request_id)
    if answer is not None and "error" in answer:  # the import failed: AWS reports it the same way
        answer["error"]["requestId"] = request_id
        return {"ok": False, "error": answer["error"]}
    if answer is None:
        limit = config.LAMBDA_INIT_LIMIT_SECONDS
        environment.discard()
        message = f"RequestId: {request_id} Error: Init phase timed out after {limit:.2f} seconds"
        return {"ok": False, "error": {"errorType": "Sandbox.Timedout", "errorMessage": message}}
    message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {environment.exit_status()}"
    return {"ok": False, "error": {"errorType": "Runtime.ExitError", "errorMessage": message}}


def _report(
    environment: ExecutionEnvironment,
    function: LambdaFunction,
    request_id: str,
    duration_ms: float,
    outcome: dict,
    init_ms: float | None,
) -> None:
    environment.log.end(request_id, duration_ms, function.memory_size, outcome.get("max_memory_mb"), init_ms)


def _result(environment: ExecutionEnvironment, outcome: dict) -> InvocationResult:
    tail = environment.log.tail()
    if outcome["ok"]:
        return InvocationResult(outcome["payload"].encode(), False, tail)
    return InvocationResult(json.dumps(outcome["error"]).encode(), True, tail)


def _timestamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"
