"""Making a settings dict safe to show: every secret value replaced by a mask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MASK = "********"
SECRET_KEYS = frozenset({"password"})


def masked(settings_dict: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a settings dict that is safe to show: every secret value replaced by ``MASK``."""
    return {key: (MASK if key.lower() in SECRET_KEYS else value) for key, value in settings_dict.items()}
