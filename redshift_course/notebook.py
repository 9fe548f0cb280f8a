"""Small helpers the hands-on notebooks share: masking, deploying, uploading, waiting, logs.

Every helper takes a :class:`~redshift_course.settings.CourseSettings`, so the same notebook cell
works in local mode (the local AWS and the local Redshift) and in aws mode (a real account).
Helpers print or return only stable things (counts, names, statuses), never timings or request
ids, so that a notebook's committed outputs compare equal on every run.
"""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import pandas as pd

from .paths import REPO_ROOT
from .settings import CourseSettings

MASK = "********"
SECRET_KEYS = frozenset({"password"})

HANDOUTS = REPO_ROOT / "handouts"
DEPLOY_SCRIPT = HANDOUTS / "deploy.sh"
DATA_DIR = HANDOUTS / "data"
HANDOUT_FILE = DATA_DIR / "mystery_shops_2024-03.csv"
MONTH_FILES = tuple(DATA_DIR / f"mystery_shops_2024-{month:02d}.csv" for month in range(1, 7))

VISIT_TABLE = "mystery_shop_visit"
# The lineage column the Lambda writes: which S3 object a row came from, as s3://bucket/key.
SOURCE_COLUMN = "source_file"
REJECTED_PREFIX = "rejected/"


class LoadFailed(RuntimeError):
    """The Lambda reported an error for the file; the message carries its log line."""


# --- secrets ----------------------------------------------------------------------------------
def masked(settings_dict: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a settings dict that is safe to show: every secret value replaced by ``MASK``."""
    return {key: (MASK if key.lower() in SECRET_KEYS else value) for key, value in settings_dict.items()}


# --- stacks -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PipelineNames:
    bucket: str
    function_name: str
    log_group: str


def stack_status(settings: CourseSettings, stack_name: str) -> str | None:
    """The stack's StackStatus, or None when no such stack exists."""
    cloudformation = settings.client("cloudformation")
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except cloudformation.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return stacks[0]["StackStatus"] if stacks else None


def stack_outputs(settings: CourseSettings, stack_name: str) -> dict[str, str]:
    stack = settings.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def stack_resources(settings: CourseSettings, stack_name: str) -> pd.DataFrame:
    """The stack's resources as a DataFrame, sorted by logical id (physical ids can be generated)."""
    paginator = settings.client("cloudformation").get_paginator("list_stack_resources")
    rows = [
        {
            "LogicalResourceId": summary["LogicalResourceId"],
            "ResourceType": summary["ResourceType"],
            "ResourceStatus": summary["ResourceStatus"],
        }
        for page in paginator.paginate(StackName=stack_name)
        for summary in page["StackResourceSummaries"]
    ]
    return pd.DataFrame(rows).sort_values("LogicalResourceId", ignore_index=True)


def pipeline_names(settings: CourseSettings) -> PipelineNames:
    """The raw-data bucket, the Lambda and its log group, from the ETL stack's outputs."""
    # Read from the stack's resources, as deploy.sh does: the same names as the Outputs, and there
    # even while a stack's Outputs are being refreshed (the local CloudFormation can drop some).
    paginator = settings.client("cloudformation").get_paginator("list_stack_resources")
    physical = {
        summary["LogicalResourceId"]: summary.get("PhysicalResourceId")
        for page in paginator.paginate(StackName=settings.etl_stack)
        for summary in page["StackResourceSummaries"]
    }
    outputs = stack_outputs(settings, settings.etl_stack)
    function_name = physical.get("EtlFunction") or outputs["EtlFunctionName"]
    # The template names the group /aws/lambda/<function>, which is also Lambda's own default.
    log_group = physical.get("EtlLogGroup") or outputs.get("EtlLogGroupName") or f"/aws/lambda/{function_name}"
    return PipelineNames(
        bucket=physical.get("RawDataBucket") or outputs["RawDataBucketName"],
        function_name=function_name,
        log_group=log_group,
    )


# --- deploying --------------------------------------------------------------------------------
@dataclass
class DeployResult:
    returncode: int
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def deploy_command(settings: CourseSettings) -> list[str]:
    return ["bash", str(DEPLOY_SCRIPT), settings.cli_profile, settings.team]


def run_deploy(settings: CourseSettings, echo: Callable[[str], None] | None = None) -> DeployResult:
    """Run ``handouts/deploy.sh <profile> <team>`` and stream its output, line by line, to ``echo``.

    In local mode the profile is ``local`` (deploy.sh points the AWS CLI at the local AWS itself);
    in aws mode it is the learner's own profile. The script runs from ``handouts/`` as a learner
    would run it. Raises ``RuntimeError`` with the output's tail when the script fails.
    """
    echo = echo or live_log()
    env = dict(os.environ)
    # No colour codes or pagers in captured output.
    env.update({"AWS_PAGER": "", "NO_COLOR": "1"})
    process = subprocess.Popen(
        deploy_command(settings),
        cwd=HANDOUTS,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    result = DeployResult(returncode=-1)
    assert process.stdout is not None
    for line in process.stdout:
        line = line.rstrip("\n")
        result.lines.append(line)
        echo(line)
    result.returncode = process.wait()
    if not result.ok:
        tail = "\n".join(result.lines[-15:])
        raise RuntimeError(f"deploy.sh failed with exit code {result.returncode}:\n{tail}")
    return result


def live_log(height: str = "220px") -> Callable[[str], None]:
    """A scrolling log box in Jupyter (a widget, so its changing text is not a cell output); print elsewhere."""
    try:
        import ipywidgets as widgets
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - ipywidgets is in requirements
        return print
    if get_ipython() is None or not hasattr(get_ipython(), "kernel"):
        return print
    box = widgets.Textarea(value="", layout=widgets.Layout(width="100%", height=height), disabled=True)
    display(box)

    def append(line: str) -> None:
        box.value = f"{box.value}{line}\n"

    return append


def ensure_pipeline_deployed(settings: CourseSettings) -> str:
    """Deploy the team's stacks unless both are already in a complete state; returns a stable message."""
    healthy = ("CREATE_COMPLETE", "UPDATE_COMPLETE")
    statuses = [stack_status(settings, name) for name in (settings.deployment_bucket_stack, settings.etl_stack)]
    if not all(status in healthy for status in statuses):
        run_deploy(settings, echo=lambda line: None)
    names = pipeline_names(settings)
    return f"Pipeline ready: upload to s3://{names.bucket}/ and {names.function_name} loads {VISIT_TABLE}."


# --- files ------------------------------------------------------------------------------------
def data_rows(path: str | Path) -> int:
    """Data rows in a CSV file (records after the header), as the Lambda counts them."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return max(sum(1 for record in csv.reader(handle) if record) - 1, 0)


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
    rows = max(sum(1 for record in csv.reader(io.StringIO(content.decode("utf-8-sig"))) if record) - 1, 0)
    return Upload(bucket=bucket, key=key, rows=rows, since_ms=since_ms)


def _now_ms() -> int:
    return int(time.time() * 1000)


# --- Redshift ---------------------------------------------------------------------------------
def query_dataframe(settings: CourseSettings, sql: str, params: Iterable[Any] | None = None) -> pd.DataFrame:
    """Run one query with a fresh connection and return the result as a DataFrame."""
    with settings.connect() as connection:
        cursor = connection.cursor()
        cursor.execute(sql, tuple(params) if params is not None else None)
        frame = cursor.fetch_dataframe()
    return frame if frame is not None else pd.DataFrame()


TABLE_EXISTS_SQL = (
    "select count(*) from information_schema.tables where table_schema = current_schema() and table_name = %s"
)


def _table_exists(cursor) -> bool:
    """The Lambda creates the table on its first load; before that there is nothing to count."""
    cursor.execute(TABLE_EXISTS_SQL, (VISIT_TABLE,))
    return int(cursor.fetchone()[0]) > 0


def table_exists(settings: CourseSettings) -> bool:
    with settings.connect() as connection:
        return _table_exists(connection.cursor())


def rows_by_source(settings: CourseSettings) -> pd.DataFrame:
    """Rows in the visits table per source file, sorted by file (empty before the first load)."""
    if not table_exists(settings):
        return pd.DataFrame({SOURCE_COLUMN: pd.Series(dtype=str), "rows_loaded": pd.Series(dtype=int)})
    frame = query_dataframe(
        settings,
        f"select {SOURCE_COLUMN}, count(*) as rows_loaded from {VISIT_TABLE} "
        f"group by {SOURCE_COLUMN} order by {SOURCE_COLUMN}",
    )
    frame.columns = [SOURCE_COLUMN, "rows_loaded"]
    return frame


def source_uri(settings: CourseSettings, key: str) -> str:
    """The ``source_file`` value of the rows loaded from ``key`` in the team's bucket."""
    return f"s3://{pipeline_names(settings).bucket}/{key}"


def _count_for(cursor, uri: str) -> int:
    if not _table_exists(cursor):
        return 0
    cursor.execute(f"select count(*) from {VISIT_TABLE} where {SOURCE_COLUMN} = %s", (uri,))
    return int(cursor.fetchone()[0])


def count_rows(settings: CourseSettings, key: str) -> int:
    """Rows in the visits table that came from ``key`` (an object in the team's raw-data bucket)."""
    uri = source_uri(settings, key)
    with settings.connect() as connection:
        return _count_for(connection.cursor(), uri)


# --- the Lambda's logs ------------------------------------------------------------------------
def lambda_log_lines(settings: CourseSettings, since: int | None = None) -> list[str]:
    """Every log message of the team's Lambda since ``since`` (ms since the epoch), oldest first."""
    logs = settings.client("logs")
    log_group = pipeline_names(settings).log_group
    kwargs: dict[str, Any] = {"logGroupName": log_group}
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


def file_summaries(settings: CourseSettings, since: int | None = None, key: str | None = None) -> list[dict[str, Any]]:
    """The Lambda's one-line-per-file summaries (bucket, key, rows, loaded, rejected, seconds)."""
    summaries = [
        record
        for record in parse_json_lines(lambda_log_lines(settings, since))
        if "key" in record and "loaded" in record
    ]
    return [record for record in summaries if key is None or record["key"] == key]


def _error_for(settings: CourseSettings, since: int, key: str) -> str | None:
    for record in parse_json_lines(lambda_log_lines(settings, since)):
        if record.get("key") == key and record.get("level") == "ERROR":
            return str(record.get("error", record.get("message")))
    return None


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

    A progress bar counts the file's rows in Redshift while it waits (one transaction per file, so
    it jumps from 0 to all of them). ``since`` (ms) is when the upload started, so an earlier
    load of the same key does not count. Returns the Lambda's summary for the file; raises
    ``LoadFailed`` when the Lambda logged an error for it and ``TimeoutError`` after ``timeout``.
    """
    from tqdm.auto import tqdm

    since = since if since is not None else _now_ms() - 60_000
    uri = source_uri(settings, key)
    deadline = time.monotonic() + timeout
    bar = tqdm(total=expected_rows, desc=key, unit="rows", disable=not progress, leave=True)
    try:
        with settings.connect() as connection:
            connection.autocommit = True  # each poll sees the latest committed data
            cursor = connection.cursor()
            while True:
                summaries = file_summaries(settings, since, key)
                count = _count_for(cursor, uri)
                bar.n = count
                bar.refresh()
                if summaries:
                    return summaries[-1]
                error = _error_for(settings, since, key)
                if error:
                    raise LoadFailed(f"The Lambda could not load {key}: {error}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"No load of {key} finished within {timeout:.0f} s; check the Lambda's logs.")
                time.sleep(poll_seconds)
    finally:
        bar.close()


def upload_and_wait(settings: CourseSettings, path: str | Path, key: str | None = None, **wait: Any) -> dict[str, Any]:
    upload = upload_file(settings, path, key)
    return wait_for_load(settings, upload.key, upload.rows, since=upload.since_ms, **wait)


def ensure_visits_loaded(settings: CourseSettings, files: Iterable[Path] = MONTH_FILES) -> pd.DataFrame:
    """Load every month's file through the pipeline unless its rows are already in Redshift.

    Uploads go to S3 and the Lambda loads them, exactly as in the exercise; files already loaded
    are left alone. Returns rows per source file, which is the same whichever files were uploaded.
    """
    uris = {path: source_uri(settings, path.name) for path in files}
    loaded = set(rows_by_source(settings)[SOURCE_COLUMN])
    for path, uri in uris.items():
        if uri not in loaded:
            upload_and_wait(settings, path, progress=False)
    frame = rows_by_source(settings)
    return frame[frame[SOURCE_COLUMN].isin(list(uris.values()))].reset_index(drop=True)


# --- rejected rows ----------------------------------------------------------------------------
def rejects_key(key: str) -> str:
    """Where the Lambda writes a file's rejected rows: beside the source, under ``rejected/``."""
    return f"{REJECTED_PREFIX}{key}.rejects.csv"


def rejected_keys(settings: CourseSettings) -> list[str]:
    """Keys of every rejects file in the team's bucket, sorted."""
    s3 = settings.client("s3")
    bucket = pipeline_names(settings).bucket
    return sorted(
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=REJECTED_PREFIX)
        for item in page.get("Contents", [])
    )


def rejected_rows(settings: CourseSettings, key: str) -> pd.DataFrame:
    """The rejected rows of one source file, read from its rejects file in S3 (line numbers, reasons).

    An empty DataFrame when the file had no rejected rows (the Lambda then writes no rejects file).
    """
    s3 = settings.client("s3")
    try:
        body = s3.get_object(Bucket=pipeline_names(settings).bucket, Key=rejects_key(key))["Body"].read()
    except s3.exceptions.NoSuchKey:
        return pd.DataFrame()
    return pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)


# --- the learner's own file -------------------------------------------------------------------
def upload_widget(settings: CourseSettings):
    """An ipywidgets FileUpload that sends the chosen CSV through the pipeline and reports the load.

    Its callback only runs when a person picks a file in a live notebook, so executing the cell
    (for example under nbval) displays the widget and does nothing else.
    """
    import ipywidgets as widgets
    from IPython.display import display

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


# --- reading the handouts ---------------------------------------------------------------------
def _cfn_yaml(path: Path) -> dict[str, Any]:
    import yaml

    class Loader(yaml.SafeLoader):
        """Reads CloudFormation YAML; short-form intrinsics (!Ref, !Sub...) are kept as plain values."""

    def intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    Loader.add_multi_constructor("!", intrinsic)
    return yaml.load(Path(path).read_text(), Loader=Loader)  # noqa: S506 - SafeLoader subclass


def template_resources(*paths: Path) -> pd.DataFrame:
    """Each template's resources (logical id and type), read from the YAML files themselves."""
    rows = [
        {"template": Path(path).name, "LogicalResourceId": name, "ResourceType": body["Type"]}
        for path in paths
        for name, body in _cfn_yaml(Path(path))["Resources"].items()
    ]
    return pd.DataFrame(rows)


# What each of the deck's five bullets looks like in deploy.sh:
# (bullet, regex for the line where it starts, how many following lines belong to it).
DEPLOY_STEPS: tuple[tuple[str, str, int], ...] = (
    ("Collect your aws-profile and team-name from the command line", r'^(PROFILE|TEAM)="\$[12]"', 0),
    ("Deploy a stack called team-name-shopper-deployment-bucket", r'^\s*say "1/5', 5),
    ("Install the Lambda's dependencies", r"-m pip install", 1),
    ("Package the team-name-shopper-etl-pipeline stack with the Lambda zip in S3", r"cloudformation package", 4),
    ("Deploy a stack called team-name-shopper-etl-pipeline", r'^\s*say "4/5', 3),
)


def script_lines(path: Path, pattern: str) -> list[tuple[int, str]]:
    """(line number, line) for every non-comment line of a file that matches ``pattern``."""
    import re

    regex = re.compile(pattern)
    return [
        (number, line.rstrip())
        for number, line in enumerate(Path(path).read_text().splitlines(), start=1)
        if regex.search(line) and not line.lstrip().startswith("#")
    ]


def show_script_steps(path: Path, steps: Iterable[tuple[str, str, int]] = DEPLOY_STEPS) -> None:
    """Print, for each step, the script's lines that do it, with their line numbers."""
    lines = Path(path).read_text().splitlines()
    for number, (bullet, pattern, following) in enumerate(steps, start=1):
        print(f"{number}. {bullet}")
        for line_number, _ in script_lines(path, pattern):
            for shown in range(line_number, min(line_number + following, len(lines)) + 1):
                print(f"   {shown:4d} | {lines[shown - 1].strip()}")


def show_source_lines(path: Path, pattern: str, context: int = 0) -> None:
    """Print the lines of a source file that match ``pattern`` (with ``context`` lines around them)."""
    lines = Path(path).read_text().splitlines()
    wanted: set[int] = set()
    for number, _ in script_lines(path, pattern):
        wanted.update(range(max(1, number - context), min(len(lines), number + context) + 1))
    previous = None
    for number in sorted(wanted):
        if previous is not None and number != previous + 1:
            print("      ...")
        print(f"{number:5d} | {lines[number - 1]}")
        previous = number


# --- CloudFormation's one-change-at-a-time rule -----------------------------------------------
def can_deploy_now(status: str | None) -> bool:
    """Whether CloudFormation would accept a new deploy of a stack in this status.

    Any ``*_IN_PROGRESS`` status means another change is running: CloudFormation refuses the next
    one until it settles. ``ROLLBACK_COMPLETE`` (a failed first create) must be deleted first.
    """
    if status is None:
        return True
    return not status.endswith("_IN_PROGRESS") and status not in {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED"}
