"""The mystery-shop ETL Lambda: a CSV lands in S3, its visits land in Redshift.

For every object in the S3 event:
  Extract   - stream the CSV from S3 (never the whole file in memory);
  Transform - check each row; drop the shopper's name; set aside rejected rows with the reason;
  Stage     - write the clean rows to CSV objects under `staging/` in the same bucket, in parts;
  Load      - COPY them into a temporary table (each part while the next is still being read) and
              replace the file's rows in `mystery_shop_visit` with them, in one transaction; then
              delete the staged objects;
then write the rejected rows to `rejected/<key>.rejects.csv`. It logs a line when a file's load
starts and one JSON summary line per file, which always matches what the table holds.

The Redshift connection details come from Parameter Store at run time: the environment only holds
the parameter's *name* (SSM_PARAMETER_NAME), never the password.
"""

from __future__ import annotations

import os
import queue
import threading
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
from etl_utils.staging_utils import STAGING_PREFIX, StagedPart, StagedRows
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


class StagingError(RuntimeError):
    """The clean rows could not be written under staging/ for the COPY."""


class OutOfTime(RuntimeError):
    """The Lambda's deadline is near: the load stopped (and rolled back) so that it can say so."""


class Deadline:
    """The time a load may still take: the invocation's remaining time less a margin to stop cleanly.

    The margin pays for a rollback, deleting the staged objects and the log line, each a round trip
    or two. Without a context (a test, a benchmark) there is no deadline.
    """

    STOP_MARGIN_SECONDS = 10.0

    def __init__(self, context: Any) -> None:
        self._remaining_ms = getattr(context, "get_remaining_time_in_millis", None)

    def seconds_left(self) -> float:
        if self._remaining_ms is None:
            return float("inf")
        return self._remaining_ms() / 1000 - self.STOP_MARGIN_SECONDS

    def check(self, doing: str) -> None:
        if (left := self.seconds_left()) <= 0:
            raise OutOfTime(
                f"stopped {doing}, {self.STOP_MARGIN_SECONDS + left:.0f} s before the Lambda's "
                "timeout (a bigger file needs a longer LambdaTimeoutSeconds)"
            )


ROWS_BETWEEN_CHECKS = 10_000  # how often the read checks the deadline: ~0.1 s of work


class _RowCounter:
    def __init__(self) -> None:
        self.rows = 0


def _visits_only(checked: Iterable, rejects: RejectsFile, counter: _RowCounter, deadline: Deadline) -> Iterator[Visit]:
    """Pass clean visits on to the load; write everything else to the rejects file."""
    rows = start = counter.rows
    try:
        for rows, item in enumerate(checked, start + 1):  # a local count: cheaper than the counter's attribute
            if not rows % ROWS_BETWEEN_CHECKS:
                deadline.check(f"after reading {rows:,} rows")
            if item.__class__ is Visit:
                yield item
            else:
                rejects.add(item.line, item.reason, item.fields)
    finally:
        counter.rows = rows


def utc_now() -> datetime:
    """Now in UTC, without a zone: Redshift's TIMESTAMP column has none."""
    return datetime.now(UTC).replace(tzinfo=None)


def read_and_stage(s3, source: S3Object, staged: StagedRows, rejects: RejectsFile, deadline: Deadline) -> int:
    """Stream the file, check each row: clean rows to ``staged``, the others to ``rejects``. Returns the rows read."""
    body = s3.get_object(Bucket=source.bucket, Key=source.key)["Body"]
    counter = _RowCounter()
    with closing(body):
        records = read_records(s3_utils.open_text(body))
        header = next(records, None)
        if header is None:
            raise BadFileError("is empty")
        check_header(header[1])
        staged.write(_visits_only(transform(records), rejects, counter, deadline))
    if counter.rows == 0:
        raise BadFileError("has a header but no data rows")
    if staged.count + rejects.count != counter.rows:  # a bug, not bad data: refuse to load
        raise AssertionError(f"{staged.count} clean + {rejects.count} rejected != {counter.rows} rows")
    return counter.rows


@dataclass
class Loaded:
    """A committed load; ``rejects_error`` says why its rejects file could not be written, if so."""

    result: FileResult
    rejects_error: str | None = None


class PartLoader:
    """A file's staged rows (``staged``, written in parts into ``bucket``) whose every sealed part it
    uploads and COPYs into the stage table, on a thread of its own, while the main thread reads and
    checks the rows after it.

    Waiting for S3 and for Redshift releases the GIL, so the upload and the COPY of one part cost
    the reading little. The thread starts with the first sealed part and ends in ``close()``, which
    load_file always calls: it never outlives the invocation (a warm Lambda environment is reused).
    Meanwhile it alone uses the connection; the main thread uses it again only after ``close()``.

    The first failure stops the work: an upload's (a StagingError naming the part) or a statement's
    is ``fatal``, and ``check()`` raises it in the main thread at the next part, so the reading stops
    early. A serialization error is not fatal: it is kept in ``db_error`` for the transaction's first
    attempt to raise, and the retry COPYs every part again from the staged prefix; so the parts
    after it are still uploaded, and no more are COPYed.
    """

    def __init__(self, s3, conn, bucket: str, deadline: Deadline) -> None:
        self.conn, self.deadline = conn, deadline
        self.staged = StagedRows(s3, bucket, on_part=self.submit)
        self.in_transaction = False  # the stage table made: a failure must roll it back
        self.db_error: BaseException | None = None
        self.fatal: BaseException | None = None
        self._parts: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._abandon = False

    def submit(self, part: StagedPart) -> None:
        """StagedRows.on_part: queue a sealed part (the thread starts with the first one)."""
        if self.fatal is not None:
            part.body.close()
            raise self.fatal
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="etl-staged-parts", daemon=True)
            self._thread.start()
        self._parts.put(part)

    def check(self) -> None:
        """Raise the thread's failure, if one happened, in the caller's thread."""
        if self.fatal is not None:
            raise self.fatal

    def _run(self) -> None:
        while (part := self._parts.get()) is not None:
            if self._abandon or self.fatal is not None:
                part.body.close()
                continue
            try:
                self.staged.upload_part(part)
            except ClientError as error:  # not "cannot read it from S3": the file itself was read
                self.fatal = StagingError(f"cannot stage its clean rows at {part.uri}: {error}")
                continue
            except BaseException as error:
                self.fatal = error
                continue
            if self.db_error is not None:
                continue
            try:
                if not self.in_transaction:
                    self.in_transaction = True
                    db_utils.start_stage(self.conn)
                db_utils.copy_into_stage(self.conn, part.uri, self.deadline.seconds_left)
            except BaseException as error:
                self.db_error = error
                if not (
                    isinstance(error, db_utils.redshift_connector.Error) and db_utils.is_serialization_error(error)
                ):
                    self.fatal = error

    def close(self, abandon: bool = False) -> None:
        """Wait for the thread to end; ``abandon`` (the load failed): skip the parts it has not started."""
        if self._thread is None:
            return
        self._abandon = abandon
        self._parts.put(None)
        self._thread.join()
        self._thread = None


def load_file(s3, conn, source: S3Object, deadline: Deadline) -> Loaded:
    """Extract and check one object, stage its clean rows in S3 and COPY them in; raise if nothing was loaded.

    Each part of the staged rows is uploaded and COPYed into the stage table while the next part
    is read (PartLoader); once the file is read, the load replaces the file's rows under the table's
    lock and commits. A retried transaction (a serialization error) COPYs every part again, from
    the staged prefix. Once the transaction has committed nothing raises: a failure to write the
    rejects file is returned with the result, so that what is logged matches what the table holds.
    """
    started = time.monotonic()
    deadline.check("before reading the file")
    rejects = RejectsFile(EXPECTED_HEADER)
    loader = PartLoader(s3, conn, source.bucket, deadline)
    staged = loader.staged
    attempts = 0

    def replace_rows() -> int:
        nonlocal attempts
        attempts += 1
        if attempts == 1:  # the parts are in the stage table already, unless a serialization error stopped them
            if loader.db_error is not None:
                raise loader.db_error
            return db_utils.replace_from_stage(conn, source.uri, staged.count, utc_now(), deadline.seconds_left)
        return db_utils.replace_file_rows(conn, source.uri, staged.uri, staged.count, utc_now(), deadline.seconds_left)

    try:
        try:
            rows = read_and_stage(s3, source, staged, rejects, deadline)
            deadline.check("before staging the clean rows")
            staged.finish()  # the last part to the loader
        except BaseException:
            loader.close(abandon=True)
            raise
        loader.close()
        loader.check()
        loaded = db_utils.in_transaction_with_retries(conn, replace_rows)
    except BaseException:
        if loader.in_transaction:
            db_utils.rollback_quietly(conn)
        rejects.close()
        raise
    finally:
        for key, leftover in staged.close().items():
            fields = {"bucket": source.bucket, "staged_key": key, "error": leftover}
            logger.warning("staged rows not deleted", extra={"fields": fields})
    result = FileResult(source.bucket, source.key, rows, loaded, rejects.count, 0.0)
    try:
        result.rejects_key = rejects.publish(s3, source)
        rejects_error = None
    except Exception as error:
        rejects_error = f"could not write its {rejects.count} rejected rows to {source.rejects_key}: {error}"
    finally:
        rejects.close()
    result.seconds = round(time.monotonic() - started, 3)
    return Loaded(result, rejects_error)


def describe_failure(error: BaseException) -> str:
    """A cause a person can act on, without anything secret in it."""
    if isinstance(error, BadFileError | OutOfTime | StagingError | db_utils.StatementTimeout):
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


def log_started(source: S3Object) -> None:
    """Before anything can fail or time out, so that every run names the file it worked on."""
    logger.info("file load started", extra={"fields": {"bucket": source.bucket, "key": source.key}})


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


# Keys the Lambda writes itself; on AWS the trigger excludes them, locally only this check does.
OWN_PREFIXES = (s3_utils.REJECTED_PREFIX, STAGING_PREFIX)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    objects = [o for o in s3_utils.objects_in_event(event) if not o.key.startswith(OWN_PREFIXES)]
    if not objects:
        return {"files": []}
    deadline = Deadline(context)

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
            log_started(source)
            try:
                loaded = load_file(s3, conn, source, deadline)
            except Exception as error:
                cause = describe_failure(error)
                log_failure(source, cause, time.monotonic() - started)
                # "s3://bucket/key is empty" reads well; other causes follow a colon.
                failures.append(
                    f"{source.uri} {cause}; nothing loaded"
                    if isinstance(error, BadFileError)
                    else f"{source.uri}: {cause}; nothing loaded"
                )
                continue
            result = loaded.result
            if loaded.rejects_error:
                fields = {**asdict(result), "rejects_error": loaded.rejects_error}
                logger.error("file loaded, but its rejected rows were not written", extra={"fields": fields})
                failures.append(f"{source.uri}: loaded {result.loaded} rows, but {loaded.rejects_error}")
            else:
                logger.info("file loaded", extra={"fields": asdict(result)})
            results.append(result)

    if failures:
        # Each failure says what was loaded: "nothing loaded" or the rows a load committed.
        raise EtlError(f"{len(failures)} of {len(objects)} file(s) failed: " + "; ".join(failures))
    return {"files": [asdict(result) for result in results]}
