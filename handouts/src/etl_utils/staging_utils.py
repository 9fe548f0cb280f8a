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
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from botocore.exceptions import BotoCoreError, ClientError

from .transform_utils import Visit

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


_KEPT_TEXTS = 4096  # distinct values whose text is kept: a file's dates, times, stores and store types


class _Texts(dict):
    """The text each value is written as, made the first time it is asked for (up to _KEPT_TEXTS kept)."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, value: Any) -> str:
        text = self._make(value)
        if len(self) < _KEPT_TEXTS:  # a file of all-different store names must not grow this without end
            self[value] = text
        return text


def _csv_field(text: str) -> str:
    """``text`` as csv.writer writes it within a row: quoted if it holds a comma, a quote or a line break."""
    if not text:
        return ""  # alone on a row csv.writer would write "", inside one it writes nothing
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow((text,))
    return line.getvalue()[:-1]


class StagedRows:
    """Rows written as CSV (memory first, disk once it grows), then one object in S3.

    Rows are Visits (their fields are the table's columns, in order), written as csv.writer would
    write them: values as ``str()`` gives them (dates as YYYY-MM-DD, times as HH:MM:SS, which is
    what the COPY's DATEFORMAT and TIMEFORMAT read), texts quoted where CSV needs it.
    ``close()`` deletes the object.
    """

    def __init__(self, s3, bucket: str) -> None:
        if not _BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
            raise ValueError(f"{bucket!r} is not an S3 bucket name")
        self.s3, self.bucket, self.key = s3, bucket, staged_key()
        self.count = 0
        self.uploaded = False
        self._spool: BinaryIO = tempfile.SpooledTemporaryFile(max_size=MEMORY_BYTES)
        self._text = io.TextIOWrapper(self._spool, encoding="utf-8", newline="")

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def write(self, rows: Iterable[Visit]) -> None:
        # Each line is what csv.writer writes for the row, made with one f-string: writerow calls str()
        # on each value that is not text, and for a date or a time that is slow. A file has few
        # distinct dates, times, stores and store types, so their texts (quoted where CSV needs
        # it) are made once and looked up; the numbers are written as str() writes them.
        write, dates_and_times, texts = self._text.write, _Texts(str), _Texts(_csv_field)
        for visit_id, store_id, shopper_id, store_type, store_name, employees, day, start, end, score in rows:
            write(
                f"{visit_id},{store_id},{shopper_id},{texts[store_type]},{texts[store_name]},{employees},"
                f"{dates_and_times[day]},{dates_and_times[start]},{dates_and_times[end]},{score}\n"
            )
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
