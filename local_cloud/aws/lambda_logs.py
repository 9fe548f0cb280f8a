"""CloudWatch Logs for local Lambda runs, written into moto's own logs backend (in-process).

moto writes a Docker container's output to `/aws/lambda/<name>` only after the run and without
AWS's START/END/REPORT lines. Here, as on AWS, each execution environment gets its own log stream
(so a warm environment's invocations follow one another in one stream), lines arrive while the
function runs, and the INIT_START/START/END/REPORT lines look like AWS's (`Init Duration` only on
a cold start), so `aws logs tail --follow` and `filter_log_events` behave as they do on AWS.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

from moto.logs.models import logs_backends


class EnvironmentLog:
    """One log stream for one execution environment of one function."""

    _lock = threading.Lock()  # moto's LogStream.put_log_events is not thread-safe

    def __init__(self, account_id: str, region: str, function_name: str, version: str = "$LATEST"):
        self.backend = logs_backends[account_id][region]
        self.group = f"/aws/lambda/{function_name}"
        today = datetime.now(UTC)
        self.stream = f"{today:%Y/%m/%d}/[{version}]{uuid.uuid4().hex}"
        with self._lock:
            self.backend.ensure_log_group(self.group)
            self.backend.create_log_stream(self.group, self.stream)
        self.lines: list[str] = []  # since the current invocation's START (what LogType=Tail returns)

    def write(self, message: str) -> None:
        message = message.rstrip("\n")
        self.lines.append(message)
        with self._lock:
            self.backend.put_log_events(
                self.group, self.stream, [{"timestamp": int(time.time() * 1000), "message": message}]
            )

    def init_start(self, runtime: str) -> None:
        self.write(f"INIT_START Runtime Version: {runtime}.local\tRuntime Version ARN: (none: this machine's Python)")

    def start(self, request_id: str) -> None:
        self.lines = []
        self.write(f"START RequestId: {request_id} Version: $LATEST")

    def end(
        self,
        request_id: str,
        duration_ms: float,
        memory_size: int,
        max_memory_mb: int | None,
        init_ms: float | None = None,
    ) -> None:
        self.write(f"END RequestId: {request_id}")
        used = f"\tMax Memory Used: {max_memory_mb} MB" if max_memory_mb is not None else ""
        init = f"\tInit Duration: {init_ms:.2f} ms" if init_ms is not None else ""
        self.write(
            f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
            f"Billed Duration: {max(1, round(duration_ms + 0.5))} ms\tMemory Size: {memory_size} MB{used}{init}"
        )

    def tail(self, limit_bytes: int = 4096) -> str:
        """The last 4 KB, which `Invoke` with LogType=Tail returns (base64) in X-Amz-Log-Result."""
        return "\n".join(self.lines).encode()[-limit_bytes:].decode(errors="ignore")
