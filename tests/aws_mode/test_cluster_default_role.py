"""The cluster stack's inline custom resource that makes the attached COPY role the default.

AWS::Redshift::Cluster has IamRoles but no default-role property, so Custom::RedshiftDefaultIamRole
calls ModifyClusterIamRoles. Its code is taken from the template (Code.ZipFile) and run here with a
stand-in for boto3's redshift client and for `cfnresponse` (which Lambda provides to inline code);
its role is checked to allow exactly the calls it makes.
"""

from __future__ import annotations

import sys
import types

import pytest
from aws_mode_support import REPO
from cfn_model import S3_PREFIX_LIST, deploy, load_template
from iam_model import role_allows

TEMPLATE = REPO / "infra" / "redshift-cluster-stack.yml"
CLUSTER = "redshift-course-cluster-cluster-abc123"
ROLE = "arn:aws:iam::123456789012:role/aws-07/redshift-course-network-RedshiftCopyRole-XYZ"


class InvalidClusterState(Exception):
    pass


class ClusterNotFound(Exception):
    pass


class FakeRedshift:
    class exceptions:
        InvalidClusterStateFault = InvalidClusterState

    def __init__(self, busy_times: int = 0, error: Exception | None = None) -> None:
        self.busy_times = busy_times
        self.error = error
        self.calls: list[dict] = []

    def modify_cluster_iam_roles(self, **kwargs):
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        if self.busy_times:
            self.busy_times -= 1
            raise InvalidClusterState("The cluster is being modified")
        return {
            "Cluster": {
                "ClusterIdentifier": kwargs["ClusterIdentifier"],
                "DefaultIamRoleArn": kwargs["DefaultIamRoleArn"],
            }
        }


class Context:
    def __init__(self, remaining_ms: int = 600_000) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def code() -> str:
    return load_template(TEMPLATE)["Resources"]["DefaultIamRoleFunction"]["Properties"]["Code"]["ZipFile"]


@pytest.fixture
def run(monkeypatch):
    """run(event, client, context) -> the one response sent to CloudFormation."""

    def invoke(event: dict, client: FakeRedshift, context: Context | None = None) -> dict:
        responses: list[dict] = []
        cfnresponse = types.SimpleNamespace(
            SUCCESS="SUCCESS",
            FAILED="FAILED",
            send=lambda event, context, status, data, physical, reason=None: responses.append(
                {"status": status, "data": data, "physical": physical, "reason": reason}
            ),
        )
        monkeypatch.setitem(sys.modules, "cfnresponse", cfnresponse)
        monkeypatch.setitem(
            sys.modules, "boto3", types.SimpleNamespace(client=lambda service: {"redshift": client}[service])
        )
        module = types.ModuleType("index")
        exec(compile(code(), "index.py", "exec"), module.__dict__)
        module.RETRY_SECONDS = 0.01  # the real wait is 15 s between tries
        module.handler(event, context or Context())
        (response,) = responses
        return response

    return invoke


def event(kind: str, **extra) -> dict:
    return {
        "RequestType": kind,
        "ResourceProperties": {"ServiceToken": "arn:fn", "ClusterIdentifier": CLUSTER, "RoleArn": ROLE},
        **extra,
    }


def test_create_makes_the_role_the_default(run):
    client = FakeRedshift()
    response = run(event("Create"), client)
    assert client.calls == [{"ClusterIdentifier": CLUSTER, "DefaultIamRoleArn": ROLE}]
    assert response == {
        "status": "SUCCESS",
        "data": {"DefaultIamRoleArn": ROLE},
        "physical": f"{CLUSTER}-default-iam-role",
        "reason": None,
    }


def test_a_cluster_still_attaching_the_role_is_asked_again(run):
    client = FakeRedshift(busy_times=3)
    assert run(event("Create"), client)["status"] == "SUCCESS"
    assert len(client.calls) == 4


def test_a_cluster_busy_for_too_long_fails_the_stack_with_the_reason_before_lambda_times_out(run):
    client = FakeRedshift(busy_times=10**6)
    response = run(event("Create"), client, Context(remaining_ms=30_100))
    assert response["status"] == "FAILED" and "being modified" in response["reason"]


def test_any_other_error_fails_the_stack_with_its_reason(run):
    response = run(
        event("Update", PhysicalResourceId=f"{CLUSTER}-default-iam-role"),
        FakeRedshift(error=ClusterNotFound("no such cluster")),
    )
    assert response["status"] == "FAILED" and response["reason"] == "no such cluster"


def test_delete_does_nothing_and_succeeds(run):
    client = FakeRedshift()
    response = run(event("Delete", PhysicalResourceId=f"{CLUSTER}-default-iam-role"), client)
    assert (
        client.calls == [] and response["status"] == "SUCCESS" and response["physical"] == f"{CLUSTER}-default-iam-role"
    )


def test_its_role_allows_exactly_its_calls():
    _, stack = deploy(
        ("redshift-course-network", REPO / "infra" / "network-stack.yml", {"S3PrefixListId": S3_PREFIX_LIST}),
        ("redshift-course-cluster", TEMPLATE, {"NetworkStackName": "redshift-course-network"}),
    )
    role = stack.resources["DefaultIamRoleFunctionRole"]["Properties"]
    cluster = "arn:aws:redshift:eu-west-1:123456789012:cluster:redshift-course-cluster/Cluster"
    copy_role = "redshift-course-network/RedshiftCopyRole.Arn"
    assert role_allows(role, "redshift:ModifyClusterIamRoles", cluster)
    assert not role_allows(
        role, "redshift:ModifyClusterIamRoles", "arn:aws:redshift:eu-west-1:123456789012:cluster:other"
    )
    assert role_allows(role, "iam:PassRole", copy_role, {"iam:PassedToService": "redshift.amazonaws.com"})
    assert not role_allows(role, "iam:PassRole", copy_role, {"iam:PassedToService": "lambda.amazonaws.com"})
    assert not role_allows(
        role, "iam:PassRole", "arn:aws:iam::123456789012:role/admin", {"iam:PassedToService": "redshift.amazonaws.com"}
    )


def test_the_inline_code_fits_cloudformations_limit():
    assert len(code().encode()) < 4096  # Code.ZipFile takes at most 4,096 characters
