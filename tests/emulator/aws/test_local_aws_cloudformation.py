"""`aws cloudformation package` + `deploy` of a bucket → Lambda trigger, the way deploy.sh does it."""

import json
import textwrap

import pytest

STACK = "course-test-etl"
BUCKET = "course-test-raw-data"
DEPLOY_BUCKET = "course-test-deployment"

LAMBDA_CODE = """
import json
from urllib.parse import unquote_plus
import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        print(f"processing s3://{bucket}/{key}")
        if "flaky" in key:
            attempts = s3.list_objects_v2(Bucket=bucket, Prefix=f"attempts/{key}/").get("KeyCount", 0)
            s3.put_object(Bucket=bucket, Key=f"attempts/{key}/{attempts + 1}", Body=b"")
            if attempts < 2:
                raise RuntimeError(f"flaky failure on attempt {attempts + 1}")
        s3.put_object(Bucket=bucket, Key=f"processed/{key}.json", Body=json.dumps(record).encode())
    return {"ok": True}
"""


def template(suffix: str = ".csv") -> str:
    return textwrap.dedent(f"""
        AWSTemplateFormatVersion: "2010-09-09"
        Description: course test stack
        Parameters:
          BucketName:
            Type: String
        Resources:
          FunctionRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: {{Service: lambda.amazonaws.com}}
                    Action: sts:AssumeRole
          EtlFunction:
            Type: AWS::Lambda::Function
            Properties:
              FunctionName: !Sub "${{BucketName}}-etl"
              Runtime: python3.12
              Handler: etl.handler
              Timeout: 20
              Code: ./src
              Role: !GetAtt FunctionRole.Arn
          InvokePermission:
            Type: AWS::Lambda::Permission
            Properties:
              Action: lambda:InvokeFunction
              FunctionName: !Ref EtlFunction
              Principal: s3.amazonaws.com
              SourceAccount: !Ref AWS::AccountId
          RawBucket:
            Type: AWS::S3::Bucket
            DependsOn: InvokePermission
            Properties:
              BucketName: !Ref BucketName
              PublicAccessBlockConfiguration:
                BlockPublicAcls: true
                BlockPublicPolicy: true
                IgnorePublicAcls: true
                RestrictPublicBuckets: true
              NotificationConfiguration:
                LambdaConfigurations:
                  - Event: s3:ObjectCreated:*
                    Function: !GetAtt EtlFunction.Arn
                    Filter:
                      S3Key:
                        Rules:
                          - Name: prefix
                            Value: incoming/
                          - Name: suffix
                            Value: "{suffix}"
          RawBucketPolicy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref RawBucket
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Sid: TlsOnly
                    Effect: Deny
                    Principal: "*"
                    Action: "s3:*"
                    Resource: [!GetAtt RawBucket.Arn, !Sub "${{RawBucket.Arn}}/*"]
                    Condition: {{Bool: {{aws:SecureTransport: "false"}}}}
        Outputs:
          RawBucketName:
            Value: !Ref RawBucket
            Export:
              Name: !Sub "${{AWS::StackName}}-raw-bucket"
          FunctionArn:
            Value: !GetAtt EtlFunction.Arn
    """)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("etl-project")
    (folder / "src").mkdir()
    (folder / "src" / "etl.py").write_text(LAMBDA_CODE)
    (folder / "template.yaml").write_text(template())
    return folder


def package_and_deploy(aws, project, *extra):
    aws(
        "cloudformation",
        "package",
        "--template-file",
        "template.yaml",
        "--s3-bucket",
        DEPLOY_BUCKET,
        "--output-template-file",
        "packaged.yaml",
        cwd=project,
    )
    return aws(
        "cloudformation",
        "deploy",
        "--template-file",
        "packaged.yaml",
        "--stack-name",
        STACK,
        "--capabilities",
        "CAPABILITY_IAM",
        "--parameter-overrides",
        f"BucketName={BUCKET}",
        *extra,
        cwd=project,
        check=False,
    )


@pytest.fixture(scope="module")
def deployed(aws, project):
    aws("s3", "mb", f"s3://{DEPLOY_BUCKET}")
    done = package_and_deploy(aws, project)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def describe(client):
    return client("cloudformation").describe_stacks(StackName=STACK)["Stacks"][0]


def test_deploy_shows_outputs_and_exports(deployed, client):
    stack = describe(client)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o for o in stack["Outputs"]}
    assert outputs["RawBucketName"]["OutputValue"] == BUCKET
    assert outputs["RawBucketName"]["ExportName"] == f"{STACK}-raw-bucket"
    assert outputs["FunctionArn"]["OutputValue"].endswith(f":function:{BUCKET}-etl")
    exports = {e["Name"]: e["Value"] for e in client("cloudformation").list_exports()["Exports"]}
    assert exports[f"{STACK}-raw-bucket"] == BUCKET


def test_bucket_gets_notification_policy_and_public_access_block(deployed, client):
    s3 = client("s3")
    config = s3.get_bucket_notification_configuration(Bucket=BUCKET)["LambdaFunctionConfigurations"]
    rules = {r["Name"].lower(): r["Value"] for r in config[0]["Filter"]["Key"]["FilterRules"]}
    assert rules == {"prefix": "incoming/", "suffix": ".csv"}
    assert "TlsOnly" in s3.get_bucket_policy(Bucket=BUCKET)["Policy"]
    assert s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]["BlockPublicAcls"]


def test_upload_runs_the_lambda_with_a_faithful_event(deployed, client, helpers):
    s3 = client("s3")
    s3.put_object(Bucket=BUCKET, Key="incoming/march visits.csv", Body=b"a,b\n1,2\n")
    s3.put_object(Bucket=BUCKET, Key="incoming/notes.txt", Body=b"not a csv")  # suffix filter
    s3.put_object(Bucket=BUCKET, Key="elsewhere/x.csv", Body=b"a\n")  # prefix filter
    body = helpers.wait_for(lambda: _get(s3, "processed/incoming/march visits.csv.json"))
    record = json.loads(body)
    assert record["eventSource"] == "aws:s3" and record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["object"]["key"] == "incoming/march+visits.csv"  # URL-encoded, as on AWS
    assert record["s3"]["object"]["size"] == 8
    assert record["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{BUCKET}"
    assert record["eventTime"].endswith("Z") and record["s3"]["object"]["eTag"]
    assert record["userIdentity"]["principalId"] and record["s3"]["object"]["sequencer"]
    logs = client("logs")
    group = f"/aws/lambda/{BUCKET}-etl"
    helpers.wait_for(lambda: logs.filter_log_events(logGroupName=group, filterPattern="REPORT")["events"])
    messages = [e["message"] for e in logs.filter_log_events(logGroupName=group)["events"]]
    assert "processing s3://course-test-raw-data/incoming/march visits.csv" in messages
    assert not any("notes.txt" in m or "elsewhere" in m for m in messages)


def test_failed_async_run_is_retried_twice(deployed, client, helpers):
    s3 = client("s3")
    s3.put_object(Bucket=BUCKET, Key="incoming/flaky.csv", Body=b"a\n")
    helpers.wait_for(lambda: _get(s3, "processed/incoming/flaky.csv.json"), timeout=30)
    attempts = s3.list_objects_v2(Bucket=BUCKET, Prefix="attempts/incoming/flaky.csv/")["KeyCount"]
    assert attempts == 3  # the first run and AWS's two retries


def test_no_change_redeploy_exits_zero(deployed, aws, project):
    done = package_and_deploy(aws, project, "--no-fail-on-empty-changeset")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No changes to deploy" in done.stdout
    assert package_and_deploy(aws, project).returncode != 0  # without the flag the CLI fails, as on AWS


def test_update_changes_the_notification_filter(deployed, aws, project, client):
    (project / "template.yaml").write_text(template(suffix=".tsv"))
    try:
        done = package_and_deploy(aws, project)
        assert done.returncode == 0, done.stdout + done.stderr
        config = client("s3").get_bucket_notification_configuration(Bucket=BUCKET)["LambdaFunctionConfigurations"]
        assert {r["Value"] for r in config[0]["Filter"]["Key"]["FilterRules"]} == {"incoming/", ".tsv"}
        assert describe(client)["StackStatus"] == "UPDATE_COMPLETE"
        assert {o["OutputKey"] for o in describe(client)["Outputs"]} == {"RawBucketName", "FunctionArn"}
    finally:
        (project / "template.yaml").write_text(template())


def test_deleting_a_stack_with_a_non_empty_bucket_fails(deployed, aws, client):
    client("s3").put_object(Bucket=BUCKET, Key="keep/me.txt", Body=b"still here")
    aws("cloudformation", "delete-stack", "--stack-name", STACK)
    waited = aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", STACK, check=False)
    assert waited.returncode != 0
    stack = describe(client)
    assert stack["StackStatus"] == "DELETE_FAILED"
    assert "RawBucket" in stack["StackStatusReason"]
    events = client("cloudformation").describe_stack_events(StackName=STACK)["StackEvents"]
    assert any("not empty" in (e.get("ResourceStatusReason") or "") for e in events)
    assert client("s3").head_bucket(Bucket=BUCKET)

    aws("s3", "rm", "--recursive", f"s3://{BUCKET}")
    aws("cloudformation", "delete-stack", "--stack-name", STACK)
    aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", STACK)
    assert not [b for b in client("s3").list_buckets()["Buckets"] if b["Name"] == BUCKET]


def _get(s3, key):
    try:
        return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
