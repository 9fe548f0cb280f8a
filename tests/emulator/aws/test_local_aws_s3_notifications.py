"""S3 → Lambda notifications set with the S3 API (not CloudFormation): async, filtered, faithful."""

import json

import pytest

CODE = """
import boto3, json
from urllib.parse import unquote_plus

def handler(event, context):
    s3 = boto3.client("s3")
    for record in event["Records"]:
        key = unquote_plus(record["s3"]["object"]["key"])
        s3.put_object(Bucket="api-notify-results", Key=f"{record['eventName']}/{key}", Body=json.dumps(record))
"""


@pytest.fixture(scope="module")
def notified_bucket(client, helpers):
    lam, s3 = client("lambda"), client("s3")
    arn = lam.create_function(
        FunctionName="api-notify-fn",
        Runtime="python3.12",
        Role=helpers.make_role(client, "api-notify-role"),
        Handler="app.handler",
        Code={"ZipFile": helpers.zip_code({"app.py": CODE})},
        Timeout=10,
    )["FunctionArn"]
    for name in ("api-notify-source", "api-notify-results"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": helpers.region})
    s3.put_bucket_notification_configuration(
        Bucket="api-notify-source",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "LambdaFunctionArn": arn,
                    "Events": ["s3:ObjectCreated:Put", "s3:ObjectRemoved:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "data/"}]}},
                }
            ]
        },
    )
    return "api-notify-source"


def results(s3):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket="api-notify-results").get("Contents", []))


def test_event_types_and_prefix_are_respected(client, helpers, notified_bucket):
    s3 = client("s3")
    s3.put_object(Bucket=notified_bucket, Key="data/x=1/a file.csv", Body=b"abc")
    s3.put_object(Bucket=notified_bucket, Key="other/b.csv", Body=b"abc")
    s3.copy_object(Bucket=notified_bucket, Key="data/copied.csv", CopySource=f"{notified_bucket}/other/b.csv")
    s3.delete_object(Bucket=notified_bucket, Key="data/x=1/a file.csv")
    helpers.wait_for(lambda: len(results(s3)) >= 2)
    assert results(s3) == ["ObjectCreated:Put/data/x=1/a file.csv", "ObjectRemoved:Delete/data/x=1/a file.csv"]
    record = json.loads(
        s3.get_object(Bucket="api-notify-results", Key="ObjectCreated:Put/data/x=1/a file.csv")["Body"].read()
    )
    assert record["s3"]["object"]["key"] == "data/x%3D1/a+file.csv"
    assert record["awsRegion"] == helpers.region and record["eventVersion"] == "2.1"
