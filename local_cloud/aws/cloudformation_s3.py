"""CloudFormation's AWS::S3::Bucket and AWS::S3::BucketPolicy, made to do what they do on AWS.

moto 5.2.5's CloudFormation bucket applies only BucketEncryption and Tags, and:

* drops NotificationConfiguration, so an S3 → Lambda trigger declared in a template never
  fires. Here LambdaConfigurations / QueueConfigurations / TopicConfigurations (with
  Filter.S3Key.Rules) are applied on create and on update, through moto's own S3 API code;
* drops PublicAccessBlockConfiguration; here it is applied too;
* deletes a stack's bucket even when it still holds objects (moto's delete quietly keeps the
  bucket and the stack says DELETE_COMPLETE). AWS refuses: the stack goes to DELETE_FAILED with
  "The bucket you tried to delete is not empty". Here the bucket raises moto's BucketNotEmpty, and
  `cloudformation_fixes.py` turns that into DELETE_FAILED;
* has no AWS::S3::BucketPolicy at all (skipped, yet CREATE_COMPLETE). `BucketPolicy` below
  stores the policy with S3's PutBucketPolicy. moto stores it; it does not enforce it.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.s3.exceptions import BucketNotEmpty, MissingBucket
from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition

_KINDS = {  # CloudFormation's list name → (moto's list name, moto's target key, CFN's target key)
    "LambdaConfigurations": ("CloudFunctionConfiguration", "CloudFunction", "Function"),
    "QueueConfigurations": ("QueueConfiguration", "Queue", "Queue"),
    "TopicConfigurations": ("TopicConfiguration", "Topic", "Topic"),
}


def notification_config_from_cfn(cfn: dict[str, Any] | None) -> dict[str, Any] | None:
    """CloudFormation's NotificationConfiguration → the shape moto's S3 API parser produces."""
    if not cfn:
        return None
    config: dict[str, Any] = {}
    for cfn_list, (moto_list, moto_target, cfn_target) in _KINDS.items():
        for item in cfn.get(cfn_list, []):
            entry = {moto_target: item[cfn_target], "Event": [item["Event"]]}
            rules = item.get("Filter", {}).get("S3Key", {}).get("Rules", [])
            if rules:
                # S3 matches the names "prefix"/"suffix" without regard to case; moto wants lower case.
                entry["Filter"] = {
                    "S3Key": {"FilterRule": [{"Name": r["Name"].lower(), "Value": r["Value"]} for r in rules]}
                }
            config.setdefault(moto_list, []).append(entry)
    return config or None


def _apply_properties(bucket: FakeBucket, properties: dict[str, Any]) -> None:
    bucket.set_notification_configuration(notification_config_from_cfn(properties.get("NotificationConfiguration")))
    if "PublicAccessBlockConfiguration" in properties:
        backend = s3_backends[bucket.account_id][get_partition(bucket.region_name)]
        backend.put_public_access_block(bucket.name, properties["PublicAccessBlockConfiguration"])


_moto_create = FakeBucket.create_from_cloudformation_json.__func__
_moto_update = FakeBucket.update_from_cloudformation_json.__func__


def _create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    bucket = _moto_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    _apply_properties(bucket, cloudformation_json.get("Properties", {}))
    return bucket


def _update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    bucket = _moto_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
    _apply_properties(bucket, cloudformation_json.get("Properties", {}))
    return bucket


def _delete(cls, resource_name, cloudformation_json, account_id, region_name):
    backend = s3_backends[account_id][get_partition(region_name)]
    if backend.get_bucket(resource_name).keys:
        raise BucketNotEmpty(resource_name)
    backend.delete_bucket(resource_name)


class BucketPolicy(CloudFormationModel):
    """AWS::S3::BucketPolicy → S3 PutBucketPolicy (stored, not enforced: moto has no IAM checks)."""

    def __init__(self, bucket_name: str, account_id: str, region_name: str):
        self.bucket_name = bucket_name
        self.backend = s3_backends[account_id][get_partition(region_name)]

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::BucketPolicy"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @property
    def physical_resource_id(self) -> str:
        return self.bucket_name

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        policy = cls(properties["Bucket"], account_id, region_name)
        policy.backend.put_bucket_policy(policy.bucket_name, json.dumps(properties["PolicyDocument"]).encode())
        return policy

    @classmethod
    def update_from_cloudformation_json(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    ):
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        try:
            self.backend.delete_bucket_policy(self.bucket_name)
        except MissingBucket:  # the bucket went first; nothing left to remove
            pass


def apply() -> None:
    from moto.cloudformation import parsing

    FakeBucket.create_from_cloudformation_json = classmethod(_create)
    FakeBucket.update_from_cloudformation_json = classmethod(_update)
    FakeBucket.delete_from_cloudformation_json = classmethod(_delete)
    # moto builds its type → model map once from CloudFormationModel's subclasses; BucketPolicy
    # is one now, so the cached map is rebuilt.
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
