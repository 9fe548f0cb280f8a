"""The hidden variant of the visits the grader checks answers on, so that a hard-coded answer fails.

The variant is the handouts' own generator run with another seed (six months, with a tied store
of the month in May), read through the Lambda's own transform, as the pipeline would load it. Its
seed was chosen because its data holds the traps the mistakes' hints name (tests/course checks them):
a tie for store of the month among stores with 10 visits or more, a month whose best average
belongs to a store with fewer than 10 visits, a store with exactly 10 visits in March, and a tie
for fifth place among the busiest shoppers.

`variant_table` puts it in a TEMP table named like the real one. Redshift (like PostgreSQL)
searches the session's temporary schema before the search path for a table name (Developer Guide,
"search_path": pg_temp_nnn is searched first, even before pg_catalog), so inside that session the
same unqualified SQL reads the variant; other sessions never see it. Everything happens in one
transaction that is rolled back at the end: the real table is never written.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache

from .handout_code import data_generator, db_utils, sql_utils, transform_utils

VARIANT_SEED = "graded-variant-26"
VARIANT_SOURCE = "hidden-variant"  # the lineage column of every variant row
VARIANT_LOADED_AT = datetime(2024, 7, 1, 9, 0)
# The Lambda's own table design, made temporary: the variant has the real table's columns and types.
TEMP_TABLE = sql_utils.CREATE_TABLE.replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE", 1)


class VariantError(RuntimeError):
    """The variant could not be put in place; nothing was graded."""


@cache
def variant_visits() -> tuple[transform_utils.Visit, ...]:
    """The variant's valid visits, January to June 2024 (the rows the Lambda would reject left out)."""
    generator = data_generator()
    visits: list[transform_utils.Visit] = []
    for month in generator.HANDOUT_MONTHS:
        text = generator.handout_bytes(month, VARIANT_SEED).decode("utf-8-sig")
        records = transform_utils.read_records(io.StringIO(text, newline=""))
        transform_utils.check_header(next(records)[1])
        visits += [item for item in transform_utils.transform(records) if isinstance(item, transform_utils.Visit)]
    return tuple(visits)


@contextmanager
def variant_table(connection) -> Iterator[int]:
    """Within this block, ``mystery_shop_visit`` in ``connection``'s session is the variant; yields
    its row count. ``connection`` must not be in autocommit: the block ends with a rollback."""
    if connection.autocommit:
        raise VariantError("the grader's session must not autocommit: its variant table is rolled back")
    if "CREATE TEMP TABLE" not in TEMP_TABLE:  # the Lambda's DDL was reworded: never touch the real table
        raise VariantError("sql_utils.CREATE_TABLE no longer starts with CREATE TABLE IF NOT EXISTS")
    try:
        connection.cursor().execute(TEMP_TABLE)
        rows = db_utils.replace_file_rows(connection, VARIANT_SOURCE, variant_visits(), VARIANT_LOADED_AT)
        cursor = connection.cursor()
        cursor.execute(
            f"SELECT COUNT(*), MIN({sql_utils.SOURCE_COLUMN}), MAX({sql_utils.SOURCE_COLUMN}) FROM {sql_utils.TABLE}"
        )
        seen = tuple(cursor.fetchone())
        if seen != (rows, VARIANT_SOURCE, VARIANT_SOURCE):  # never grade on the learner's rows by mistake
            raise VariantError(f"the temporary {sql_utils.TABLE} does not hide the real one ({seen[0]} rows seen)")
        yield rows
    finally:
        db_utils.rollback_quietly(connection)
