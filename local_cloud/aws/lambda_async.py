"""Asynchronous Lambda invocations (S3 notifications, InvocationType=Event) with AWS's retries.

moto runs an S3-triggered function synchronously inside the upload request, once, and ignores
its failure. On AWS an asynchronous invocation is queued, and when the function fails it is
retried twice: about 1 minute after the first failure and about 2 minutes after the second.
Locally the runs go to a small thread pool, and the waits are short so that a lesson does not
stall: 1 s and 2 s by default, changed with COURSE_LAMBDA_RETRY_DELAYS="1,2" (seconds) or
`set_retry_delays()`.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from moto.awslambda.utils import get_backend

from .lambda_runtime import run_function

logger = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_retry_delays = tuple(float(s) for s in os.environ.get("COURSE_LAMBDA_RETRY_DELAYS", "1,2").split(","))


def set_retry_delays(*delays: float) -> None:
    """Seconds to wait before each retry; AWS makes two retries, waiting about 60 s and 120 s."""
    global _retry_delays
    _retry_delays = tuple(delays)


def submit(account_id: str, region: str, function_arn: str, event: Any) -> Future:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="local-lambda-async")
    return _pool.submit(_run_with_retries, account_id, region, function_arn, event)


def _run_with_retries(account_id: str, region: str, function_arn: str, event: Any) -> bool:
    for attempt, delay_before in enumerate((0.0, *_retry_delays), start=1):
        time.sleep(delay_before)
        try:
            function = get_backend(account_id, region).get_function(function_arn)
        except Exception:  # deleted meanwhile: AWS drops the event too
            logger.warning("Function %s no longer exists; event dropped", function_arn)
            return False
        result = run_function(function, event)
        if not result.failed:
            return True
        logger.info("Async invocation %d of %s failed", attempt, function.function_name)
    return False


def shutdown() -> None:
    """Drop queued runs (used when the local AWS stops); running ones finish on their own."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
