"""A local Redshift of the tests' own – embedded PostgreSQL + gateway on free ports in a temporary
folder – so tests never touch a developer's running stack (5439/54329 stay free)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from local_cloud.redshift.server import LocalRedshiftHandle, start_local_redshift


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
def local_redshift(postgres_data_dirs) -> LocalRedshiftHandle:
    with start_local_redshift(postgres_data_dirs("local-redshift"), port=0, postgres_port=0) as redshift:
        yield redshift


@pytest.fixture
def connection(local_redshift):
    """A fresh admin connection to ``dev`` (autocommit off, as redshift_connector defaults), closed after."""
    conn = local_redshift.connect()
    yield conn
    conn.close()
