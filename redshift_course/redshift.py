"""Connecting to Redshift (real, or the local gateway) with the settings read from Parameter Store."""
from __future__ import annotations

from typing import Any, Mapping

import redshift_connector

from .settings import tls_required


def connect_kwargs(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Map the academy's settings JSON (host, port, database-name, user, password) to redshift_connector."""
    host = settings["host"]
    return {
        "host": host,
        "port": int(settings["port"]),
        "database": settings["database-name"],
        "user": settings["user"],
        "password": settings["password"],
        "ssl": tls_required(host),
    }


def connect_with_settings(settings: Mapping[str, Any], **overrides: Any) -> redshift_connector.Connection:
    kwargs = connect_kwargs(settings)
    kwargs.update(overrides)
    return redshift_connector.connect(**kwargs)
