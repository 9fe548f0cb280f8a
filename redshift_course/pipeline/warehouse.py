"""The visits table in Redshift: queries as DataFrames, and rows per source file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..handout_code import sql_utils
from ..settings import CourseSettings
from .stacks import pipeline_names

# The Lambda's names, from the Lambda: the table it loads and its lineage column (s3://bucket/key).
VISIT_TABLE = sql_utils.TABLE
SOURCE_COLUMN = sql_utils.SOURCE_COLUMN


def query_dataframe(settings: CourseSettings, sql: str, params: Iterable[Any] | None = None) -> pd.DataFrame:
    """Run one query with a fresh connection and return the result as a DataFrame."""
    with settings.connect() as connection:
        cursor = connection.cursor()
        cursor.execute(sql, tuple(params) if params is not None else None)
        frame = cursor.fetch_dataframe()
    return frame if frame is not None else pd.DataFrame()


def _table_exists(cursor) -> bool:
    """The Lambda creates the table on its first load; before that there is nothing to count."""
    cursor.execute(sql_utils.TABLE_EXISTS, (VISIT_TABLE,))
    return int(cursor.fetchone()[0]) > 0


def rows_by_source(settings: CourseSettings) -> pd.DataFrame:
    """Rows in the visits table per source file, sorted by file (empty before the first load)."""
    frame = None
    with settings.connect() as connection:
        cursor = connection.cursor()
        if _table_exists(cursor):
            cursor.execute(
                f"select {SOURCE_COLUMN}, count(*) as rows_loaded from {VISIT_TABLE} "
                f"group by {SOURCE_COLUMN} order by {SOURCE_COLUMN}"
            )
            frame = cursor.fetch_dataframe()
    if frame is None:  # no table yet, or no rows in it
        return pd.DataFrame({SOURCE_COLUMN: pd.Series(dtype=str), "rows_loaded": pd.Series(dtype=int)})
    frame.columns = [SOURCE_COLUMN, "rows_loaded"]
    return frame


def source_uri(settings: CourseSettings, key: str) -> str:
    """The ``source_file`` value of the rows loaded from ``key`` in the team's bucket."""
    return f"s3://{pipeline_names(settings).bucket}/{key}"


def _count_for(cursor, uri: str) -> int:
    if not _table_exists(cursor):
        return 0
    cursor.execute(f"select count(*) from {VISIT_TABLE} where {SOURCE_COLUMN} = %s", (uri,))
    return int(cursor.fetchone()[0])


def count_rows(settings: CourseSettings, key: str) -> int:
    """Rows in the visits table that came from ``key`` (an object in the team's raw-data bucket)."""
    uri = source_uri(settings, key)
    with settings.connect() as connection:
        return _count_for(connection.cursor(), uri)
