"""Administering the local Redshift as its admin role, through the gateway with redshift_connector –
the same path every other client takes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import redshift_connector

from .. import config
from ..sqltext import md5_password, quote_ident, quote_literal
from .postgres import DEFAULT_DATABASE

# Redshift folds names to lower case; we accept its user-name characters and quote the result.
_NAME_RULE = re.compile(r"^[a-z_][a-z0-9_$.@+-]{0,126}$")


def read_admin_credentials(data_dir: Path) -> dict[str, Any]:
    """The admin role's local stand-in credential (user, password, database). Keep it out of outputs."""
    path = Path(data_dir) / "admin.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path} does not exist: the local Redshift's template has not been built yet (run `course up`)."
        ) from None


def admin_connect(
    data_dir: Path,
    database: str = DEFAULT_DATABASE,
    *,
    host: str = config.HOST,
    port: int | None = None,
    timeout: int = 10,
) -> redshift_connector.Connection:
    """A redshift_connector connection as ``course_admin`` through the gateway, autocommit on."""
    credentials = read_admin_credentials(data_dir)
    connection = redshift_connector.connect(
        host=host,
        port=port or config.REDSHIFT.port,
        database=database,
        user=credentials["user"],
        password=credentials["password"],
        ssl=False,
        timeout=timeout,
    )
    connection.autocommit = True
    return connection


def _checked_name(kind: str, name: str) -> str:
    folded = (name or "").lower()
    if not _NAME_RULE.match(folded) or folded == "public":
        raise ValueError(
            f"{kind} {name!r} is not valid: use 1-127 characters, starting with a letter or underscore, "
            "then letters, digits or _ $ . @ + - (and not 'public')."
        )
    return folded


def create_login(
    data_dir: Path,
    user: str,
    password: str,
    database: str | None = None,
    superuser: bool = False,
    *,
    host: str = config.HOST,
    port: int | None = None,
) -> None:
    """Make ``user`` able to log in with ``password`` (creating or updating the role), and, if
    ``database`` is given, make sure it exists and the user may use it. Idempotent.

    The password never travels as plain text: PostgreSQL (like Redshift) accepts the md5 form.
    """
    user = _checked_name("User name", user)
    if database is not None:
        database = _checked_name("Database name", database)
    if not isinstance(password, str) or not password:
        raise ValueError(f"The password for {user!r} must be a non-empty string.")
    secret = quote_literal(md5_password(user, password))
    privileges = "SUPERUSER" if superuser else "NOSUPERUSER"
    connection = admin_connect(data_dir, host=host, port=port)
    try:
        cursor = connection.cursor()
        cursor.execute("select 1 from pg_catalog.pg_roles where rolname = %s", (user,))
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        cursor.execute(f"{verb} ROLE {quote_ident(user)} WITH LOGIN {privileges} PASSWORD {secret}")
        if database is None:
            return
        cursor.execute("select 1 from pg_catalog.pg_database where datname = %s", (database,))
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {quote_ident(database)} OWNER {quote_ident(user)}")
            return
        cursor.execute(f"GRANT ALL ON DATABASE {quote_ident(database)} TO {quote_ident(user)}")
    finally:
        connection.close()
    # An existing database: the user also needs to create tables in its public schema.
    connection = admin_connect(data_dir, database, host=host, port=port)
    try:
        connection.cursor().execute(f"GRANT ALL ON SCHEMA public TO {quote_ident(user)}")
    finally:
        connection.close()
