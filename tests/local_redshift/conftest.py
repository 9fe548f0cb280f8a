"""A local Redshift of the tests' own – embedded PostgreSQL + gateway on free ports in a temporary
folder – so tests never touch a developer's running stack (5439/54329 stay free)."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import redshift_connector

from redshift_course.local_redshift.admin import admin_connect, read_admin_credentials
from redshift_course.local_redshift.gateway import Gateway
from redshift_course.local_redshift.postgres import LocalPostgres
from redshift_course.ports import free_port


@dataclass
class LocalRedshift:
    data_dir: Path
    postgres: LocalPostgres
    gateway: Gateway
    host: str = "127.0.0.1"

    @property
    def port(self) -> int:
        return self.gateway.listen_port

    def admin(self, database: str = "dev") -> redshift_connector.Connection:
        """course_admin through the gateway, autocommit on."""
        return admin_connect(self.data_dir, database, port=self.port)

    def connect(self, user: str | None = None, password: str | None = None, database: str = "dev",
                **kwargs) -> redshift_connector.Connection:
        """A plain redshift_connector connection through the gateway, as a learner's code makes it
        (default: the admin role, autocommit off)."""
        if user is None:
            credentials = read_admin_credentials(self.data_dir)
            user, password = credentials["user"], credentials["password"]
        kwargs.setdefault("ssl", False)
        return redshift_connector.connect(host=self.host, port=self.port, database=database, user=user,
                                          password=password, **kwargs)


@pytest.fixture(scope="session")
def postgres_data_dirs():
    """Makes data folders for LocalPostgres instances, removed at the end of the session.

    Not under pytest's tmp_path: as root, PostgreSQL runs as an unprivileged user that must be able
    to reach the folder, and every pytest session that starts (a teammate's too) resets
    /tmp/pytest-of-root to mode 0700, which locks it out mid-run."""
    made: list[Path] = []

    def make(name: str) -> Path:
        made.append(Path(tempfile.mkdtemp(prefix=f"course-{name}-")))
        return made[-1]

    yield make
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def local_redshift(postgres_data_dirs) -> LocalRedshift:
    data_dir = postgres_data_dirs("local-redshift")
    postgres = LocalPostgres(data_dir, port=free_port())
    postgres.fresh_start()
    gateway = Gateway("127.0.0.1", 0, "127.0.0.1", postgres.port).start_in_thread()
    try:
        yield LocalRedshift(data_dir, postgres, gateway)
    finally:
        gateway.stop()
        postgres.stop()


@pytest.fixture
def connection(local_redshift):
    """A fresh admin connection to ``dev`` (autocommit off, as redshift_connector defaults), closed after."""
    conn = local_redshift.connect()
    yield conn
    conn.close()
