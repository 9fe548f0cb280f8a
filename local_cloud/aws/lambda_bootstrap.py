"""The tiny Lambda runtime that runs ONE invocation of a deployed function in a child process.

``lambda_runtime.py`` starts it as ``python lambda_bootstrap.py <invocation.json>`` with the
function's environment, writes the event on stdin and reads the outcome from a result file, so
that everything the function prints (stdout and stderr) stays log output, as on AWS.

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


class LambdaContext:
    """The attributes and method of AWS's Python context object that functions use."""

    def __init__(self, invocation: dict):
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.invoked_function_arn = invocation["function_arn"]
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.aws_request_id = invocation["request_id"]
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity = None
        self.client_context = None
        self._deadline_ms = invocation["deadline_ms"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_ms - time.time() * 1000))


class _LambdaLogFormatter(logging.Formatter):
    """`[INFO]\t2024-03-01T12:00:00.123Z\t<request id>\tmessage`, the Python runtime's format."""

    def __init__(self, request_id: str):
        super().__init__()
        self.request_id = request_id

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        text = super().format(record)
        return f"[{record.levelname}]\t{stamp}.{int(record.msecs):03d}Z\t{self.request_id}\t{text}"


def _error(error_type: str, message: str, stack: list[str] | None = None) -> dict:
    return {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": stack or []}


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


class _InitError(Exception):
    def __init__(self, error_type: str, message: str):
        super().__init__(message)
        self.error_type = error_type


def main(invocation_path: str) -> int:
    with open(invocation_path, encoding="utf-8") as handle:
        invocation = json.load(handle)
    # The deployed code folder comes first, exactly as /var/task does on AWS; this file's own
    # folder (which Python put first) is dropped so the course package stays out of sight.
    sys.path[0] = invocation["code_dir"]
    os.chdir(invocation["code_dir"])

    log_handler = logging.StreamHandler(sys.stdout)
    log_handler.setFormatter(_LambdaLogFormatter(invocation["request_id"]))
    logging.getLogger().addHandler(log_handler)
    logging.getLogger().setLevel(logging.WARNING)  # AWS's default; functions raise it themselves

    outcome: dict
    try:
        function = _load_handler(invocation["handler"])
        event = json.loads(sys.stdin.read() or "{}")
        result = function(event, LambdaContext(invocation))
        try:
            outcome = {"ok": True, "payload": json.dumps(result)}
        except (TypeError, ValueError) as error:
            outcome = {"ok": False, "error": _error("Runtime.MarshalError", f"Unable to marshal response: {error}")}
    except _InitError as error:
        print(f"[ERROR] {error.error_type}: {error}", flush=True)
        outcome = {"ok": False, "error": _error(error.error_type, str(error))}
    except Exception as error:  # the function failed: report it like the Python runtime does
        stack = traceback.format_list(traceback.extract_tb(error.__traceback__)[1:])
        print(f"[ERROR] {type(error).__name__}: {error}", file=sys.stdout)
        print("Traceback (most recent call last):\n" + "".join(stack).rstrip(), flush=True)
        outcome = {"ok": False, "error": _error(type(error).__name__, str(error), stack)}
    sys.stdout.flush()
    sys.stderr.flush()
    if not outcome["ok"]:
        outcome["error"]["requestId"] = invocation["request_id"]
    outcome["max_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    with open(invocation["result_path"], "w", encoding="utf-8") as handle:
        json.dump(outcome, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
