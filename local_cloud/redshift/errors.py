"""Errors the local Redshift raises, each with a message that says what to do.
(A taken port raises `local_cloud.ports.PortInUseError`, shared by the whole local cloud.)"""

from __future__ import annotations


class LocalRedshiftError(RuntimeError):
    """The embedded PostgreSQL could not be prepared, started or stopped; the message says why."""
