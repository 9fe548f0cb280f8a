"""Asynchronous invocations are retried on AWS's schedule (scaled), as the event invoke config says."""

import json
import time
import uuid

import pytest

# Each attempt leaves a marker; the function fails until it has seen `fail_times` attempts.
FLAKY_CODE = """
import uuid
import boto3


def handler(event, context):
    s3 = boto3.client("s3")
    prefix = f"{event['run']}/"
    s3.put_object(Bucket="lambda-retries", Key=prefix + uuid.uuid4().hex, Body=context.aws_request_id.encode())
    seen = s3.list_objects_v2(Bucket="lambda-retries", Prefix=prefix)["KeyCount"]
    if seen <= event["fail_times"]:
        raise RuntimeError(f"attempt {seen} fails, as asked")
    return "loaded"
"""


@pytest.fixture
def fast_clock(monkeypatch):
    """AWS's 60 s / 120 s waits at 1/100: 0.6 s and 1.2 s (and a 60 s event age limit: 0.6 s)."""
    from local_cloud.aws import lambda_async

    monkeypatch.setenv("COURSE_LAMBDA_TIME_SCALE", "0.01")
    monkeypatch.delenv("COURSE_LAMBDA_RETRY_DELAYS", raising=False)
    lambda_async.set_retry_delays()
    yield lambda_async
    lambda_async.set_retry_delays(0.5, 1.0)  # what the session's fixture set


@pytest.fixture(scope="module")
def flaky(client, helpers):
    s3 = client("s3")
    s3.create_bucket(Bucket="lambda-retries", CreateBucketConfiguration={"LocationConstraint": helpers.region})
    created = []

    def make(event_invoke_config=None):
        name = f"course-flaky-{len(created)}"
        client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=helpers.make_role(client, "course-test-fn-role"),
            Handler="app.handler",
            Code={"ZipFile": helpers.zip_code({"app.py": FLAKY_CODE})},
            Timeout=10,
        )
        if event_invoke_config:
            client("lambda").put_function_event_invoke_config(FunctionName=name, **event_invoke_config)
        created.append(name)
        return name

    return make


def invoke_async(client, name, fail_times):
    run = uuid.uuid4().hex
    event = {"run": run, "fail_times": fail_times}
    client("lambda").invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(event))
    return run


def attempts(client, run):
    objects = client("s3").list_objects_v2(Bucket="lambda-retries", Prefix=f"{run}/").get("Contents", [])
    return [client("s3").get_object(Bucket="lambda-retries", Key=o["Key"])["Body"].read() for o in objects]


def test_scaled_schedule(fast_clock, monkeypatch):
    assert fast_clock.retry_delays() == pytest.approx((0.6, 1.2))
    monkeypatch.setenv("COURSE_LAMBDA_TIME_SCALE", "0.25")
    assert fast_clock.retry_delays() == pytest.approx((15.0, 30.0))  # the default: lesson-sized


def test_a_failed_attempt_is_retried_with_the_same_request_id(client, flaky, helpers, fast_clock):
    run = invoke_async(client, flaky(), fail_times=1)
    helpers.wait_for(lambda: len(attempts(client, run)) == 2)
    time.sleep(2)  # past the second retry's wait: no third attempt comes, the second succeeded
    request_ids = attempts(client, run)
    assert len(request_ids) == 2 and request_ids[0] == request_ids[1]


def test_two_retries_at_most(client, flaky, helpers, fast_clock):
    run = invoke_async(client, flaky(), fail_times=5)
    helpers.wait_for(lambda: len(attempts(client, run)) == 3)
    time.sleep(3)
    assert len(attempts(client, run)) == 3


def test_maximum_retry_attempts_zero_means_one_attempt(client, flaky, helpers, fast_clock):
    run = invoke_async(client, flaky({"MaximumRetryAttempts": 0}), fail_times=1)
    helpers.wait_for(lambda: attempts(client, run))
    time.sleep(3)
    assert len(attempts(client, run)) == 1


def test_maximum_event_age_drops_a_late_retry(client, flaky, helpers, fast_clock):
    # 60 AWS seconds (0.6 s here) have passed by the first retry's time (60 s + the run): dropped.
    run = invoke_async(client, flaky({"MaximumEventAgeInSeconds": 60}), fail_times=1)
    helpers.wait_for(lambda: attempts(client, run))
    time.sleep(3)
    assert len(attempts(client, run)) == 1
