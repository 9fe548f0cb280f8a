"""S3 → Lambda notifications that really run the function, asynchronously, with AWS's event record.

moto 5.2.5 calls the function synchronously inside the upload request, through Docker, and
swallows the error when Docker is missing, so nothing runs. Here the matching notification (event
type and prefix/suffix filters are still matched by moto) hands the event to `lambda_async`,
which runs it on the thread pool with AWS's two retries, and the upload returns at once as on AWS.

moto's event record lacks some fields that AWS sends (userIdentity, requestParameters,
responseElements, the object's sequencer and versionId); they are added so that a handler written
against AWS's documented record works unchanged. moto also encodes the key's slashes
(`incoming%2Ffile.csv`); AWS URL-encodes keys (a space becomes '+') but keeps '/', and so do we.
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import quote_plus

from moto.s3 import notifications

from . import lambda_async

_moto_get_s3_event = notifications._get_s3_event


def s3_event(event_name: str, bucket: Any, key: Any, notification_id: str) -> dict[str, Any]:
    event = _moto_get_s3_event(event_name, bucket, key, notification_id)
    for record in event["Records"]:
        record["s3"]["object"]["key"] = quote_plus(key.name, safe="/")
        record["userIdentity"] = {"principalId": "AWS:LOCALDUMMYPRINCIPAL"}
        record["requestParameters"] = {"sourceIPAddress": "127.0.0.1"}
        record["responseElements"] = {
            "x-amz-request-id": uuid.uuid4().hex[:16].upper(),
            "x-amz-id-2": uuid.uuid4().hex,
        }
        record["s3"]["bucket"]["ownerIdentity"] = {"principalId": "LOCALDUMMYOWNER"}
        record["s3"]["object"]["sequencer"] = f"{time.time_ns():X}"
        if getattr(key, "version_id", None) and key.version_id != "null":
            record["s3"]["object"]["versionId"] = key.version_id
    return event


def invoke_lambda_async(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
    lambda_async.submit(account_id, region_name, fn_arn, event_body)


def apply() -> None:
    notifications._get_s3_event = s3_event
    notifications._invoke_awslambda = invoke_lambda_async
