"""Connecting to Redshift (real, or the local gateway) with the settings read from Parameter Store.

The settings JSON becomes a connection exactly as in the Lambda (`db_utils.connection_arguments`):
TLS for every real endpoint, a socket timeout so that an unreachable database fails instead of
hanging.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import redshift_connector

from .handout_code import db_utils


def connect_with_settings(settings: Mapping[str, Any], **overrides: Any) -> redshift_connector.Connection:
    arguments = db_utils.connection_arguments(dict(settings))
    arguments.update(overrides)
    return redshift_connector.connect(**arguments)
