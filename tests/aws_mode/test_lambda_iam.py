"""Every AWS call the ETL Lambda makes is allowed by the role the ETL stack gives it.

The Lambda runs its real handler here (in-process moto for S3 and SSM, a fake Redshift) on the
uploads the course makes: a file with rejected rows (it reads the file and the parameter, stages
the clean rows under staging/ for COPY and deletes them after, writes a rejects file) and the same
key again without them (it deletes the old rejects file). A botocore
event hook records each call with its resource; each must be allowed by a statement of
EtlFunctionRole's policies in handouts/etl-stack.yml, with the template's own substitutions.
Locally moto enforces no IAM, so without this test a missing permission would first show on AWS.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys

import pytest
from cfn_model import Stack, load_template

from redshift_course.handout_code import lambda_handler_module
from redshift_course.paths import HANDOUTS, REPO_ROOT
from redshift_course.teams import Team

sys.path.insert(0, str(REPO_ROOT / "tests" / "etl_lambda"))
from lambda_fakes import SETTINGS, FakeRedshift, data_file, s3_event  # noqa: E402

from local_cloud.config import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY  # noqa: E402

ACCOUNT, REGION, PARTITION = "123456789012", "eu-west-1", "aws"  # moto's default account; cfn_model's too
TEAM = Team("la-vida-mocha")
BUCKET = f"{TEAM.raw_data_bucket_prefix}{ACCOUNT}"
CLEAN_FILE = (
    b"StoreID,StoreName,MysteryShopperID,MysteryShopperName,StoreType,NumberOfStoreEmployees,VisitDate,"
    b'StartTime,EndTime,OverallScore\n1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,3\n'
)
# IAM actions whose name is not the API operation's.
ACTION_FOR = {"s3:HeadObject": "s3:GetObject", "s3:ListObjectsV2": "s3:ListBucket"}


def resource_arn(service: str, params: dict) -> str:
    if service == "s3":
        key = params.get("Key")
        return f"arn:{PARTITION}:s3:::{params['Bucket']}" + (f"/{key}" if key is not None else "")
    if service == "ssm":
        return f"arn:{PARTITION}:ssm:{REGION}:{ACCOUNT}:parameter/{params['Name'].lstrip('/')}"
    return "*"


@pytest.fixture
def recorded_calls(monkeypatch):
    """Run the handler on the two uploads; return every (action, resource) it called."""
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DUMMY_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("SSM_PARAMETER_NAME", TEAM.parameter_name)
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")] + ["AWS_PROFILE"]:
        monkeypatch.delenv(name, raising=False)
    import boto3
    import redshift_connector

    monkeypatch.setattr(redshift_connector, "connect", FakeRedshift().connect)
    calls: list[tuple[str, str]] = []

    def record(model, params, **_):
        service = model.service_model.endpoint_prefix
        action = f"{service}:{model.name}"
        calls.append((ACTION_FOR.get(action, action), resource_arn(service, params)))

    with mock_aws():
        boto3.setup_default_session()
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        boto3.client("ssm").put_parameter(Name=TEAM.parameter_name, Type="SecureString", Value=json.dumps(SETTINGS))
        boto3.DEFAULT_SESSION.events.register("provide-client-params.*.*", record)
        handler = lambda_handler_module().lambda_handler
        key = "mystery_shops_2024-03.csv"  # the handout file: messy rows, so a rejects file
        s3.put_object(Bucket=BUCKET, Key=key, Body=data_file("2024-03"))
        calls.clear()  # the test's own calls above are not the Lambda's
        assert handler(s3_event(key, bucket=BUCKET), None)
        # The same key again, now a file with no bad rows: the old rejects file is deleted.
        boto3.DEFAULT_SESSION.events.unregister("provide-client-params.*.*", record)
        s3.put_object(Bucket=BUCKET, Key=key, Body=CLEAN_FILE)
        boto3.DEFAULT_SESSION.events.register("provide-client-params.*.*", record)
        assert handler(s3_event(key, bucket=BUCKET), None)
    boto3.setup_default_session()
    return calls


def allowed_statements() -> list[dict]:
    stack = Stack(
        TEAM.etl_stack,
        load_template(HANDOUTS / "etl-stack.yml"),
        {"TeamName": TEAM.name, "RedshiftSettingsParameterName": TEAM.parameter_name},
    )
    role = stack.resources["EtlFunctionRole"]["Properties"]
    return [
        statement
        for policy in role["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        if statement["Effect"] == "Allow"
    ]


def allows(statement: dict, action: str, resource: str) -> bool:
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
    return any(fnmatch.fnmatchcase(action, a) for a in actions) and any(
        fnmatch.fnmatchcase(resource, r) for r in resources
    )


def test_the_recording_sees_the_lambdas_calls(recorded_calls):
    actions = {action for action, _ in recorded_calls}
    assert {"s3:GetObject", "ssm:GetParameter", "s3:PutObject", "s3:DeleteObject"} <= actions, actions
    staging = [(action, arn) for action, arn in recorded_calls if f"{BUCKET}/staging/" in arn]
    # each upload: the staged rows put, then deleted after the commit
    assert [action for action, _ in staging] == ["s3:PutObject", "s3:DeleteObject"] * 2, staging


def test_every_call_the_lambda_makes_is_allowed_by_its_role(recorded_calls):
    statements = allowed_statements()
    refused = sorted({call for call in recorded_calls if not any(allows(s, *call) for s in statements)})
    assert not refused, f"calls the ETL role does not allow: {refused}"


def test_a_call_outside_the_role_would_be_caught():
    statements = allowed_statements()
    assert not any(allows(s, "s3:PutObject", f"arn:aws:s3:::{BUCKET}/mystery_shops_2024-03.csv") for s in statements)
    assert not any(allows(s, "s3:DeleteObject", f"arn:aws:s3:::{BUCKET}/mystery_shops_2024-03.csv") for s in statements)
    assert not any(allows(s, "s3:PutObject", f"arn:aws:s3:::{BUCKET}/staging-elsewhere/x.rows") for s in statements)
    assert not any(allows(s, "ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/other") for s in statements)
