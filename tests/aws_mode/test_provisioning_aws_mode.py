"""The instructor tools in aws mode, offline: botocore Stubber answers as AWS would, and the tests
assert the calls made (the Data API's statements, the stacks read, the SecureString's tags), that
every client is in the given region and none follows a configured local endpoint."""

from __future__ import annotations

import importlib
import json
import re
import sys
import uuid
from argparse import Namespace
from typing import Any

import boto3
import pytest
from aws_mode_support import REPO
from botocore.stub import ANY, Stubber

from local_cloud.config import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY
from redshift_course.provisioning import (
    ClusterAccess,
    DataApiConnection,
    DataApiError,
    ProvisioningError,
    generate_password,
    provision_teams,
)

sys.path.insert(0, str(REPO / "infra"))
common = importlib.import_module("_common")
provision_tool = importlib.import_module("provision_teams")

REGION = "eu-central-1"
ARN_PREFIX = "arn:aws:secretsmanager:eu-central-1:123456789012:" + "secret"
CLUSTER_ADMIN_ARN = ARN_PREFIX + ":redshift!course-cluster-admin-AbCdEf"
SERVERLESS_ADMIN_ARN = ARN_PREFIX + ":redshift!course-ns-admin-GhIjKl"
HOST = "course-cluster.abc123.eu-central-1.redshift.amazonaws.com"


def client(service: str):
    return boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id=DUMMY_ACCESS_KEY_ID,
        aws_secret_access_key=DUMMY_SECRET_ACCESS_KEY,
    )


def cluster_stack() -> dict[str, Any]:
    outputs = {
        "ClusterIdentifier": "course-cluster",
        "EndpointAddress": HOST,
        "EndpointPort": "5439",
        "MasterPasswordSecretArn": CLUSTER_ADMIN_ARN,
        "DatabaseName": "dev",
    }
    return {
        "Stacks": [
            {
                "StackName": "redshift-course-cluster",
                "CreationTime": "2026-01-01T00:00:00Z",
                "StackStatus": "CREATE_COMPLETE",
                "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
            }
        ]
    }


class DataApi:
    """A stubbed redshift-data client that answers each statement with the rows given for it, and
    records what ran."""

    def __init__(self) -> None:
        self.client = client("redshift-data")
        self.stub = Stubber(self.client)
        self.ran: list[dict[str, Any]] = []
        self.client.meta.events.register("provide-client-params.redshift-data.ExecuteStatement", self._record)

    def _record(self, params, **_):
        self.ran.append(dict(params))

    def expect(self, rows: list[list[Any]] | None = None, status: str = "FINISHED", error: str | None = None):
        statement_id = str(uuid.uuid4())
        self.stub.add_response("execute_statement", {"Id": statement_id})  # what ran: self.ran
        self.stub.add_response("describe_statement", {"Id": statement_id, "Status": "STARTED"}, {"Id": statement_id})
        described: dict[str, Any] = {"Id": statement_id, "Status": status, "HasResultSet": rows is not None}
        if error:
            described["Error"] = error
        self.stub.add_response("describe_statement", described, {"Id": statement_id})
        if rows is not None:
            records = [[{"longValue": value} for value in row] for row in rows]
            self.stub.add_response(
                "get_statement_result", {"Records": records, "TotalNumRows": len(rows)}, {"Id": statement_id}
            )


def test_from_stack_reads_the_cluster_and_its_admin_secret():
    cfn = client("cloudformation")
    with Stubber(cfn) as stub:
        stub.add_response("describe_stacks", cluster_stack(), {"StackName": "redshift-course-cluster"})
        access = ClusterAccess.from_stack(cfn, "redshift-course-cluster")
    assert access == ClusterAccess("course-cluster", HOST, 5439, CLUSTER_ADMIN_ARN, serverless=False, database="dev")


def test_from_stack_reads_a_serverless_workgroup_and_the_namespace_secret():
    cfn, serverless = client("cloudformation"), client("redshift-serverless")
    outputs = {
        "WorkgroupName": "course-wg",
        "NamespaceName": "course-ns",
        "EndpointAddress": "course-wg.123456789012.eu-central-1.redshift-serverless.amazonaws.com",
        "EndpointPort": "5439",
        "DatabaseName": "dev",
    }
    stacks = cluster_stack()
    stacks["Stacks"][0]["Outputs"] = [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()]
    with Stubber(cfn) as cfn_stub, Stubber(serverless) as serverless_stub:
        cfn_stub.add_response("describe_stacks", stacks, {"StackName": "redshift-course-serverless"})
        serverless_stub.add_response(
            "get_namespace",
            {"namespace": {"namespaceName": "course-ns", "adminPasswordSecretArn": SERVERLESS_ADMIN_ARN}},
            {"namespaceName": "course-ns"},
        )
        access = ClusterAccess.from_stack(cfn, "redshift-course-serverless", serverless)
    assert access.serverless and access.identifier == "course-wg" and access.secret_arn == SERVERLESS_ADMIN_ARN

    data = DataApi()
    data.stub.add_response(
        "execute_statement",
        {"Id": "d9b6c0c9-0747-4bf4-b142-e8883122f766"},
        {"WorkgroupName": "course-wg", "Database": "dev", "SecretArn": SERVERLESS_ADMIN_ARN, "Sql": "select 1"},
    )
    data.stub.add_response(
        "describe_statement", {"Id": "d9b6c0c9-0747-4bf4-b142-e8883122f766", "Status": "FINISHED"}, None
    )
    with data.stub:
        access.data_api_connect(data.client)("dev").cursor().execute("select 1")


def test_a_missing_stack_is_one_line():
    cfn = client("cloudformation")
    with Stubber(cfn) as stub:
        stub.add_client_error(
            "describe_stacks", "ValidationError", "Stack with id redshift-course-cluster does not exist"
        )
        with pytest.raises(ProvisioningError, match="Stack redshift-course-cluster does not exist") as error:
            ClusterAccess.from_stack(cfn, "redshift-course-cluster")
    assert "\n" not in str(error.value)


def test_provision_teams_through_the_data_api_and_tag_the_secure_string():
    data, ssm = DataApi(), client("ssm")
    data.expect(rows=[])  # the user does not exist
    data.expect(rows=[])  # nor the database
    data.expect()  # CREATE USER
    data.expect()  # CREATE DATABASE
    for _ in range(4):
        data.expect()  # the grants
    access = ClusterAccess("course-cluster", HOST, 5439, CLUSTER_ADMIN_ARN)
    naps: list[float] = []
    with data.stub, Stubber(ssm) as ssm_stub:
        ssm_stub.add_client_error("get_parameter", "ParameterNotFound")
        ssm_stub.add_response(
            "put_parameter",
            {"Version": 1},
            {
                "Name": "brew_crew_redshift_settings",
                "Description": ANY,
                "Value": ANY,
                "Type": "SecureString",
                "Tags": [{"Key": "team", "Value": "brew-crew"}, {"Key": "course", "Value": "aws-07-redshift"}],
            },
        )
        report = provision_teams(
            ["brew-crew"],
            ssm=ssm,
            admin_connect=access.data_api_connect(data.client, sleep=naps.append, delay=2.0),
            host=HOST,
            port=5439,
        )
    assert report.teams[0].actions == ["user created", "database created", "SecureString written"]
    assert naps and set(naps) == {2.0}
    assert {call["ClusterIdentifier"] for call in data.ran} == {"course-cluster"}
    assert {call["SecretArn"] for call in data.ran} == {CLUSTER_ADMIN_ARN}
    assert data.ran[0]["Sql"] == "select 1 from pg_user where usename = :p1"
    assert data.ran[0]["Parameters"] == [{"name": "p1", "value": "brew_crew"}]
    create_user = data.ran[2]["Sql"]
    assert re.fullmatch(r"CREATE USER \"brew_crew\" PASSWORD 'md5[0-9a-f]{32}'", create_user)
    assert data.ran[3]["Sql"] == 'CREATE DATABASE "brew_crew" WITH OWNER "brew_crew"'
    assert [call["Database"] for call in data.ran] == ["dev"] * 4 + ["brew_crew"] * 4


def test_an_existing_parameter_is_overwritten_then_tagged():
    from redshift_course.provisioning import _write_parameter

    ssm = client("ssm")
    with Stubber(ssm) as stub:
        stub.add_client_error("put_parameter", "ParameterAlreadyExists")
        stub.add_response(
            "put_parameter",
            {"Version": 2},
            {
                "Name": "x_redshift_settings",
                "Description": ANY,
                "Value": "{}",
                "Type": "SecureString",
                "Overwrite": True,
            },
        )
        stub.add_response(
            "add_tags_to_resource",
            {},
            {
                "ResourceType": "Parameter",
                "ResourceId": "x_redshift_settings",
                "Tags": [{"Key": "team", "Value": "x"}, {"Key": "course", "Value": "aws-07-redshift"}],
            },
        )
        _write_parameter(ssm, "x_redshift_settings", "x", "{}")


def test_a_failed_statement_raises_with_the_database_error():
    data = DataApi()
    data.expect(status="FAILED", error='ERROR: permission denied for database "dev"')
    connection = DataApiConnection(
        data.client, "dev", secret_arn=CLUSTER_ADMIN_ARN, cluster_identifier="c", sleep=lambda _: None
    )
    with data.stub, pytest.raises(DataApiError, match="FAILED .*permission denied"):
        connection.cursor().execute("GRANT ALL ON DATABASE dev TO x")


def tool_args(**overrides: Any) -> Namespace:
    values = dict(
        local=False,
        profile="sot-academy",
        region=REGION,
        via=None,
        network_stack="redshift-course-network",
        warehouse_stack="redshift-course-cluster",
    )
    values.update(overrides)
    return Namespace(**values)


@pytest.fixture
def profile_and_local_endpoint(monkeypatch, tmp_path):
    config = tmp_path / "config"
    config.write_text(
        f"[profile sot-academy]\naws_access_key_id = {DUMMY_ACCESS_KEY_ID}\n"
        f"aws_secret_access_key = {DUMMY_SECRET_ACCESS_KEY}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")  # `eval "$(course env)"` ran here


@pytest.mark.parametrize(
    "service", ["cloudformation", "redshift", "redshift-data", "redshift-serverless", "secretsmanager", "ssm", "s3"]
)
def test_every_tool_client_is_in_the_region_and_on_aws(profile_and_local_endpoint, service):
    made = common.Target(tool_args()).client(service)
    assert made.meta.region_name == REGION
    assert made.meta.endpoint_url.startswith("https://") and "127.0.0.1" not in made.meta.endpoint_url


@pytest.mark.parametrize(
    ("exports", "via"),
    [
        ([{"Name": "redshift-course-network-Design", "Value": "private", "ExportingStackId": "x"}], "data-api"),
        ([{"Name": "redshift-course-network-Design", "Value": "classroom", "ExportingStackId": "x"}], "direct"),
        ([{"Name": "other-Design", "Value": "private", "ExportingStackId": "x"}], "direct"),
    ],
)
def test_via_defaults_from_the_network_stacks_design(exports, via):
    cfn = client("cloudformation")
    with Stubber(cfn) as stub:
        stub.add_response("list_exports", {"Exports": exports}, {})
        assert common.design_via(cfn, "redshift-course-network") == via


def test_the_tool_says_a_missing_stack_in_one_line(profile_and_local_endpoint, monkeypatch, capsys):
    cfn = client("cloudformation")
    stub = Stubber(cfn)
    stub.add_client_error("describe_stacks", "ValidationError", "Stack with id nope does not exist")
    stub.activate()
    monkeypatch.setattr(common.Target, "__init__", lambda self, args: setattr(self, "args", args) or None)
    monkeypatch.setattr(common.Target, "local", False, raising=False)
    monkeypatch.setattr(common.Target, "client", lambda self, service: cfn, raising=False)
    argv = ["--profile", "sot-academy", "--region", REGION, "--teams", "brew-crew", "--warehouse-stack", "nope"]
    argv += ["--via", "data-api"]
    assert common.run_tool(provision_tool.main, argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Stack nope does not exist") and err.count("\n") == 1


def test_a_bad_team_name_is_one_line(capsys):
    argv = ["--profile", "sot-academy", "--teams", "Brew_Crew"]
    assert common.run_tool(provision_tool.main, argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Team name 'Brew_Crew' is not valid") and err.count("\n") == 1


@pytest.mark.parametrize("tool", ["provision_teams", "teardown"])
def test_help(tool, capsys):
    module = importlib.import_module(tool)
    with pytest.raises(SystemExit) as done:
        module.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--via {direct,data-api}" in out and "--warehouse-stack" in out


def test_settings_json_never_leaves_the_parameter():
    """What provision_teams writes holds the password; the report never does."""
    data, ssm = DataApi(), client("ssm")
    data.expect(rows=[[1]])  # the user exists
    data.expect(rows=[[1]])  # and the database
    for _ in range(4):
        data.expect()
    password = generate_password()
    stored = json.dumps(
        {"host": HOST, "port": 5439, "database-name": "brew_crew", "user": "brew_crew", "password": password}
    )
    with data.stub, Stubber(ssm) as ssm_stub:
        ssm_stub.add_response("get_parameter", {"Parameter": {"Name": "brew_crew_redshift_settings", "Value": stored}})
        report = provision_teams(
            ["brew-crew"],
            ssm=ssm,
            admin_connect=ClusterAccess("c", HOST, 5439, CLUSTER_ADMIN_ARN).data_api_connect(
                data.client, sleep=lambda _: None
            ),
            host=HOST,
            port=5439,
        )
    assert report.teams[0].actions == []
    assert password not in report.summary()


def stack(status: str) -> dict[str, Any]:
    return {"Stacks": [{"StackName": "s", "CreationTime": "2026-01-01T00:00:00Z", "StackStatus": status}]}


def test_a_stack_that_will_not_go_is_reported_with_what_is_left():
    from redshift_course.provisioning import TeardownReport, _delete_stack

    cfn, s3 = client("cloudformation"), client("s3")
    resources = {
        "StackResourceSummaries": [
            {
                "LogicalResourceId": "LambdaSecurityGroup",
                "ResourceType": "AWS::EC2::SecurityGroup",
                "ResourceStatus": "DELETE_FAILED",
                "LastUpdatedTimestamp": "2026-01-01T00:00:00Z",
            }
        ]
    }
    report = TeardownReport()
    with Stubber(cfn) as stub:
        stub.add_response("describe_stacks", stack("CREATE_COMPLETE"), {"StackName": "t-shopper-etl-pipeline"})
        stub.add_response(
            "list_stack_resources", {"StackResourceSummaries": []}, {"StackName": "t-shopper-etl-pipeline"}
        )
        stub.add_response("delete_stack", {}, {"StackName": "t-shopper-etl-pipeline"})
        stub.add_response("describe_stacks", stack("DELETE_IN_PROGRESS"), {"StackName": "t-shopper-etl-pipeline"})
        stub.add_response("describe_stacks", stack("DELETE_FAILED"), {"StackName": "t-shopper-etl-pipeline"})
        stub.add_response("list_stack_resources", resources, {"StackName": "t-shopper-etl-pipeline"})
        _delete_stack(cfn, s3, "t-shopper-etl-pipeline", report, {"Delay": 0, "MaxAttempts": 5})
    assert len(report.left) == 1
    assert "AWS::EC2::SecurityGroup LambdaSecurityGroup DELETE_FAILED" in report.left[0]


def test_the_default_wait_fits_a_vpc_lambdas_network_interfaces():
    from redshift_course.provisioning import STACK_DELETE_WAIT

    assert STACK_DELETE_WAIT["Delay"] * STACK_DELETE_WAIT["MaxAttempts"] >= 30 * 60
    teardown_tool = importlib.import_module("teardown")
    assert teardown_tool.stack_wait(Namespace(local=False, wait_minutes=40)) == {"Delay": 15, "MaxAttempts": 160}


def test_the_sweep_lists_what_is_tagged_with_a_rough_cost():
    from redshift_course.provisioning import sweep, sweep_summary

    tagging = client("resourcegroupstaggingapi")
    arns = [
        "arn:aws:redshift:eu-central-1:123456789012:cluster:course-cluster",
        "arn:aws:ec2:eu-central-1:123456789012:vpc-endpoint/vpce-0abc",
        "arn:aws:s3:::brew-crew-raw-data-123456789012",
    ]
    with Stubber(tagging) as stub:
        stub.add_response(
            "get_resources",
            {"ResourceTagMappingList": [{"ResourceARN": arn} for arn in arns]},
            {"TagFilters": [{"Key": "course", "Values": ["aws-07-redshift"]}]},
        )
        leftovers = sweep(tagging)
    assert [(item.kind, item.hourly_usd > 0) for item in leftovers] == [
        ("redshift:cluster", True),
        ("ec2:vpc-endpoint", True),
        ("s3:s3", False),
    ]
    text = sweep_summary(leftovers)
    assert text.splitlines()[1].strip().startswith("~$0.600/h") and "course-cluster" in text.splitlines()[1]
    assert sweep_summary([]).startswith("Sweep: nothing")
