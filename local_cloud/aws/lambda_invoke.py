"""moto's Invoke, replaced: a synchronous call runs the function here (`lambda_runtime`), an
asynchronous one (InvocationType=Event) is queued with AWS's retries (`lambda_async`).

moto 5.2.5's `LambdaFunction.invoke` needs Docker, which this machine has not. This module is the
only one that knows both halves, so neither of them imports the other.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from moto.awslambda.models import LambdaFunction

from . import lambda_async
from .lambda_runtime import run_function


def _invoke(self: LambdaFunction, body: str, request_headers: Any, response_headers: Any) -> bytes:
    """Replacement for moto's LambdaFunction.invoke."""
    event = json.loads(body) if body else {}
    invocation_type = request_headers.get("x-amz-invocation-type", "RequestResponse")
    if invocation_type == "DryRun":
        return b""
    if invocation_type == "Event":
        lambda_async.submit(self.account_id, self.region, self.function_arn, event)
        return b""
    result = run_function(self, event)
    if result.failed:
        response_headers["x-amz-function-error"] = "Unhandled"
    response_headers["x-amz-log-result"] = base64.b64encode(result.log_tail.encode()).decode()
    return result.payload


def apply() -> None:
    LambdaFunction.invoke = _invoke
