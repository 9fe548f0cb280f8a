"""On AWS nothing the Lambda writes (rejects files, staged rows) can invoke it, by construction of the template:

* the Lambda may write only under rejected/ and staging/ (its role's only s3:PutObject grants), and
* the EventBridge rule that invokes it excludes every key under either prefix, and
* the bucket has no S3 notification of its own that could invoke it.

The rule's pattern is matched here against S3's EventBridge events with a small matcher for the
operators it uses (values lists, anything-but with a prefix or a list of prefixes), following
EventBridge's documented semantics: a field's conditions are ORed, and anything-but with a list
matches a value that starts with none of them. (The local course stack has no EventBridge: S3's
own notification invokes the Lambda there, so this matcher is the only place the rule is checked.) The handler's side (EventBridge's event shape, the .csv suffix S3's filter used to
apply) is checked on the Lambda's own code.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_mode_support import HANDOUTS
from cfn_model import Stack, load_template

from redshift_course.handout_code import s3_utils, staging_utils

TEAM = "la-vida-mocha"
ACCOUNT = "123456789012"
BUCKET = f"{TEAM}-raw-data-{ACCOUNT}"


def stack(delivery: str) -> Stack:
    return Stack(
        f"{TEAM}-shopper-etl-pipeline",
        load_template(HANDOUTS / "etl-stack.yml"),
        {
            "TeamName": TEAM,
            "RedshiftSettingsParameterName": "la_vida_mocha_redshift_settings",
            "NetworkStackName": "redshift-course-network",
            "TriggerDelivery": delivery,
        },
        exports={
            f"redshift-course-network-{k}": k
            for k in ("PrivateSubnet1Id", "PrivateSubnet2Id", "PrivateSubnet3Id", "LambdaSecurityGroupId")
        },
    )


def matches(pattern: Any, event: Any) -> bool:
    """EventBridge matching for the operators the template uses."""
    if isinstance(pattern, dict):
        return isinstance(event, dict) and all(
            key in event and matches(value, event[key]) for key, value in pattern.items()
        )
    assert isinstance(pattern, list), pattern
    for condition in pattern:
        if isinstance(condition, dict):
            ((operator, argument),) = condition.items()
            if operator == "anything-but" and isinstance(argument, dict) and "prefix" in argument:
                prefixes = argument["prefix"] if isinstance(argument["prefix"], list) else [argument["prefix"]]
                if isinstance(event, str) and not event.startswith(tuple(prefixes)):
                    return True
            elif operator == "prefix":
                if isinstance(event, str) and event.startswith(argument):
                    return True
            else:
                raise NotImplementedError(operator)
        elif event == condition:
            return True
    return False


def s3_event(key: str, bucket: str = BUCKET) -> dict[str, Any]:
    """An "Object Created" event as S3 sends it to EventBridge."""
    return {
        "version": "0",
        "source": "aws.s3",
        "detail-type": "Object Created",
        "account": ACCOUNT,
        "region": "eu-west-1",
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {"key": key, "size": 10},
            "reason": "PutObject",
        },
    }


@pytest.fixture(scope="module")
def rule() -> dict[str, Any]:
    return stack("EventBridge").resources["UploadRule"]["Properties"]


def test_the_bucket_sends_events_to_eventbridge_and_invokes_nothing_itself():
    bucket = stack("EventBridge").resources["RawDataBucket"]["Properties"]
    assert bucket["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}


def test_the_rule_invokes_the_function(rule):
    (target,) = rule["Targets"]
    assert target["Arn"] == f"{TEAM}-shopper-etl-pipeline/EtlFunction.Arn"
    permission = stack("EventBridge").resources["UploadRuleInvokePermission"]["Properties"]
    assert permission["Principal"] == "events.amazonaws.com"
    assert permission["SourceArn"] == f"{TEAM}-shopper-etl-pipeline/UploadRule.Arn"


@pytest.mark.parametrize(
    "key",
    [
        "mystery_shops_2024-03.csv",
        "concurrent/a.csv",
        "rejected.csv",
        "rejected-by-me/x.csv",
        "sub/rejected/x.csv",
        "staging.csv",
        "sub/staging/x.csv",
        "notes.txt",
    ],
)
def test_uploads_anywhere_but_under_rejected_and_staging_match(rule, key):
    assert matches(rule["EventPattern"], s3_event(key))


@pytest.mark.parametrize(
    "key",
    [
        "rejected/mystery_shops_2024-03.csv.rejects.csv",
        "rejected/x",
        "rejected/a/b.csv",
        "staging/0f3c9a.rows",
        "staging/x.csv",
    ],
)
def test_nothing_under_rejected_or_staging_matches(rule, key):
    assert not matches(rule["EventPattern"], s3_event(key))


def test_the_matcher_ors_a_fields_conditions_as_eventbridge_does():
    """Why the two prefixes are one condition: as two, every key would match one of them."""
    two_conditions = {
        "detail": {"object": {"key": [{"anything-but": {"prefix": p}} for p in ("rejected/", "staging/")]}}
    }
    assert matches(two_conditions, s3_event("staging/x.rows"))
    one_condition = {"detail": {"object": {"key": [{"anything-but": {"prefix": ["rejected/", "staging/"]}}]}}}
    assert not matches(one_condition, s3_event("staging/x.rows"))


def test_other_buckets_and_other_events_do_not_match(rule):
    assert not matches(rule["EventPattern"], s3_event("a.csv", bucket="brew-crew-raw-data-123456789012"))
    deleted = {**s3_event("a.csv"), "detail-type": "Object Deleted"}
    assert not matches(rule["EventPattern"], deleted)


def test_everything_the_lambda_may_write_is_excluded(rule):
    """The role's only write grants are under rejected/ and staging/, which the rule excludes: no loop is possible."""
    role = stack("EventBridge").resources["EtlFunctionRole"]["Properties"]
    writes = [
        statement
        for policy in role["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        if any(
            action in ("s3:PutObject", "s3:*")
            for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
        )
    ]
    assert writes
    (excluded,) = [c["anything-but"]["prefix"] for c in rule["EventPattern"]["detail"]["object"]["key"]]
    granted = set()
    for statement in writes:
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for resource in resources:
            assert resource.startswith(f"arn:aws:s3:::{BUCKET}/") and resource.endswith("/*"), resource
            granted.add(resource.removeprefix(f"arn:aws:s3:::{BUCKET}/").removesuffix("*"))
    assert granted == set(excluded)
    # and the Lambda names its rejects files and its staged rows under those very prefixes
    assert s3_utils.S3Object(BUCKET, "x.csv").rejects_key.startswith(s3_utils.REJECTED_PREFIX)
    assert staging_utils.staged_key().startswith(staging_utils.STAGING_PREFIX)
    assert set(excluded) == {s3_utils.REJECTED_PREFIX, staging_utils.STAGING_PREFIX}
    assert not staging_utils.staged_key().endswith(s3_utils.UPLOAD_SUFFIX)  # S3's own filter skips it too
    # the Lambda's staged parts too: staging/<random>/part-NNNN.rows
    staged = staging_utils.StagedRows(None, "la-vida-mocha-raw-data")
    staged.finish()
    (part,) = staged._sealed
    assert part.key.startswith(staging_utils.STAGING_PREFIX) and not part.key.endswith(s3_utils.UPLOAD_SUFFIX)
    staged.close()


def test_locally_s3_still_calls_the_lambda_for_csv_files():
    """The local course stack (no EventBridge): S3's own filter, and the handler skips rejects."""
    bucket = stack("S3Notification").resources["RawDataBucket"]["Properties"]
    (configuration,) = bucket["NotificationConfiguration"]["LambdaConfigurations"]
    assert configuration["Filter"]["S3Key"]["Rules"] == [{"Name": "suffix", "Value": ".csv"}]


@pytest.mark.parametrize(
    "key, loaded",
    [("mystery_shops_2024-03.csv", True), ("a b+c.csv", True), ("notes.txt", False), ("sheet.CSV", False)],
)
def test_the_handler_reads_eventbridge_events_with_the_same_suffix_filter(key, loaded):
    objects = s3_utils.objects_in_event(s3_event(key))
    assert objects == ([s3_utils.S3Object(BUCKET, key)] if loaded else [])


def test_an_eventbridge_event_without_a_key_is_refused():
    event = s3_event("a.csv")
    del event["detail"]["object"]
    with pytest.raises(ValueError, match="no bucket name or object key"):
        s3_utils.objects_in_event(event)
