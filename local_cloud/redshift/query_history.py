"""The local Redshift's query history: what STL_QUERY, SYS_QUERY_HISTORY, SVL_QLOG, STL_QUERYTEXT
and PG_LAST_QUERY_ID() show (monitoring.sql has the views).

The gateway sees every statement a client sends and every reply PostgreSQL gives, so it keeps the
history itself: :class:`SessionHistory` follows one session's messages (simple Query, or the
extended protocol's Parse / Bind / Execute) and, when a statement's reply ends, hands one record
(user, database, backend pid, query group label, start and end, status, rows, the text as the
client wrote it, with passwords and keys masked) to :class:`HistoryLog`, which appends it as one
JSON line to a file in ``<pgdata>/rs_query_history/``. monitoring.sql reads those files with
``pg_read_file``, as copy_unload.sql reads COPY's load errors.

Why a file and not a table: a line is written outside every transaction, so a statement that was
rolled back or failed stays in the history, as on Redshift; and it costs one ``write()`` per
statement in the gateway, with no round trip to PostgreSQL. The record is written before the
reply's last message is passed on, so a client's next statement already finds it. Bounded: a file
holds ``file_rows`` lines; only the newest ``keep_files`` files are kept.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

HISTORY_DIRECTORY = "rs_query_history"  # in PostgreSQL's data directory; monitoring.sql reads it
FILE_ROWS = 5000
KEEP_FILES = 2
QUERY_TEXT_LIMIT = 4000  # STL_QUERY.querytxt is CHAR(4000)

# Literals that can carry a secret: CREATE/ALTER USER ... PASSWORD '...', COPY/UNLOAD credentials.
_SECRET = re.compile(
    r"(?i)\b(password|credentials|access_key_id|secret_access_key|session_token)(\s+(?:as\s+)?)'(?:[^']|'')*'"
)
_QUERY_GROUP = re.compile(
    r"(?is)^\s*(?:(set)\s+(?:session\s+)?query_group\s+(?:to|=)\s*(?:'((?:[^']|'')*)'|([\w$]+))|(reset)\s+query_group)\s*;?\s*$"
)
_QUERY_TYPES = {
    "select": "SELECT",
    "with": "SELECT",
    "insert": "INSERT",
    "update": "UPDATE",
    "delete": "DELETE",
    "merge": "MERGE",
    "copy": "COPY",
    "unload": "UNLOAD",
    "create": "DDL",
    "alter": "DDL",
    "drop": "DDL",
    "truncate": "DDL",
    "comment": "DDL",
    "grant": "DDL",
    "revoke": "DDL",
}


def masked(sql: str) -> str:
    """``sql`` with the literals after PASSWORD, CREDENTIALS, ACCESS_KEY_ID, ... replaced by '***'."""
    return _SECRET.sub(r"\1\2'***'", sql) if "'" in sql else sql


def query_type(sql: str) -> str:
    """SYS_QUERY_HISTORY.query_type of a statement: SELECT, INSERT, ..., DDL, CTAS or UTILITY."""
    words = sql.lstrip(" \t\r\n(").split(None, 8)
    first = words[0].lower() if words else ""
    kind = _QUERY_TYPES.get(first, "UTILITY")
    if kind == "DDL" and first == "create" and any(w.lower() == "as" for w in words[2:]):
        return "CTAS"
    return kind


class HistoryLog:
    """Appends history records to JSON-lines files in ``directory`` (which PostgreSQL's service user
    must be able to read: start_local_redshift makes it); hands out query ids."""

    def __init__(self, directory: Path, file_rows: int = FILE_ROWS, keep_files: int = KEEP_FILES) -> None:
        self.directory = Path(directory)
        self.file_rows = file_rows
        self.keep_files = keep_files
        self._last_id = 0
        self._file = None
        self._rows = 0
        self._number = 0

    def next_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def write(self, record: dict) -> None:
        try:
            if self._file is None or self._rows >= self.file_rows:
                self._rotate()
            self._file.write(json.dumps(record, separators=(",", ":")) + "\n")
            self._rows += 1
        except OSError:  # the history must never cost a learner their statement
            self._file = None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _rotate(self) -> None:
        self.close()
        self.directory.mkdir(mode=0o755, parents=True, exist_ok=True)
        self._number += 1
        # Line-buffered: each record is on disk before the reply that ends its statement is sent on.
        self._file = open(self.directory / f"{self._number:08d}.jsonl", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        os.chmod(self._file.name, 0o644)
        self._rows = 0
        for old in sorted(self.directory.glob("*.jsonl"))[: -self.keep_files]:
            old.unlink(missing_ok=True)


@dataclass
class _Pending:
    sql: bytes
    start: int
    simple: bool  # a simple Query (ends at ReadyForQuery) rather than an Execute
    label: str
    rows: int | None = None
    error: str | None = None


@dataclass
class SessionHistory:
    """One client session's statements, followed from its messages in both directions."""

    log: HistoryLog
    user: str
    database: str
    pid: int = 0
    label: str = "default"
    _statements: dict[bytes, bytes] = field(default_factory=dict)
    _portals: dict[bytes, bytes] = field(default_factory=dict)
    _pending: deque = field(default_factory=deque)

    # --- client → server ---------------------------------------------------------------------------
    def client_message(self, kind: bytes, body: bytes) -> None:
        if kind == b"Q":
            sql = body[: body.index(b"\0")]
            self._pending.append(_Pending(sql, _now(), True, self.label))
            self._note_query_group(sql)
        elif kind == b"P":
            name_end = body.index(b"\0")
            sql = body[name_end + 1 : body.index(b"\0", name_end + 1)]
            if len(self._statements) > 1000:
                self._statements.clear()
            self._statements[body[:name_end]] = sql
        elif kind == b"B":
            portal_end = body.index(b"\0")
            statement = body[portal_end + 1 : body.index(b"\0", portal_end + 1)]
            self._portals = {body[:portal_end]: self._statements.get(statement, b"")}
        elif kind == b"E":
            sql = self._portals.get(body[: body.index(b"\0")], b"")
            self._pending.append(_Pending(sql, _now(), False, self.label))
            self._note_query_group(sql)

    def _note_query_group(self, sql: bytes) -> None:
        if b"query_group" not in sql.lower():
            return
        match = _QUERY_GROUP.match(sql.decode("utf-8", "replace"))
        if match and match.group(1):
            self.label = (match.group(2).replace("''", "'") if match.group(2) is not None else match.group(3))[:320]
        elif match and match.group(4):
            self.label = "default"

    # --- server → client ---------------------------------------------------------------------------
    def server_message(self, kind: bytes, body: bytes) -> None:
        """Called for CommandComplete (C), EmptyQueryResponse (I), PortalSuspended (s),
        ErrorResponse (E) and ReadyForQuery (Z)."""
        if not self._pending:
            return
        head = self._pending[0]
        if kind == b"E":
            head.error = _error_message(body)
            if not head.simple:
                self._finish(self._pending.popleft())
        elif kind in (b"C", b"I", b"s"):
            rows = _row_count(body) if kind == b"C" else 0
            head.rows = rows if head.rows is None else head.rows + (rows or 0)
            if not head.simple:
                self._finish(self._pending.popleft())
        elif kind == b"Z":
            if head.simple:
                self._finish(self._pending.popleft())
            # Executes after an error in the same batch were skipped by PostgreSQL: not run.
            while self._pending and not self._pending[0].simple:
                self._pending.popleft()

    def _finish(self, pending: _Pending) -> None:
        text = masked(pending.sql.decode("utf-8", "replace"))
        if not text.strip():
            return
        self.log.write(
            {
                "q": self.log.next_id(),
                "u": self.user,
                "d": self.database,
                "p": self.pid,
                "l": pending.label,
                "s": pending.start,
                "e": _now(),
                "t": text[:QUERY_TEXT_LIMIT],
                "k": query_type(text),
                "ok": pending.error is None,
                "err": pending.error,
                "r": pending.rows or 0,
            }
        )


class ReplyFramer:
    """Cuts the server's byte stream into messages and passes the few that end a statement (with
    their bodies) to ``handler``; DataRows and the rest are skipped over without copying."""

    WANTED = frozenset(b"CIsEZ")

    def __init__(self, handler) -> None:
        self._handler = handler
        self._head = b""
        self._left = 0  # bytes of the current message's body still to come
        self._kind = 0
        self._body: bytearray | None = None

    def feed(self, data: bytes) -> None:
        pos, n = 0, len(data)
        while pos < n:
            if self._left:  # the rest of a message begun in an earlier chunk
                take = min(self._left, n - pos)
                if self._body is not None:
                    self._body += data[pos : pos + take]
                self._left -= take
                pos += take
                if not self._left:
                    self._done()
                continue
            if self._head or n - pos < 5:  # a header split across chunks
                need = 5 - len(self._head)
                self._head += data[pos : pos + need]
                pos += need
                if len(self._head) < 5:
                    return
                kind, length = self._head[0], int.from_bytes(self._head[1:5], "big") - 4
                self._head = b""
            else:
                # The hot path: whole messages of this chunk, DataRows skipped by their length.
                wanted, from_bytes = self.WANTED, int.from_bytes
                while n - pos >= 5:
                    kind = data[pos]
                    length = from_bytes(data[pos + 1 : pos + 5], "big") - 4
                    pos += 5
                    if kind in wanted or pos + length > n:
                        break
                    pos += length
                else:
                    continue
            self._kind, self._left = kind, max(length, 0)
            self._body = bytearray() if kind in self.WANTED else None
            if not self._left:
                self._done()

    def _done(self) -> None:
        if self._body is not None:
            self._handler(bytes([self._kind]), bytes(self._body))
            self._body = None


def _now() -> int:
    return time.time_ns() // 1000


def _row_count(tag_body: bytes) -> int | None:
    words = tag_body.rstrip(b"\0").split()
    return int(words[-1]) if words and words[-1].isdigit() else None


def _error_message(body: bytes) -> str:
    for part in body.split(b"\0"):
        if part[:1] == b"M":
            return part[1:].decode("utf-8", "replace")[:512]
    return "error"
