"""A running local Redshift: PostgreSQL started fresh from its template, and the gateway in front.

`start_local_redshift()` is the one way to start one. The supervisor calls it for the learner's
local cloud (ports from `local_cloud.config`); the tests and the benchmarks call it for private
ones in a folder of their own (port 0: any free port). The handle says where it listens, logs in
as its admin role, creates logins, and stops both halves in the right order.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redshift_connector

from .. import config
from ..ports import free_port
from ..sqltext import quote_ident
from .admin import admin_connect, create_login, read_admin_credentials
from .errors import LocalRedshiftError
from .gateway import Gateway
from .postgres import DEFAULT_DATABASE, LocalPostgres, ensure_service_user
from .query_history import HISTORY_DIRECTORY
from .s3_stream import STREAM_DIRECTORY, StreamService


@dataclass
class LocalRedshiftHandle:
    data_dir: Path
    postgres: LocalPostgres
    port: int
    host: str = config.HOST
    gateway: Gateway | None = field(default=None, repr=False)  # when it runs in this process
    streams: StreamService | None = field(default=None, repr=False)  # COPY and UNLOAD's S3 streams
    _gateway_process: subprocess.Popen | None = field(default=None, repr=False)

    def admin(self, database: str = DEFAULT_DATABASE, **kwargs: Any) -> redshift_connector.Connection:
        """The admin role through the gateway, autocommit on (the local stand-in's superuser)."""
        return admin_connect(self.data_dir, database, host=self.host, port=self.port, **kwargs)

    def connect(
        self, user: str | None = None, password: str | None = None, database: str = DEFAULT_DATABASE, **kwargs: Any
    ) -> redshift_connector.Connection:
        """A plain redshift_connector connection, as a learner's code makes it (default: the admin
        role, autocommit off)."""
        if user is None:
            credentials = read_admin_credentials(self.data_dir)
            user, password = credentials["user"], credentials["password"]
        kwargs.setdefault("ssl", False)
        return redshift_connector.connect(
            host=self.host, port=self.port, database=database, user=user, password=password, **kwargs
        )

    def data_api_connect(self, database: str, user: str | None, password: str | None) -> redshift_connector.Connection:
        """How the local Data API reaches this Redshift (autocommit on): as ``user`` with ``password``;
        as an existing ``user`` without one (AWS's temporary credentials: the admin's session, SET
        SESSION AUTHORIZATION); or as the admin when ``user`` is None."""
        if password is not None:
            connection = self.connect(user, password, database)
            connection.autocommit = True
            return connection
        connection = self.admin(database)
        if user is not None:
            try:
                connection.cursor().execute(f"SET SESSION AUTHORIZATION {quote_ident(user.lower())}")
            except Exception:
                connection.close()
                raise
        return connection

    def create_login(self, user: str, password: str, database: str | None = None, superuser: bool = False) -> None:
        admin = read_admin_credentials(self.data_dir)["user"]
        if (user or "").lower() == admin:
            # A new password for the admin role would lock the supervisor (and every tool) out.
            raise ValueError(
                f"{user!r} is the local Redshift's own admin role: give the cluster another master "
                "user name (e.g. --parameter-overrides MasterUsername=awsuser)."
            )
        create_login(self.data_dir, user, password, database, superuser, host=self.host, port=self.port)

    def stop(self) -> None:
        try:
            if self.gateway is not None:
                self.gateway.stop()
            if self._gateway_process is not None:
                self._gateway_process.terminate()
                self._gateway_process.wait(10)
        finally:
            try:
                self.postgres.stop()
            finally:
                if self.streams is not None:
                    self.streams.stop()

    def __enter__(self) -> LocalRedshiftHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_local_redshift(
    data_dir: Path,
    *,
    port: int | None = None,
    postgres_port: int | None = None,
    gateway_in_process: bool = True,
    s3_endpoint_url: str | None = None,
) -> LocalRedshiftHandle:
    """Start PostgreSQL fresh in ``data_dir`` and the gateway in front of it; returns once both listen.

    ``port`` and ``postgres_port``: None means the configured ports (``COURSE_REDSHIFT_PORT``,
    ``COURSE_POSTGRES_PORT``), 0 any free one. ``gateway_in_process=False`` runs the gateway in a
    process of its own, so that a benchmark does not share its CPU time (and GIL) with it.
    ``s3_endpoint_url``: the S3 that COPY and UNLOAD read and write (default: the local AWS,
    ``config.aws_endpoint_url()``, read at each statement); it may also be set later on the handle
    (``handle.gateway.s3_endpoint_url``) when the gateway runs in this process.
    """
    postgres = LocalPostgres(Path(data_dir), port=free_port() if postgres_port == 0 else postgres_port)
    postgres.fresh_start()
    service_user = ensure_service_user()
    owner = (service_user.pw_uid, service_user.pw_gid) if service_user is not None else None
    try:
        streams = StreamService(postgres.pgdata / STREAM_DIRECTORY, owner).start()
    except BaseException:
        postgres.stop()
        raise
    listen_port = config.REDSHIFT.port if port is None else port
    try:
        history_dir = _history_directory(postgres.pgdata, owner)
        if gateway_in_process:
            gateway = Gateway(
                config.HOST, listen_port, config.HOST, postgres.port, s3_endpoint_url, history_dir
            ).start_in_thread()
            return LocalRedshiftHandle(
                postgres.data_dir, postgres, gateway.listen_port, gateway=gateway, streams=streams
            )
        listen_port = listen_port or free_port()
        process = _gateway_process(listen_port, postgres.port, s3_endpoint_url, history_dir)
        return LocalRedshiftHandle(postgres.data_dir, postgres, listen_port, streams=streams, _gateway_process=process)
    except BaseException:
        postgres.stop()
        streams.stop()
        raise


def _history_directory(pgdata: Path, owner: tuple[int, int] | None) -> str:
    """The folder the gateway writes the query history to, which PostgreSQL's service user reads."""
    directory = pgdata / HISTORY_DIRECTORY
    directory.mkdir(mode=0o755, exist_ok=True)
    if owner is not None:
        os.chown(directory, *owner)
    return str(directory)


def _gateway_process(
    listen_port: int,
    upstream_port: int,
    s3_endpoint_url: str | None = None,
    history_dir: str | None = None,
    timeout: float = 30.0,
) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "local_cloud.redshift.gateway",
        "--listen-port",
        str(listen_port),
        "--upstream-port",
        str(upstream_port),
    ]
    if s3_endpoint_url:
        command += ["--s3-endpoint-url", s3_endpoint_url]
    if history_dir:
        command += ["--history-dir", history_dir]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # a full pipe would stall it
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((config.HOST, listen_port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise LocalRedshiftError(f"The gateway did not start on port {listen_port}.") from None
            time.sleep(0.1)
