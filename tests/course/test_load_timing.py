"""Unit tests for notebook 06's load timing helpers (redshift_course/load_timing.py), with a fake database."""

from __future__ import annotations

import datetime

import matplotlib

matplotlib.use("Agg")

import pytest

from redshift_course import columnar, load_timing
from redshift_course.handout_code import s3_utils


class FakeConnection:
    """Just enough of a DB-API connection: TRUNCATE, COUNT(*), DROP/CREATE are recorded or answered."""

    def __init__(self) -> None:
        self.rows: list = []
        self.statements: list[str] = []
        self.commits = 0

    def cursor(self):
        return self

    def execute(self, sql: str, params=None) -> None:
        self.statements.append(sql)
        if sql.startswith("TRUNCATE"):
            self.rows.clear()

    def fetchone(self):
        return (len(self.rows),)

    def commit(self) -> None:
        self.commits += 1


class FakeS3:
    def __init__(self) -> None:
        self.deleted: list[tuple[str, str]] = []

    def delete_object(self, Bucket: str, Key: str) -> None:
        self.deleted.append((Bucket, Key))


def test_as_rows_gives_plain_python_values():
    rows = load_timing.as_rows(columnar.measurement_visits(5, months=("2024-03",)))
    assert len(rows) == 5 and len(rows[0]) == len(columnar.VISIT_COLUMNS)
    first = rows[0]
    assert type(first[0]) is int and type(first[-1]) is int
    assert type(first[columnar.VISIT_COLUMNS.index("visit_date")]) is datetime.date
    assert isinstance(first[columnar.VISIT_COLUMNS.index("store_name")], str)
    assert type(first[columnar.VISIT_COLUMNS.index("start_time")]) is datetime.time


def test_the_scratch_object_cannot_trigger_the_pipeline():
    key = load_timing.SCRATCH_KEY
    assert not key.endswith(s3_utils.UPLOAD_SUFFIX)  # S3's notification filter and the handler both skip it
    assert key.startswith("staging/")
    assert not key.startswith(s3_utils.REJECTED_PREFIX)


def test_measure_times_each_way_and_checks_the_rows(capsys):
    connection = FakeConnection()

    def slow(rows):
        connection.rows.extend(rows)

    ways = {"first": (slow, list(range(10))), "second": (slow, list(range(40)))}
    results = load_timing.measure(connection, ways)
    assert list(results.index) == ["first", "second"]
    assert results["rows"].tolist() == [10, 40]
    assert (results["rows/s"] > 0).all()
    assert results.loc["first", "x first way"] == 1
    assert connection.statements.count(f"TRUNCATE {load_timing.SCRATCH_TABLE}") == 2
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("first") and "rows/s" in printed[0]
    assert load_timing.describe_ratios(results).endswith("× the rate of first")


def test_measure_fails_when_rows_go_missing():
    connection = FakeConnection()
    with pytest.raises(RuntimeError, match="expected 3"):
        load_timing.measure(connection, {"lossy": (lambda rows: connection.rows.extend(rows[:2]), [1, 2, 3])})


def test_drop_scratch_drops_the_table_and_deletes_the_object():
    connection, s3 = FakeConnection(), FakeS3()
    message = load_timing.drop_scratch(connection, s3, "bucket")
    assert connection.statements == [f"DROP TABLE IF EXISTS {load_timing.SCRATCH_TABLE}"]
    assert s3.deleted == [("bucket", load_timing.SCRATCH_KEY)]
    assert load_timing.SCRATCH_KEY in message


def test_create_scratch_table_starts_empty():
    connection = FakeConnection()
    load_timing.create_scratch_table(connection)
    assert connection.statements[0] == f"DROP TABLE IF EXISTS {load_timing.SCRATCH_TABLE}"
    assert connection.statements[1].startswith(f"CREATE TABLE {load_timing.SCRATCH_TABLE} (")
    assert connection.commits == 1


def test_plot_rates_is_labelled_and_logarithmic():
    import pandas as pd

    results = pd.DataFrame({"rows/s": [900.0, 10_000.0, 50_000.0]}, index=["a", "b", "c"])
    ax = load_timing.plot_rates(results, "Three ways")
    assert ax.get_title() == "Three ways"
    assert ax.get_xscale() == "log" and "rows" in ax.get_xlabel()
    assert [text.get_text() for text in ax.texts] == ["900 rows/s", "10,000 rows/s", "50,000 rows/s"]
