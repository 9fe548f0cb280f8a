"""Row versus column storage, measured: bytes read, compression per column, zone maps.

Everything here counts bytes and blocks, never seconds, so a notebook that uses it prints the same
figures on every machine. The encodings are small, readable stand-ins for what Redshift does
(run-length, dictionary, general-purpose compressors); they are not Redshift's own code.
"""

from __future__ import annotations

import io
import lzma
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .handout_code import data_generator, transform_utils

# The warehouse table's columns, in the Lambda's order (the file's, less the shopper's name).
VISIT_COLUMNS = transform_utils.Visit._fields

# Redshift's own column encodings and when each one pays off (Redshift Database Developer Guide,
# "Compression encodings"). ENCODE AUTO, the default for new tables, picks among them for you.
REDSHIFT_ENCODINGS = {
    "RAW": "no compression; Redshift's default for sort-key columns of tables without ENCODE AUTO",
    "AZ64": "Amazon's numeric codec for integers, decimals, dates and timestamps",
    "ZSTD": "general-purpose, good on any type, especially varied text",
    "BYTEDICT": "a dictionary of up to 256 distinct values, one byte per value",
    "RUNLENGTH": "a value and how many times it repeats; great on sorted, low-cardinality columns",
    "DELTA": "differences between neighbouring values; good on steadily increasing numbers",
    "LZO": "older general-purpose codec, still the default for some text columns",
}


# --- layouts --------------------------------------------------------------------------------------
def _text_values(column: pd.Series) -> list[str]:
    """One column as the text each value is written as (dates as yyyy-mm-dd, blanks as '')."""
    if pd.api.types.is_datetime64_any_dtype(column):
        text = column.dt.strftime("%Y-%m-%d")
    else:
        text = column.astype(str)
    return text.where(column.notna(), "").tolist()


def row_layout(table: pd.DataFrame) -> bytes:
    """The table stored row after row: every field of a visit sits next to the others (like a CSV)."""
    columns = [_text_values(table[name]) for name in table.columns]
    lines = map(",".join, zip(*columns))
    return ("\n".join(lines) + "\n").encode("utf-8")


def column_layout(table: pd.DataFrame) -> dict[str, bytes]:
    """The same values stored column by column: one byte string per column, one value per line.

    Each value is written exactly as in :func:`row_layout`, so the two layouts hold the same bytes
    of data and differ only in where those bytes sit.
    """
    return {name: ("\n".join(_text_values(table[name])) + "\n").encode("utf-8") for name in table.columns}


def bytes_read(table: pd.DataFrame, columns: Iterable[str]) -> dict[str, int]:
    """Bytes a scan must read to answer a query that uses ``columns``, in each layout.

    In the row layout the wanted values are interleaved with all the others, so the whole table is
    read. In the column layout only the wanted columns' bytes are read.
    """
    wanted = list(columns)
    missing = [name for name in wanted if name not in table.columns]
    if missing:
        raise KeyError(f"Columns not in the table: {missing}; it has {list(table.columns)}")
    by_column = column_layout(table)
    return {
        "row layout": len(row_layout(table)),
        "column layout": sum(len(by_column[name]) for name in wanted),
    }


# --- encodings ------------------------------------------------------------------------------------
def run_length_size(values: Sequence, value_bytes: Callable[[object], int] | None = None) -> int:
    """Bytes of a run-length encoding: each run stored once as (value, 4-byte repeat count)."""
    value_bytes = value_bytes or (lambda v: len(str(v).encode("utf-8")))
    size = 0
    previous = object()
    for value in values:
        if value != previous:
            size += value_bytes(value) + 4
            previous = value
    return size


def dictionary_size(values: Sequence) -> int:
    """Bytes of a dictionary encoding: the distinct values once, then a small index per value.

    The index is 1 byte for up to 256 distinct values (Redshift's BYTEDICT limit), else 2 or 4.
    """
    distinct = set(values)
    index_bytes = 1 if len(distinct) <= 256 else 2 if len(distinct) <= 65536 else 4
    dictionary = sum(len(str(v).encode("utf-8")) + 1 for v in distinct)
    return dictionary + index_bytes * len(values)


def encoded_sizes(column: pd.Series) -> dict[str, int]:
    """One column's size in bytes, raw and under each encoding the notebook compares."""
    values = _text_values(column)
    raw = ("\n".join(values) + "\n").encode("utf-8")
    return {
        "raw": len(raw),
        "zlib": len(zlib.compress(raw, 6)),
        "lzma": len(lzma.compress(raw, preset=6)),
        "run-length": run_length_size(values),
        "dictionary": dictionary_size(values),
    }


def compression_table(table: pd.DataFrame) -> pd.DataFrame:
    """Bytes per column and encoding, plus distinct values and the best encoding for each column."""
    rows = []
    for name in table.columns:
        sizes = encoded_sizes(table[name])
        best = min((k for k in sizes if k != "raw"), key=sizes.__getitem__)
        rows.append({"column": name, "distinct": int(table[name].nunique(dropna=False)), **sizes, "best": best})
    return pd.DataFrame(rows).set_index("column")


def whole_table_vs_per_column(table: pd.DataFrame) -> dict[str, int]:
    """zlib on the row layout as one stream, against zlib on each column separately (summed)."""
    per_column = sum(len(zlib.compress(data, 6)) for data in column_layout(table).values())
    rows = row_layout(table)
    return {
        "raw": len(rows),
        "rows compressed together": len(zlib.compress(rows, 6)),
        "each column compressed alone": per_column,
    }


# --- zone maps ------------------------------------------------------------------------------------
def rows_per_block(block_bytes: int, value_bytes: int) -> int:
    """How many fixed-width values of one column fit in one block."""
    if block_bytes <= 0 or value_bytes <= 0:
        raise ValueError("block_bytes and value_bytes must be positive")
    return max(1, block_bytes // value_bytes)


def zone_map(column: pd.Series, block_rows: int) -> pd.DataFrame:
    """Min and max of each block of ``block_rows`` consecutive values: what Redshift keeps per 1 MB block."""
    if block_rows <= 0:
        raise ValueError("block_rows must be positive")
    values = column.reset_index(drop=True)
    blocks = values.groupby(np.arange(len(values)) // block_rows)
    return pd.DataFrame({"rows": blocks.size(), "min": blocks.min(), "max": blocks.max()}).rename_axis("block")


def blocks_to_scan(zones: pd.DataFrame, low, high) -> int:
    """Blocks whose [min, max] overlaps [low, high]; every other block is skipped unread."""
    overlaps = (zones["max"] >= low) & (zones["min"] <= high)
    return int(overlaps.sum())


def block_scan_report(layouts: Mapping[str, pd.DataFrame], column: str, low, high, block_rows: int) -> pd.DataFrame:
    """Blocks scanned for ``low <= column <= high`` in each named row order of the same table."""
    rows = []
    for label, ordered in layouts.items():
        zones = zone_map(ordered[column], block_rows)
        matching = int(((ordered[column] >= low) & (ordered[column] <= high)).sum())
        rows.append(
            {
                "row order": label,
                "blocks": len(zones),
                "blocks scanned": blocks_to_scan(zones, low, high),
                "matching rows": matching,
            }
        )
    report = pd.DataFrame(rows).set_index("row order")
    report["share scanned"] = (report["blocks scanned"] / report["blocks"]).round(3)
    return report


def shuffled(table: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """Rows in a reproducible random order: the 'files arrived in any order' case."""
    return table.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def describe_bytes(sizes: Mapping[str, int]) -> str:
    """'name: 1,234,567 bytes' lines, aligned, for printing."""
    width = max(len(name) for name in sizes)
    return "\n".join(f"{name:<{width}} : {size:>12,} bytes" for name, size in sizes.items())


# --- the table we measure -------------------------------------------------------------------------
MEASURE_MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06")


def parse_visits(csv_text: str) -> pd.DataFrame:
    """The academy's CSV as the warehouse table's columns: snake_case, real dates, no shopper name.

    ``visit_id`` here simply numbers the rows in file order: small, distinct integers are all a
    storage measurement needs (the Lambda's visit_id is a hash of store, shopper, date and start).
    """
    raw = pd.read_csv(io.StringIO(csv_text), dtype={"StartTime": str, "EndTime": str})
    table = raw.rename(columns=transform_utils.TABLE_COLUMN_FOR)
    table["visit_date"] = pd.to_datetime(table["visit_date"], format="%d/%m/%Y")
    table.insert(0, "visit_id", range(1, len(table) + 1))
    return table[list(VISIT_COLUMNS)]


def measurement_visits(rows_per_month: int, months: Sequence[str] = MEASURE_MONTHS) -> pd.DataFrame:
    """Clean visits from the course's seeded generator, one month after another, as monthly files load.

    The same arguments give the same table, byte for byte, on every machine.
    """
    generator = data_generator()
    lines = [generator.HEADER]
    for month in months:
        lines.extend(generator.benchmark_lines(rows_per_month, month))
    return parse_visits("\n".join(lines) + "\n")
