"""Running the `course` command as a learner does, on a local cloud of the test's own (own state
folder, own ports), so tests never touch a developer's running one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


def course(env: dict[str, str], *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "course"), *args], env=env, capture_output=True, text=True, timeout=timeout)


@contextmanager
def own_local_cloud(ports: dict[str, int], prefix: str) -> Iterator[dict[str, str]]:
    """The environment for a local cloud of its own; stopped and its state deleted afterwards.

    Not under pytest's tmp_path: as root, PostgreSQL runs as its own user, and pytest makes its
    temporary folders private to root."""
    state = tempfile.mkdtemp(prefix=prefix)
    environment = dict(os.environ, COURSE_STATE_DIR=state, **{k: str(v) for k, v in ports.items()})
    try:
        yield environment
    finally:
        course(environment, "down")
        shutil.rmtree(state, ignore_errors=True)  # `course down` keeps the state folder (and its database)
