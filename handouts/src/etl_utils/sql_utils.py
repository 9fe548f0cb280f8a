"""The SQL the Lambda runs, in one place. Values travel as parameters (%s); COPY's URI is the one exception."""

from __future__ import annotations

TABLE = "mystery_shop_visit"
# The lineage column: which S3 object (s3://bucket/key) each row came from.
SOURCE_COLUMN = "source_file"
# Sized for the longest URI S3 allows: a key is up to 1,024 bytes of UTF-8 and a bucket name up
# to 63 characters. Redshift counts VARCHAR lengths in bytes, not characters.
S3_MAX_KEY_BYTES = 1024
S3_MAX_BUCKET_NAME = 63
SOURCE_FILE_BYTES = len("s3://") + S3_MAX_BUCKET_NAME + len("/") + S3_MAX_KEY_BYTES

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
    source_file               VARCHAR({SOURCE_FILE_BYTES}) NOT NULL,
    loaded_at                 TIMESTAMP     NOT NULL
)
DISTSTYLE KEY
DISTKEY (store_id)
SORTKEY (visit_date)
"""

# A table made before the column was widened (VARCHAR(1024)) is widened in place.
SOURCE_COLUMN_LENGTH = """
SELECT character_maximum_length FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s
"""
WIDEN_SOURCE_COLUMN = f"ALTER TABLE {TABLE} ALTER COLUMN {SOURCE_COLUMN} TYPE VARCHAR({SOURCE_FILE_BYTES})"

TABLE_EXISTS = """
SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = current_schema() AND table_name = %s
"""

# Loads take the table's lock after their COPY into the stage, so two loads never interleave
# their DELETE and INSERT: two uploads of the same key at once end with one copy of the file's
# rows, not two. Holding it takes a DELETE and an INSERT ... SELECT, so the others wait briefly
# rather than fail with a serializable-isolation error.
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

# The file's clean rows go to S3 (staging_utils) and COPY loads them into this temporary table,
# then one INSERT ... SELECT adds the lineage: COPY is how Redshift wants bulk data in (every
# slice reads in parallel), where INSERT statements go one by one through the leader node.
# Made from the table itself, so its columns have exactly the table's types (and no NOT NULL
# lineage columns: the staged file holds the row columns only).
STAGE_TABLE = f"{TABLE}_stage"
DROP_STAGE = f"DROP TABLE IF EXISTS {STAGE_TABLE}"
CREATE_STAGE = f"CREATE TEMP TABLE {STAGE_TABLE} AS SELECT {', '.join(ROW_COLUMNS)} FROM {TABLE} WHERE FALSE"
# COPY takes no parameters, so the S3 URI is in the text: it is built from the bucket's name
# (checked against S3's naming rules) and a random key, never from an uploaded key.
# COMPUPDATE/STATUPDATE OFF: a temporary table read once needs no compression analysis or statistics.
COPY_STAGE = (
    f"COPY {STAGE_TABLE} ({', '.join(ROW_COLUMNS)}) FROM '{{uri}}' IAM_ROLE {{role}} "
    "FORMAT AS CSV DATEFORMAT 'YYYY-MM-DD' TIMEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF"
)
INSERT_FROM_STAGE = (
    f"INSERT INTO {TABLE} ({', '.join(INSERT_COLUMNS)}) SELECT {', '.join(ROW_COLUMNS)}, %s, %s FROM {STAGE_TABLE}"
)
# Bounds the next statement on the server (milliseconds), so that a wait ends with a clear error
# while the connection still answers, before the socket's own timeout or the Lambda's.
SET_STATEMENT_TIMEOUT = "SET statement_timeout TO {milliseconds}"
