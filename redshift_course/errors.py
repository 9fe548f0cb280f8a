"""The course's own error: a setting is missing or malformed, and the message says what to do."""

from __future__ import annotations


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says what to do."""
