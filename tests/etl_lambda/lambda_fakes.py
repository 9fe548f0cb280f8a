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
    """Committed rows, shared by every connection; knows the SQL the Lambda sends."""

    def __init__(self) -> None:
        self.table = False
        self.rows: list[tuple] = []
        self.statements: list[str] = []
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
        self.closed = False

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

    def close(self) -> None:
        self.closed = True


class FakeCursor:
    def __init__(self, conn: FakeConnection) -> None:
        self.conn = conn
        self.result = None
        self.paramstyle = "format"  # redshift_connector's default

    def execute(self, sql: str, params=None):
        db = self.conn.db
        db.statements.append(sql)
        if db.fail and (error := db.fail(sql)):
            raise error
        text = " ".join(sql.split())
        if text.startswith("SELECT COUNT(*) FROM information_schema.tables"):
            self.result = (1 if db.table else 0,)
        elif text.startswith("CREATE TABLE IF NOT EXISTS"):
            db.table = True
        elif text.startswith("DELETE FROM"):
            self.conn.pending.append(("delete", params[0]))
        elif text.startswith("INSERT INTO"):
            self.conn.pending.append(("insert", self._insert_rows(text, params)))
        elif not re.match(r"LOCK \w+$", text):
            raise AssertionError(f"unexpected SQL: {text[:80]}")
        return self

    def _insert_rows(self, text: str, params) -> list[tuple]:
        """The rows of a multi-row INSERT, each placeholder (:n, numbered from 1) filled in."""
        assert self.paramstyle == "numeric", "the INSERT numbers its placeholders: the cursor must say so"
        values = text.split(" VALUES ", 1)[1]
        rows = [
            tuple(params[int(n) - 1] for n in re.findall(r":(\d+)", row)) for row in re.findall(r"\(([^()]*)\)", values)
        ]
        used = {int(n) for n in re.findall(r":(\d+)", values)}
        assert used == set(range(1, len(params) + 1)), "every parameter used, and no placeholder without one"
        assert all(len(row) == COLUMNS for row in rows)
        return rows

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
