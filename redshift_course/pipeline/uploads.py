"""Uploading CSV files to the team's raw-data bucket: from disk or from bytes."""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from pathlib import Path

from ..settings import CourseSettings
from .stacks import pipeline_names


def data_rows(path: str | Path) -> int:
    """Data rows in a CSV file (records after the header), as the Lambda counts them."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return _data_rows(handle)


def _data_rows(lines) -> int:
    return max(sum(1 for record in csv.reader(lines) if record) - 1, 0)


@dataclass(frozen=True)
class Upload:
    bucket: str
    key: str
    rows: int
    since_ms: int


def upload_file(settings: CourseSettings, path: str | Path, key: str | None = None) -> Upload:
    """Upload a local CSV to the team's raw-data bucket (key: the file's name), as a learner would."""
    path = Path(path)
    bucket = pipeline_names(settings).bucket
    key = key or path.name
    since_ms = now_ms()
    settings.client("s3").upload_file(str(path), bucket, key)
    return Upload(bucket=bucket, key=key, rows=data_rows(path), since_ms=since_ms)


def upload_bytes(settings: CourseSettings, content: bytes, key: str) -> Upload:
    bucket = pipeline_names(settings).bucket
    since_ms = now_ms()
    settings.client("s3").put_object(Bucket=bucket, Key=key, Body=content)
    rows = _data_rows(io.StringIO(content.decode("utf-8-sig")))
    return Upload(bucket=bucket, key=key, rows=rows, since_ms=since_ms)


def now_ms() -> int:
    """Now, in milliseconds since the epoch: the unit CloudWatch Logs counts in."""
    return int(time.time() * 1000)
