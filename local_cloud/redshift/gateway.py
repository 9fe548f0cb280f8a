"""The local Redshift's front door: a PostgreSQL wire-protocol (v3) proxy that lets the UNMODIFIED
redshift_connector talk to plain PostgreSQL, and rewrites Redshift SQL on the way in.

What it changes, and why (each measured with redshift_connector 2.2.0 against PostgreSQL 18):

* SSLRequest / GSSENCRequest → answered 'N' (no TLS on loopback). With ``ssl=True`` the driver then
  raises "Server refuses SSL"; local connections use ``ssl=False`` (see ``settings.tls_required``).
* The startup message loses the Redshift-only parameters the driver always sends
  (``client_protocol_version``, ``driver_version``, ...): PostgreSQL rejects unknown ones (FATAL 42704).
* ParameterStatus ``server_version`` becomes Redshift's ``8.0.2``: the driver parses it with
  ``packaging.version``, which rejects PostgreSQL's "18.6 (...)" forms, and with 8.0.2 the driver
  counts rows exactly as it does against Redshift.
* Every simple Query ('Q') and every Parse ('P') passes its SQL through ``rewrite_sql``; a COPY from
  S3 or an UNLOAD becomes a CALL of the local Redshift's own procedures first (``copy_unload``),
  which read and write the local S3 at ``s3_endpoint_url``.
* With ``history_dir``, every statement and the end of its reply are noted for STL_QUERY and the
  other history views (``query_history``): the server's bytes are cut into messages for that, and
  still passed on as they come.

Authentication is relayed untouched (pg_hba uses md5, which the driver handles; it mis-parses SCRAM).
After the first ReadyForQuery the server→client direction is copied byte for byte.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import struct
import threading
from functools import lru_cache

from .. import config, ports
from ..ports import PortInUseError
from .copy_unload import translate as translate_copy_unload
from .query_history import HistoryLog, ReplyFramer, SessionHistory
from .rewrite import rewrite_sql

log = logging.getLogger(__name__)

REDSHIFT_SERVER_VERSION = b"8.0.2"
# Startup parameters redshift_connector sends that only Redshift understands.
REDSHIFT_ONLY_STARTUP_PARAMETERS = frozenset(
    {
        b"client_protocol_version",
        b"driver_version",
        b"os_version",
        b"driver_discovery_version",
        b"plugin_name",
        b"idp_type",
        b"provider_name",
        b"identity_namespace",
        b"token_type",
        b"idc_client_display_name",
    }
)
SSL_REQUEST, GSSENC_REQUEST, CANCEL_REQUEST = 80877103, 80877104, 80877102
MAX_STARTUP_LENGTH = 10_000
UPSTREAM_CONNECT_TIMEOUT = 5.0
COPY_CHUNK = 64 * 1024


class ProtocolError(Exception):
    """The client sent something that is not the PostgreSQL v3 protocol."""


def error_response(message: str, code: str = "08006", severity: str = "FATAL") -> bytes:
    """An ErrorResponse ('E') message, as PostgreSQL would send it."""
    fields = b""
    for tag, value in ((b"S", severity), (b"V", severity), (b"C", code), (b"M", message)):
        fields += tag + value.encode() + b"\0"
    fields += b"\0"
    return b"E" + struct.pack("!I", len(fields) + 4) + fields


@lru_cache(maxsize=2048)
def _rewrite_cached(sql: str) -> str:
    # Drivers send the same statements again and again (executemany, metadata queries).
    return rewrite_sql(sql)


def rewrite_statement(sql: bytes, s3_endpoint_url: str | None = None) -> bytes:
    """Run one statement through ``rewrite_sql``; if the rewriter fails, send the SQL as written
    (PostgreSQL then reports what it cannot run) and log the failure without the SQL, which may hold
    a password. COPY from S3 and UNLOAD are translated first (``copy_unload``)."""
    text = sql.decode("utf-8", "surrogateescape")
    try:
        rewritten = translate_copy_unload(text, s3_endpoint_url or config.aws_endpoint_url(), _rewrite_cached)
        if rewritten is None:
            rewritten = _rewrite_cached(text)
    except Exception as error:  # noqa: BLE001 – a rewriter bug must not take the session down
        log.warning("rewrite_sql failed (%s: %s); forwarding the statement unchanged", type(error).__name__, error)
        return sql
    if rewritten == text:
        return sql
    return rewritten.encode("utf-8", "surrogateescape")


def rewrite_frontend_message(kind: bytes, body: bytes, s3_endpoint_url: str | None = None) -> bytes:
    """The body of a client→server message, with the SQL of Query and Parse rewritten."""
    if kind == b"Q":
        end = body.index(b"\0")
        return rewrite_statement(body[:end], s3_endpoint_url) + body[end:]
    if kind == b"P":
        name_end = body.index(b"\0")
        sql_end = body.index(b"\0", name_end + 1)
        statement = rewrite_statement(body[name_end + 1 : sql_end], s3_endpoint_url)
        return body[: name_end + 1] + statement + body[sql_end:]
    return body


def strip_startup_parameters(payload: bytes) -> bytes:
    """A StartupMessage payload (after the length) without the Redshift-only parameters."""
    protocol, rest = payload[:4], payload[4:]
    parts = rest.split(b"\0")
    kept = b""
    for key, value in zip(parts[0::2], parts[1::2]):
        if not key:
            break
        if key not in REDSHIFT_ONLY_STARTUP_PARAMETERS:
            kept += key + b"\0" + value + b"\0"
    return protocol + kept + b"\0"


async def _read_message(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    header = await reader.readexactly(5)
    (length,) = struct.unpack("!I", header[1:])
    if length < 4:
        raise ProtocolError(f"message length {length} is impossible")
    return header[:1], await reader.readexactly(length - 4)


def _frame(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!I", len(body) + 4) + body


class Gateway:
    """Listens on ``listen_host:listen_port``; each client gets its own upstream PostgreSQL connection."""

    def __init__(
        self,
        listen_host: str = config.HOST,
        listen_port: int | None = None,
        upstream_host: str = config.HOST,
        upstream_port: int | None = None,
        s3_endpoint_url: str | None = None,
        history_dir: str | None = None,
    ) -> None:
        self.listen_host = listen_host
        self.listen_port = int(listen_port if listen_port is not None else config.REDSHIFT.port)
        self.upstream_host = upstream_host
        self.upstream_port = int(upstream_port if upstream_port is not None else config.POSTGRES.port)
        # Where COPY and UNLOAD find S3; None: config.aws_endpoint_url(), read at each statement.
        self.s3_endpoint_url = s3_endpoint_url
        # Where the query history goes (query_history.HISTORY_DIRECTORY in PostgreSQL's data directory).
        self.history = HistoryLog(history_dir) if history_dir else None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._sessions: set[asyncio.Task] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._accepted: set[socket.socket] = set()
        self._stopped: asyncio.Event | None = None

    # --- lifecycle --------------------------------------------------------------------------------
    def bind(self) -> socket.socket:
        """The listening socket; a port already in use raises PortInUseError naming it."""
        sock = ports.listen(self.listen_host, self.listen_port, config.REDSHIFT.name, config.REDSHIFT.variable)
        sock.setblocking(False)
        if self.listen_port == 0:
            self.listen_port = sock.getsockname()[1]
        return sock

    async def serve(self, sock: socket.socket | None = None, ready: threading.Event | None = None) -> None:
        """Serve until stop() is called (or the task is cancelled)."""
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        listener = sock or self.bind()
        # Our own accept loop rather than asyncio.start_server: a connection start_server accepts in
        # the instant before it closes is leaked, open and silent; here every accepted socket is ours.
        accepting = asyncio.ensure_future(self._accept_loop(listener))
        if ready is not None:
            ready.set()
        try:
            await self._stopped.wait()
        finally:
            accepting.cancel()
            await asyncio.gather(accepting, return_exceptions=True)
            listener.close()
            writers = list(self._writers)
            for task in list(self._sessions):
                task.cancel()
            await asyncio.gather(*self._sessions, return_exceptions=True)
            # A socket is only really closed on a later turn of the loop, which must come before it ends.
            for writer in writers:
                writer.close()
            if writers:
                await asyncio.wait([asyncio.ensure_future(writer.wait_closed()) for writer in writers], timeout=2.0)
            for conn in list(self._accepted):  # sessions cancelled before they ever ran
                conn.close()
            if self.history is not None:
                self.history.close()

    async def _accept_loop(self, listener: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                conn, _ = await loop.sock_accept(listener)
            except OSError as error:  # e.g. too many open files: keep serving the others
                log.warning("accept failed: %s", error)
                await asyncio.sleep(0.1)
                continue
            # asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP, and an accepted
            # socket reports proto 0: without this, Nagle's algorithm meets the driver's delayed
            # ACKs and a reply written in two pieces waits up to 40 ms.
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._accepted.add(conn)
            task = asyncio.ensure_future(self._serve_socket(conn))
            self._sessions.add(task)
            task.add_done_callback(self._sessions.discard)

    async def _serve_socket(self, conn: socket.socket) -> None:
        try:
            reader, writer = await asyncio.open_connection(sock=conn)
        except BaseException:
            conn.close()
            self._accepted.discard(conn)
            raise
        self._writers.add(writer)
        try:
            await self._session(reader, writer)
        finally:
            self._accepted.discard(conn)

    def start_in_thread(self) -> Gateway:
        """Bind now (errors surface here, in the caller), then serve from a daemon thread."""
        sock = self.bind()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self.serve(sock, ready))
            except BaseException as error:  # noqa: BLE001 – reported to the starting thread
                failure.append(error)
                ready.set()

        self._thread = threading.Thread(target=run, name=f"redshift-gateway-{self.listen_port}", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        log.info(
            "local Redshift gateway on %s:%s → PostgreSQL %s:%s",
            self.listen_host,
            self.listen_port,
            self.upstream_host,
            self.upstream_port,
        )
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Close the listener and every session; returns once the serving thread has ended."""
        if self._loop is not None and self._stopped is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._stopped.set)
            except RuntimeError:  # the loop closed in the meantime
                pass
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def session_count(self) -> int:
        return len(self._sessions)

    # --- one client -------------------------------------------------------------------------------------
    async def _session(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        upstream_writer = None
        try:
            startup = await self._negotiate(client_reader, client_writer)
            if startup is None:
                return
            kind, payload = startup
            try:
                upstream_reader, upstream_writer = await asyncio.wait_for(
                    asyncio.open_connection(self.upstream_host, self.upstream_port), UPSTREAM_CONNECT_TIMEOUT
                )
            except (TimeoutError, OSError) as error:
                client_writer.write(
                    error_response(
                        f"The local Redshift is not available: its PostgreSQL on {self.upstream_host}:{self.upstream_port} "
                        f"cannot be reached ({type(error).__name__}: {error or 'timeout'}). Start the local stack with "
                        "`course up` (or check `course status`).",
                        code="08006",
                    )
                )
                await client_writer.drain()
                return
            self._writers.add(upstream_writer)
            upstream_writer.write(struct.pack("!I", len(payload) + 4) + payload)
            if kind == "cancel":
                await upstream_writer.drain()
                return
            history = self._session_history(payload) if self.history is not None else None
            await self._relay(client_reader, client_writer, upstream_reader, upstream_writer, history)
        except (ConnectionError, asyncio.IncompleteReadError, ProtocolError) as error:
            log.debug("session ended: %s", error)
        except asyncio.CancelledError:
            pass
        finally:
            for writer in (client_writer, upstream_writer):
                if writer is not None:
                    writer.close()
                    self._writers.discard(writer)

    async def _negotiate(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        """Read the client's startup; returns ("startup"|"cancel"|"other", payload) or None if it left."""
        while True:
            try:
                (length,) = struct.unpack("!I", await reader.readexactly(4))
            except asyncio.IncompleteReadError:
                return None
            if not 8 <= length <= MAX_STARTUP_LENGTH:
                raise ProtocolError(f"startup packet length {length}")
            payload = await reader.readexactly(length - 4)
            (code,) = struct.unpack("!I", payload[:4])
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                writer.write(b"N")  # no encryption on loopback; the client may continue in plain text
                await writer.drain()
                continue
            if code == CANCEL_REQUEST:
                return "cancel", payload
            if code >> 16 == 3:
                return "startup", strip_startup_parameters(payload)
            return "other", payload

    def _session_history(self, payload: bytes) -> SessionHistory:
        parts = payload[4:].split(b"\0")
        params = dict(zip(parts[0::2], parts[1::2]))
        user = params.get(b"user", b"").decode("utf-8", "replace")
        return SessionHistory(self.history, user, params.get(b"database", b"").decode("utf-8", "replace") or user)

    async def _relay(self, client_reader, client_writer, upstream_reader, upstream_writer, history=None) -> None:
        to_server = asyncio.ensure_future(self._client_to_server(client_reader, upstream_writer, history))
        to_client = asyncio.ensure_future(self._server_to_client(upstream_reader, client_writer, history))
        try:
            done, _ = await asyncio.wait({to_server, to_client}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        finally:
            for task in (to_server, to_client):
                task.cancel()
            await asyncio.gather(to_server, to_client, return_exceptions=True)

    async def _client_to_server(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, history: SessionHistory | None = None
    ) -> None:
        try:
            while True:
                kind, body = await _read_message(reader)
                if history is not None and kind in b"QPBE":
                    history.client_message(kind, body)
                if kind in (b"Q", b"P"):
                    writer.write(_frame(kind, rewrite_frontend_message(kind, body, self.s3_endpoint_url)))
                else:
                    writer.write(_frame(kind, body))
                if kind == b"X":
                    await writer.drain()
                    return
                await writer.drain()
        except asyncio.IncompleteReadError:
            return  # the client went away

    @staticmethod
    async def _server_to_client(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, history: SessionHistory | None = None
    ) -> None:
        try:
            # Until the first ReadyForQuery: message by message, to fix server_version.
            while True:
                kind, body = await _read_message(reader)
                if kind == b"S" and body.startswith(b"server_version\0"):
                    body = b"server_version\0" + REDSHIFT_SERVER_VERSION + b"\0"
                elif kind == b"K" and history is not None:
                    history.pid = struct.unpack("!I", body[:4])[0]
                writer.write(_frame(kind, body))
                if kind == b"Z":
                    break
            await writer.drain()
            # Then byte for byte (watched for the ends of statements when there is a history).
            framer = ReplyFramer(history.server_message) if history is not None else None
            while True:
                chunk = await reader.read(COPY_CHUNK)
                if not chunk:
                    return
                if framer is not None:
                    framer.feed(chunk)
                writer.write(chunk)
                await writer.drain()
        except asyncio.IncompleteReadError as error:
            if error.partial:
                writer.write(error.partial)
            return


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m local_cloud.redshift.gateway",
        description="Run the local Redshift gateway in the foreground (the supervisor normally runs it for you).",
    )
    parser.add_argument("--listen-host", default=config.HOST)
    parser.add_argument("--listen-port", type=int, default=None, help="default: $COURSE_REDSHIFT_PORT or 5439")
    parser.add_argument("--upstream-host", default=config.HOST)
    parser.add_argument("--upstream-port", type=int, default=None, help="default: $COURSE_POSTGRES_PORT or 54329")
    parser.add_argument("--s3-endpoint-url", default=None, help="the S3 COPY and UNLOAD use; default: the local AWS")
    parser.add_argument("--history-dir", default=None, help="where the query history goes (STL_QUERY); default: none")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    gateway = Gateway(
        args.listen_host,
        args.listen_port,
        args.upstream_host,
        args.upstream_port,
        args.s3_endpoint_url,
        args.history_dir,
    )
    try:
        sock = gateway.bind()
    except PortInUseError as error:
        raise SystemExit(str(error)) from None
    print(
        f"local Redshift gateway on {args.listen_host}:{gateway.listen_port} → PostgreSQL "
        f"{args.upstream_host}:{gateway.upstream_port} (Ctrl-C stops it)",
        flush=True,
    )
    try:
        asyncio.run(gateway.serve(sock))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
