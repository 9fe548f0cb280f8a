"""COPY from S3 and UNLOAD to S3 on the local Redshift, through redshift_connector, against a
private local AWS (moto) and a private local Redshift. docs/local_redshift_copy.md describes them."""

from __future__ import annotations

import gzip
import json
import secrets
from pathlib import Path

import pytest
import redshift_connector

from local_cloud import config
from local_cloud.redshift.copy_unload import datestyle, translate
from local_cloud.redshift.server import start_local_redshift

DATA = Path(__file__).resolve().parents[3] / "handouts" / "data"
ROLE = "arn:aws:iam::123456789012:role/course-redshift-s3"
BUCKET = "copy-tests"

VISITS_DDL = """
CREATE TABLE {name} (
    store_id INTEGER NOT NULL, store_name VARCHAR(50), mystery_shopper_id INTEGER, mystery_shopper_name VARCHAR(100),
    store_type VARCHAR(30), number_of_store_employees INTEGER, visit_date DATE, start_time TIME, end_time TIME,
    overall_score SMALLINT)
"""


@pytest.fixture(scope="module")
def local_aws(tmp_path_factory):
    from local_cloud.aws.server import start_local_aws

    patch = pytest.MonkeyPatch()
    patch.setenv(config.STATE_VARIABLE, str(tmp_path_factory.mktemp("copy-state")))
    handle = start_local_aws(port=0)
    yield handle
    handle.stop()
    patch.undo()


@pytest.fixture(scope="module")
def s3(local_aws):
    client = local_aws.client("s3", "eu-west-1")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for path in sorted(DATA.glob("mystery_shops_2024-0*.csv")):
        client.upload_file(str(path), BUCKET, f"raw/{path.name}")
    return client


@pytest.fixture(scope="module")
def redshift(postgres_data_dirs, local_aws):
    with start_local_redshift(
        postgres_data_dirs("copy-unload"), port=0, postgres_port=0, s3_endpoint_url=local_aws.endpoint_url
    ) as handle:
        yield handle


@pytest.fixture
def conn(redshift):
    connection = redshift.connect()
    connection.autocommit = True
    yield connection
    connection.close()


def run(conn, sql: str):
    cursor = conn.cursor()
    cursor.execute(sql)
    try:
        return cursor.fetchall()
    except redshift_connector.ProgrammingError:
        return None


def csv_rows(*names: str) -> int:
    return sum(len((DATA / name).read_text().strip().splitlines()) - 1 for name in names)


def fresh_table(conn, name: str) -> None:
    run(conn, f"DROP TABLE IF EXISTS {name}")
    run(conn, VISITS_DDL.format(name=name))


COPY_VISITS = "COPY {table} FROM 's3://" + BUCKET + "/{key}' IAM_ROLE '" + ROLE + "' FORMAT AS CSV IGNOREHEADER 1 "
COPY_VISITS += "DATEFORMAT 'DD/MM/YYYY' REGION 'eu-west-1'"


def test_copy_one_course_file(conn, s3):
    fresh_table(conn, "visits_one")
    run(conn, COPY_VISITS.format(table="visits_one", key="raw/mystery_shops_2024-01.csv"))
    assert run(conn, "SELECT count(*) FROM visits_one")[0][0] == csv_rows("mystery_shops_2024-01.csv")
    first = (DATA / "mystery_shops_2024-01.csv").read_text().splitlines()[1].split(",")
    row = run(
        conn,
        f"SELECT store_id, number_of_store_employees, visit_date FROM visits_one WHERE store_id = {first[0]} "
        f"AND start_time = '{first[7]}' AND visit_date = to_date('{first[6]}', 'DD/MM/YYYY')",
    )
    assert row and row[0][1] == int(first[5].strip('"'))


def test_copy_a_prefix_loads_every_file_under_it(conn, s3):
    """The course's files hold rows the Lambda rejects (31/02/2024...): COPY records them and,
    within MAXERROR, loads the others."""
    fresh_table(conn, "visits_all")
    copy = COPY_VISITS.format(table="visits_all", key="raw/mystery_shops_2024-0")
    with pytest.raises(redshift_connector.Error, match="Load into table 'visits_all' failed"):
        run(conn, copy)
    assert run(conn, "SELECT count(*) FROM visits_all")[0][0] == 0
    run(conn, copy + " MAXERROR 1000")
    latest = "SELECT {} FROM stl_load_errors WHERE query = (SELECT max(query) FROM stl_load_errors) "
    bad = run(conn, latest.format("count(*)"))[0][0]
    assert bad > 0
    files = {row[0].strip() for row in run(conn, latest.format("DISTINCT filename"))}
    assert files <= {f"s3://{BUCKET}/raw/{path.name}" for path in DATA.glob("mystery_shops_2024-0*.csv")}
    names = [path.name for path in DATA.glob("mystery_shops_2024-0*.csv")]
    assert run(conn, "SELECT count(*) FROM visits_all")[0][0] == csv_rows(*names) - bad
    # Dates read day first: each file holds one month.
    months = run(conn, "SELECT DISTINCT extract(month FROM visit_date)::int FROM visits_all ORDER BY 1")
    assert [m[0] for m in months] == list(range(1, len(names) + 1))


def test_copy_runs_in_the_clients_transaction(redshift, conn, s3):
    fresh_table(conn, "visits_tx")
    other = redshift.connect()  # autocommit off: BEGIN is implicit
    try:
        cursor = other.cursor()
        cursor.execute(COPY_VISITS.format(table="visits_tx", key="raw/mystery_shops_2024-01.csv"))
        cursor.execute("SELECT count(*) FROM visits_tx")
        assert cursor.fetchall()[0][0] > 0
        other.rollback()
    finally:
        other.close()
    assert run(conn, "SELECT count(*) FROM visits_tx")[0][0] == 0


def test_copy_with_column_list_and_options(conn, s3):
    s3.put_object(Bucket=BUCKET, Key="misc/pipe.txt", Body=b"1|alpha||\n2|NULL| |x\n")
    run(conn, "DROP TABLE IF EXISTS opts")
    run(conn, "CREATE TABLE opts (id INT, name VARCHAR(10), note VARCHAR(10), extra VARCHAR(3))")
    run(
        conn,
        f"COPY opts (id, name, note, extra) FROM 's3://{BUCKET}/misc/pipe.txt' IAM_ROLE default "
        "DELIMITER '|' NULL AS 'NULL' CSV BLANKSASNULL",
    )
    rows = run(conn, "SELECT id, name, note, extra FROM opts ORDER BY id")
    assert [tuple(r) for r in rows] == [(1, "alpha", None, None), (2, None, None, "x")]


def test_bad_rows_are_recorded_and_fail_the_copy(conn, s3):
    body = b"id,amount,day\n1,10,01/02/2024\n2,ten,01/02/2024\n3,30,31/31/2024\n4,40,02/02/2024\n"
    s3.put_object(Bucket=BUCKET, Key="bad/rows.csv", Body=body)
    run(conn, "DROP TABLE IF EXISTS bad_rows")
    run(conn, "CREATE TABLE bad_rows (id INT, amount INT, day DATE)")
    copy = (
        f"COPY bad_rows FROM 's3://{BUCKET}/bad/rows.csv' IAM_ROLE '{ROLE}' CSV IGNOREHEADER 1 DATEFORMAT 'DD/MM/YYYY'"
    )
    with pytest.raises(redshift_connector.Error, match="Load into table 'bad_rows' failed.  Check 'stl_load_errors'"):
        run(conn, copy)
    errors = run(
        conn,
        "SELECT filename, line_number, colname, raw_field_value, err_code, err_reason, raw_line "
        "FROM stl_load_errors WHERE tbl = 'bad_rows'::regclass::oid ORDER BY query DESC, line_number",
    )
    assert len(errors) >= 2
    latest = errors[:2]
    assert [e[1] for e in latest] == [3, 4]
    assert latest[0][0].strip() == f"s3://{BUCKET}/bad/rows.csv"
    assert latest[0][2].strip() == "amount" and latest[0][3].strip() == "ten" and latest[0][4] == 1207
    assert (
        run(conn, "SELECT type FROM stl_load_errors WHERE tbl = 'bad_rows'::regclass::oid LIMIT 1")[0][0].strip()
        == "int4"
    )
    assert latest[1][2].strip() == "day" and latest[1][4] == 1205
    assert latest[0][6].strip() == "2,ten,01/02/2024"
    assert run(conn, "SELECT count(*) FROM bad_rows")[0][0] == 0  # nothing loaded
    last = run(conn, "SELECT count(*) FROM stl_load_errors WHERE query = pg_last_copy_id()")
    assert last[0][0] == 2

    failed_id = run(conn, "SELECT pg_last_copy_id()")[0][0]
    run(conn, copy + " MAXERROR 2")
    assert run(conn, "SELECT pg_last_copy_id()")[0][0] > failed_id
    assert [r[0] for r in run(conn, "SELECT id FROM bad_rows ORDER BY id")] == [1, 4]


def test_too_long_strings_and_truncatecolumns(conn, s3):
    s3.put_object(Bucket=BUCKET, Key="long/rows.csv", Body=b"1,abcdefgh\n2,ab\n")
    run(conn, "DROP TABLE IF EXISTS long_rows")
    run(conn, "CREATE TABLE long_rows (id INT, code VARCHAR(4))")
    with pytest.raises(redshift_connector.Error, match="stl_load_errors"):
        run(conn, f"COPY long_rows FROM 's3://{BUCKET}/long/rows.csv' IAM_ROLE '{ROLE}' CSV")
    err = run(conn, "SELECT err_code, col_length FROM stl_load_errors WHERE tbl = 'long_rows'::regclass::oid")
    assert err[0][0] == 1204 and err[0][1].strip() == "4"
    run(conn, f"COPY long_rows FROM 's3://{BUCKET}/long/rows.csv' IAM_ROLE '{ROLE}' CSV TRUNCATECOLUMNS")
    assert [tuple(r) for r in run(conn, "SELECT id, code FROM long_rows ORDER BY id")] == [(1, "abcd"), (2, "ab")]


def test_gzip_and_manifest(conn, s3):
    text = (DATA / "mystery_shops_2024-02.csv").read_bytes()
    s3.put_object(Bucket=BUCKET, Key="gz/feb.csv.gz", Body=gzip.compress(text))
    s3.put_object(Bucket=BUCKET, Key="gz/feb-again.csv.gz", Body=gzip.compress(text))
    fresh_table(conn, "visits_gz")
    run(conn, COPY_VISITS.format(table="visits_gz", key="gz/feb.csv.gz") + " GZIP")
    assert run(conn, "SELECT count(*) FROM visits_gz")[0][0] == csv_rows("mystery_shops_2024-02.csv")

    manifest = {
        "entries": [
            {"url": f"s3://{BUCKET}/raw/mystery_shops_2024-01.csv", "mandatory": True},
            {"url": f"s3://{BUCKET}/raw/mystery_shops_2024-03.csv", "mandatory": True},
            {"url": f"s3://{BUCKET}/raw/not-there.csv", "mandatory": False},
        ]
    }
    s3.put_object(Bucket=BUCKET, Key="manifests/two.json", Body=json.dumps(manifest).encode())
    fresh_table(conn, "visits_manifest")
    run(conn, COPY_VISITS.format(table="visits_manifest", key="manifests/two.json") + " MANIFEST MAXERROR 1000")
    expected = csv_rows("mystery_shops_2024-01.csv", "mystery_shops_2024-03.csv")
    bad = run(conn, "SELECT count(*) FROM stl_load_errors WHERE query = (SELECT max(query) FROM stl_load_errors)")[0][0]
    assert run(conn, "SELECT count(*) FROM visits_manifest")[0][0] == expected - bad

    manifest["entries"][2]["mandatory"] = True
    s3.put_object(Bucket=BUCKET, Key="manifests/missing.json", Body=json.dumps(manifest).encode())
    with pytest.raises(redshift_connector.Error, match="mandatory"):
        run(conn, COPY_VISITS.format(table="visits_manifest", key="manifests/missing.json") + " MANIFEST")


def test_missing_prefix_and_refused_options_say_why(conn, s3):
    fresh_table(conn, "visits_none")
    with pytest.raises(redshift_connector.Error, match="The specified S3 prefix 'nothing/here' does not exist"):
        run(conn, COPY_VISITS.format(table="visits_none", key="nothing/here"))
    with pytest.raises(redshift_connector.Error, match="not available on the local Redshift: COPY FORMAT PARQUET"):
        run(conn, f"COPY visits_none FROM 's3://{BUCKET}/raw/' IAM_ROLE '{ROLE}' FORMAT AS PARQUET")
    with pytest.raises(redshift_connector.Error, match="not available on the local Redshift: COPY from"):
        run(conn, f"COPY visits_none FROM 'dynamodb://visits' IAM_ROLE '{ROLE}' READRATIO 50")
    # The session is still usable afterwards.
    assert run(conn, "SELECT 1")[0][0] == 1


def test_unload_round_trip(conn, s3):
    fresh_table(conn, "visits_src")
    run(conn, COPY_VISITS.format(table="visits_src", key="raw/mystery_shops_2024-01.csv"))
    run(
        conn,
        f"UNLOAD ('SELECT * FROM visits_src WHERE store_name <> ''nowhere''') TO 's3://{BUCKET}/unload/jan_' "
        f"IAM_ROLE '{ROLE}' FORMAT CSV HEADER PARALLEL OFF MANIFEST",
    )
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix="unload/jan_")["Contents"])
    assert keys == ["unload/jan_000", "unload/jan_manifest"]
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key="unload/jan_manifest")["Body"].read())
    assert manifest["entries"][0]["url"] == f"s3://{BUCKET}/unload/jan_000"

    with pytest.raises(redshift_connector.Error, match="ALLOWOVERWRITE"):
        run(conn, f"UNLOAD ('SELECT 1') TO 's3://{BUCKET}/unload/jan_' IAM_ROLE '{ROLE}' PARALLEL OFF")

    fresh_table(conn, "visits_back")
    run(conn, f"COPY visits_back FROM 's3://{BUCKET}/unload/jan_000' IAM_ROLE '{ROLE}' CSV IGNOREHEADER 1")
    difference = run(
        conn,
        "SELECT count(*) FROM ((SELECT * FROM visits_src EXCEPT SELECT * FROM visits_back) "
        "UNION ALL (SELECT * FROM visits_back EXCEPT SELECT * FROM visits_src)) d",
    )
    assert difference[0][0] == 0
    assert run(conn, "SELECT count(*) FROM visits_back")[0][0] == run(conn, "SELECT count(*) FROM visits_src")[0][0]


def test_unload_gzip_pipe_delimited(conn, s3):
    run(conn, "DROP TABLE IF EXISTS little")
    run(conn, "CREATE TABLE little (a INT, b VARCHAR(5))")
    run(conn, "INSERT INTO little VALUES (1, 'x'), (2, NULL)")
    run(
        conn,
        f"UNLOAD ('select a, b from little order by a') TO 's3://{BUCKET}/little/' IAM_ROLE '{ROLE}' GZIP ALLOWOVERWRITE",
    )
    body = s3.get_object(Bucket=BUCKET, Key="little/0000_part_00.gz")["Body"].read()
    assert gzip.decompress(body) == b"1|x\n2|\n"


def test_translation_leaves_other_statements_alone():
    assert translate("SELECT 1", "http://127.0.0.1:1", str) is None
    assert translate("COPY t FROM STDIN", "http://127.0.0.1:1", str) is None
    both = translate(f"BEGIN; COPY t FROM 's3://b/k' IAM_ROLE '{ROLE}' CSV; COMMIT", "http://127.0.0.1:1", str.upper)
    assert both.startswith("BEGIN;CALL pg_catalog._rs_copy('t'::regclass") and both.endswith("; COMMIT")
    assert datestyle("DD/MM/YYYY") == "ISO, DMY" and datestyle("YYYY-MM-DD") == "ISO, YMD"
    assert datestyle("auto") is None


def test_a_user_who_is_not_superuser_copies_and_unloads_their_own_tables(redshift, s3):
    password = secrets.token_urlsafe(16)  # generated, as every password here is
    redshift.create_login("copy_learner", password)
    admin = redshift.admin()
    admin.cursor().execute("GRANT CREATE ON SCHEMA public TO copy_learner")
    admin.close()
    learner = redshift.connect(user="copy_learner", password=password)
    learner.autocommit = True
    try:
        run(learner, "CREATE TABLE learner_rows (id INT, amount INT)")
        s3.put_object(Bucket=BUCKET, Key="learner/rows.csv", Body=b"1,10\n2,x\n3,30\n")
        run(learner, f"COPY learner_rows FROM 's3://{BUCKET}/learner/rows.csv' IAM_ROLE default CSV MAXERROR 1")
        assert [r[0] for r in run(learner, "SELECT id FROM learner_rows ORDER BY 1")] == [1, 3]
        mine = run(learner, "SELECT DISTINCT tbl FROM stl_load_errors")
        assert [r[0] for r in mine] == [run(learner, "SELECT 'learner_rows'::regclass::oid")[0][0]]
        run(learner, f"UNLOAD ('select * from learner_rows') TO 's3://{BUCKET}/learner/out_' IAM_ROLE default")
        body = s3.get_object(Bucket=BUCKET, Key="learner/out_0000_part_00")["Body"].read()
        assert sorted(body.splitlines()) == [b"1|10", b"3|30"]
        with pytest.raises(redshift_connector.Error, match="permission denied for function pg_read_file"):
            run(
                learner,
                f"UNLOAD ('select pg_read_file(''PG_VERSION'')') TO 's3://{BUCKET}/learner/x_' IAM_ROLE default",
            )
        with pytest.raises(redshift_connector.Error, match="permission denied"):
            run(learner, f"UNLOAD ('select * from pg_authid') TO 's3://{BUCKET}/learner/y_' IAM_ROLE default")
    finally:
        learner.close()


def test_empty_fields_acceptinvchars_and_invalid_utf8(conn, s3):
    s3.put_object(Bucket=BUCKET, Key="chars/empty.csv", Body=b'1,,""\n')
    s3.put_object(Bucket=BUCKET, Key="chars/latin1.csv", Body=b"1,caf\xe9\n2,tea\n")
    run(conn, "DROP TABLE IF EXISTS chars")
    run(conn, "CREATE TABLE chars (id INT, a VARCHAR(10), b VARCHAR(10))")
    run(conn, f"COPY chars FROM 's3://{BUCKET}/chars/empty.csv' IAM_ROLE default CSV")
    run(conn, f"COPY chars FROM 's3://{BUCKET}/chars/empty.csv' IAM_ROLE default CSV EMPTYASNULL")
    assert [tuple(r) for r in run(conn, "SELECT a, b FROM chars ORDER BY a NULLS LAST")] == [("", ""), (None, None)]

    run(conn, "DROP TABLE IF EXISTS words")
    run(conn, "CREATE TABLE words (id INT, word VARCHAR(10))")
    with pytest.raises(redshift_connector.Error, match="stl_load_errors"):
        run(conn, f"COPY words FROM 's3://{BUCKET}/chars/latin1.csv' IAM_ROLE default CSV")
    assert run(conn, "SELECT count(*) FROM words")[0][0] == 0
    run(conn, f"COPY words FROM 's3://{BUCKET}/chars/latin1.csv' IAM_ROLE default CSV ACCEPTINVCHARS AS '^'")
    assert [tuple(r) for r in run(conn, "SELECT id, word FROM words ORDER BY id")] == [(1, "caf^"), (2, "tea")]
