"""Asynchronous Lambda invocations (S3 notifications, InvocationType=Event) with AWS's retries.

moto runs an S3-triggered function synchronously inside the upload request, once, and ignores
its failure. On AWS an asynchronous invocation is queued, and when the function fails it is
retried, by default twice: about 1 minute after the first failure and about 2 minutes after the
second, and never once the event is older than MaximumEventAgeInSeconds (default 6 hours). The
function's event invoke config (PutFunctionEventInvokeConfig, which moto stores) sets both
MaximumRetryAttempts (0–2) and MaximumEventAgeInSeconds; here they are read before every retry.

Locally AWS's clock runs faster: every wait and the event's maximum age are multiplied by
`config.lambda_time_scale()` (COURSE_LAMBDA_TIME_SCALE, default 0.25: retries after 15 s and 30 s,
long enough to outlast a 20 s database pause mid-load). COURSE_LAMBDA_RETRY_DELAYS="15,30"
(local seconds) or `set_retry_delays()` sets the waits themselves. A waiting retry holds no worker
of the pool: it is a timer that queues the event again. All attempts share one request id, as on
AWS.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from moto.awslambda.utils import get_backend

from .. import config
from .lambda_runtime import run_function

logger = logging.getLogger(__name__)

# AWS's waits before the first and the second retry, in AWS seconds.
AWS_RETRY_DELAYS = (60.0, 120.0)
AWS_DEFAULT_MAXIMUM_EVENT_AGE = 21600.0
AWS_DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2

_pool: ThreadPoolExecutor | None = None
_timers: set[threading.Timer] = set()
_lock = threading.Lock()
_retry_delays: tuple[float, ...] | None = None  # set_retry_delays(); None: the scaled AWS schedule


def set_retry_delays(*delays: float) -> None:
    """Local seconds to wait before each retry; with no argument, AWS's schedule scaled again."""
    global _retry_delays
    _retry_delays = tuple(delays) or None


def retry_delays() -> tuple[float, ...]:
    """The local waits before the first and second retry."""
    if _retry_delays is not None:
        return _retry_delays
    if os.environ.get("COURSE_LAMBDA_RETRY_DELAYS"):
        return tuple(float(s) for s in os.environ["COURSE_LAMBDA_RETRY_DELAYS"].split(","))
    return tuple(delay * config.lambda_time_scale() for delay in AWS_RETRY_DELAYS)


def event_invoke_settings(function: Any) -> tuple[int, float]:
    """(MaximumRetryAttempts, MaximumEventAgeInSeconds in AWS seconds) of the function."""
    settings = function.event_invoke_config[0].config if getattr(function, "event_invoke_config", None) else {}
    attempts = settings.get("MaximumRetryAttempts", AWS_DEFAULT_MAXIMUM_RETRY_ATTEMPTS)
    age = settings.get("MaximumEventAgeInSeconds", AWS_DEFAULT_MAXIMUM_EVENT_AGE)
    return int(attempts), float(age)


def submit(account_id: str, region: str, function_arn: str, event: Any) -> Future:
    return _queue(account_id, region, function_arn, event, str(uuid.uuid4()), time.monotonic(), 0)


def _queue(account_id: str, region: str, arn: str, event: Any, request_id: str, queued_at: float, retries: int):
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="local-lambda-async")
        return _pool.submit(_attempt, account_id, region, arn, event, request_id, queued_at, retries)


def _attempt(account_id: str, region: str, arn: str, event: Any, request_id: str, queued_at: float, retries: int):
    """One attempt; on failure, a timer queues the next one if the event invoke config allows it."""
    try:
        function = get_backend(account_id, region).get_function(arn)
    except Exception:  # deleted meanwhile: AWS drops the event too
        logger.warning("Function %s no longer exists; event dropped", arn)
        return False
    result = run_function(function, event, request_id=request_id)
    if not result.failed:
        return True
    maximum_retries, maximum_age = event_invoke_settings(function)
    delays = retry_delays()
    if retries >= min(maximum_retries, len(delays)):
        logger.warning("Async invocation of %s failed %d time(s); event dropped", function.function_name, retries + 1)
        return False
    delay = delays[retries]
    age_at_retry = time.monotonic() + delay - queued_at
    if age_at_retry > maximum_age * config.lambda_time_scale():
        logger.warning("Event for %s would be older than MaximumEventAgeInSeconds; dropped", function.function_name)
        return False
    logger.info("Async invocation %d of %s failed; retry in %.1f s", retries + 1, function.function_name, delay)
    timer = threading.Timer(delay, _retry, (account_id, region, arn, event, request_id, queued_at, retries + 1))
    timer.daemon = True
    with _lock:
        if _pool is None:  # stopped meanwhile
            return False
        _timers.add(timer)
    timer.start()
    return False


def _retry(*arguments: Any) -> None:
    with _lock:
        timer = threading.current_thread()
        if timer not in _timers:  # shutdown() dropped it while it was firing
            return
        _timers.discard(timer)
    _queue(*arguments)


def shutdown() -> None:
    """Drop queued runs and waiting retries (used when the local AWS stops); running ones finish."""
    global _pool
    with _lock:
        for timer in _timers:
            timer.cancel()
        _timers.clear()
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
