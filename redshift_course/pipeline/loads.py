"""Waiting for the Lambda to load an uploaded file, read from its logs; loading the visits when needed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..live import Status
from ..paths import MONTH_FILES
from ..settings import CourseSettings
from .stacks import pipeline_names
from .uploads import now_ms, upload_file
from .warehouse import SOURCE_COLUMN, rows_by_source, source_uri


class LoadFailed(RuntimeError):
    """The Lambda reported an error for the file; the message carries its log line."""


def lambda_log_lines(settings: CourseSettings, since: int | None = None, log_group: str | None = None) -> list[str]:
    """Every log message of the team's Lambda since ``since`` (ms since the epoch), oldest first."""
    logs = settings.client("logs")
    kwargs: dict[str, Any] = {"logGroupName": log_group or pipeline_names(settings).log_group}
    if since is not None:
        kwargs["startTime"] = int(since)
    events: list[dict[str, Any]] = []
    try:
        for page in logs.get_paginator("filter_log_events").paginate(**kwargs):
            events.extend(page.get("events", []))
    except logs.exceptions.ResourceNotFoundException:
        return []
    events.sort(key=lambda event: (event["timestamp"], event.get("ingestionTime", 0)))
    return [event["message"].rstrip("\n") for event in events]


def parse_json_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The structured JSON objects among log lines (Lambda's START/END/REPORT lines are skipped)."""
    for line in lines:
        start = line.find("{")
        if start < 0:
            continue
        try:
            record = json.loads(line[start:])
        except ValueError:
            continue
        if isinstance(record, dict):
            yield record


def file_summaries(
    settings: CourseSettings, since: int | None = None, key: str | None = None, log_group: str | None = None
) -> list[dict[str, Any]]:
    """The Lambda's one-line-per-file summaries (bucket, key, rows, loaded, rejected, seconds).

    A file that could not be loaded has a summary too, at level ERROR, with the cause in ``error``.
    """
    summaries = [
        record
        for record in parse_json_lines(lambda_log_lines(settings, since, log_group))
        if "key" in record and "loaded" in record
    ]
    return [record for record in summaries if key is None or record["key"] == key]


def stable_summary(record: Mapping[str, Any]) -> dict[str, Any]:
    """A log summary without its timing, for outputs that must be the same on every run."""
    return {name: record[name] for name in ("bucket", "key", "rows", "loaded", "rejected") if name in record}


def wait_for_load(
    settings: CourseSettings,
    key: str,
    expected_rows: int | None = None,
    timeout: float = 120,
    since: int | None = None,
    progress: bool = True,
    poll_seconds: float = 0.5,
) -> dict[str, Any]:
    """Wait until the Lambda has finished loading ``key`` (its summary line is in the logs).

    It says what it waits for, and at the end that every row is accounted for: loaded + rejected =
    the file's rows. ``since`` (ms) is when the upload started, so an earlier load of the same key
    does not count. Returns the Lambda's summary for the file; raises ``LoadFailed`` when the
    Lambda logged an error for it and ``TimeoutError`` after ``timeout``.
    """
    since = since if since is not None else now_ms() - 60_000
    log_group = pipeline_names(settings).log_group
    deadline = time.monotonic() + timeout
    line = _ProgressLine(key, expected_rows) if progress else None
    while True:
        summaries = file_summaries(settings, since, key, log_group)
        if summaries and "error" in summaries[-1]:
            if line:
                line.show(f"FAILED: {summaries[-1]['error']}", ok=False, done=0)
            raise LoadFailed(f"The Lambda could not load {key}: {summaries[-1]['error']}")
        if summaries:
            if line:
                line.finished(summaries[-1])
            return summaries[-1]
        if time.monotonic() > deadline:
            if line:
                line.show(f"no load finished within {timeout:.0f} s", ok=False, done=0)
            raise TimeoutError(f"No load of {key} finished within {timeout:.0f} s; check the Lambda's logs.")
        if line:
            line.tick()
        time.sleep(poll_seconds)


class _ProgressLine:
    """What a wait shows: a status line that says what it waits for (in a live notebook it counts the
    seconds), then one printed line with the end state. Both are plain text in the saved notebook,
    never a widget frozen at 0 %."""

    def __init__(self, key: str, expected_rows: int | None) -> None:
        self.key, self.started = key, time.monotonic()
        rows = f" ({expected_rows} rows)" if expected_rows is not None else ""
        self.waiting = f"{key}{rows}: waiting for the Lambda to load it (one transaction: none, then all) ..."
        self.status = Status(self.waiting, total=expected_rows)

    def tick(self) -> None:
        self.status.update(f"{self.waiting} {time.monotonic() - self.started:.0f} s")

    def show(self, state: str, ok: bool = True, done: int | None = None) -> None:
        self.status.finish(f"{self.key}: {state}", ok=ok, done=done)
        print(f"{self.key}: {state}", flush=True)

    def finished(self, summary: Mapping[str, Any]) -> None:
        loaded, rejected = int(summary.get("loaded", 0)), int(summary.get("rejected", 0))
        rows = int(summary.get("rows", loaded + rejected))
        complete = loaded + rejected == rows
        verdict = "OK, every row accounted for" if complete else "CHECK: rows missing"
        state = f"{loaded + rejected} of {rows} rows: loaded {loaded}, rejected {rejected} ({verdict})"
        self.show(state, ok=complete, done=loaded + rejected)


def upload_and_wait(settings: CourseSettings, path: str | Path, key: str | None = None, **wait: Any) -> dict[str, Any]:
    upload = upload_file(settings, path, key)
    return wait_for_load(settings, upload.key, upload.rows, since=upload.since_ms, **wait)


def ensure_visits_loaded(settings: CourseSettings, files: Iterable[Path] = MONTH_FILES) -> pd.DataFrame:
    """Load every month's file through the pipeline unless its rows are already in Redshift.

    Uploads go to S3 and the Lambda loads them, exactly as in the exercise; files already loaded
    are left alone. Returns rows per source file, which is the same whichever files were uploaded.
    """
    uris = {path: source_uri(settings, path.name) for path in files}
    # The same saved output whether files are loaded now or were already; live, it counts the files.
    status = Status(
        f"Checking that the {len(uris)} month files are in Redshift; a missing one is uploaded and loaded ...",
        total=len(uris),
    )
    loaded = set(rows_by_source(settings)[SOURCE_COLUMN])
    for done, (path, uri) in enumerate(uris.items()):
        if uri not in loaded:
            status.update(f"{path.name}: uploading, then the Lambda loads it ({done} of {len(uris)} files in)", done)
            upload_and_wait(settings, path, progress=False)
        status.update(f"{done + 1} of {len(uris)} files in", done + 1)
    status.finish(f"All {len(uris)} month files are in Redshift.")
    frame = rows_by_source(settings)
    return frame[frame[SOURCE_COLUMN].isin(list(uris.values()))].reset_index(drop=True)
