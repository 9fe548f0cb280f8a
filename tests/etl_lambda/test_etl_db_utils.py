"""db_utils: TLS rule, settings from SSM, the table, the COPY from the stage, bounds on waits, retries."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import boto3
import pytest
import redshift_connector
from etl_utils import db_utils, sql_utils
from etl_utils.staging_utils import StagedRows
from etl_utils.transform_utils import Visit
from lambda_fakes import BUCKET, PASSWORD, SETTINGS, TEAM_PARAMETER, FakeRedshift


@pytest.mark.parametrize(
    ("host", "tls"),
    [
        ("localhost", False),
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("::1", False),
        ("0.0.0.0", True),
        ("10.0.0.5", True),
        ("192.168.1.1", True),
        ("my-cluster.abc123.eu-west-1.redshift.amazonaws.com", True),
        ("example.com", True),
        ("", True),
    ],
)
def test_tls_for_every_host_but_loopback(host, tls):
    assert db_utils.tls_required(host) is tls


def test_connect_passes_the_settings_and_no_tls_for_loopback(fake_redshift):
    db_utils.connect(SETTINGS)
    assert fake_redshift.connect_kwargs == {
        "host": "127.0.0.1",
        "port": 5439,
        "database": "la_vida_mocha",
        "user": "la_vida_mocha",
        "password": PASSWORD,
        "ssl": False,
        "timeout": db_utils.SOCKET_TIMEOUT_SECONDS,
    }
    db_utils.connect({**SETTINGS, "host": "team.abc.eu-west-1.redshift.amazonaws.com", "port": "5439"})
    assert fake_redshift.connect_kwargs["ssl"] is True and fake_redshift.connect_kwargs["port"] == 5439


def test_settings_come_decrypted_from_parameter_store(aws):
    assert db_utils.get_redshift_settings(boto3.client("ssm"), TEAM_PARAMETER) == SETTINGS


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "Parameter Store has no parameter 'la_vida_mocha_redshift_settings'"),
        ("host=x password=" + PASSWORD, "does not hold JSON"),
        (json.dumps({"host": "h", "password": PASSWORD}), "lacks the key\\(s\\) port, database-name, user"),
        (json.dumps(["not", "a", "dict"]), "lacks the key"),
    ],
    ids=["missing", "not-json", "missing-keys", "not-a-dict"],
)
def test_bad_settings_say_what_is_wrong_without_the_value(aws, value, message):
    ssm = boto3.client("ssm")
    if value is None:
        ssm.delete_parameter(Name=TEAM_PARAMETER)
    else:
        ssm.put_parameter(Name=TEAM_PARAMETER, Type="SecureString", Value=value, Overwrite=True)
    with pytest.raises(db_utils.SettingsError, match=message) as caught:
        db_utils.get_redshift_settings(ssm, TEAM_PARAMETER)
    assert PASSWORD not in str(caught.value) and caught.value.__cause__ is None


def test_ensure_table_creates_once(fake_redshift):
    conn = fake_redshift.connect()
    db_utils.ensure_table(conn)
    db_utils.ensure_table(conn)
    assert sum("CREATE TABLE" in s for s in fake_redshift.statements) == 1


def test_ensure_table_survives_losing_the_creation_race(fake_redshift):
    """Another Lambda creates the table between our check and our CREATE: that is not an error."""

    def race(sql):
        if "CREATE TABLE" in sql:
            fake_redshift.table = True  # the other Lambda won
            return redshift_connector.IntegrityError(
                {"C": "23505", "M": 'duplicate key value violates unique constraint "pg_type_typname_nsp_index"'}
            )

    fake_redshift.fail = race
    db_utils.ensure_table(fake_redshift.connect())


def test_ensure_table_reports_other_failures(fake_redshift):
    fake_redshift.fail = lambda sql: (
        "CREATE" in sql
        and redshift_connector.ProgrammingError({"C": "42501", "M": "permission denied for schema public"})
    )
    with pytest.raises(redshift_connector.ProgrammingError):
        db_utils.ensure_table(fake_redshift.connect())


def test_the_ddl_is_redshifts_and_idempotent():
    ddl = " ".join(sql_utils.CREATE_TABLE.split())
    assert ddl.startswith("CREATE TABLE IF NOT EXISTS mystery_shop_visit (")
    assert "DISTKEY (store_id)" in ddl and "SORTKEY (visit_date)" in ddl
    for column in (
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
        "source_file",
        "loaded_at",
    ):
        assert f" {column} " in ddl
    assert "mystery_shopper_name" not in ddl.lower()


def visits(n: int):
    for i in range(n):
        yield Visit(i + 1, 1487, 22, "Free Standing", "Leeds", 12, date(2024, 3, 13), time(10, 5), time(10, 30), 3)


def staged(aws, n: int) -> StagedRows:
    rows = StagedRows(aws, BUCKET)
    rows.write(visits(n))
    rows.upload()
    return rows


def test_rows_are_copied_into_a_stage_then_replace_the_files_rows_under_the_lock(aws, fake_redshift):
    conn = fake_redshift.connect()
    loaded_at = datetime(2024, 4, 1, 12, 0)
    rows = staged(aws, 2500)
    assert db_utils.replace_file_rows(conn, "s3://b/k.csv", rows.uri, 2500, loaded_at) == 2500
    statements = [" ".join(s.split()[:4]) for s in fake_redshift.statements if not s.startswith("SET ")]
    assert statements == [
        "DROP TABLE IF EXISTS",
        "CREATE TEMP TABLE mystery_shop_visit_stage",
        "COPY mystery_shop_visit_stage (visit_id, store_id,",
        "LOCK mystery_shop_visit",  # after the COPY: concurrent loads stage at the same time
        "DELETE FROM mystery_shop_visit WHERE",
        "INSERT INTO mystery_shop_visit (visit_id,",
        "DROP TABLE IF EXISTS",
    ]
    assert fake_redshift.copied == [rows.uri] and rows.uri == f"s3://{BUCKET}/{rows.prefix}"
    assert rows.prefix.startswith("staging/") and rows.uploaded_keys == [f"{rows.prefix}part-0000.rows"]
    assert "Leeds" not in "".join(fake_redshift.statements)  # the rows travel in S3, the lineage as parameters
    conn.commit()
    assert len(fake_redshift.rows) == 2500 and fake_redshift.rows[0][10:] == ("s3://b/k.csv", loaded_at)
    assert fake_redshift.rows[0][:10] == ("1", "1487", "22", "Free Standing", "Leeds", "12", "2024-03-13") + (
        "10:05:00",
        "10:30:00",
        "3",
    )


def test_a_copy_that_loads_other_than_the_staged_count_is_refused(aws, fake_redshift):
    conn = fake_redshift.connect()
    with pytest.raises(AssertionError, match="loaded 3 rows of the 4 staged"):
        db_utils.replace_file_rows(conn, "s3://b/k.csv", staged(aws, 3).uri, 4, datetime(2024, 4, 1))


def test_the_copy_sql_reads_the_staged_object_with_the_clusters_role():
    sql = sql_utils.COPY_STAGE.format(uri="s3://b/staging/x.rows", role=db_utils.COPY_ROLE)
    assert sql.startswith("COPY mystery_shop_visit_stage (visit_id, store_id,")
    assert "FROM 's3://b/staging/x.rows' IAM_ROLE default FORMAT AS CSV DATEFORMAT 'YYYY-MM-DD'" in sql


def test_a_bucket_name_that_is_not_s3s_never_reaches_the_copys_text(aws):
    for bucket in ("b'; DROP TABLE x; --", "UPPER", "a..b", "x"):
        with pytest.raises(ValueError, match="is not an S3 bucket name"):
            StagedRows(aws, bucket)


def test_a_lock_wait_that_hits_its_bound_says_it_waited_for_the_lock(aws, fake_redshift):
    conn = fake_redshift.connect()
    timeout = redshift_connector.ProgrammingError({"C": "57014", "M": "canceling statement due to statement timeout"})
    fake_redshift.fail = lambda sql: sql.startswith("LOCK") and timeout
    with pytest.raises(db_utils.StatementTimeout, match="waiting for the lock on mystery_shop_visit.*after 45 s"):
        db_utils.replace_file_rows(conn, "s3://b/k.csv", staged(aws, 3).uri, 3, datetime(2024, 4, 1))
    set_before_lock = fake_redshift.statements[fake_redshift.statements.index("LOCK mystery_shop_visit") - 1]
    assert set_before_lock == f"SET statement_timeout TO {db_utils.LOCK_WAIT_SECONDS * 1000}"
    assert db_utils.LOCK_WAIT_SECONDS < db_utils.SOCKET_TIMEOUT_SECONDS  # the server's error comes first


def test_each_statement_is_bounded_by_the_time_left(aws, fake_redshift):
    conn = fake_redshift.connect()
    db_utils.replace_file_rows(conn, "s3://b/k.csv", staged(aws, 3).uri, 3, datetime(2024, 4, 1), lambda: 12.5)
    assert [s for s in fake_redshift.statements if s.startswith("SET")] == ["SET statement_timeout TO 12500"] * 3
    with pytest.raises(db_utils.StatementTimeout, match="no time left for the COPY"):
        db_utils.replace_file_rows(conn, "s3://b/k.csv", staged(aws, 3).uri, 3, datetime(2024, 4, 1), lambda: 0)


def test_an_old_table_gets_a_source_column_wide_enough_for_any_s3_uri(fake_redshift):
    fake_redshift.table, fake_redshift.source_length = True, 1024  # made by an earlier version
    db_utils.ensure_table(fake_redshift.connect())
    assert fake_redshift.source_length == sql_utils.SOURCE_FILE_BYTES == 1093
    assert f"source_file               VARCHAR({sql_utils.SOURCE_FILE_BYTES})" in sql_utils.CREATE_TABLE


@pytest.mark.parametrize(
    "fields, retry",
    [
        ({"C": "XX000", "M": "1023", "D": "Serializable isolation violation on table - 123456"}, True),
        ({"C": "XX000", "M": "1023 Serializable isolation violation on a table in Redshift"}, True),
        ({"C": "40001", "M": "could not serialize access due to concurrent update"}, True),
        ({"C": "40P01", "M": "deadlock detected"}, True),
        ({"C": "42P01", "M": 'relation "mystery_shop_visit" does not exist'}, False),
        ({"C": "22003", "M": "value 10230 is out of range"}, False),
    ],
)
def test_which_errors_are_retried(fields, retry):
    assert db_utils.is_serialization_error(redshift_connector.ProgrammingError(fields)) is retry


def test_serialization_errors_are_retried_with_backoff_and_others_are_not():
    db = FakeRedshift()
    conn = db.connect()
    calls, sleeps = [], []

    def work():
        calls.append(1)
        if len(calls) < 3:
            raise redshift_connector.ProgrammingError(
                {"C": "XX000", "M": "1023", "D": "Serializable isolation violation"}
            )
        return "done"

    assert db_utils.in_transaction_with_retries(conn, work, sleep=sleeps.append) == "done"
    assert len(calls) == 3 and db.commits == 1
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0

    def fails():
        raise redshift_connector.ProgrammingError({"C": "42P01", "M": "no such table"})

    with pytest.raises(redshift_connector.ProgrammingError):
        db_utils.in_transaction_with_retries(conn, fails, sleep=sleeps.append)
    assert len(sleeps) == 2


def test_retries_give_up_after_the_last_attempt():
    conn = FakeRedshift().connect()
    sleeps = []

    def always():
        raise redshift_connector.ProgrammingError({"C": "40001", "M": "could not serialize"})

    with pytest.raises(redshift_connector.ProgrammingError):
        db_utils.in_transaction_with_retries(conn, always, sleep=sleeps.append)
    assert len(sleeps) == db_utils.RETRY_ATTEMPTS - 1


def test_a_failure_rolls_back_what_the_work_did(aws, fake_redshift):
    conn = fake_redshift.connect()
    rows = staged(aws, 10)

    def half_then_fail():
        db_utils.replace_file_rows(conn, "s3://b/k.csv", rows.uri, 10, datetime(2024, 4, 1))
        raise ValueError("bad file")

    with pytest.raises(ValueError):
        db_utils.in_transaction_with_retries(conn, half_then_fail)
    conn.commit()
    assert fake_redshift.rows == []


def test_staged_rows_are_written_exactly_as_csv_writer_writes_them():
    import csv
    import io

    names = ["Leeds", "Leeds, North", 'The "Big" One', "Line\nbreak", "Carriage\rreturn", "Café ünïcode", " spaced "]
    rows = [
        Visit(
            2**62 + i,
            1487,
            22,
            names[(i + 3) % len(names)],
            f"{name} {i}",
            i,
            date(2024, 2, 29),
            time(0),
            time(23, 59),
            5,
        )
        for i, name in enumerate(names * 700)  # more distinct names than are kept, so some are made again
    ]
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows(rows)

    uploads = _Uploads()
    staged = StagedRows(uploads, BUCKET, part_rows=1000)  # in parts, as the Lambda stages them
    staged.write(iter(rows[:10]))  # written in several calls: the parts still hold 1,000 rows each
    staged.write(iter(rows[10:]))
    staged.upload()
    keys = sorted(uploads.bodies)
    assert keys == [f"{staged.prefix}part-{n:04d}.rows" for n in range(5)] == staged.uploaded_keys
    for n, key in enumerate(keys):  # each part is its 1,000 rows
        part = io.StringIO()
        csv.writer(part, lineterminator="\n").writerows(rows[n * 1000 : (n + 1) * 1000])
        assert uploads.bodies[key].decode() == part.getvalue()
    assert b"".join(map(uploads.bodies.get, keys)).decode() == expected.getvalue()
    assert staged.count == len(rows) and staged.parts == 5
    assert staged.close() == {} and uploads.bodies == {}


def test_rows_fewer_than_a_part_or_none_are_one_part():
    for count in (0, 3):
        uploads = _Uploads()
        staged = StagedRows(uploads, BUCKET)
        staged.write(visits(count))
        staged.upload()
        (body,) = uploads.bodies.values()
        assert body.count(b"\n") == count and staged.parts == 1
        staged.close()


class _Uploads:
    """Just what StagedRows asks of S3: put and delete objects (here in a dict)."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}

    def put_object(self, Bucket, Key, Body, ContentType):
        self.bodies[Key] = Body.read()

    def delete_object(self, Bucket, Key):
        self.bodies.pop(Key, None)
