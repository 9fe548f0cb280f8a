"""S3: which objects an event is about, reading one as a stream of text, and writing a rejects file."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError

# Rejects files go here. On AWS the EventBridge rule that invokes the Lambda excludes this prefix,
# so writing a rejects file never triggers it again; S3's own notifications (the local course
# stack) cannot exclude a prefix, so the handler skips these keys too.
REJECTED_PREFIX = "rejected/"
# The clean rows the Lambda stages for COPY. Redshift's default IAM role may read this prefix of
# the teams' buckets and nothing else (infra/network-stack.yml, RedshiftCopyRole).
STAGING_PREFIX = "staging/"
# The files the Lambda loads. S3's notification filter asks for this suffix; an EventBridge
# pattern cannot ask for it besides excluding REJECTED_PREFIX, so objects_in_event applies it to
# events that EventBridge delivers, the same filter as S3's.
UPLOAD_SUFFIX = ".csv"


def rejects_key_for(key: str) -> str:
    """Where a file's rejected rows go: beside the source, under ``rejected/``."""
    return f"{REJECTED_PREFIX}{key}.rejects.csv"


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @property
    def rejects_key(self) -> str:
        return rejects_key_for(self.key)


def objects_in_event(event: dict[str, Any]) -> list[S3Object]:
    """The objects an S3 event notification names; one event may hold several records.

    S3 URL-encodes keys in its notifications (a space arrives as ``+``), so they are decoded here.
    An S3 event delivered by EventBridge ("Object Created", one object) carries the key as it is;
    its rule cannot filter on the suffix (it excludes rejected/), so a key without it names nothing.
    """
    if event.get("Event") == "s3:TestEvent":  # sent once when a notification is set up
        return []
    if event.get("source") == "aws.s3" and isinstance(event.get("detail"), dict):
        detail = event["detail"]
        try:
            source = S3Object(detail["bucket"]["name"], detail["object"]["key"])
        except (KeyError, TypeError) as error:
            raise ValueError(f"An EventBridge S3 event has no bucket name or object key: {event!r}") from error
        return [source] if source.key.endswith(UPLOAD_SUFFIX) else []
    records = event.get("Records")
    if not isinstance(records, list):
        raise ValueError("This is not an S3 event notification: it has no 'Records' list.")
    objects = []
    for record in records:
        s3 = record.get("s3", {})
        try:
            objects.append(S3Object(s3["bucket"]["name"], unquote_plus(s3["object"]["key"])))
        except (KeyError, TypeError) as error:
            raise ValueError(f"An event record has no S3 bucket name or object key: {record!r}") from error
    return objects


class _ReadOnlyStream(io.RawIOBase):
    """Let io.BufferedReader pull from anything with ``read(n)`` (botocore's StreamingBody)."""

    def __init__(self, source) -> None:
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_text(body) -> io.TextIOWrapper:
    """A text stream over an S3 object's body that never holds the whole object in memory.

    ``utf-8-sig`` drops a byte-order mark (Excel's "CSV UTF-8" writes one); ``newline=""`` hands
    ``\\r\\n`` to the csv module untouched, which is what it expects.
    """
    return io.TextIOWrapper(io.BufferedReader(_ReadOnlyStream(body), 1 << 16), encoding="utf-8-sig", newline="")


# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection"; ASVS 1.2.10 adds
# NUL). A rejects file is opened in Excel or a notebook by whoever fixes the rows, and its cells
# come from whoever wrote the upload: "=HYPERLINK(...)" must show as text, not run.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def as_text_cell(cell: str) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula gets a leading apostrophe.

    The apostrophe is OWASP's advice: spreadsheets read it as "this is text" and do not show it;
    a plain-text reader (pandas) sees it, and it is all that differs from the uploaded cell. Leading
    spaces are looked past, as some spreadsheets trim them before deciding. The rest of the advice
    (every cell in double quotes, quotes inside doubled) is RejectsFile's csv.writer.
    """
    return "'" + cell if cell.lstrip(" ").startswith(FORMULA_TRIGGERS) else cell


class RejectsFile:
    """Collects rejected rows in a temporary file (memory first, disk once it grows), then uploads it.

    Every cell of the rejected rows is written through ``as_text_cell`` (no formula runs when it
    is opened in a spreadsheet).
    """

    HEADER = ("LineNumber", "Reason")

    def __init__(self, source_header: Iterable[str]) -> None:
        self.count = 0
        self._spool: BinaryIO = tempfile.SpooledTemporaryFile(max_size=1 << 20)
        self._text = io.TextIOWrapper(self._spool, encoding="utf-8", newline="")
        # Every cell quoted (OWASP's advice): a separator, a quote or a line break inside a cell
        # stays inside it, for readers whose idea of a line ending is not this file's.
        self._writer = csv.writer(self._text, lineterminator="\n", quoting=csv.QUOTE_ALL)
        self._writer.writerow([*self.HEADER, *source_header])

    def add(self, line: int, reason: str, fields: list[str]) -> None:
        """Keep the row as it arrived (same columns as the source), so it can be fixed and uploaded again.

        Cells that would start a spreadsheet formula get a leading apostrophe (``as_text_cell``).
        """
        self._writer.writerow([line, as_text_cell(reason), *map(as_text_cell, fields)])
        self.count += 1

    def publish(self, s3, source: S3Object) -> str | None:
        """Upload the rejects beside the source, or remove an old rejects file when there are none.

        Returns the rejects key when one was written.
        """
        if not self.count:
            try:
                s3.delete_object(Bucket=source.bucket, Key=source.rejects_key)
            except ClientError:
                pass  # nothing to remove, or no permission to: the load itself is done either way
            return None
        self._text.flush()
        self._spool.seek(0)
        s3.put_object(Bucket=source.bucket, Key=source.rejects_key, Body=self._spool, ContentType="text/csv")
        return source.rejects_key

    def close(self) -> None:
        self._text.close()
