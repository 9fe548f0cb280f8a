"""Timing ways of loading rows into Redshift side by side (notebook 06): a scratch table, rows/s, a chart.

The notebook writes the ways themselves (an INSERT per row, batched INSERTs, COPY from S3); this
module gives them a scratch table to fill, times each one, checks that every row arrived, and draws
the rates. Timings vary from run to run and machine to machine (tests/nbval_sanitize.cfg hides the
figures from nbval); the row counts and the check do not.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

# A table of its own, so that the measurement never touches the pipeline's mystery_shop_visit.
SCRATCH_TABLE = "load_comparison"
SCRATCH_COLUMNS = (
    "visit_id BIGINT, store_id INTEGER, mystery_shopper_id INTEGER, store_type VARCHAR(30), "
    "store_name VARCHAR(100), number_of_store_employees INTEGER, visit_date DATE, start_time TIME, "
    "end_time TIME, overall_score SMALLINT"
)
# The COPY's input in the team's bucket. The pipeline's Lambda ignores keys under staging/ and keys
# that do not end in .csv (S3's notification filter asks for the suffix): this key is both.
SCRATCH_KEY = "staging/notebook-06/load_comparison.txt"

# Times of day, held as "HH:MM" text by the generator's table: as datetime.time they go out as
# HH:MM:SS, which Redshift's COPY reads into TIME by default (as the Lambda's staged rows do).
TIME_COLUMNS = ("start_time", "end_time")

Row = tuple[Any, ...]
LoadWay = Callable[[Sequence[Row]], None]


def as_rows(visits: pd.DataFrame) -> list[Row]:
    """The visits as plain Python tuples (ints, strings, dates, times), ready for INSERT parameters or CSV."""
    frame = visits.copy()
    for name in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[name]):
            frame[name] = frame[name].dt.date
        elif name in TIME_COLUMNS:
            frame[name] = frame[name].map(datetime.time.fromisoformat)
    return [tuple(_plain(value) for value in row) for row in frame.itertuples(index=False, name=None)]


def _plain(value: Any) -> Any:
    """numpy scalars become Python ones: redshift_connector sends only types it knows."""
    if isinstance(value, datetime.date | datetime.time | str) or value is None:
        return value
    return value.item() if hasattr(value, "item") else value


def create_scratch_table(connection) -> None:
    """A fresh, empty scratch table (dropped first if an earlier run left one)."""
    cursor = connection.cursor()
    cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH_TABLE}")
    cursor.execute(f"CREATE TABLE {SCRATCH_TABLE} ({SCRATCH_COLUMNS})")
    connection.commit()


def drop_scratch(connection, s3, bucket: str) -> str:
    """Remove the scratch table and the scratch object, so that re-runs start from the same place."""
    cursor = connection.cursor()
    cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH_TABLE}")
    connection.commit()
    s3.delete_object(Bucket=bucket, Key=SCRATCH_KEY)  # no error when it is already gone
    return f"dropped {SCRATCH_TABLE}; deleted s3://{bucket}/{SCRATCH_KEY}"


def _scratch_rows(connection) -> int:
    cursor = connection.cursor()
    cursor.execute(f"SELECT COUNT(*) FROM {SCRATCH_TABLE}")
    return int(cursor.fetchone()[0])


def measure(connection, ways: Mapping[str, tuple[LoadWay, Sequence[Row]]]) -> pd.DataFrame:
    """Run each way on its rows into the emptied scratch table; print a line per way as it finishes.

    Returns rows, seconds, rows per second, and each way's rate as a multiple of the first way's.
    """
    results = []
    for label, (load, rows) in ways.items():
        connection.cursor().execute(f"TRUNCATE {SCRATCH_TABLE}")
        connection.commit()
        print(f"{label:<34} {len(rows):>8,} rows", end="", flush=True)
        started = time.perf_counter()
        load(rows)
        seconds = time.perf_counter() - started
        arrived = _scratch_rows(connection)
        if arrived != len(rows):
            raise RuntimeError(f"{label}: {arrived:,} rows in {SCRATCH_TABLE}, expected {len(rows):,}")
        print(f" in {seconds:.2f} s = {len(rows) / seconds:>10,.0f} rows/s")
        results.append({"way": label, "rows": len(rows), "seconds": seconds, "rows/s": len(rows) / seconds})
    table = pd.DataFrame(results).set_index("way")
    table["x first way"] = table["rows/s"] / table["rows/s"].iloc[0]
    return table


def describe_ratios(results: pd.DataFrame) -> str:
    """'<way>: 12× the rate of <first way>' for every way after the first."""
    first = results.index[0]
    return "\n".join(
        f"{way}: {ratio:,.0f}× the rate of {first}" for way, ratio in results["x first way"].iloc[1:].items()
    )


def plot_rates(results: pd.DataFrame, title: str):
    """Horizontal bars of rows per second on a log scale, each labelled with its rate."""
    fig, ax = plt.subplots(figsize=(10, 4))
    rates = results["rows/s"]
    ax.barh(rates.index, rates.to_numpy(), color=["#e15759", "#f28e2b", "#59a14f"][: len(rates)])
    ax.set_xscale("log")
    ax.set_xlim(rates.min() / 3, rates.max() * 8)  # room for the labels right of the bars
    for position, rate in enumerate(rates):
        ax.text(rate * 1.15, position, f"{rate:,.0f} rows/s", va="center", fontsize=12)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=15)
    ax.set_xlabel("rows loaded per second (log scale)", fontsize=13)
    ax.tick_params(labelsize=12)
    fig.tight_layout()
    return ax
