"""The serverless stack's inline custom resource that manages the workgroup's usage limit.

Its code is taken from the template (Code.ZipFile) and run here with a stand-in for boto3's
redshift-serverless client and for `cfnresponse` (which Lambda provides to inline Python code).
"""

from __future__ import annotations

import sys
import types

import pytest
from aws_mode_support import REPO
from cfn_model import load_template

TEMPLATE = REPO / "infra" / "redshift-serverless-stack.yml"
WORKGROUP = "arn:aws:redshift-serverless:eu-west-1:123456789012:workgroup/abc"


class ResourceNotFound(Exception):
    pass


class Validation(Exception):
    pass


class FakeServerless:
    class exceptions:
        ResourceNotFoundException = ResourceNotFound
        ValidationException = Validation

    def __init__(self) -> None:
        self.limits: dict[str, dict] = {}
        self.calls: list[tuple[str, dict]] = []

    def create_usage_limit(self, **kwargs):
        self.calls.append(("create", kwargs))
        limit_id = f"limit-{len(self.limits) + 1}"
        self.limits[limit_id] = kwargs
        return {"usageLimit": {"usageLimitId": limit_id, **kwargs}}

    def update_usage_limit(self, usageLimitId, **kwargs):
        self.calls.append(("update", {"usageLimitId": usageLimitId, **kwargs}))
        if usageLimitId not in self.limits:
            raise ResourceNotFound(usageLimitId)
        self.limits[usageLimitId].update(kwargs)

    def delete_usage_limit(self, usageLimitId):
        self.calls.append(("delete", {"usageLimitId": usageLimitId}))
        if usageLimitId not in self.limits:
            raise ResourceNotFound(usageLimitId)
        del self.limits[usageLimitId]


@pytest.fixture
def custom_resource(monkeypatch):
    client = FakeServerless()
    responses: list[dict] = []
    cfnresponse = types.SimpleNamespace(
        SUCCESS="SUCCESS",
        FAILED="FAILED",
        send=lambda event, context, status, data, physical, reason=None: responses.append(
            {"status": status, "data": data, "physical": physical, "reason": reason}
        ),
    )
    boto3 = types.SimpleNamespace(client=lambda service: client if service == "redshift-serverless" else None)
    monkeypatch.setitem(sys.modules, "cfnresponse", cfnresponse)
    monkeypatch.setitem(sys.modules, "boto3", boto3)
    code = load_template(TEMPLATE)["Resources"]["UsageLimitFunction"]["Properties"]["Code"]["ZipFile"]
    module = types.ModuleType("index")
    exec(compile(code, "index.py", "exec"), module.__dict__)
    return module.handler, client, responses


def props(**changes):
    return {
        "ServiceToken": "arn:fn",
        "WorkgroupArn": WORKGROUP,
        "RpuHours": "40",
        "Period": "daily",
        "BreachAction": "deactivate",
        **changes,
    }


def test_create_makes_a_serverless_compute_limit(custom_resource):
    handler, client, responses = custom_resource
    handler({"RequestType": "Create", "ResourceProperties": props()}, None)
    assert client.calls == [
        (
            "create",
            {
                "resourceArn": WORKGROUP,
                "usageType": "serverless-compute",
                "amount": 40,
                "period": "daily",
                "breachAction": "deactivate",
            },
        )
    ]
    assert responses == [
        {"status": "SUCCESS", "data": {"UsageLimitId": "limit-1"}, "physical": "limit-1", "reason": None}
    ]


def test_a_new_amount_updates_the_same_limit(custom_resource):
    handler, client, responses = custom_resource
    handler({"RequestType": "Create", "ResourceProperties": props()}, None)
    handler(
        {
            "RequestType": "Update",
            "PhysicalResourceId": "limit-1",
            "ResourceProperties": props(RpuHours="80", BreachAction="log"),
            "OldResourceProperties": props(),
        },
        None,
    )
    assert client.limits["limit-1"]["amount"] == 80 and client.limits["limit-1"]["breachAction"] == "log"
    assert responses[-1]["physical"] == "limit-1"


def test_a_new_period_replaces_the_limit(custom_resource):
    handler, client, responses = custom_resource
    handler({"RequestType": "Create", "ResourceProperties": props()}, None)
    handler(
        {
            "RequestType": "Update",
            "PhysicalResourceId": "limit-1",
            "ResourceProperties": props(Period="weekly"),
            "OldResourceProperties": props(),
        },
        None,
    )
    assert responses[-1]["physical"] == "limit-2"  # CloudFormation then deletes limit-1
    handler({"RequestType": "Delete", "PhysicalResourceId": "limit-1", "ResourceProperties": props()}, None)
    assert list(client.limits) == ["limit-2"]


def test_delete_of_a_limit_that_is_gone_succeeds(custom_resource):
    handler, client, responses = custom_resource
    handler({"RequestType": "Delete", "PhysicalResourceId": "limit-9", "ResourceProperties": props()}, None)
    assert responses[-1]["status"] == "SUCCESS"


def test_an_error_is_reported_not_left_to_time_out(custom_resource):
    handler, client, responses = custom_resource
    handler(
        {
            "RequestType": "Update",
            "PhysicalResourceId": "limit-9",
            "ResourceProperties": props(RpuHours="5"),
            "OldResourceProperties": props(),
        },
        None,
    )
    assert responses[-1]["status"] == "FAILED" and "limit-9" in responses[-1]["reason"]
