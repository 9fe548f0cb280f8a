"""deploy.sh in aws mode, run against the recording stand-in `aws` (no AWS account, no network).

Each test runs `deploy.sh <profile> <team> [region]` the way a learner does and then reads what
the script asked of AWS: every call's arguments and environment, in order.
"""

from __future__ import annotations

import pytest
from aws_mode_support import ACCOUNT, NETWORK_STACK, FakeAws, network_stack
from fake_aws_cli import parse

from local_cloud.config import client_environment


def lifecycle_env() -> dict[str, str]:
    """Exactly what `eval "$(course env)"` exports."""
    return client_environment("eu-west-1")


PROFILE = "sot-academy"
TEAM = "la-vida-mocha"
BUCKET_STACK = f"{TEAM}-shopper-deployment-bucket"
ETL_STACK = f"{TEAM}-shopper-etl-pipeline"
LEARNER_STACK = "redshift-course-learners"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/redshift-course-learners-LearnerRoleBoundary-0A1B2C"


def parameters(call: dict) -> dict[str, str]:
    _, _, options = parse(call["argv"])
    return dict(item.split("=", 1) for item in options.get("--parameter-overrides", []))


def tags(call: dict) -> dict[str, str]:
    _, _, options = parse(call["argv"])
    return dict(item.split("=", 1) for item in options.get("--tags", []))


def deploy_calls(fake: FakeAws, stack: str) -> list[dict]:
    found = []
    for call in fake.calls():
        _, positionals, options = parse(call["argv"])
        if positionals[:2] == ["cloudformation", "deploy"] and options["--stack-name"] == [stack]:
            found.append(call)
    return found


def ok(result) -> str:
    assert result.returncode == 0, f"deploy.sh failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_a_deploy_asks_aws_in_this_order(fake_aws: FakeAws):
    ok(fake_aws.deploy(PROFILE, TEAM))
    assert fake_aws.operations() == [
        ("sts", "get-caller-identity"),
        ("cloudformation", "describe-stacks", NETWORK_STACK),  # the network must be there
        ("cloudformation", "describe-stacks", LEARNER_STACK),  # the roles' boundary, if any
        ("cloudformation", "describe-stacks", BUCKET_STACK),  # not stuck in ROLLBACK_COMPLETE
        ("cloudformation", "deploy", BUCKET_STACK),
        ("cloudformation", "describe-stack-resource", BUCKET_STACK),
        ("cloudformation", "package"),
        ("cloudformation", "describe-stacks", ETL_STACK),
        ("cloudformation", "deploy", ETL_STACK),
        ("cloudformation", "describe-stacks", BUCKET_STACK),
        ("cloudformation", "describe-stacks", ETL_STACK),
        ("cloudformation", "describe-stack-resource", ETL_STACK),
    ]
    assert not [call for call in fake_aws.calls() if call["note"] == "unexpected"]


@pytest.mark.parametrize(
    "how, args, env, region",
    [
        ("default", [], {}, "eu-west-1"),
        ("argument", ["eu-central-1"], {"COURSE_REGION": "us-east-2", "AWS_REGION": "us-west-2"}, "eu-central-1"),
        ("COURSE_REGION", [], {"COURSE_REGION": "us-east-2", "AWS_REGION": "us-west-2"}, "us-east-2"),
        ("AWS_REGION", [], {"AWS_REGION": "us-west-2"}, "us-west-2"),
    ],
)
def test_every_call_carries_the_region_and_the_profile(fake_aws: FakeAws, how, args, env, region):
    ok(fake_aws.deploy(PROFILE, TEAM, *args, **env))
    calls = fake_aws.calls()
    assert calls
    for call in calls:
        options, _, _ = parse(call["argv"])
        assert options.get("--region") == region, (how, call["argv"])
        assert options.get("--profile") == PROFILE, call["argv"]


def test_a_region_that_is_no_region_is_refused_before_any_call(fake_aws: FakeAws):
    result = fake_aws.deploy(PROFILE, TEAM, "Ireland")
    assert result.returncode != 0 and "'Ireland' is not an AWS region name" in result.stderr
    assert fake_aws.calls() == []


def test_local_endpoints_left_in_the_terminal_never_reach_aws(fake_aws: FakeAws):
    # What `eval "$(course env)"` leaves behind, plus a service-specific endpoint.
    leaked = {
        **lifecycle_env(),
        "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:4566",
        "AWS_ENDPOINT_URL_CLOUDFORMATION": "http://127.0.0.1:4566",
    }
    result = fake_aws.deploy(PROFILE, TEAM, **leaked)
    ok(result)
    assert "warning: ignoring AWS_ENDPOINT_URL" in result.stderr
    for name in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_CLOUDFORMATION"):
        assert name in result.stderr
    assert "dummy AWS_ACCESS_KEY_ID" in result.stderr
    for call in fake_aws.calls():
        assert not [name for name in call["env"] if name.startswith("AWS_ENDPOINT_URL")], call
        assert call["env"].get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") == "true"
        assert "AWS_ACCESS_KEY_ID" not in call["env"] and "AWS_SECRET_ACCESS_KEY" not in call["env"]
        options, _, _ = parse(call["argv"])
        assert "--endpoint-url" not in options


def test_no_warning_when_nothing_leaked(fake_aws: FakeAws):
    result = fake_aws.deploy(PROFILE, TEAM)
    ok(result)
    assert "warning" not in result.stderr


def test_the_lambda_goes_into_the_network_stack_and_reserves_nothing_by_default(fake_aws: FakeAws):
    ok(fake_aws.deploy(PROFILE, TEAM))
    (etl,) = deploy_calls(fake_aws, ETL_STACK)
    assert parameters(etl) == {
        "TeamName": TEAM,
        "RedshiftSettingsParameterName": "la_vida_mocha_redshift_settings",
        "ReservedConcurrency": "0",
        "NetworkStackName": NETWORK_STACK,
        "TriggerDelivery": "EventBridge",
        "RolePermissionsBoundary": "",
    }
    assert not [op for op in fake_aws.operations() if op[0] == "lambda"]  # nothing to check


def test_the_learner_policys_boundary_goes_to_the_lambdas_role(fake_aws: FakeAws):
    fake_aws.set_stack(
        LEARNER_STACK,
        "CREATE_COMPLETE",
        Outputs=[
            {"OutputKey": "LearnerGroupName", "OutputValue": "redshift-course-learners"},
            {
                "OutputKey": "LearnerRoleBoundaryArn",
                "OutputValue": BOUNDARY,
                "ExportName": f"{LEARNER_STACK}-LearnerRoleBoundaryArn",
            },
        ],
    )
    ok(fake_aws.deploy(PROFILE, TEAM))
    (etl,) = deploy_calls(fake_aws, ETL_STACK)
    assert parameters(etl)["RolePermissionsBoundary"] == BOUNDARY


def test_another_network_stack_by_name(fake_aws: FakeAws):
    fake_aws.set_stack("class-7-network", **network_stack("class-7-network"))
    ok(fake_aws.deploy(PROFILE, TEAM, NETWORK_STACK_NAME="class-7-network"))
    (etl,) = deploy_calls(fake_aws, ETL_STACK)
    assert parameters(etl)["NetworkStackName"] == "class-7-network"


def test_a_missing_network_stack_stops_before_anything_is_created(fake_aws: FakeAws):
    fake_aws.set_stack(NETWORK_STACK, None)
    result = fake_aws.deploy(PROFILE, TEAM)
    assert result.returncode == 1
    assert f"the network stack '{NETWORK_STACK}' is not in eu-west-1" in result.stderr
    assert "NETWORK_STACK_NAME=<name>" in result.stderr
    assert not [op for op in fake_aws.operations() if op[1] in ("deploy", "package")]


def test_a_network_stack_without_the_exports_stops_too(fake_aws: FakeAws):
    fake_aws.set_stack(NETWORK_STACK, **network_stack(exports=("VpcId", "PrivateSubnet1Id")))
    result = fake_aws.deploy(PROFILE, TEAM)
    assert result.returncode == 1 and f"has no export {NETWORK_STACK}-PrivateSubnet2Id" in result.stderr
    assert not [op for op in fake_aws.operations() if op[1] == "deploy"]


def test_a_reservation_the_account_can_give_is_passed(fake_aws: FakeAws):
    fake_aws.set_state(unreserved_concurrency=1000)
    ok(fake_aws.deploy(PROFILE, TEAM, RESERVED_CONCURRENCY="10"))
    (etl,) = deploy_calls(fake_aws, ETL_STACK)
    assert parameters(etl)["ReservedConcurrency"] == "10"
    operations = fake_aws.operations()
    assert operations.index(("lambda", "get-account-settings")) < operations.index(
        ("cloudformation", "deploy", BUCKET_STACK)
    )


def test_a_reservation_beyond_the_account_fails_before_anything_is_created(fake_aws: FakeAws):
    # A new account: 10 concurrent runs in all, so any reservation would leave fewer than 100.
    fake_aws.set_state(unreserved_concurrency=10)
    result = fake_aws.deploy(PROFILE, TEAM, RESERVED_CONCURRENCY="10")
    assert result.returncode == 1
    assert "RESERVED_CONCURRENCY=10 is more than this account can reserve" in result.stderr
    assert "at least 100 unreserved" in result.stderr
    assert not [op for op in fake_aws.operations() if op[1] in ("deploy", "package")]


def test_what_the_function_already_reserves_counts_as_free(fake_aws: FakeAws):
    # 95 unreserved now, because this function already holds 10: re-deploying with 10 is fine.
    fake_aws.set_state(unreserved_concurrency=95, function_concurrency={f"{TEAM}-shopper-etl": 10})
    ok(fake_aws.deploy(PROFILE, TEAM, RESERVED_CONCURRENCY="5"))


def test_a_reservation_that_is_no_number_is_refused(fake_aws: FakeAws):
    result = fake_aws.deploy(PROFILE, TEAM, RESERVED_CONCURRENCY="ten")
    assert result.returncode == 1 and "must be a whole number" in result.stderr


@pytest.mark.parametrize("stack", [BUCKET_STACK, ETL_STACK])
def test_a_stack_left_in_rollback_complete_is_deleted_and_created_again(fake_aws: FakeAws, stack):
    fake_aws.set_stack(stack, "ROLLBACK_COMPLETE")
    result = fake_aws.deploy(PROFILE, TEAM)
    out = ok(result)
    assert f"Stack {stack} is in ROLLBACK_COMPLETE" in out and "Deleting it and creating it again" in out
    operations = fake_aws.operations()
    delete = operations.index(("cloudformation", "delete-stack", stack))
    wait = operations.index(("cloudformation", "wait", stack))
    assert delete < wait < operations.index(("cloudformation", "deploy", stack))
    assert fake_aws.state()["stacks"][stack]["StackStatus"] == "CREATE_COMPLETE"


def test_a_stack_being_deployed_by_someone_else_is_left_alone(fake_aws: FakeAws):
    fake_aws.set_stack(ETL_STACK, "UPDATE_IN_PROGRESS")
    result = fake_aws.deploy(PROFILE, TEAM)
    assert result.returncode == 1 and "is UPDATE_IN_PROGRESS: another deploy" in result.stderr
    assert ("cloudformation", "deploy", ETL_STACK) not in fake_aws.operations()
    assert ("cloudformation", "delete-stack", ETL_STACK) not in fake_aws.operations()


def test_a_stack_whose_rollback_failed_gets_the_command_that_frees_it(fake_aws: FakeAws):
    fake_aws.set_stack(ETL_STACK, "UPDATE_ROLLBACK_FAILED")
    result = fake_aws.deploy(PROFILE, TEAM)
    assert result.returncode == 1
    assert (
        f"aws cloudformation continue-update-rollback --stack-name {ETL_STACK} --profile {PROFILE} --region eu-west-1"
    ) in result.stderr
    assert ("cloudformation", "deploy", ETL_STACK) not in fake_aws.operations()


def test_a_failed_deploy_says_why_from_the_stack_events(fake_aws: FakeAws):
    fake_aws.set_state(
        fail_deploy=[ETL_STACK],
        stack_events={
            ETL_STACK: [
                {
                    "LogicalResourceId": "EtlFunction",
                    "ResourceStatus": "CREATE_FAILED",
                    "ResourceStatusReason": "Specified ReservedConcurrentExecutions for function decreases "
                    "account's UnreservedConcurrentExecution below its minimum value of [100].",
                },
                {"LogicalResourceId": "EtlLogGroup", "ResourceStatus": "CREATE_COMPLETE"},
            ]
        },
    )
    result = fake_aws.deploy(PROFILE, TEAM)
    assert result.returncode == 1
    assert "EtlFunction\tSpecified ReservedConcurrentExecutions" in result.stderr
    assert f"deploying stack {ETL_STACK} failed" in result.stderr
    # and the next run recovers from the ROLLBACK_COMPLETE the failure left
    fake_aws.set_state(fail_deploy=[])
    out = ok(fake_aws.deploy(PROFILE, TEAM))
    assert f"Stack {ETL_STACK} is in ROLLBACK_COMPLETE" in out


def test_every_stack_is_tagged_for_the_final_sweep(fake_aws: FakeAws):
    ok(fake_aws.deploy(PROFILE, TEAM))
    for stack in (BUCKET_STACK, ETL_STACK):
        (call,) = deploy_calls(fake_aws, stack)
        assert tags(call) == {"course": "aws-07-redshift", "team": TEAM}


def test_the_upload_hint_carries_profile_and_region(fake_aws: FakeAws):
    out = ok(fake_aws.deploy(PROFILE, TEAM, "eu-west-2"))
    assert f"s3://{TEAM}-raw-data-{ACCOUNT}/ --profile {PROFILE} --region eu-west-2" in out


def test_a_second_run_reuses_the_package_folder(fake_aws: FakeAws):
    ok(fake_aws.deploy(PROFILE, TEAM))
    first = sorted(p.name for p in fake_aws.build.iterdir())
    ok(fake_aws.deploy(PROFILE, TEAM))
    assert sorted(p.name for p in fake_aws.build.iterdir()) == first
    assert [p for p in first if p.startswith("package-") and "tmp" not in p]


@pytest.mark.parametrize("args", [[], [PROFILE], [PROFILE, TEAM, "eu-west-1", "extra"]])
def test_usage(fake_aws: FakeAws, args):
    result = fake_aws.deploy(*args)
    assert result.returncode == 2 and "Usage:" in result.stderr
    assert fake_aws.calls() == []
