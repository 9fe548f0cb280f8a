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
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

import redshift_connector

from . import sql_utils
from .transform_utils import Visit

SETTINGS_KEYS = ("host", "port", "database-name", "user", "password")
BATCH_SIZE = 1000  # rows per INSERT: 10,002 parameters, well inside the protocol's limit of 32,767
SOCKET_TIMEOUT_SECONDS = 60  # an unreachable database fails the file instead of the whole Lambda timeout
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
        conn.commit()
    except redshift_connector.Error:
        rollback_quietly(conn)
        if not table_exists(cursor):
            raise
        conn.commit()


def row_parameters(visit: Visit) -> tuple[Any, ...]:
    """A visit's ten values as INSERT parameters, whole numbers as text.

    redshift_connector picks an int parameter's SQL type from its value (SMALLINT, INTEGER or
    BIGINT) on a slow path, and a batch holding a bigger number than the one before would get other
    parameter types and so a new prepared statement. A text parameter has no type of its own:
    Redshift converts it to its column's type, as COPY does. The values are already checked.
    """
    return (
        str(visit.visit_id),
        str(visit.store_id),
        str(visit.mystery_shopper_id),
        visit.store_type,
        visit.store_name,
        str(visit.number_of_store_employees),
        visit.visit_date,
        visit.start_time,
        visit.end_time,
        str(visit.overall_score),
    )


def next_batch(visits: Iterator[Visit], size: int) -> list[Any]:
    """The row parameters of the next ``size`` visits, one after another (empty when none are left)."""
    params: list[Any] = []
    for visit in islice(visits, size):
        params += row_parameters(visit)
    return params


def replace_file_rows(
    conn, source_file: str, visits: Iterable[Visit], loaded_at: datetime, batch_size: int = BATCH_SIZE
) -> int:
    """Delete the file's earlier rows and insert ``visits``, batch by batch. Does not commit.

    Returns the number of rows inserted. ``visits`` is consumed as it goes, so memory stays flat.
    """
    cursor = conn.cursor()
    cursor.execute(sql_utils.LOCK_TABLE)
    cursor.execute(sql_utils.DELETE_FILE_ROWS, (source_file,))
    inserts = conn.cursor()
    inserts.paramstyle = sql_utils.INSERT_PARAMSTYLE  # :1, :2... as insert_rows() writes them
    visits, lineage, inserted = iter(visits), [source_file, loaded_at], 0
    while params := next_batch(visits, batch_size):
        rows = len(params) // len(sql_utils.ROW_COLUMNS)
        inserts.execute(sql_utils.insert_rows(rows), lineage + params)
        inserted += rows
    return inserted


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

    ``work`` must start from scratch each time (it re-reads the file), since a retry repeats it all.
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
