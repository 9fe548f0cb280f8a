"""Lambda without Docker: the deployed zip really runs, with its handler, environment and timeout."""

import base64
import json
import time

import pytest

HANDLER_CODE = """
import json, logging, os, sys, time
import boto3
from helper_pkg.shout import shout

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    print("got event", json.dumps(event))
    logger.info("info line for %s", context.function_name)
    if event.get("fail"):
        raise ValueError("asked to fail")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    s3 = boto3.client("s3")
    if event.get("marker_bucket"):
        s3.put_object(Bucket=event["marker_bucket"], Key=event["marker_key"], Body=b"ran")
    return {
        "shout": shout(event.get("word", "hi")),
        "colour": os.environ.get("COLOUR"),
        "region": os.environ["AWS_REGION"],
        "function_name": context.function_name,
        "request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "path0": sys.path[0],
        "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
    }
"""

FILES = {
    "src/app.py": HANDLER_CODE,
    "helper_pkg/__init__.py": "",
    "helper_pkg/shout.py": "def shout(word):\n    return word.upper() + '!'\n",
}


@pytest.fixture(scope="module")
def function(client, helpers):
    lam = client("lambda")
    lam.create_function(
        FunctionName="course-test-fn",
        Runtime="python3.12",
        Role=helpers.make_role(client, "course-test-fn-role"),
        Handler="src/app.handler",
        Code={"ZipFile": helpers.zip_code(FILES)},
        Timeout=2,
        Environment={"Variables": {"COLOUR": "teal"}},
    )
    s3 = client("s3")
    s3.create_bucket(Bucket="lambda-markers", CreateBucketConfiguration={"LocationConstraint": helpers.region})
    return "course-test-fn"


def invoke(client, name, event, **kwargs):
    response = client("lambda").invoke(FunctionName=name, Payload=json.dumps(event), **kwargs)
    return response, json.loads(response["Payload"].read() or b"null")


def test_request_response_runs_the_deployed_code(client, function, local_aws):
    response, payload = invoke(client, function, {"word": "shop"}, LogType="Tail")
    assert "FunctionError" not in response
    assert payload["shout"] == "SHOP!"  # a module from a subfolder of the zip
    assert payload["colour"] == "teal"
    assert payload["region"] == "eu-west-1"
    assert payload["function_name"] == function
    assert 0 < payload["remaining_ms"] <= 2000
    assert payload["endpoint"] == local_aws.endpoint_url
    assert payload["path0"].startswith(str(local_aws.state_dir / "lambda" / function))
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "START RequestId:" in tail and "got event" in tail and "REPORT RequestId:" in tail


def test_function_can_call_the_local_aws(client, function, helpers):
    invoke(client, function, {"marker_bucket": "lambda-markers", "marker_key": "sync.txt"})
    assert client("s3").get_object(Bucket="lambda-markers", Key="sync.txt")["Body"].read() == b"ran"


def test_error_has_lambdas_payload_shape(client, function):
    response, payload = invoke(client, function, {"fail": True})
    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "ValueError"
    assert payload["errorMessage"] == "asked to fail"
    assert any("app.py" in line for line in payload["stackTrace"])


def test_timeout_kills_the_run(client, function):
    response, payload = invoke(client, function, {"sleep": 10})
    assert response["FunctionError"] == "Unhandled"
    assert "Task timed out after 2.00 seconds" in payload["errorMessage"]


def test_event_invocation_returns_at_once_and_runs(client, function, helpers):
    response = client("lambda").invoke(
        FunctionName=function,
        InvocationType="Event",
        Payload=json.dumps({"marker_bucket": "lambda-markers", "marker_key": "event.txt"}),
    )
    assert response["StatusCode"] == 202
    s3 = client("s3")
    helpers.wait_for(lambda: s3.list_objects_v2(Bucket="lambda-markers", Prefix="event.txt").get("KeyCount"))


def test_missing_handler_module_reports_import_error(client, helpers):
    client("lambda").create_function(
        FunctionName="course-bad-handler",
        Runtime="python3.12",
        Role=helpers.make_role(client, "course-test-fn-role"),
        Handler="nowhere.handler",
        Code={"ZipFile": helpers.zip_code({"app.py": "x = 1\n"})},
    )
    response, payload = invoke(client, "course-bad-handler", {})
    assert payload["errorType"] == "Runtime.ImportModuleError"


def test_logs_land_in_cloudwatch(client, function, aws, helpers):
    _, payload = invoke(client, function, {"word": "logged"})
    logs = client("logs")
    group = f"/aws/lambda/{function}"
    events = helpers.wait_for(
        lambda: [
            e for e in logs.filter_log_events(logGroupName=group)["events"] if payload["request_id"] in e["message"]
        ]
    )
    messages = [e["message"] for e in events]
    assert messages[0].startswith(f"START RequestId: {payload['request_id']}")
    assert any(m.startswith(f"END RequestId: {payload['request_id']}") for m in messages)
    info = [m for m in logs.filter_log_events(logGroupName=group, filterPattern="info")["events"]]
    assert any("[INFO]\t" in e["message"] and "info line for course-test-fn" in e["message"] for e in info)
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert len(streams) >= 2  # one per execution environment (the timed-out one was discarded)
    # `aws logs tail` is an AWS CLI v2 command (the pack's pip-installed CLI is v1); it pages
    # FilterLogEvents with a startTime, which is what this asks for through the CLI.
    since = str(int(time.time() * 1000) - 600_000)
    found = json.loads(aws("logs", "filter-log-events", "--log-group-name", group, "--start-time", since).stdout)
    text = "\n".join(e["message"] for e in found["events"])
    assert "got event" in text and "REPORT RequestId" in text
