"""Redshift: the connection details from Parameter Store, the table, and loading one file's rows.

The password is read from Parameter Store (a SecureString, decrypted) every time the Lambda runs.
It is never in the code, in an environment variable, or in a log line.
"""

from __future__ import annotations

import ipaddress
import json
import random
import socket
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import redshift_connector

from . import sql_utils

SETTINGS_KEYS = ("host", "port", "database-name", "user", "password")
SOCKET_TIMEOUT_SECONDS = 60  # an unreachable database fails the file instead of the whole Lambda timeout
# The server bounds each long statement below the socket's timeout, so that a statement that runs
# or waits too long ends with the server's own error (and a message saying what waited), not with
# a socket that stopped answering.
STATEMENT_SECONDS = SOCKET_TIMEOUT_SECONDS - 10
LOCK_WAIT_SECONDS = 45
LOCK_WAIT = f"waiting for the lock on {sql_utils.TABLE} (another load of the table holds it while it replaces its rows)"
# The cluster's default IAM role reads the staged rows (the instructor's cluster stack attaches one
# that may read staging/ only); "default" needs no ARN in the settings.
COPY_ROLE = "default"
RETRY_ATTEMPTS = 5
RETRY_FIRST_DELAY_SECONDS = 0.5

T = TypeVar("T")


class SettingsError(RuntimeError):
    """The Parameter Store parameter is missing or is not the settings JSON we expect."""


def tls_required(host: str) -> bool:
    """Whether a Redshift connection to ``host`` must use TLS.

    Real Redshift endpoints always get TLS. The local gateway listens on loopback only, where TLS
    protects nothing and where no certificate signed by Redshift's CA could exist, so it has none.
    """
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def get_redshift_settings(ssm, parameter_name: str) -> dict[str, Any]:
    """Read the team's connection settings (JSON in a SecureString) from Parameter Store."""
    try:
        response = ssm.get_parameter(Name=parameter_name, WithDecryption=True)
    except ssm.exceptions.ParameterNotFound:
        raise SettingsError(f"Parameter Store has no parameter {parameter_name!r}") from None
    try:
        settings = json.loads(response["Parameter"]["Value"])
    except ValueError:
        # `from None`: the JSON error would quote the value, and the value holds the password.
        raise SettingsError(f"parameter {parameter_name!r} does not hold JSON") from None
    missing = [key for key in SETTINGS_KEYS if not isinstance(settings, dict) or key not in settings]
    if missing:
        raise SettingsError(f"parameter {parameter_name!r} lacks the key(s) {', '.join(missing)}")
    return settings


def connection_arguments(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings JSON (host, port, database-name, user, password) as redshift_connector's arguments."""
    host = settings["host"]
    # TLS whenever the host is not this machine's loopback (the local course stack), and then with
    # the certificate checked against the host name too (verify-full; the driver's default,
    # verify-ca, checks only the issuer). The cluster refuses plain connections anyway (require_ssl).
    tls = {"ssl": True, "sslmode": "verify-full"} if tls_required(host) else {"ssl": False}
    return {
        "host": host,
        "port": int(settings["port"]),
        "database": settings["database-name"],
        "user": settings["user"],
        "password": settings["password"],
        "timeout": SOCKET_TIMEOUT_SECONDS,
        **tls,
    }


def connect(settings: dict[str, Any]) -> redshift_connector.Connection:
    conn = redshift_connector.connect(**connection_arguments(settings))
    send_without_delay(conn)
    return conn


def send_without_delay(conn) -> None:
    """Switch off Nagle's algorithm on the connection's socket, as PostgreSQL's own client does.

    redshift_connector 2.x leaves it on, so after each big INSERT the small message that runs it
    waits for the server to acknowledge the big one: several milliseconds per batch for nothing.
    ``_usock`` is the driver's socket; should a later version rename it, loads are only slower.
    """
    sock = getattr(conn, "_usock", None)
    if isinstance(sock, socket.socket):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def table_exists(cursor) -> bool:
    cursor.execute(sql_utils.TABLE_EXISTS, (sql_utils.TABLE,))
    return cursor.fetchone()[0] > 0


def ensure_table(conn) -> None:
    """Create the table if it is missing, also when several Lambdas try at the same moment.

    Two CREATE TABLE IF NOT EXISTS running at once can both find no table, and the slower one
    then fails on a duplicate; if the table exists after a failure, the failure was that race.
    """
    cursor = conn.cursor()
    try:
        if not table_exists(cursor):
            cursor.execute(sql_utils.CREATE_TABLE)
        narrow = source_column_too_narrow(cursor)
        conn.commit()
    except redshift_connector.Error:
        rollback_quietly(conn)
        if not table_exists(cursor):
            raise
        narrow = source_column_too_narrow(cursor)
        conn.commit()
    if narrow:
        # Redshift runs ALTER COLUMN ... TYPE only outside a transaction block, hence autocommit.
        conn.autocommit = True
        try:
            cursor.execute(sql_utils.WIDEN_SOURCE_COLUMN)
        finally:
            conn.autocommit = False


def source_column_too_narrow(cursor) -> bool:
    """Whether the table was made with the older VARCHAR(1024) source_file, too short for some S3 URIs."""
    cursor.execute(sql_utils.SOURCE_COLUMN_LENGTH, (sql_utils.TABLE, sql_utils.SOURCE_COLUMN))
    (length,) = cursor.fetchone()
    return length is not None and int(length) < sql_utils.SOURCE_FILE_BYTES


def replace_file_rows(
    conn,
    source_file: str,
    staged_uri: str,
    staged_rows: int,
    loaded_at: datetime,
    seconds_left: Callable[[], float] = lambda: float("inf"),
) -> int:
    """COPY the staged rows into a temporary table, then replace the file's rows with them. Does not commit.

    ``staged_uri`` is one staged object or the prefix of several (COPY loads every object whose key
    starts with it). Returns the number of rows inserted, which must be ``staged_rows``: anything
    else raises, so that nothing is committed that the log would not match. ``seconds_left`` is
    the time the load may still take (the Lambda's deadline less a margin to stop cleanly); each
    statement is bounded by it on the server, and a wait that hits a bound ends with a
    StatementTimeout saying what waited.
    """
    start_stage(conn)
    copy_into_stage(conn, staged_uri, seconds_left)
    return replace_from_stage(conn, source_file, staged_rows, loaded_at, seconds_left)


def start_stage(conn) -> None:
    """A new, empty temporary stage table (in the transaction the load's statements share)."""
    cursor = conn.cursor()
    cursor.execute(sql_utils.DROP_STAGE)  # an earlier file's, if one failed on this connection
    cursor.execute(sql_utils.CREATE_STAGE)


def copy_into_stage(conn, staged_uri: str, seconds_left: Callable[[], float] = lambda: float("inf")) -> None:
    """COPY staged rows (one object, or every object under a prefix) into the stage table."""
    copy = sql_utils.COPY_STAGE.format(uri=staged_uri, role=COPY_ROLE)
    bounded(conn.cursor(), copy, None, "the COPY of the staged rows", seconds_left, STATEMENT_SECONDS)


def replace_from_stage(
    conn,
    source_file: str,
    staged_rows: int,
    loaded_at: datetime,
    seconds_left: Callable[[], float] = lambda: float("inf"),
) -> int:
    """Under the table's lock, the file's old rows out and the stage's rows in; the count checked. Does not commit."""
    cursor = conn.cursor()
    bounded(cursor, sql_utils.LOCK_TABLE, None, LOCK_WAIT, seconds_left, LOCK_WAIT_SECONDS)
    cursor.execute(sql_utils.DELETE_FILE_ROWS, (source_file,))
    insert = sql_utils.INSERT_FROM_STAGE
    bounded(cursor, insert, (source_file, loaded_at), "the INSERT from the stage", seconds_left, STATEMENT_SECONDS)
    inserted = cursor.rowcount
    cursor.execute(sql_utils.DROP_STAGE)
    if inserted != staged_rows:  # a bug, not bad data: refuse to commit
        raise AssertionError(f"COPY and INSERT loaded {inserted} rows of the {staged_rows} staged")
    return inserted


class StatementTimeout(RuntimeError):
    """A statement hit its bound: the message says what it was doing (or waiting for) and for how long."""


def bounded(cursor, sql: str, params, what: str, seconds_left: Callable[[], float], cap: float) -> None:
    """Run ``sql`` with the server's statement_timeout set to what is left (at most ``cap`` seconds)."""
    seconds = min(cap, seconds_left())
    if seconds <= 0:
        raise StatementTimeout(f"no time left for {what}")
    cursor.execute(sql_utils.SET_STATEMENT_TIMEOUT.format(milliseconds=max(1, int(seconds * 1000))))
    try:
        cursor.execute(sql, params)
    except redshift_connector.Error as error:
        fields = error_fields(error)
        if fields.get("C") == "57014" or "statement timeout" in fields.get("M", ""):
            raise StatementTimeout(f"{what}: gave up after {seconds:.0f} s ({fields.get('M', error)})") from None
        if isinstance(error, redshift_connector.InterfaceError) and "timed out" in str(error).lower():
            raise StatementTimeout(f"{what}: no answer from the database within {SOCKET_TIMEOUT_SECONDS} s") from None
        raise


def error_fields(error: Exception) -> dict[str, str]:
    """The server's error fields (C = SQLSTATE, M = message, D = detail) that redshift_connector keeps."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, dict) else {"M": str(error)}


def is_serialization_error(error: Exception) -> bool:
    """Redshift's "1023 Serializable isolation violation", or PostgreSQL's 40001/40P01."""
    fields = error_fields(error)
    message = fields.get("M", "").strip()
    detail = f"{message} {fields.get('D', '')}".lower()
    return fields.get("C") in ("40001", "40P01") or message.startswith("1023") or "serializable isolation" in detail


def rollback_quietly(conn) -> None:
    try:
        conn.rollback()
    except Exception:  # the connection may be gone; the error that got us here is the one to report
        pass


def in_transaction_with_retries(conn, work: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``work`` and commit; roll back on any error. Retry serialization errors with backoff.

    ``work`` must start from scratch each time (replace_file_rows remakes its stage and COPYs again),
    since a retry repeats it all.
    """
    for attempt in range(1, RETRY_ATTEMPTS + 1):
        try:
            result = work()
            conn.commit()
            return result
        except redshift_connector.Error as error:
            rollback_quietly(conn)
            if attempt == RETRY_ATTEMPTS or not is_serialization_error(error):
                raise
            delay = RETRY_FIRST_DELAY_SECONDS * 2 ** (attempt - 1)
            sleep(delay + random.uniform(0, delay))  # jitter, so that retrying Lambdas spread out
        except BaseException:
            rollback_quietly(conn)
            raise
    raise AssertionError("unreachable")
