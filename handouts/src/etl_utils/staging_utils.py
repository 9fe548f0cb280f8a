"""Staging: a file's clean rows as a CSV object in S3, for Redshift's COPY to load.

The object goes under ``staging/`` (the only prefix the cluster's role may read) with a random
name ending in ``.rows``: not ``.csv``, so S3's notification filter never hands it to the Lambda,
and the EventBridge rule excludes ``staging/`` as it excludes ``rejected/``. It lives from the
upload to the end of the load's transaction, and is deleted whether the load committed or not.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import uuid
from collections.abc import Iterable
from typing import BinaryIO

from botocore.exceptions import BotoCoreError, ClientError

# Redshift's default IAM role may read this prefix of the teams' buckets and nothing else
# (infra/network-stack.yml, RedshiftCopyRole).
STAGING_PREFIX = "staging/"
STAGED_SUFFIX = ".rows"
MEMORY_BYTES = 1 << 20  # beyond this the rows spill to /tmp (512 MB by default on Lambda: about 6M rows)

# S3's bucket naming rules. The bucket's name goes into COPY's text (COPY takes no parameters), so
# anything else is refused rather than quoted.
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def staged_key() -> str:
    return f"{STAGING_PREFIX}{uuid.uuid4().hex}{STAGED_SUFFIX}"


class StagedRows:
    """Rows written as CSV (memory first, disk once it grows), then one object in S3.

    Values are written as ``str()`` gives them: dates as YYYY-MM-DD, times as HH:MM:SS, which is
    what the COPY's DATEFORMAT and TIMEFORMAT read. ``close()`` deletes the object.
    """

    def __init__(self, s3, bucket: str) -> None:
        if not _BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
            raise ValueError(f"{bucket!r} is not an S3 bucket name")
        self.s3, self.bucket, self.key = s3, bucket, staged_key()
        self.count = 0
        self.uploaded = False
        self._spool: BinaryIO = tempfile.SpooledTemporaryFile(max_size=MEMORY_BYTES)
        self._text = io.TextIOWrapper(self._spool, encoding="utf-8", newline="")
        self._writer = csv.writer(self._text, lineterminator="\n")

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def write(self, rows: Iterable[tuple]) -> None:
        for row in rows:
            self._writer.writerow(row)
            self.count += 1

    def upload(self) -> None:
        self._text.flush()
        self._spool.seek(0)
        self.uploaded = True  # set first: a PUT that fails half-way may still have created it
        self.s3.put_object(Bucket=self.bucket, Key=self.key, Body=self._spool, ContentType="text/csv")

    def close(self) -> str | None:
        """Delete the object and free the spool; returns why the object could not be deleted, if so.

        Not raised: the load's outcome is already decided, and a leftover object under staging/
        triggers nothing; the caller logs it so that it can be removed.
        """
        self._text.close()
        if not self.uploaded:
            return None
        try:
            self.s3.delete_object(Bucket=self.bucket, Key=self.key)
        except (BotoCoreError, ClientError) as error:
            return str(error)
        self.uploaded = False
        return None
