"""The tiny Lambda runtime: ONE execution environment of a deployed function, in a child process.

``lambda_environments.py`` starts it as ``python lambda_bootstrap.py <code dir> <handler>`` with
the function's environment. Like AWS's runtime it has two phases:

* init, once: the handler's module is imported (its module-level code runs), then one line
  ``<MARK>{"init": ...}`` says how it went and how long it took;
* invoke, once per request: a JSON line on stdin (request id, deadline, event) runs the handler,
  then one line ``<MARK>{"ok": ..., "payload"/"error": ..., "max_memory_mb": ...}`` answers.

Everything else the function prints (stdout and stderr share one pipe) is log output, as on AWS.
The answers travel in the same pipe, after the function's own output, so a log line can never
arrive after the END line of its invocation.

This file runs with THIS machine's Python and imports nothing from the course package, so the
function sees only its own code folder (first on sys.path) and the installed libraries.
"""

import importlib
import json
import logging
import os
import resource
import sys
import time
import traceback

# Starts every answer line; a control character no function prints by accident.
MARK = "\x1elocal-lambda-runtime\x1e"


class LambdaContext:
    """The attributes and method of AWS's Python context object that functions use."""

    def __init__(self, request: dict):
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.invoked_function_arn = request["function_arn"]
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.aws_request_id = request["request_id"]
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity = None
        self.client_context = None
        self._deadline_ms = request["deadline_ms"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_ms - time.time() * 1000))


class _LambdaLogFormatter(logging.Formatter):
    """`[INFO]\t2024-03-01T12:00:00.123Z\t<request id>\tmessage`, the Python runtime's format."""

    request_id = ""  # the invocation running now; empty during init, as on AWS

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        text = super().format(record)
        return f"[{record.levelname}]\t{stamp}.{int(record.msecs):03d}Z\t{self.request_id}\t{text}"


def _error(error_type: str, message: str, stack: list[str] | None = None) -> dict:
    return {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": stack or []}


class _InitError(Exception):
    def __init__(self, error_type: str, message: str):
        super().__init__(message)
        self.error_type = error_type


def _load_handler(handler: str):
    """'app.handler', 'pkg.module.handler' and 'folder/module.handler' all work, as on AWS."""
    module_path, _, function_name = handler.rpartition(".")
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # the runtime reports any import failure this way
        raise _InitError("Runtime.ImportModuleError", f"Unable to import module '{module_path}': {error}") from None
    function = getattr(module, function_name, None)
    if function is None:
        raise _InitError("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_path}'")
    return function


def peak_memory_mb() -> int:
    """This environment's own peak resident memory.

    VmHWM, because Linux carries ru_maxrss across exec: a child forked from the (large) local
    AWS would report its parent's size. Elsewhere ru_maxrss is the best there is."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 // (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KB on Linux


def _answer(channel, message: dict) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    channel.write(MARK + json.dumps(message) + "\n")
    channel.flush()


def _invoke(function, request: dict) -> dict:
    try:
        result = function(request["event"], LambdaContext(request))
        try:
            return {"ok": True, "payload": json.dumps(result)}
        except (TypeError, ValueError) as error:
            return {"ok": False, "error": _error("Runtime.MarshalError", f"Unable to marshal response: {error}")}
    except Exception as error:  # the function failed: report it like the Python runtime does
        stack = traceback.format_list(traceback.extract_tb(error.__traceback__)[1:])
        print(f"[ERROR] {type(error).__name__}: {error}", file=sys.stdout)
        print("Traceback (most recent call last):\n" + "".join(stack).rstrip(), flush=True)
        return {"ok": False, "error": _error(type(error).__name__, str(error), stack)}


def main(code_dir: str, handler: str) -> int:
    # Requests come on stdin and answers go to stdout; the function gets an empty stdin, so that
    # nothing it reads can swallow a request.
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    answers = sys.stdout
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    # The deployed code folder comes first, exactly as /var/task does on AWS; this file's own
    # folder (which Python put first) is dropped so the course package stays out of sight.
    sys.path[0] = code_dir
    os.chdir(code_dir)

    formatter = _LambdaLogFormatter()
    log_handler = logging.StreamHandler(sys.stdout)
    log_handler.setFormatter(formatter)
    logging.getLogger().addHandler(log_handler)
    logging.getLogger().setLevel(logging.WARNING)  # AWS's default; functions raise it themselves

    started = time.monotonic()
    try:
        function = _load_handler(handler)
    except _InitError as error:
        print(f"[ERROR] {error.error_type}: {error}", flush=True)
        _answer(answers, {"init": "failed", "error": _error(error.error_type, str(error))})
        return 0
    _answer(answers, {"init": "ok", "init_ms": (time.monotonic() - started) * 1000})

    for line in requests:
        request = json.loads(line)
        formatter.request_id = request["request_id"]
        outcome = _invoke(function, request)
        if not outcome["ok"]:
            outcome["error"]["requestId"] = request["request_id"]
        outcome["max_memory_mb"] = peak_memory_mb()
        _answer(answers, outcome)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
