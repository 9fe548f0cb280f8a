"""Unit tests for notebook 02's Parquet measurements (redshift_course/parquet_scan.py)."""

from __future__ import annotations

import datetime
import io

import pandas as pd
import pyarrow.parquet as pq
import pytest

from redshift_course import columnar, parquet_scan


@pytest.fixture(scope="module")
def visits() -> pd.DataFrame:
    return columnar.measurement_visits(300, months=("2024-02", "2024-03"))


@pytest.fixture
def parquet_file(tmp_path, visits):
    return parquet_scan.write_parquet(visits, tmp_path / "visits.parquet", row_group_rows=100)


def test_the_parquet_file_holds_the_visits_with_real_dates(parquet_file, visits):
    table = pq.read_table(parquet_file)
    assert table.num_rows == len(visits)
    assert table.column_names == list(visits.columns)
    assert str(table.schema.field("visit_date").type) == "date32[day]"
    assert table.schema.metadata is None  # no pandas metadata in the file
    assert pq.ParquetFile(parquet_file).metadata.num_row_groups == 6


def test_the_csv_round_trips(tmp_path, visits):
    path = parquet_scan.write_csv(visits, tmp_path / "visits.csv")
    back = pd.read_csv(path, parse_dates=["visit_date"])
    assert back["overall_score"].tolist() == visits["overall_score"].tolist()
    assert path.read_text().splitlines()[1].count(",") == len(visits.columns) - 1


def test_counting_reader_counts_every_byte_read():
    reader = parquet_scan.CountingReader(io.BytesIO(b"0123456789"))
    assert reader.read(4) == b"0123"
    buffer = bytearray(3)
    assert reader.readinto(buffer) == 3 and bytes(buffer) == b"456"
    reader.seek(0)
    assert reader.read() == b"0123456789"
    assert (reader.bytes_read, reader.reads) == (17, 3)


def test_one_column_from_parquet_reads_a_fraction_of_the_csv(tmp_path, visits, parquet_file):
    csv_file = parquet_scan.write_csv(visits, tmp_path / "visits.csv")
    scores, csv_bytes = parquet_scan.counted_read(csv_file, lambda f: pd.read_csv(f, usecols=["overall_score"]))
    table, parquet_bytes = parquet_scan.counted_read(
        parquet_file, lambda f: pq.read_table(f, columns=["overall_score"])
    )
    assert csv_bytes == csv_file.stat().st_size  # a CSV reader reads every line to find one field
    assert table.column("overall_score").to_pylist() == scores["overall_score"].tolist()
    chunk_bytes = parquet_scan.column_chunks(parquet_file).loc["overall_score", "bytes in file"]
    assert chunk_bytes <= parquet_bytes < parquet_file.stat().st_size + 64 * 1024


def test_column_chunks_sum_the_row_groups(parquet_file, visits):
    chunks = parquet_scan.column_chunks(parquet_file)
    assert list(chunks.index) == list(visits.columns)
    metadata = pq.ParquetFile(parquet_file).metadata
    first = sum(metadata.row_group(group).column(0).total_compressed_size for group in range(metadata.num_row_groups))
    assert chunks.loc["visit_id", "bytes in file"] == first
    assert set(chunks["compression"]) == {"ZSTD"}
    assert chunks.loc["visit_date", "type"] == "INT32"
    assert "RLE_DICTIONARY" in chunks.loc["store_type", "encodings"]


def test_row_group_ranges_and_pyarrow_skip_the_same_groups(tmp_path, visits):
    ordered = visits.sort_values("visit_date", kind="stable")
    path = parquet_scan.write_parquet(ordered, tmp_path / "sorted.parquet", row_group_rows=100)
    ranges = parquet_scan.row_group_ranges(path, "visit_date")
    assert ranges["rows"].sum() == len(visits)
    assert ranges["min"].is_monotonic_increasing and (ranges["min"] <= ranges["max"]).all()
    low, high = datetime.date(2024, 3, 11), datetime.date(2024, 3, 17)
    by_hand = [group for group, zone in ranges.iterrows() if zone["max"] >= low and zone["min"] <= high]
    assert by_hand == parquet_scan.row_groups_pyarrow_reads(path, "visit_date", low, high)
    assert 0 < len(by_hand) < len(ranges)
    assert (
        parquet_scan.row_groups_pyarrow_reads(path, "visit_date", datetime.date(2025, 1, 1), datetime.date(2025, 1, 2))
        == []
    )
