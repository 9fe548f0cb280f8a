"""A pytest plugin: every notebook starts on a fresh local stack (`course reset`), all in one pytest run.

`make notebooks-alone` loads it (`python -m pytest -p tests.fresh_stack_per_notebook --nbval ...`):
each notebook must pass when a learner opens it first on a fresh stack, and one pytest process for
all of them saves pytest's start-up and collection per notebook (a few seconds each).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_COURSE = Path(sys.executable).with_name("course")
_last_notebook: Path | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a notebook's first cell, and so before nbval starts its kernel: reset the stack.

    The previous notebook's kernel has already been stopped, at its last cell's teardown.
    """
    global _last_notebook
    notebook = Path(str(item.path))
    if notebook.suffix == ".ipynb" and notebook != _last_notebook:
        _last_notebook = notebook
        subprocess.run([str(_COURSE), "reset"], check=True, stdout=subprocess.DEVNULL)
