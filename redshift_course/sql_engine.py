"""The team's Redshift as an SQLAlchemy engine, for pandas (``to_sql``, ``read_sql``) and jupysql.

The dialect is sqlalchemy-redshift's ``redshift+redshift_connector``, so SQLAlchemy talks to the
database through the same driver and with the same arguments as ``connect_with_settings`` (TLS for
every real endpoint, a socket timeout). The password goes to the driver in ``connect_args`` only:
it is never part of the URL, so neither ``repr(engine)`` nor an error message that quotes the URL
can show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy

from .handout_code import db_utils

DIALECT = "redshift+redshift_connector"


def engine_url(settings: Mapping[str, Any]) -> sqlalchemy.URL:
    """user@host:port/database, without the password."""
    arguments = db_utils.connection_arguments(dict(settings))
    return sqlalchemy.URL.create(
        DIALECT,
        username=arguments["user"],
        host=arguments["host"],
        port=arguments["port"],
        database=arguments["database"],
    )


def engine_from_settings(settings: Mapping[str, Any], **engine_options: Any) -> sqlalchemy.Engine:
    """An engine for the settings read from Parameter Store (``CourseSettings.redshift_settings()``).

    ``engine_options`` go to ``sqlalchemy.create_engine`` (``echo=True``, ``poolclass=...``)."""
    arguments = db_utils.connection_arguments(dict(settings))
    connect_args = {key: value for key, value in arguments.items() if key not in ("user", "host", "port", "database")}
    # connect_args override the dialect's defaults (ssl=True, sslmode=verify-full): the settings' own
    # TLS choice (db_utils.tls_required) wins, so the local gateway on loopback is reached without TLS.
    return sqlalchemy.create_engine(engine_url(settings), connect_args=connect_args, **engine_options)
