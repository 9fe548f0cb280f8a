"""The mystery-shop ETL Lambda: a CSV lands in S3, its visits land in Redshift.

For every object in the S3 event:
  Extract   - stream the CSV from S3 (never the whole file in memory);
  Transform - check each row; drop the shopper's name; set aside rejected rows with the reason;
  Load      - replace the file's rows in `mystery_shop_visit`, in one transaction;
then write the rejected rows to `rejected/<key>.rejects.csv` and log one JSON line.

The Redshift connection details come from Parameter Store at run time: the environment only holds
the parameter's *name* (SSM_PARAMETER_NAME), never the password.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError
from etl_utils import db_utils, s3_utils
from etl_utils.log_utils import get_logger
from etl_utils.s3_utils import RejectsFile, S3Object
from etl_utils.transform_utils import EXPECTED_HEADER, BadFileError, Visit, check_header, read_records, transform

PARAMETER_NAME_VARIABLE = "SSM_PARAMETER_NAME"

logger = get_logger()


class EtlError(RuntimeError):
    """One or more files could not be loaded; the message names each file and why."""


@dataclass
class FileResult:
    bucket: str
    key: str
    rows: int
    loaded: int
    rejected: int
    seconds: float
    rejects_key: str | None = None


class _RowCounter:
    def __init__(self) -> None:
        self.rows = 0


def _visits_only(checked: Iterable, rejects: RejectsFile, counter: _RowCounter) -> Iterator[Visit]:
    """Pass clean visits on to the load; write everything else to the rejects file."""
    for item in checked:
        counter.rows += 1
        if isinstance(item, Visit):
            yield item
        else:
            rejects.add(item.line, item.reason, item.fields)


def utc_now() -> datetime:
    """Now in UTC, without a zone: Redshift's TIMESTAMP column has none."""
    return datetime.now(UTC).replace(tzinfo=None)


def load_file(s3, conn, source: S3Object) -> FileResult:
    """Extract, transform and load one object; raise if the file cannot be used at all."""
    started = time.monotonic()

    def attempt() -> tuple[int, int, RejectsFile]:
        body = s3.get_object(Bucket=source.bucket, Key=source.key)["Body"]
        rejects = RejectsFile(EXPECTED_HEADER)
        counter = _RowCounter()
        with closing(body):
            records = read_records(s3_utils.open_text(body))
            header = next(records, None)
            if header is None:
                raise BadFileError("is empty")
            check_header(header[1])
            visits = _visits_only(transform(records), rejects, counter)
            loaded = db_utils.replace_file_rows(conn, source.uri, visits, loaded_at=utc_now())
        if counter.rows == 0:
            raise BadFileError("has a header but no data rows")
        if loaded + rejects.count != counter.rows:  # a bug, not bad data: refuse to commit
            raise AssertionError(f"{loaded} loaded + {rejects.count} rejected != {counter.rows} rows")
        return counter.rows, loaded, rejects

    rows, loaded, rejects = db_utils.in_transaction_with_retries(conn, attempt)
    try:
        rejects_key = rejects.publish(s3, source)
    finally:
        rejects.close()
    return FileResult(
        source.bucket, source.key, rows, loaded, rejects.count, round(time.monotonic() - started, 3), rejects_key
    )


def describe_failure(error: BaseException) -> str:
    """A cause a person can act on, without anything secret in it."""
    if isinstance(error, BadFileError):
        return str(error)
    if isinstance(error, db_utils.SettingsError):
        return f"cannot read the Redshift settings: {error}"
    if isinstance(error, ClientError):
        return f"cannot read it from S3: {error}"
    if isinstance(error, db_utils.redshift_connector.Error):
        return f"Redshift error: {db_utils.error_fields(error).get('M', error)}"
    return f"{type(error).__name__}: {error}"


def connect_to_redshift():
    """Settings from Parameter Store, then a connection; a failure here fails every file in the event."""
    parameter_name = os.environ.get(PARAMETER_NAME_VARIABLE)
    if not parameter_name:
        raise db_utils.SettingsError(f"the environment variable {PARAMETER_NAME_VARIABLE} is not set")
    settings = db_utils.get_redshift_settings(boto3.client("ssm"), parameter_name)
    try:
        conn = db_utils.connect(settings)
    except Exception as error:
        raise EtlError(
            f"cannot connect to Redshift at {settings['host']}:{settings['port']} ({describe_failure(error)})"
        ) from None
    try:
        db_utils.ensure_table(conn)
    except Exception:
        conn.close()
        raise
    return conn


def log_failure(source: S3Object, cause: str, seconds: float = 0.0) -> None:
    """The same fields as a success line, so one Logs Insights query covers both."""
    fields = {
        "bucket": source.bucket,
        "key": source.key,
        "rows": None,
        "loaded": 0,
        "rejected": 0,
        "seconds": round(seconds, 3),
        "error": cause,
    }
    logger.error("file not loaded", extra={"fields": fields})


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    objects = [o for o in s3_utils.objects_in_event(event) if not o.key.startswith(s3_utils.REJECTED_PREFIX)]
    if not objects:
        return {"files": []}

    try:
        conn = connect_to_redshift()
    except Exception as error:
        cause = str(error) if isinstance(error, EtlError) else describe_failure(error)
        for source in objects:
            log_failure(source, cause)
        raise EtlError(f"Not loaded: {', '.join(o.uri for o in objects)}: {cause}") from None

    s3 = boto3.client("s3")
    results: list[FileResult] = []
    failures: list[str] = []
    with closing(conn):
        for source in objects:
            started = time.monotonic()
            try:
                result = load_file(s3, conn, source)
            except Exception as error:
                cause = describe_failure(error)
                log_failure(source, cause, time.monotonic() - started)
                # "s3://bucket/key is empty" reads well; other causes follow a colon.
                failures.append(
                    f"{source.uri} {cause}" if isinstance(error, BadFileError) else f"{source.uri}: {cause}"
                )
                continue
            logger.info("file loaded", extra={"fields": asdict(result)})
            results.append(result)

    if failures:
        raise EtlError(
            f"{len(failures)} of {len(objects)} file(s) not loaded, nothing loaded from them: " + "; ".join(failures)
        )
    return {"files": [asdict(result) for result in results]}
