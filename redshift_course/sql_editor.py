"""A query editor in the notebook: ``%%sql`` cells (jupysql) on the team's Redshift, in both modes.

    engine = redshift_engine(settings)   # SQLAlchemy, dialect redshift+redshift_connector
    load_sql_cells()                     # %load_ext sql, with stable plain-text results
    %sql engine

The engine is `sql_engine`'s: the settings are read from Parameter Store when it is made, and the
password goes to the driver in ``connect_args`` only, so no URL, repr, log or output shows it.
"""

from __future__ import annotations

import os

# jupysql sends usage statistics (ploomber-core) unless told not to: a course notebook phones nobody.
os.environ.setdefault("PLOOMBER_STATS_ENABLED", "false")

DISPLAY_LIMIT = 20  # rows shown by a %%sql cell, as show() does


def redshift_engine(settings):
    """An SQLAlchemy engine on the team's Redshift (`CourseSettings` in either mode). pool_pre_ping:
    a connection the cluster dropped during a break is replaced instead of failing the next cell."""
    from .sql_engine import engine_from_settings

    return engine_from_settings(settings.redshift_settings(), pool_pre_ping=True)


def load_sql_cells(shell=None) -> None:
    """``%load_ext sql`` (jupysql), configured so that a ``%%sql`` cell's output is plain,
    deterministic text: no connection banner (it would show the host and port), no HTML table, at
    most `DISPLAY_LIMIT` rows. jupysql's start-up notes (which settings files it found, which it
    could not read for want of the toml package) depend on the machine, so they are not shown."""
    from IPython import get_ipython
    from IPython.utils.capture import capture_output

    shell = shell or get_ipython()
    with capture_output():
        shell.run_line_magic("load_ext", "sql")
    from sql.run.resultset import ResultSet

    for setting in ("displaycon = False", "feedback = 0", f"displaylimit = {DISPLAY_LIMIT}", "short_errors = True"):
        shell.run_line_magic("config", f"SqlMagic.{setting}")
    # Returning None from a formatter drops that representation: the notebook keeps text/plain only.
    shell.display_formatter.formatters["text/html"].for_type(ResultSet, lambda result: None)


def saved_query(name: str) -> str | None:
    """The query a ``%%sql --save name`` cell saved (None if none did), as jupysql ran it."""
    try:
        from sql.store import store
    except ImportError:
        return None
    if name not in set(store):  # not `in store`: its lookup of a missing name raises UsageError
        return None
    return str(store[name])
