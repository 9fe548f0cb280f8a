"""Helpers for the Lambda's unit tests: the Lambda's own folder on sys.path, S3 events, and a fake
Redshift connection that keeps committed and uncommitted rows apart."""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "handouts" / "src"
DATA = REPO / "handouts" / "data"
for folder in (SRC, DATA):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from etl_utils import sql_utils  # noqa: E402

TEAM_PARAMETER = "la_vida_mocha_redshift_settings"
# A made-up password, so that tests can look for it in the logs.
PASSWORD = "not-a-real-password-Zq8#"
SETTINGS = {
    "host": "127.0.0.1",
    "port": 5439,
    "database-name": "la_vida_mocha",
    "user": "la_vida_mocha",
    "password": PASSWORD,
}
BUCKET = "la-vida-mocha-raw-data"
COLUMNS = len(sql_utils.INSERT_COLUMNS)


class FakeRedshift:
    """Committed rows, shared by every connection; knows the SQL the Lambda sends.

    Its COPY reads the staged objects (every key under the COPY's prefix) from S3 with boto3
    (in-process moto in these tests), as Redshift reads them with the cluster's role.
    """

    def __init__(self) -> None:
        self.table = False
        self.source_length: int | None = None  # source_file's VARCHAR length
        self.rows: list[tuple] = []
        self.statements: list[str] = []
        self.copied: list[str] = []  # the URIs COPY read
        self.commits = 0
        self.fail = None  # optional callable(sql) -> exception to raise, or None

    def connect(self, **kwargs):
        self.connect_kwargs = kwargs
        return FakeConnection(self)

    def by_file(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row[10]] = counts.get(row[10], 0) + 1
        return counts


class FakeConnection:
    def __init__(self, db: FakeRedshift) -> None:
        self.db = db
        self.pending: list[tuple] = []
        self.stage: list[tuple] | None = None  # the temporary stage table's rows
        self.closed = False
        self.autocommit = False

    def cursor(self):
        return FakeCursor(self)

    def commit(self) -> None:
        for op, value in self.pending:
            if op == "delete":
                self.db.rows = [row for row in self.db.rows if row[10] != value]
            else:
                self.db.rows.extend(value)
        self.pending = []
        self.db.commits += 1

    def rollback(self) -> None:
        self.pending = []
        self.stage = None  # created in the transaction, so rolled back with it

    def close(self) -> None:
        self.closed = True


def read_staged_rows(uri: str) -> list[tuple]:
    """What COPY ... FORMAT AS CSV loads from ``uri``: one tuple of texts per line.

    As Redshift's COPY, ``uri`` is a key prefix: every object whose key starts with it is loaded
    (one object, or the parts under a staged prefix), in key order; none is an error.
    """
    import csv
    import io

    import boto3
    import redshift_connector

    bucket, prefix = uri.removeprefix("s3://").split("/", 1)
    # A session of its own: this read is the cluster's (its role's), not one of the Lambda's calls.
    s3 = boto3.session.Session().client("s3")
    try:
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        if not listed:
            raise redshift_connector.ProgrammingError(
                {"C": "XX000", "M": f"The specified S3 prefix '{prefix}' does not exist"}
            )
        body = "".join(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read().decode() for item in listed)
    except redshift_connector.Error:
        raise
    except Exception as error:
        raise redshift_connector.ProgrammingError({"C": "XX000", "M": f"S3ServiceException: {error}"}) from None
    return [tuple(row) for row in csv.reader(io.StringIO(body))]


class FakeCursor:
    def __init__(self, conn: FakeConnection) -> None:
        self.conn = conn
        self.result = None
        self.rowcount = -1
        self.paramstyle = "format"  # redshift_connector's default

    def execute(self, sql: str, params=None):
        db, conn = self.conn.db, self.conn
        db.statements.append(sql)
        if db.fail and (error := db.fail(sql)):
            raise error
        text = " ".join(sql.split())
        if text.startswith("SELECT COUNT(*) FROM information_schema.tables"):
            self.result = (1 if db.table else 0,)
        elif text.startswith("SELECT character_maximum_length FROM information_schema.columns"):
            self.result = (db.source_length,)
        elif text.startswith("CREATE TABLE IF NOT EXISTS"):
            db.table, db.source_length = True, sql_utils.SOURCE_FILE_BYTES
        elif text.startswith(f"ALTER TABLE {sql_utils.TABLE} ALTER COLUMN {sql_utils.SOURCE_COLUMN} TYPE VARCHAR("):
            assert conn.autocommit, "Redshift runs ALTER COLUMN ... TYPE only outside a transaction block"
            db.source_length = int(re.search(r"VARCHAR\((\d+)\)", text)[1])
        elif text == sql_utils.DROP_STAGE:
            conn.stage = None
        elif text == sql_utils.CREATE_STAGE:
            assert conn.stage is None, "the stage table already exists"
            conn.stage = []
        elif text.startswith(f"COPY {sql_utils.STAGE_TABLE} "):
            uri = re.search(r"FROM '([^']+)'", text)[1]
            assert " IAM_ROLE " in text and conn.stage is not None
            db.copied.append(uri)
            conn.stage.extend(read_staged_rows(uri))
        elif text.startswith(f"INSERT INTO {sql_utils.TABLE} ") and text.endswith(f"FROM {sql_utils.STAGE_TABLE}"):
            rows = [(*row, *params) for row in conn.stage]
            assert all(len(row) == COLUMNS for row in rows)
            conn.pending.append(("insert", rows))
            self.rowcount = len(rows)
        elif text.startswith("DELETE FROM"):
            conn.pending.append(("delete", params[0]))
        elif not re.match(r"(LOCK \w+|SET statement_timeout TO \d+)$", text):
            raise AssertionError(f"unexpected SQL: {text[:80]}")
        return self

    def fetchone(self):
        return self.result


def s3_event(*keys: str, bucket: str = BUCKET, encoded: bool = True) -> dict:
    """An S3 ObjectCreated event as S3 sends it (keys URL-encoded, a space as '+')."""
    from urllib.parse import quote_plus

    return {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": bucket}, "object": {"key": quote_plus(key, safe="/") if encoded else key}},
            }
            for key in keys
        ]
    }


def data_file(month: str) -> bytes:
    return (DATA / f"mystery_shops_{month}.csv").read_bytes()
