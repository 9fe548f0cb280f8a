"""The fixture of the offline aws-mode tests (the helpers are in aws_mode_support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_mode_support import FakeAws, make_fake_aws


@pytest.fixture
def fake_aws(tmp_path: Path) -> FakeAws:
    """deploy.sh's world in tmp_path: a recording stand-in aws first on PATH (see fake_aws_cli.py)."""
    return make_fake_aws(tmp_path)
