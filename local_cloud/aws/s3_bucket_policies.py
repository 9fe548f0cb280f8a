"""Bucket policies whose statements carry a Condition no longer lock everyone out.

moto 5.2.5 enforces a bucket's policy on object requests, but it cannot see a request's context
(aws:SecureTransport, aws:SourceVpce, ...), and it treats a statement whose condition does not
match as an explicit DENY, whatever its Effect. So the usual TLS-only statement
(`Deny` when `aws:SecureTransport` is "false") makes every PutObject/GetObject answer 403 Forbidden
locally, where the endpoint is plain HTTP on the loopback interface (no TLS to insist on).

Here statements with a Condition are left out when moto evaluates a bucket policy; the policy is
still stored and returned by GetBucketPolicy unchanged. Statements without conditions are
enforced as moto does. On AWS the conditions are evaluated for real.
"""

from __future__ import annotations

import json
from typing import Any

from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket


def _get_permission(self: FakeBucket, action: str, resource: str) -> Any:
    if self.policy is None:
        return PermissionResult.NEUTRAL
    document = json.loads(self.policy.decode())
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    document["Statement"] = [s for s in statements if "Condition" not in s]
    if not document["Statement"]:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)


def apply() -> None:
    FakeBucket.get_permission = _get_permission
