"""Fixtures for the Lambda's unit tests: in-process moto for S3 and SSM, the fake Redshift, the logs."""

from __future__ import annotations

import io
import json
import os

import pytest
from lambda_fakes import BUCKET, SETTINGS, TEAM_PARAMETER, FakeRedshift

from local_cloud.config import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY


@pytest.fixture
def fake_redshift(monkeypatch):
    import redshift_connector

    db = FakeRedshift()
    monkeypatch.setattr(redshift_connector, "connect", db.connect)
    return db


AWS_ENV = {
    "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
    "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
}


@pytest.fixture(scope="module")
def _moto():
    """In-process moto for S3 and SSM, started once per module (starting it costs about a second).

    Not per session: mock_aws intercepts every boto3 call, and other folders' tests talk to the
    real local stack."""
    from moto import mock_aws

    saved = {name: os.environ.get(name) for name in [*AWS_ENV, "AWS_ENDPOINT_URL", "AWS_PROFILE"]}
    os.environ.update(AWS_ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.pop("AWS_PROFILE", None)
    with mock_aws():
        import boto3

        boto3.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def aws(_moto, monkeypatch):
    """The team's empty bucket and its settings SecureString; returns an S3 client."""
    import boto3

    monkeypatch.setenv("SSM_PARAMETER_NAME", TEAM_PARAMETER)
    s3 = boto3.client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    boto3.client("ssm").put_parameter(
        Name=TEAM_PARAMETER, Type="SecureString", Value=json.dumps(SETTINGS), Overwrite=True
    )
    return s3


@pytest.fixture
def logs():
    """What the Lambda's logger writes, as a list of lines (the handler's real stream, swapped)."""
    from etl_utils.log_utils import get_logger

    handler = get_logger().handlers[0]
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield lambda: buffer.getvalue().splitlines()
    handler.setStream(old)
