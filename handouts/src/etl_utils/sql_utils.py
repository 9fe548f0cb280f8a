"""The SQL the Lambda runs, in one place. Values always travel as parameters (%s), never in the text."""

from __future__ import annotations

from functools import lru_cache

TABLE = "mystery_shop_visit"
# The lineage column: which S3 object (s3://bucket/key) each row came from.
SOURCE_COLUMN = "source_file"

# Why these keys (Redshift spreads a table's rows over the slices of its nodes, and keeps each
# slice's rows in sort-key order in 1 MB blocks, with the min and max of each block on record):
# * DISTKEY(store_id): the session's questions ("store of the month", visits per store) GROUP BY
#   store, so keeping each store's visits on one slice lets every slice aggregate on its own,
#   without moving rows between nodes; a store table would join on store_id without moving rows.
#   With ~20 stores a slice may get a few more rows than another - harmless at this size. (At a
#   few hundred rows DISTSTYLE AUTO would choose ALL; KEY is here because it shows the idea.)
# * SORTKEY(visit_date): every question is about a month, and files arrive month by month, so a
#   WHERE on visit_date lets Redshift skip every block whose dates are outside the range.
# * visit_id is a hash of (store, shopper, date, start time), not an IDENTITY: loading a file
#   again gives the same ids back. Redshift does not enforce keys, so none is declared.
CREATE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    visit_id                  BIGINT        NOT NULL,
    store_id                  INTEGER       NOT NULL,
    mystery_shopper_id        INTEGER       NOT NULL,
    store_type                VARCHAR(50)   NOT NULL,
    store_name                VARCHAR(100)  NOT NULL,
    number_of_store_employees INTEGER       NOT NULL,
    visit_date                DATE          NOT NULL,
    start_time                TIME          NOT NULL,
    end_time                  TIME          NOT NULL,
    overall_score             SMALLINT      NOT NULL,
    source_file               VARCHAR(1024) NOT NULL,
    loaded_at                 TIMESTAMP     NOT NULL
)
DISTSTYLE KEY
DISTKEY (store_id)
SORTKEY (visit_date)
"""

TABLE_EXISTS = """
SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = current_schema() AND table_name = %s
"""

# Loads take the table's lock first, so two loads never interleave: two uploads of the same key
# at once then end with one copy of the file's rows, not two. A load takes well under a second,
# so the others wait briefly rather than fail with a serializable-isolation error.
LOCK_TABLE = f"LOCK {TABLE}"

# Uploading the same key again replaces that file's rows (in the same transaction as the inserts).
DELETE_FILE_ROWS = f"DELETE FROM {TABLE} WHERE {SOURCE_COLUMN} = %s"

ROW_COLUMNS = (
    "visit_id",
    "store_id",
    "mystery_shopper_id",
    "store_type",
    "store_name",
    "number_of_store_employees",
    "visit_date",
    "start_time",
    "end_time",
    "overall_score",
)
LINEAGE_COLUMNS = (SOURCE_COLUMN, "loaded_at")
INSERT_COLUMNS = ROW_COLUMNS + LINEAGE_COLUMNS
# Numbered placeholders (:1, :2, ...; the driver's "numeric" paramstyle) let every row of a batch
# share the file's lineage, :1 and :2, instead of sending the same two values with each row.
INSERT_PARAMSTYLE = "numeric"


@lru_cache(maxsize=4)  # a file needs two: full batches and the last, shorter one
def insert_rows(row_count: int) -> str:
    """One INSERT for ``row_count`` rows: ``VALUES (:3,...,:12,:1,:2),(:13,...,:22,:1,:2),...``.

    Many rows per statement is what makes this fast: every statement costs a network round trip
    and its own parse and plan on the leader node, however few rows it carries. Its parameters are
    the lineage (source file, load time) followed by each row's ten values. No spaces: the driver
    reads a new statement character by character (about 2 microseconds each) on each connection.
    """
    lineage = ",".join(f":{n}" for n in range(1, len(LINEAGE_COLUMNS) + 1))
    first = len(LINEAGE_COLUMNS) + 1
    width = len(ROW_COLUMNS)
    rows = ",".join(
        "(" + ",".join(f":{n}" for n in range(start, start + width)) + f",{lineage})"
        for start in range(first, first + row_count * width, width)
    )
    return f"INSERT INTO {TABLE} ({', '.join(INSERT_COLUMNS)}) VALUES {rows}"
