"""Conformance: each row of docs/conformance.md runs here, end to end, as a learner's code runs it –
redshift_connector → the gateway (rewrite_sql) → the local PostgreSQL with compat.sql.

The fixtures ``local_redshift`` and ``connection`` come from tests/emulator/redshift/conftest.py
(a throwaway LocalPostgres + Gateway on free ports). Expected values are Redshift's, from its
documentation where it gives an example.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
import redshift_connector

ROOT = Path(__file__).resolve().parents[3]
CONFORMANCE_DOC = ROOT / "docs" / "conformance.md"


@pytest.fixture
def cur(connection):
    connection.autocommit = True
    cursor = connection.cursor()
    yield cursor
    cursor.close()


def one(cur, sql, params=None):
    cur.execute(sql, params) if params is not None else cur.execute(sql)
    return cur.fetchone()


def fails(cur, sql) -> str:
    with pytest.raises(redshift_connector.Error) as caught:
        cur.execute(sql)
    return str(caught.value)


@pytest.fixture
def visits(cur):
    """A small mystery_shop_visit made with Redshift DDL, dropped afterwards."""
    cur.execute("DROP TABLE IF EXISTS conformance_visit")
    cur.execute("""
        CREATE TABLE conformance_visit (
            id BIGINT IDENTITY(1, 1),
            visit_id INTEGER NOT NULL ENCODE az64,
            store_id INTEGER NOT NULL DISTKEY,
            store_name VARCHAR(MAX) ENCODE zstd,
            visit_date DATE NOT NULL SORTKEY,
            overall_score SMALLINT,
            loaded_at TIMESTAMP DEFAULT GETDATE()
        ) DISTSTYLE KEY COMPOUND SORTKEY(visit_date, store_id) ENCODE AUTO BACKUP NO""")
    rows = [
        (1, 10, "Leeds", "2024-03-01", 5),
        (2, 10, "Leeds", "2024-03-02", 3),
        (3, 20, "York", "2024-03-02", 4),
        (4, 20, "York", "2024-04-01", 2),
        (5, 30, "Hull, East", "2024-04-03", 5),
        (6, 30, "Hull, East", "2024-04-04", None),
    ]
    cur.executemany(
        "INSERT INTO conformance_visit (visit_id, store_id, store_name, visit_date, overall_score) "
        "VALUES (%s, %s, %s, %s, %s)",
        rows,
    )
    yield "conformance_visit"
    cur.execute("DROP TABLE IF EXISTS conformance_visit")


# --- DDL ---------------------------------------------------------------------------------------


def test_conformance_create_table_redshift_options(cur, visits):
    assert one(cur, "SELECT count(*) FROM conformance_visit") == [6]


@pytest.mark.parametrize("style", ["AUTO", "EVEN", "KEY DISTKEY(a)", "ALL"])
def test_conformance_diststyle(cur, style):
    cur.execute(f"CREATE TEMP TABLE conformance_dist (a int, b int) DISTSTYLE {style}")
    cur.execute("INSERT INTO conformance_dist VALUES (1, 2)")
    assert one(cur, "SELECT a, b FROM conformance_dist") == [1, 2]
    cur.execute("DROP TABLE conformance_dist")


@pytest.mark.parametrize("sortkey", ["SORTKEY(a)", "COMPOUND SORTKEY(a, b)", "INTERLEAVED SORTKEY(a, b)"])
def test_conformance_sortkey(cur, sortkey):
    cur.execute(
        f"CREATE TEMP TABLE conformance_sort (a int SORTKEY, b int) {sortkey}".replace(
            "a int SORTKEY", "a int" if "(" in sortkey else "a int SORTKEY"
        )
    )
    assert one(cur, "SELECT count(*) FROM conformance_sort") == [0]
    cur.execute("DROP TABLE conformance_sort")


def test_conformance_encode(cur):
    cur.execute(
        "CREATE TEMP TABLE conformance_enc (a int ENCODE az64, b varchar(10) ENCODE lzo, c date ENCODE raw) ENCODE AUTO"
    )
    cur.execute("INSERT INTO conformance_enc VALUES (1, 'x', '2024-01-01')")
    assert one(cur, "SELECT a, b FROM conformance_enc") == [1, "x"]
    cur.execute("DROP TABLE conformance_enc")


def test_conformance_identity(cur, visits):
    cur.execute("SELECT id FROM conformance_visit ORDER BY id")
    assert [row[0] for row in cur.fetchall()] == [1, 2, 3, 4, 5, 6]


def test_conformance_ctas_with_attributes(cur, visits):
    cur.execute(
        "CREATE TEMP TABLE conformance_ctas DISTSTYLE EVEN SORTKEY(store_id) AS "
        "SELECT store_id, count(*) AS visits FROM conformance_visit GROUP BY store_id"
    )
    assert one(cur, "SELECT sum(visits) FROM conformance_ctas") == [6]
    cur.execute("DROP TABLE conformance_ctas")


def test_conformance_varchar_max(cur):
    cur.execute("CREATE TEMP TABLE conformance_vc (a VARCHAR(MAX), b NVARCHAR(5))")
    cur.execute(
        "SELECT character_maximum_length FROM information_schema.columns "
        "WHERE table_name = 'conformance_vc' ORDER BY ordinal_position"
    )
    assert [r[0] for r in cur.fetchall()] == [65535, 5]
    cur.execute("DROP TABLE conformance_vc")


def test_conformance_primary_key_is_enforced_locally(cur):
    # Redshift: informational only, a duplicate goes in. PostgreSQL: enforced. Listed as "differs".
    cur.execute("CREATE TEMP TABLE conformance_pk (a int PRIMARY KEY)")
    cur.execute("INSERT INTO conformance_pk VALUES (1)")
    assert "duplicate key" in fails(cur, "INSERT INTO conformance_pk VALUES (1)")
    cur.execute("DROP TABLE IF EXISTS conformance_pk")


# --- functions -----------------------------------------------------------------------------


def test_conformance_getdate(cur):
    (value,) = one(cur, "SELECT GETDATE()")
    assert isinstance(value, dt.datetime) and value.tzinfo is None and value.microsecond == 0


def test_conformance_sysdate(cur):
    (value,) = one(cur, "SELECT SYSDATE")
    assert isinstance(value, dt.datetime) and value.tzinfo is None


def test_conformance_trunc_timestamp(cur):
    assert one(cur, "SELECT TRUNC(TIMESTAMP '2024-03-05 10:11:12')") == [dt.date(2024, 3, 5)]


def test_conformance_nvl(cur, visits):
    assert one(cur, "SELECT NVL(NULL, 'none'), NVL(overall_score, 0) FROM conformance_visit WHERE visit_id = 6") == [
        "none",
        0,
    ]


def test_conformance_nvl2(cur):
    assert one(cur, "SELECT NVL2('x', 'set', 'unset'), NVL2(NULL::int, 'set', 'unset')") == ["set", "unset"]


def test_conformance_decode(cur):
    assert one(cur, "SELECT DECODE(2, 1, 'one', 2, 'two', 'many'), DECODE(9, 1, 'one', 'many')") == ["two", "many"]


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("DATEDIFF(year, '2023-12-31', '2024-01-01')", 1),  # Redshift counts boundaries
        ("DATEDIFF(yr, '2023-01-01', '2023-12-31')", 0),
        ("DATEDIFF(week, '2009-01-01', '2009-12-31')", 52),  # Redshift docs example
        ("DATEDIFF(week, '2024-06-09', '2024-06-10')", 1),  # Sunday → Monday
        ("DATEDIFF(week, '2024-06-10', '2024-06-16')", 0),  # Monday → Sunday
        ("DATEDIFF(hour, '2023-01-01', '2023-01-03 05:04:03')", 53),  # Redshift docs example
        ("DATEDIFF(days, 'Jun 1,2008 09:59:59', 'Jul 4,2008 09:59:59')", 33),
        ("DATEDIFF(month, '2024-01-31', '2024-02-01')", 1),
        ("DATEDIFF(qtr, '2024-03-31', '2024-04-01')", 1),
        ("DATEDIFF(mins, '2024-01-01 10:59:59', '2024-01-01 11:00:00')", 1),
        ("DATEDIFF(second, '2024-01-01 10:00:00.9', '2024-01-01 10:00:01.1')", 1),
        ("DATEDIFF(day, '2024-03-10', '2024-03-01')", -9),
        ("DATEDIFF(minute, TIME '09:15', TIME '10:05')", 50),
    ],
)
def test_conformance_datediff(cur, sql, expected):
    assert one(cur, f"SELECT {sql}") == [expected]


def test_conformance_datediff_on_columns(cur, visits):
    cur.execute(
        "SELECT DATEDIFF(day, MIN(visit_date), MAX(visit_date)), DATEDIFF(month, MIN(visit_date), "
        "MAX(visit_date)) FROM conformance_visit"
    )
    assert cur.fetchone() == [34, 1]


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("DATEADD(month, 1, '2024-01-31')", dt.datetime(2024, 2, 29)),
        ("DATEADD(day, 30, '2024-02-01')", dt.datetime(2024, 3, 2)),
        ("DATEADD(w, -1, '2024-03-05')", dt.datetime(2024, 2, 27)),
        ("DATEADD(hrs, 25, '2024-03-05')", dt.datetime(2024, 3, 6, 1)),
        # r_DATEADD_function.html: a year after February 29 is March 1 (months keep February 28).
        ("DATEADD(y, 1, DATE '2024-02-29')", dt.datetime(2025, 3, 1)),
        ("DATEADD(month, 12, DATE '2024-02-29')", dt.datetime(2025, 2, 28)),
    ],
)
def test_conformance_dateadd(cur, sql, expected):
    assert one(cur, f"SELECT {sql}") == [expected]


def test_conformance_date_part(cur):
    assert one(
        cur,
        "SELECT DATE_PART(dw, DATE '2024-03-03'), DATE_PART(year, DATE '2024-03-03'), "
        "EXTRACT(weekday FROM DATE '2024-03-03')",
    ) == [0.0, 2024.0, 0]


def test_conformance_date_part_error_for_unknown_part(cur):
    assert "Invalid date part" in fails(cur, "SELECT DATEDIFF(fortnight, '2024-01-01', '2024-02-01')")


def test_conformance_convert_timezone(cur):
    assert one(
        cur,
        "SELECT CONVERT_TIMEZONE('UTC', 'Europe/London', '2024-07-01 12:00:00'), "
        "CONVERT_TIMEZONE('Europe/London', '2024-01-01 12:00:00')",
    ) == [dt.datetime(2024, 7, 1, 13), dt.datetime(2024, 1, 1, 12)]


def test_conformance_len(cur):
    assert one(cur, "SELECT LEN('mystery')") == [7]


def test_conformance_listagg(cur, visits):
    cur.execute("SELECT LISTAGG(DISTINCT store_name, '; ') WITHIN GROUP (ORDER BY store_name) FROM conformance_visit")
    assert cur.fetchone() == ["Hull, East; Leeds; York"]
    cur.execute(
        "SELECT store_id, LISTAGG(visit_id, ',') WITHIN GROUP (ORDER BY visit_id DESC) "
        "FROM conformance_visit GROUP BY store_id ORDER BY store_id"
    )
    assert cur.fetchall() == ([10, "2,1"], [20, "4,3"], [30, "6,5"])
    assert one(cur, "SELECT LISTAGG(store_id) FROM conformance_visit WHERE store_id = 10") == ["1010"]
    cur.execute(
        "SELECT visit_id, LISTAGG(visit_id, ',') WITHIN GROUP (ORDER BY visit_id DESC) OVER (PARTITION BY store_id) "
        "FROM conformance_visit WHERE store_id <= 20 ORDER BY visit_id"
    )
    assert cur.fetchall() == ([1, "2,1"], [2, "2,1"], [3, "4,3"], [4, "4,3"])


def test_conformance_median(cur, visits):
    assert one(cur, "SELECT MEDIAN(overall_score) FROM conformance_visit") == [Decimal("4")]
    assert one(cur, "SELECT MEDIAN(overall_score) FROM conformance_visit WHERE visit_id <= 4") == [Decimal("3.5")]
    cur.execute(
        "SELECT visit_id, MEDIAN(overall_score) OVER (PARTITION BY store_id) FROM conformance_visit "
        "WHERE store_id = 10 ORDER BY visit_id"
    )
    assert cur.fetchall() == ([1, Decimal("4")], [2, Decimal("4")])


def test_conformance_approximate_count_distinct(cur, visits):
    assert one(cur, "SELECT APPROXIMATE COUNT(DISTINCT store_id) FROM conformance_visit") == [3]


def test_conformance_top(cur, visits):
    cur.execute("SELECT TOP 2 visit_id FROM conformance_visit ORDER BY visit_id DESC")
    assert cur.fetchall() == ([6], [5])


def test_conformance_qualify(cur, visits):
    # Store of the month, ties kept: the course's exercise shape.
    cur.execute("""
        SELECT DATE_TRUNC('month', visit_date) AS month, store_id, AVG(overall_score) AS avg_score
        FROM conformance_visit
        WHERE overall_score IS NOT NULL
        GROUP BY 1, 2
        QUALIFY RANK() OVER (PARTITION BY DATE_TRUNC('month', visit_date) ORDER BY AVG(overall_score) DESC) = 1
        ORDER BY month""")
    rows = cur.fetchall()
    assert [(r[0].month, r[1]) for r in rows] == [(3, 10), (3, 20), (4, 30)]  # March is a tie
    assert [d[0] for d in cur.description] == ["month", "store_id", "avg_score"]


def test_conformance_qualify_select_star(cur, visits):
    cur.execute("SELECT * FROM conformance_visit v QUALIFY ROW_NUMBER() OVER (ORDER BY visit_id DESC) = 1")
    assert [d[0] for d in cur.description][:3] == ["id", "visit_id", "store_id"]
    assert "__qualify" not in [d[0] for d in cur.description]
    assert cur.fetchone()[1] == 6


def test_conformance_qualify_select_star_with_using_shows_helper_column(cur, visits):
    cur.execute(
        "SELECT * FROM conformance_visit JOIN conformance_visit AS w USING (visit_id) "
        "QUALIFY ROW_NUMBER() OVER (ORDER BY visit_id) = 1"
    )
    assert [d[0] for d in cur.description][-1] == "__qualify"


def test_conformance_casts_untouched(cur):
    assert one(cur, "SELECT '2024-03-01'::date, 3.7::int, 'x'::varchar(5)") == [dt.date(2024, 3, 1), 4, "x"]


def test_conformance_parameters_and_strings(cur, visits):
    cur.execute("SELECT store_name FROM conformance_visit WHERE visit_id = %s AND store_name <> 'top 5 qualify'", (5,))
    assert cur.fetchall() == (["Hull, East"],)


# --- system views ----------------------------------------------------------------------------


def test_conformance_stv_slices(cur):
    cur.execute("SELECT node, slice FROM stv_slices")
    assert cur.fetchall() == ([0, 0],)


def test_conformance_svv_table_info(cur, visits):
    cur.execute("ANALYZE conformance_visit")
    row = one(cur, 'SELECT "table", tbl_rows, diststyle FROM svv_table_info WHERE "table" = %s', (visits,))
    assert row == [visits, Decimal(6), "KEY(store_id)"]


def test_conformance_pg_table_def(cur, visits):
    cur.execute(
        'SELECT "column", type, distkey, sortkey FROM pg_table_def WHERE tablename = %s ORDER BY "column"', (visits,)
    )
    rows = {r[0]: r for r in cur.fetchall()}
    assert rows["visit_date"][1] == "date"
    # The declared design is kept: DISTKEY(store_id), COMPOUND SORTKEY(visit_date, store_id).
    assert rows["store_id"][2] is True and rows["visit_id"][2] is False
    assert (rows["visit_date"][3], rows["store_id"][3], rows["visit_id"][3]) == (1, 2, 0)


def test_conformance_stv_blocklist(cur, visits):
    cur.execute(
        'SELECT count(*) FROM stv_blocklist b JOIN svv_table_info i ON i.table_id = b.tbl WHERE i."table" = %s',
        (visits,),
    )
    assert cur.fetchone()[0] >= 7  # at least one block per column


def test_conformance_stl_load_errors_columns(cur):
    # Filled by the local COPY: tests/emulator/redshift/test_copy_unload.py.
    cur.execute(
        "SELECT userid, slice, tbl, starttime, session, query, filename, line_number, colname, type, col_length, "
        "position, raw_line, raw_field_value, err_code, err_reason FROM stl_load_errors LIMIT 0"
    )
    assert cur.fetchall() in ((), [])


def test_conformance_svv_all_tables_for_write_dataframe(connection):
    pandas = pytest.importorskip("pandas")
    connection.autocommit = True
    cursor = connection.cursor()
    cursor.execute("DROP TABLE IF EXISTS conformance_frame")
    cursor.execute("CREATE TABLE conformance_frame (store_id INTEGER DISTKEY, store_name VARCHAR(30)) DISTSTYLE KEY")
    cursor.write_dataframe(
        pandas.DataFrame({"store_id": [1, 2], "store_name": ["Ripon", "Selby"]}), "conformance_frame"
    )
    cursor.execute("SELECT store_id, store_name FROM conformance_frame ORDER BY 1")
    assert cursor.fetchall() == ([1, "Ripon"], [2, "Selby"])
    cursor.execute("DROP TABLE conformance_frame")


# --- EXPLAIN and AWS-only features -------------------------------------------------------------


def test_conformance_explain_is_postgresql_plan(cur, visits):
    cur.execute("EXPLAIN SELECT store_id, count(*) FROM conformance_visit GROUP BY store_id")
    plan = "\n".join(r[0] for r in cur.fetchall())
    assert "Scan on conformance_visit" in plan and "XN " not in plan and "DS_DIST" not in plan


def test_conformance_copy_from_local_s3(cur, visits):
    # Loading from the local S3 is tested in test_copy_unload.py; here, what is refused says so.
    role = "IAM_ROLE 'arn:aws:iam::123456789012:role/r'"
    message = fails(cur, f"COPY conformance_visit FROM 's3://bucket/key' {role} FORMAT AS PARQUET")
    assert "not available on the local Redshift: COPY FORMAT PARQUET" in message


def test_conformance_unload_to_local_s3(cur):
    role = "IAM_ROLE 'arn:aws:iam::123456789012:role/r'"
    message = fails(cur, f"UNLOAD ('select 1') TO 's3://bucket/prefix' {role} FORMAT AS PARQUET")
    assert "not available on the local Redshift: UNLOAD FORMAT PARQUET" in message


def test_conformance_spectrum_is_aws_only(cur):
    assert fails(
        cur,
        "CREATE EXTERNAL SCHEMA spectrum FROM DATA CATALOG DATABASE 'db' IAM_ROLE 'arn:aws:iam::123456789012:role/r'",
    )


def test_conformance_concurrency_scaling_is_aws_only(cur):
    assert "does not exist" in fails(cur, "SELECT * FROM stv_wlm_service_class_config")


def test_conformance_distribution_is_one_slice_locally(cur):
    assert one(cur, "SELECT count(*) FROM stv_slices") == [1]


# --- the table itself --------------------------------------------------------------------------

STATUSES = ("works locally", "differs", "AWS only")


def conformance_rows() -> list[dict[str, str]]:
    rows = []
    for line in CONFORMANCE_DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("Feature", "") and not set(cells[0]) <= {"-", " "}:
            rows.append(dict(zip(("feature", "status", "notes", "test"), cells)))
    return rows


def test_conformance_table_rows_each_name_an_existing_test():
    rows = conformance_rows()
    assert len(rows) >= 30
    for row in rows:
        assert row["status"] in STATUSES, row
        names = re.findall(r"`(test_[a-z0-9_]+)`", row["test"])
        assert names, row
        for name in names:
            assert callable(globals().get(name)), f"{row['feature']}: no test named {name}"


def test_conformance_table_counts_are_stated():
    rows = conformance_rows()
    counts = {status: sum(r["status"] == status for r in rows) for status in STATUSES}
    text = CONFORMANCE_DOC.read_text(encoding="utf-8")
    stated = re.search(r"(\d+) works locally, (\d+) differs?, (\d+) AWS only", text)
    assert stated, "the summary line with the counts is missing"
    assert tuple(int(x) for x in stated.groups()) == (counts["works locally"], counts["differs"], counts["AWS only"])
