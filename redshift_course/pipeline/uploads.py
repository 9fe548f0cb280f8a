"""Uploading CSV files to the team's raw-data bucket: from disk, from bytes, or from a file picker."""
from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    since_ms = _now_ms()
    settings.client("s3").upload_file(str(path), bucket, key)
    return Upload(bucket=bucket, key=key, rows=data_rows(path), since_ms=since_ms)


def upload_bytes(settings: CourseSettings, content: bytes, key: str) -> Upload:
    bucket = pipeline_names(settings).bucket
    since_ms = _now_ms()
    settings.client("s3").put_object(Bucket=bucket, Key=key, Body=content)
    rows = _data_rows(io.StringIO(content.decode("utf-8-sig")))
    return Upload(bucket=bucket, key=key, rows=rows, since_ms=since_ms)


def _now_ms() -> int:
    return int(time.time() * 1000)


def upload_widget(settings: CourseSettings):
    """An ipywidgets FileUpload that sends the chosen CSV through the pipeline and reports the load.

    Its callback only runs when a person picks a file in a live notebook, so executing the cell
    (for example under nbval) displays the widget and does nothing else.
    """
    import ipywidgets as widgets
    from IPython.display import display

    from .loads import stable_summary, wait_for_load  # here, not at the top: loads imports this module

    picker = widgets.FileUpload(accept=".csv", multiple=False, description="Upload CSV")
    report = widgets.Output()

    def on_upload(change: dict[str, Any]) -> None:
        for item in change["new"]:
            with report:
                upload = upload_bytes(settings, bytes(item["content"]), item["name"])
                print(f"Uploaded {upload.key} ({upload.rows} data rows) to s3://{upload.bucket}/")
                summary = wait_for_load(settings, upload.key, upload.rows, since=upload.since_ms)
                print(f"Lambda: {stable_summary(summary)}")

    picker.observe(on_upload, names="value")
    display(widgets.VBox([picker, report]))
    return picker
