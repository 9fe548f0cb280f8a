"""The gateway's protocol handling: message framing, rewriting, startup, failures."""

from __future__ import annotations

import socket
import struct

import pytest
import redshift_connector

from local_cloud.ports import PortInUseError, free_port
from local_cloud.redshift import gateway as gateway_module
from local_cloud.redshift.gateway import (
    Gateway,
    rewrite_frontend_message,
    strip_startup_parameters,
)


@pytest.fixture
def marker_rewrite(monkeypatch):
    """A rewriter that turns the word REDSHIFTISM into 42, so tests can see where rewriting happens."""
    monkeypatch.setattr(gateway_module, "rewrite_sql", lambda sql: sql.replace("REDSHIFTISM", "42"))
    gateway_module._rewrite_cached.cache_clear()
    yield
    gateway_module._rewrite_cached.cache_clear()


def test_query_message_is_rewritten_and_reframed(marker_rewrite):
    assert rewrite_frontend_message(b"Q", b"select REDSHIFTISM\0") == b"select 42\0"


def test_parse_message_keeps_name_and_parameter_types(marker_rewrite):
    body = b"stmt_1\0select REDSHIFTISM + $1\0" + struct.pack("!hI", 1, 23)
    assert rewrite_frontend_message(b"P", body) == b"stmt_1\0select 42 + $1\0" + struct.pack("!hI", 1, 23)


def test_other_messages_pass_untouched(marker_rewrite):
    body = b"\0\0REDSHIFTISM"
    assert rewrite_frontend_message(b"B", body) is body


def test_a_failing_rewriter_forwards_the_sql_unchanged(monkeypatch):
    def broken(sql):
        raise RuntimeError("bug in the rewriter")

    monkeypatch.setattr(gateway_module, "rewrite_sql", broken)
    gateway_module._rewrite_cached.cache_clear()
    try:
        assert rewrite_frontend_message(b"Q", b"select 1\0") == b"select 1\0"
    finally:
        gateway_module._rewrite_cached.cache_clear()


def test_non_utf8_bytes_survive_rewriting(marker_rewrite):
    assert rewrite_frontend_message(b"Q", b"select '\xff' , REDSHIFTISM\0") == b"select '\xff' , 42\0"


def test_redshift_only_startup_parameters_are_stripped():
    params = {
        b"user": b"awsuser",
        b"database": b"dev",
        b"application_name": b"nb",
        b"client_protocol_version": b"2",
        b"driver_version": b"x",
        b"os_version": b"y",
        b"driver_discovery_version": b"1",
    }
    payload = struct.pack("!I", 196608) + b"".join(k + b"\0" + v + b"\0" for k, v in params.items()) + b"\0"
    stripped = strip_startup_parameters(payload)
    assert stripped == struct.pack("!I", 196608) + b"user\0awsuser\0database\0dev\0application_name\0nb\0\0"


def test_rewriting_happens_for_driver_statements(local_redshift, marker_rewrite):
    conn = local_redshift.connect()
    try:
        cursor = conn.cursor()
        cursor.execute("select REDSHIFTISM")
        assert cursor.fetchall() == ([42],)
        cursor.execute("select REDSHIFTISM + %s", (1,))
        assert cursor.fetchall() == ([43],)
    finally:
        conn.close()


def _startup(user: str, database: str) -> bytes:
    body = struct.pack("!I", 196608) + b"user\0" + user.encode() + b"\0database\0" + database.encode() + b"\0\0"
    return struct.pack("!I", len(body) + 4) + body


def _read_message(sock: socket.socket) -> tuple[bytes, bytes]:
    header = b""
    while len(header) < 5:
        chunk = sock.recv(5 - len(header))
        assert chunk, "connection closed"
        header += chunk
    length = struct.unpack("!I", header[1:])[0] - 4
    body = b""
    while len(body) < length:
        body += sock.recv(length - len(body))
    return header[:1], body


def test_simple_query_protocol_is_rewritten(local_redshift, marker_rewrite):
    """A raw client speaking the simple Query protocol (as psql does), with md5 login by hand."""
    import hashlib

    from local_cloud.redshift.admin import read_admin_credentials

    credentials = read_admin_credentials(local_redshift.data_dir)
    with socket.create_connection(("127.0.0.1", local_redshift.port), timeout=10) as sock:
        sock.sendall(struct.pack("!II", 8, 80877103))  # SSLRequest
        assert sock.recv(1) == b"N"
        sock.sendall(_startup(credentials["user"], "dev"))
        kind, body = _read_message(sock)
        assert kind == b"R" and struct.unpack("!I", body[:4])[0] == 5  # md5, salt follows
        inner = hashlib.md5((credentials["password"] + credentials["user"]).encode()).hexdigest()
        answer = b"md5" + hashlib.md5(inner.encode() + body[4:8]).hexdigest().encode() + b"\0"
        sock.sendall(b"p" + struct.pack("!I", len(answer) + 4) + answer)
        statuses = {}
        while True:
            kind, body = _read_message(sock)
            if kind == b"S":
                key, value, _ = body.split(b"\0")
                statuses[key] = value
            if kind == b"Z":
                break
        assert statuses[b"server_version"] == b"8.0.2"
        query = b"select REDSHIFTISM\0"
        sock.sendall(b"Q" + struct.pack("!I", len(query) + 4) + query)
        rows = []
        while True:
            kind, body = _read_message(sock)
            if kind == b"D":
                rows.append(body[6:])
            if kind == b"Z":
                break
        assert rows == [b"42"]
        sock.sendall(b"X\0\0\0\4")


def test_postgres_down_gives_a_clear_error_not_a_hang(local_redshift):
    dead_port = free_port()
    gateway = Gateway("127.0.0.1", 0, "127.0.0.1", dead_port).start_in_thread()
    try:
        with pytest.raises(redshift_connector.Error, match="local Redshift is not available") as raised:
            redshift_connector.connect(
                host="127.0.0.1",
                port=gateway.listen_port,
                database="dev",
                user="course_admin",
                password="x",
                ssl=False,
                timeout=10,
            )
        assert str(dead_port) in str(raised.value) and "course up" in str(raised.value)
    finally:
        gateway.stop()


def test_port_in_use_names_the_port(local_redshift):
    with pytest.raises(PortInUseError, match=f"Port {local_redshift.port} ") as raised:
        Gateway("127.0.0.1", local_redshift.port, "127.0.0.1", local_redshift.postgres.port).start_in_thread()
    assert "COURSE_REDSHIFT_PORT" in str(raised.value)


def test_garbage_from_a_client_only_ends_that_client(local_redshift):
    with socket.create_connection(("127.0.0.1", local_redshift.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n\r\n")
        assert sock.recv(100) == b""  # the gateway hangs up
    conn = local_redshift.connect()
    conn.cursor().execute("select 1")
    conn.close()


def test_stop_ends_open_sessions():
    gateway = Gateway("127.0.0.1", 0, "127.0.0.1", free_port()).start_in_thread()
    client = socket.create_connection(("127.0.0.1", gateway.listen_port), timeout=5)
    gateway.stop()
    assert client.recv(10) == b""
    client.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", gateway.listen_port), timeout=2)
