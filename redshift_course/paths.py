"""Where things live: the repository, and the one git-ignored folder that holds all local state."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def state_dir() -> Path:
    """All local-stack state (PostgreSQL data, logs, pid files) lives here, never elsewhere.

    `COURSE_STATE_DIR` moves it, which the tests use to run a stack of their own.
    """
    return Path(os.environ.get("COURSE_STATE_DIR", REPO_ROOT / ".course")).resolve()
