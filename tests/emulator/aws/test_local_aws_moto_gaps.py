"""Each gap the adapter fixes, observed in UNPATCHED moto (in a fresh process without the adapter).

When one of these fails after a moto upgrade, moto changed: revisit the named adapter module
(maybe it can shrink or go) and docs/local_aws.md.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def moto_itself():
    probe = Path(__file__).with_name("moto_gaps_probe.py")
    done = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, timeout=180, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_lambda_needs_docker(moto_itself):  # lambda_runtime.py
    assert "error running docker" in moto_itself["lambda_invoke_payload"]


def test_s3_trigger_runs_inside_the_upload_request(moto_itself):  # s3_notifications.py, lambda_async.py
    assert moto_itself["s3_lambda_call_is_synchronous"] is True


def test_s3_event_key_encodes_slashes(moto_itself):  # s3_notifications.py
    assert moto_itself["s3_event_key"] == "in%2Fa+b.csv"


def test_cloudformation_drops_bucket_notification(moto_itself):  # cloudformation_s3.py
    assert moto_itself["cfn_bucket_notification"] == []


def test_cloudformation_drops_public_access_block(moto_itself):  # cloudformation_s3.py
    assert "NoSuchPublicAccessBlockConfiguration" in moto_itself["cfn_public_access_block"]


def test_cloudformation_skips_bucket_policy(moto_itself):  # cloudformation_s3.py
    assert "NoSuchBucketPolicy" in moto_itself["cfn_bucket_policy"]


def test_conditional_deny_statement_denies_everything(moto_itself):  # s3_bucket_policies.py
    assert moto_itself["conditional_deny_policy_blocks_put"] is True


def test_outputs_missing_after_change_set(moto_itself):  # cloudformation_fixes.py
    assert moto_itself["outputs_after_change_set"] is None


def test_no_change_change_set_is_refused(moto_itself):  # cloudformation_fixes.py
    assert "No updates are to be performed" in moto_itself["no_change_change_set"]


def test_non_empty_bucket_stack_deletes_anyway(moto_itself):  # cloudformation_s3.py + cloudformation_fixes.py
    assert moto_itself["delete_stack_with_non_empty_bucket"] == ["DELETE_COMPLETE"]


def test_nested_getatt_is_split_wrongly(moto_itself):  # cloudformation_fixes.py
    assert "does not support attribute type Endpoint in Fn::GetAtt" in moto_itself["nested_getatt"]


def test_redshift_endpoint_password_and_getatt(moto_itself):  # redshift_clusters.py, cloudformation_fixes.py
    seen = moto_itself["redshift_endpoint_and_password"]
    assert seen["address"].endswith(".redshift.amazonaws.com")
    assert seen["password"] == "{{resolve:ssm-secure:pw}}"  # dynamic reference left unresolved
    assert isinstance(seen["getatt_address"], dict)  # GetAtt Endpoint.Address gives the whole Endpoint


def test_resource_without_update_is_lost_on_update(moto_itself):  # cloudformation_fixes.py
    assert moto_itself["log_group_after_update"] in (None, []) or "raised" in str(moto_itself["log_group_after_update"])


def test_redshift_data_returns_canned_rows(moto_itself):  # redshift_data.py
    assert moto_itself["redshift_data_canned"] == {"status": "STARTED", "columns": ["Number", "Street", "City"]}


def test_redshift_data_has_no_batch(moto_itself):  # redshift_data.py
    assert str(moto_itself["redshift_data_batch"]).startswith("raised")


def test_redshift_manage_master_password_is_ignored(moto_itself):  # redshift_clusters.py
    assert moto_itself["redshift_managed_password"] is None


def test_redshift_ref_cluster_is_the_objects_repr(moto_itself):  # redshift_clusters.py
    assert "moto.redshift.models.Cluster object" in moto_itself["redshift_ref_cluster"]
