"""Lambda execution environments, as on AWS: a worker process per environment, reused while warm.

An environment is one `lambda_bootstrap.py` process with the function's handler imported. It
serves one invocation at a time and is reused by the next one (a warm start: no imports, module
state kept) until

* the function's code or configuration changes (handler, environment variables, timeout, memory,
  runtime): the next invocation gets a new environment, the old ones are discarded;
* it has been idle for `config.lambda_idle_seconds()` (AWS keeps idle environments for minutes);
* an invocation timed out or the process died: AWS discards such an environment too;
* the local AWS stops (`shutdown()`).

Invocations that overlap get separate environments; when the function has reserved concurrency,
at most that many exist at once and a further invocation waits for one to be free (on AWS it
would be throttled; here a lesson's upload burst simply queues).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from moto.awslambda.models import LambdaFunction

from .. import config
from .lambda_bootstrap import MARK
from .lambda_logs import EnvironmentLog

BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")
_endpoint_url: str | None = None  # set by configure(); until then, the configured port
_unzip_lock = threading.Lock()
EXITED: dict = {"exited": True}  # what next_answer() gives once the worker process has ended


def configure(endpoint_url: str) -> None:
    """Tell functions where the local AWS listens (the server knows its port only when started)."""
    global _endpoint_url
    _endpoint_url = endpoint_url


def code_folder(function: LambdaFunction) -> Path:
    """The function's unzipped code, cached by content hash so a redeploy gets a fresh folder."""
    folder = config.state_dir() / "lambda" / function.function_name / function.code_sha_256.replace("/", "_")
    with _unzip_lock:
        if not folder.is_dir():
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(dir=folder.parent))
            with zipfile.ZipFile(io.BytesIO(function.code_bytes)) as archive:
                archive.extractall(staging)
            shutil.move(str(staging), folder)
    return folder


def function_environment(function: LambdaFunction, log: EnvironmentLog) -> dict[str, str]:
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


def configuration_key(function: LambdaFunction) -> str:
    """What an environment was built from; when it changes, AWS builds new environments."""
    settings = {
        "code": function.code_sha_256,
        "handler": function.handler,
        "runtime": function.run_time,
        "timeout": function.timeout,
        "memory": function.memory_size,
        "variables": dict(function.environment_vars or {}),
        "endpoint": _endpoint_url,
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()


class ExecutionEnvironment:
    """One worker process of one function configuration, and its log stream."""

    def __init__(self, function: LambdaFunction, key: str):
        self.function_arn = function.function_arn
        self.key = key
        self.log = EnvironmentLog(function.account_id, function.region, function.function_name)
        self.init_ms: float | None = None  # set by init(); reported once, on the first REPORT
        self.initialised = False
        self.last_used = time.monotonic()
        self._answers: queue.Queue[dict] = queue.Queue()
        self.log.init_start(function.run_time or "python3.12")
        self._started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, str(BOOTSTRAP), str(code_folder(function)), function.handler or ""],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=function_environment(function, self.log),
            cwd=code_folder(function),
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        threading.Thread(target=self._read_output, name=f"lambda-env-{self.process.pid}", daemon=True).start()

    def _read_output(self) -> None:
        """The function's lines go to its log stream; the runtime's answer lines to `_answers`."""
        for line in self.process.stdout:
            before, marked, answer = line.partition(MARK)
            if before.strip() or not marked:
                self.log.write(before)
            if marked:
                self._answers.put(json.loads(answer))
        self._answers.put(EXITED)

    def next_answer(self, timeout: float) -> dict | None:
        """The runtime's next answer, EXITED when the process died, None when it did not come in time."""
        try:
            return self._answers.get(timeout=timeout)
        except queue.Empty:
            return None

    def init(self, limit_seconds: float) -> dict | None:
        """Wait for the init phase (interpreter start, imports, module code); None when it timed out."""
        answer = self.next_answer(limit_seconds)
        self.init_ms = (time.monotonic() - self._started) * 1000
        self.initialised = answer is not None and answer.get("init") == "ok"
        if answer is EXITED:
            self.process.wait()
        return answer

    def send(self, request: dict) -> None:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()

    def exit_status(self) -> int | None:
        return self.process.poll()

    def wait_exit_status(self) -> int:
        return self.process.wait()

    def discard(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


class _Environments:
    """Every function's environments: idle ones ready for reuse, and how many exist per function."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._idle: dict[str, list[ExecutionEnvironment]] = {}  # by function ARN, most recent last
        self._count: dict[str, int] = {}  # idle + busy, by function ARN
        self._current_key: dict[str, str] = {}
        self._reaper: threading.Thread | None = None
        self._stopping = threading.Event()

    def acquire(self, function: LambdaFunction) -> ExecutionEnvironment:
        """A warm environment of the function's current configuration, or a new (cold) one."""
        arn, key = function.function_arn, configuration_key(function)
        limit = int(function.reserved_concurrency or 0)  # 0: not set (or 0, which is not enforced)
        stale: list[ExecutionEnvironment] = []
        with self._lock:
            self._start_reaper()
            if self._current_key.get(arn) != key:  # new code or configuration: old ones go
                self._current_key[arn] = key
                stale = self._idle.pop(arn, [])
                self._count[arn] = self._count.get(arn, 0) - len(stale)
            while True:
                idle = self._idle.get(arn)
                if idle:
                    return idle.pop()
                if not limit or self._count.get(arn, 0) < limit:
                    self._count[arn] = self._count.get(arn, 0) + 1
                    break
                self._lock.wait()
        for environment in stale:
            environment.discard()
        try:
            return ExecutionEnvironment(function, key)
        except Exception:
            self._forget(arn)
            raise

    def release(self, environment: ExecutionEnvironment, reusable: bool) -> None:
        """Back to the idle ones, or discarded (timed out, died, or its configuration is gone)."""
        arn = environment.function_arn
        with self._lock:
            keep = (
                reusable
                and not self._stopping.is_set()
                and environment.exit_status() is None
                and self._current_key.get(arn) == environment.key
            )
            if keep:
                environment.last_used = time.monotonic()
                self._idle.setdefault(arn, []).append(environment)
                self._lock.notify_all()
                return
        environment.discard()
        self._forget(arn)

    def _forget(self, arn: str) -> None:
        with self._lock:
            self._count[arn] = max(0, self._count.get(arn, 0) - 1)
            self._lock.notify_all()

    def _start_reaper(self) -> None:
        if self._reaper is None or not self._reaper.is_alive():
            self._stopping.clear()
            self._reaper = threading.Thread(target=self._reap_idle, name="lambda-env-reaper", daemon=True)
            self._reaper.start()

    def _reap_idle(self) -> None:
        while not self._stopping.wait(min(30.0, max(0.5, config.lambda_idle_seconds() / 4))):
            deadline = time.monotonic() - config.lambda_idle_seconds()
            expired: list[ExecutionEnvironment] = []
            with self._lock:
                for arn, idle in self._idle.items():
                    old = [environment for environment in idle if environment.last_used < deadline]
                    idle[:] = [environment for environment in idle if environment.last_used >= deadline]
                    self._count[arn] = self._count.get(arn, 0) - len(old)
                    expired += old
            for environment in expired:
                environment.discard()

    def idle_count(self, function_arn: str) -> int:
        with self._lock:
            return len(self._idle.get(function_arn, []))

    def shutdown(self) -> None:
        """Discard every idle environment; busy ones are discarded when their invocation ends."""
        with self._lock:
            self._stopping.set()
            idle = [environment for environments in self._idle.values() for environment in environments]
            self._idle.clear()
            self._count.clear()
            self._current_key.clear()
        for environment in idle:
            environment.discard()


ENVIRONMENTS = _Environments()
