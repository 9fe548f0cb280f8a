"""Execution environments as on AWS: warm reuse, an init phase outside the timeout, INIT_START and
Init Duration on cold starts only, one environment per concurrent invocation, its own memory."""

import base64
import json
import os
import threading

import pytest

# CALLS is module state: it survives only in a reused (warm) environment.
COUNTING_CODE = """
import os, time
INIT_SLEEP = float(os.environ.get("INIT_SLEEP", "0"))
time.sleep(INIT_SLEEP)  # a slow import, like boto3 and redshift_connector on a busy laptop
CALLS = 0


def handler(event, context):
    global CALLS
    CALLS += 1
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("allocate_mb"):
        block = bytearray(event["allocate_mb"] * 2**20)
        block[::4096] = b"x" * len(block[::4096])
    return {"calls": CALLS, "pid": os.getpid(), "stream": context.log_stream_name}
"""


def make_function(client, helpers, name, timeout=3, variables=None, reserved=None):
    lam = client("lambda")
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=helpers.make_role(client, "course-test-fn-role"),
        Handler="app.handler",
        Code={"ZipFile": helpers.zip_code({"app.py": COUNTING_CODE})},
        Timeout=timeout,
        Environment={"Variables": variables or {}},
    )
    if reserved is not None:
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)
    return name


def invoke(client, name, event=None):
    response = client("lambda").invoke(FunctionName=name, Payload=json.dumps(event or {}), LogType="Tail")
    assert "FunctionError" not in response, response["Payload"].read()
    return json.loads(response["Payload"].read()), base64.b64decode(response["LogResult"]).decode()


def report_line(tail: str) -> str:
    return next(line for line in tail.splitlines() if line.startswith("REPORT RequestId:"))


def test_a_warm_invocation_reuses_the_environment_and_skips_init(client, helpers):
    name = make_function(client, helpers, "course-env-warm")
    first, first_tail = invoke(client, name)
    second, second_tail = invoke(client, name)
    assert first["calls"] == 1 and second["calls"] == 2  # module state kept: no second import
    assert first["pid"] == second["pid"] and first["stream"] == second["stream"]
    assert "Init Duration:" in report_line(first_tail)
    assert "Init Duration:" not in report_line(second_tail)
    events = client("logs").filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    messages = [event["message"] for event in events]
    assert sum(message.startswith("INIT_START") for message in messages) == 1
    assert messages[0].startswith("INIT_START")  # before the first START, as on AWS


def test_a_slow_init_does_not_count_against_a_short_timeout(client, helpers):
    name = make_function(client, helpers, "course-env-slow-init", timeout=1, variables={"INIT_SLEEP": "2.5"})
    payload, tail = invoke(client, name)
    assert payload["calls"] == 1
    init_ms = float(report_line(tail).split("Init Duration: ")[1].split(" ms")[0])
    assert init_ms >= 2500


def test_a_timed_out_environment_is_discarded(client, helpers):
    name = make_function(client, helpers, "course-env-timeout", timeout=1)
    before, _ = invoke(client, name)
    response = client("lambda").invoke(FunctionName=name, Payload=json.dumps({"sleep": 5}))
    assert "Task timed out after 1.00 seconds" in json.loads(response["Payload"].read())["errorMessage"]
    after, tail = invoke(client, name)
    assert after["pid"] != before["pid"] and after["calls"] == 1
    assert "Init Duration:" in report_line(tail)


def test_new_configuration_gets_a_new_environment(client, helpers):
    name = make_function(client, helpers, "course-env-config")
    before, _ = invoke(client, name)
    client("lambda").update_function_configuration(FunctionName=name, Environment={"Variables": {"COLOUR": "red"}})
    after, _ = invoke(client, name)
    assert after["pid"] != before["pid"] and after["calls"] == 1


def run_together(client, name, count, event):
    results: list = []

    def one():
        results.append(invoke(client, name, event)[0])

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_invocations_get_separate_environments(client, helpers):
    name = make_function(client, helpers, "course-env-concurrent")
    results = run_together(client, name, 2, {"sleep": 1.5})
    assert len({result["pid"] for result in results}) == 2


def test_reserved_concurrency_caps_the_environments(client, helpers):
    name = make_function(client, helpers, "course-env-reserved", reserved=1)
    results = run_together(client, name, 3, {"sleep": 0.3})
    assert len({result["pid"] for result in results}) == 1
    assert sorted(result["calls"] for result in results) == [1, 2, 3]


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="VmHWM is Linux's")
def test_max_memory_used_is_the_environments_own(client, helpers):
    name = make_function(client, helpers, "course-env-memory")
    _, small = invoke(client, name)
    _, large = invoke(client, name, {"allocate_mb": 150})

    def used(tail):
        return int(report_line(tail).split("Max Memory Used: ")[1].split(" MB")[0])

    assert used(small) < 100  # a bare Python, not the local AWS that started it
    assert used(large) >= used(small) + 140
