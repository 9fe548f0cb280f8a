"""The local Redshift: an embedded PostgreSQL (``postgres``) behind a wire-protocol gateway
(``gateway``) that lets the unmodified redshift_connector in and rewrites Redshift SQL (``rewrite``,
``compat.sql``); ``admin`` manages logins through that gateway; ``server`` starts the two together
(`start_local_redshift`, the one way to run one).

Names are imported on first use, so that importing one piece does not load the others
(the gateway pulls in the SQL rewriter, admin pulls in redshift_connector).
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "LocalPostgres": "postgres",
    "Gateway": "gateway",
    "admin_connect": "admin",
    "create_login": "admin",
    "read_admin_credentials": "admin",
    "LocalRedshiftError": "errors",
    "start_local_redshift": "server",
    "LocalRedshiftHandle": "server",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
