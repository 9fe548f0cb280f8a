"""Staging: a file's clean rows as CSV objects in S3, for Redshift's COPY to load.

The rows go in parts (PART_ROWS rows each) under one random prefix of ``staging/`` (the only
prefix the cluster's role may read), ``staging/<random>/part-0000.rows`` and on: each part can be
uploaded and COPYed while the next is still being read, and one COPY of the prefix reads them all
again (a retried transaction). The names end in ``.rows``, not ``.csv``, so S3's notification
filter never hands them to the Lambda, and the EventBridge rule excludes ``staging/`` as it
excludes ``rejected/``. They live from their upload to the end of the load's transaction, and are
deleted whether the load committed or not.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any, BinaryIO

from botocore.exceptions import BotoCoreError, ClientError

from .transform_utils import Visit

# Redshift's default IAM role may read this prefix of the teams' buckets and nothing else
# (infra/network-stack.yml, RedshiftCopyRole).
STAGING_PREFIX = "staging/"
STAGED_SUFFIX = ".rows"
MEMORY_BYTES = 1 << 20  # beyond this a part spills to /tmp (512 MB by default on Lambda: about 6M rows)
# Rows per part: about 16 MB. Parts small enough that the last one (the one that cannot overlap the
# reading) is quick to upload and COPY, big enough that each COPY's fixed cost is small.
PART_ROWS = 200_000
_LINES_PER_WRITE = 1000  # rows made into text and written at once

# S3's bucket naming rules. The bucket's name goes into COPY's text (COPY takes no parameters), so
# anything else is refused rather than quoted.
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def staged_key() -> str:
    """A random key for one staged object (the ELT prototype's); StagedRows names its parts itself."""
    return f"{STAGING_PREFIX}{uuid.uuid4().hex}{STAGED_SUFFIX}"


def staged_prefix() -> str:
    return f"{STAGING_PREFIX}{uuid.uuid4().hex}/"


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


@dataclass
class StagedPart:
    """One part of the staged rows, written and sealed, not yet uploaded (``body`` is its CSV)."""

    bucket: str
    key: str
    body: BinaryIO

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


class StagedRows:
    """Rows written as CSV in parts (each in memory first, on disk once it grows), each part one object in S3.

    Rows are Visits (their fields are the table's columns, in order), written as csv.writer would
    write them: values as ``str()`` gives them (dates as YYYY-MM-DD, times as HH:MM:SS, which is
    what the COPY's DATEFORMAT and TIMEFORMAT read), texts quoted where CSV needs it.

    Every ``part_rows`` rows the part is sealed: handed to ``on_part`` if given (which uploads it,
    ``upload_part``, and COPYs it while the rows after it are read), else kept for ``upload``.
    ``finish`` seals the last part (there is always one, if empty: COPY then loads no rows);
    ``uri`` is the prefix every part is under, what one COPY reads them all from. ``close()``
    deletes every object uploaded.
    """

    def __init__(
        self, s3, bucket: str, part_rows: int | None = None, on_part: Callable[[StagedPart], None] | None = None
    ) -> None:
        if not _BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
            raise ValueError(f"{bucket!r} is not an S3 bucket name")
        part_rows = PART_ROWS if part_rows is None else part_rows
        if part_rows < 1:
            raise ValueError("part_rows must be at least 1")
        self.s3, self.bucket, self.prefix = s3, bucket, staged_prefix()
        self.part_rows, self.on_part = part_rows, on_part
        self.count = 0
        self.uploaded_keys: list[str] = []  # every key a PUT was tried for: close() deletes them
        self._sealed: list[StagedPart] = []  # sealed and not handed to on_part: upload() puts them
        self._parts = 0
        self._finished = False
        self._spool: BinaryIO | None = None
        self._part_count = 0
        # A file has few distinct dates, times, stores and store types: their texts are made once.
        self._dates_and_times, self._texts = _Texts(str), _Texts(_csv_field)

    @property
    def uri(self) -> str:
        """The prefix of every part: COPY ... FROM this URI loads them all."""
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def parts(self) -> int:
        return self._parts

    def write(self, rows: Iterable[Visit]) -> None:
        # Each line is what csv.writer writes for the row, made with one f-string: writerow calls str()
        # on each value that is not text, and for a date or a time that is slow. The texts of dates,
        # times, stores and store types (quoted where CSV needs it) are made once and looked up; the
        # numbers are written as str() writes them. Lines are made a thousand at a time and written
        # as one piece of UTF-8.
        rows = iter(rows)
        dates_and_times, texts = self._dates_and_times, self._texts
        while True:
            room = min(_LINES_PER_WRITE, self.part_rows - self._part_count)
            lines = [
                f"{visit_id},{store_id},{shopper_id},{texts[store_type]},{texts[store_name]},{employees},"
                f"{dates_and_times[day]},{dates_and_times[start]},{dates_and_times[end]},{score}\n"
                for visit_id, store_id, shopper_id, store_type, store_name, employees, day, start, end, score in islice(
                    rows, room
                )
            ]
            if not lines:
                return
            if self._spool is None:
                self._spool = tempfile.SpooledTemporaryFile(max_size=MEMORY_BYTES)
            self._spool.write("".join(lines).encode())
            self.count += len(lines)
            self._part_count += len(lines)
            if self._part_count >= self.part_rows:
                self._seal()
            elif len(lines) < room:
                return

    def _seal(self) -> None:
        spool = self._spool if self._spool is not None else tempfile.SpooledTemporaryFile(max_size=MEMORY_BYTES)
        spool.seek(0)
        part = StagedPart(self.bucket, f"{self.prefix}part-{self._parts:04d}{STAGED_SUFFIX}", spool)
        self._parts += 1
        self._spool, self._part_count = None, 0
        if self.on_part is not None:
            self.on_part(part)
        else:
            self._sealed.append(part)

    def finish(self) -> None:
        """Seal the last part: the one being written, or an empty one if no part was sealed yet."""
        if self._finished:
            return
        self._finished = True
        if self._part_count or not self._parts:
            self._seal()

    def upload_part(self, part: StagedPart) -> None:
        """PUT one sealed part and free its spool."""
        self.uploaded_keys.append(part.key)  # first: a PUT that fails half-way may still have created it
        try:
            self.s3.put_object(Bucket=part.bucket, Key=part.key, Body=part.body, ContentType="text/csv")
        finally:
            part.body.close()

    def upload(self) -> None:
        """Seal the last part and upload every part not handed to ``on_part`` (the load without overlap)."""
        self.finish()
        while self._sealed:
            self.upload_part(self._sealed.pop(0))

    def close(self) -> dict[str, str]:
        """Delete the objects and free the spools; returns, by key, why an object could not be deleted.

        Not raised: the load's outcome is already decided, and a leftover object under staging/
        triggers nothing; the caller logs each one so that it can be removed.
        """
        for part in self._sealed:
            part.body.close()
        self._sealed = []
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        leftovers = {}
        for key in self.uploaded_keys:
            try:
                self.s3.delete_object(Bucket=self.bucket, Key=key)
            except (BotoCoreError, ClientError) as error:
                leftovers[key] = str(error)
        self.uploaded_keys = []
        return leftovers
