"""redshift_connector 2.2.0, unmodified, through the gateway: the features the course uses."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest
import redshift_connector


def test_connects_and_sees_redshift_server_version(connection):
    # The driver parses server_version with packaging.version; PostgreSQL's own would not do.
    assert (b"server_version", b"8.0.2") in connection.parameter_statuses
    cursor = connection.cursor()
    cursor.execute("select current_database(), current_user")
    assert cursor.fetchall() == (["dev", "course_admin"],)


def test_execute_with_format_parameters(connection):
    cursor = connection.cursor()
    cursor.execute("select %s::int + %s::int, %s::text, %s::date", (40, 2, "café", "2024-02-29"))
    (row,) = cursor.fetchall()
    assert row[0] == 42 and row[1] == "café" and str(row[2]) == "2024-02-29"


def test_fetch_and_write_dataframe(connection):
    cursor = connection.cursor()
    cursor.execute("create temp table sales (id int, product varchar(20), amount numeric(10,2))")
    frame = pd.DataFrame({"id": [1, 2, 3], "product": ["tea", "coffee", "cocoa"], "amount": [2.5, 3.0, 4.25]})
    cursor.write_dataframe(frame, "sales")
    cursor.execute("select id, product, amount from sales order by id")
    result = cursor.fetch_dataframe()
    assert list(result.columns) == ["id", "product", "amount"]
    assert result["product"].tolist() == ["tea", "coffee", "cocoa"]
    assert [float(value) for value in result["amount"]] == [2.5, 3.0, 4.25]
    connection.rollback()


def test_write_dataframe_into_a_real_table(local_redshift):
    # write_dataframe first checks pg_catalog.svv_all_tables for the table.
    conn = local_redshift.admin()
    try:
        cursor = conn.cursor()
        cursor.execute("drop table if exists public.df_target")
        cursor.execute("create table public.df_target (city varchar(30), visits int)")
        cursor.write_dataframe(pd.DataFrame({"city": ["Leeds", "York"], "visits": [3, 5]}), "public.df_target")
        cursor.execute("select city, visits from public.df_target order by city")
        assert cursor.fetchall() == (["Leeds", 3], ["York", 5])
        with pytest.raises(redshift_connector.InterfaceError, match="Invalid table name"):
            cursor.write_dataframe(pd.DataFrame({"a": [1]}), "public.no_such_table")
    finally:
        conn.cursor().execute("drop table if exists public.df_target")
        conn.close()


def test_executemany(connection):
    cursor = connection.cursor()
    cursor.execute("create temp table events (id int, name varchar(10))")
    cursor.executemany("insert into events values (%s, %s)", [(i, f"e{i}") for i in range(50)])
    cursor.execute("select count(*), max(name) from events")
    assert cursor.fetchall() == ([50, "e9"],)
    connection.rollback()


def test_commit_and_rollback(local_redshift):
    writer, reader = local_redshift.connect(), local_redshift.admin()
    try:
        reader.cursor().execute("drop table if exists public.tx_test")
        reader.cursor().execute("create table public.tx_test (n int)")
        cursor = writer.cursor()
        cursor.execute("insert into public.tx_test values (1)")
        writer.rollback()
        cursor.execute("insert into public.tx_test values (2)")
        check = reader.cursor()
        check.execute("select count(*) from public.tx_test")
        assert check.fetchall() == ([0],)  # not committed yet: invisible to others
        writer.commit()
        check.execute("select n from public.tx_test")
        assert check.fetchall() == ([2],)
    finally:
        reader.cursor().execute("drop table if exists public.tx_test")
        writer.close()
        reader.close()


def test_autocommit(local_redshift):
    writer, reader = local_redshift.connect(), local_redshift.admin()
    try:
        writer.autocommit = True
        cursor = writer.cursor()
        cursor.execute("create table public.autocommit_test (n int)")
        cursor.execute("insert into public.autocommit_test values (7)")
        check = reader.cursor()
        check.execute("select n from public.autocommit_test")
        assert check.fetchall() == ([7],)
        # Statements that refuse to run in a transaction block need autocommit, as on Redshift.
        cursor.execute("vacuum public.autocommit_test")
    finally:
        reader.cursor().execute("drop table if exists public.autocommit_test")
        writer.close()
        reader.close()


def test_error_carries_postgres_message_and_connection_recovers(connection):
    cursor = connection.cursor()
    with pytest.raises(redshift_connector.ProgrammingError) as raised:
        cursor.execute("select * from table_that_does_not_exist")
    assert 'relation "table_that_does_not_exist" does not exist' in str(raised.value)
    assert "42P01" in str(raised.value)
    with pytest.raises(redshift_connector.ProgrammingError, match="current transaction is aborted"):
        cursor.execute("select 1")
    connection.rollback()
    cursor.execute("select 1")
    assert cursor.fetchall() == ([1],)


def test_get_tables(local_redshift):
    conn = local_redshift.admin()
    try:
        cursor = conn.cursor()
        cursor.execute("create table if not exists public.listed_table (a int)")
        tables = cursor.get_tables(table_name_pattern="listed_table")
        assert [(row[1], row[2], row[3]) for row in tables] == [("public", "listed_table", "TABLE")]
    finally:
        conn.cursor().execute("drop table if exists public.listed_table")
        conn.close()


def test_svv_columns_has_the_columns_the_driver_reads(local_redshift):
    # get_columns() without a schema reads these from svv_columns (its query also refers to a column
    # alias within the same select list, which Redshift allows and PostgreSQL does not).
    conn = local_redshift.admin()
    try:
        cursor = conn.cursor()
        cursor.execute("create table if not exists public.listed_columns (a int, b varchar(10))")
        cursor.execute(
            "select table_schema, column_name, data_type, domain_name, remarks from svv_columns "
            "where table_name = 'listed_columns' order by ordinal_position"
        )
        assert [tuple(row) for row in cursor.fetchall()] == [
            ("public", "a", "integer", None, None),
            ("public", "b", "character varying", None, None),
        ]
    finally:
        conn.cursor().execute("drop table if exists public.listed_columns")
        conn.close()


def test_wrong_password_is_refused(local_redshift):
    with pytest.raises(redshift_connector.ProgrammingError, match="password authentication failed"):
        local_redshift.connect(user="course_admin", password="not-the-password")


def test_unknown_user_is_refused(local_redshift):
    with pytest.raises(redshift_connector.ProgrammingError, match="password authentication failed"):
        local_redshift.connect(user="nobody_here", password="whatever")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_ssl_true_is_refused_by_the_driver(local_redshift):
    # The gateway answers SSLRequest with 'N'; the driver then gives up, so local code uses ssl=False.
    with pytest.raises(redshift_connector.InterfaceError, match="Server refuses SSL"):
        local_redshift.connect(ssl=True)


def test_twenty_concurrent_connections(local_redshift):
    barrier = threading.Barrier(20, timeout=60)

    def work(number: int):
        conn = local_redshift.connect()
        try:
            cursor = conn.cursor()
            cursor.execute("select pg_backend_pid(), %s::int * 2", (number,))
            ((pid, doubled),) = cursor.fetchall()
            barrier.wait()  # all twenty are connected at the same time
            cursor.execute("select count(*) from pg_stat_activity where backend_type = 'client backend'")
            ((open_sessions,),) = cursor.fetchall()
            barrier.wait()
            return pid, doubled, open_sessions
        finally:
            conn.close()

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(work, range(20)))
    assert sorted(doubled for _, doubled, _ in results) == [n * 2 for n in range(20)]
    assert len({pid for pid, _, _ in results}) == 20
    assert min(sessions for _, _, sessions in results) >= 20


def test_closed_connections_end_their_sessions(local_redshift):
    for _ in range(5):
        local_redshift.connect().close()
    deadline = time.monotonic() + 10
    while local_redshift.gateway.session_count > 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert local_redshift.gateway.session_count == 0


def test_large_result_and_large_statement(connection):
    cursor = connection.cursor()
    cursor.execute("select g, repeat('x', 100) from generate_series(1, 100000) g")
    rows = cursor.fetchall()
    assert len(rows) == 100000 and rows[-1][0] == 100000
    big = "y" * 2_000_000
    cursor.execute("select length(%s)", (big,))
    assert cursor.fetchall() == ([2_000_000],)
    cursor.execute(f"select length('{big}')")
    assert cursor.fetchall() == ([2_000_000],)


def test_get_columns_relies_on_a_lateral_column_alias(local_redshift):
    # The driver's query names IS_AUTOINCREMENT, an alias of its own select list, in a later item.
    conn = local_redshift.admin()
    try:
        cursor = conn.cursor()
        cursor.execute("create table if not exists public.described_columns (a int, b varchar(10))")
        columns = cursor.get_columns(tablename_pattern="described_columns")
        assert [(row[2], row[3], row[5]) for row in columns] == [
            ("described_columns", "a", "int4"),
            ("described_columns", "b", "varchar"),
        ]
    finally:
        conn.cursor().execute("drop table if exists public.described_columns")
        conn.close()
