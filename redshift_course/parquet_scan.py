"""Columnar storage on a real columnar format: the visits as Parquet, and the bytes a read really takes.

Notebook 02 models row and column layouts (`columnar.py`); this module measures the same ideas on
Parquet files written by pyarrow: how many bytes a one-column read pulls from the file (counted as
they are read), the encodings and compression Parquet used per column, and the min/max statistics
of each row group, which let a reader skip groups as Redshift's zone maps skip blocks. Byte counts,
never seconds: the figures are the same on every machine with the same pyarrow.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

Result = TypeVar("Result")


def visits_as_arrow(visits: pd.DataFrame) -> pa.Table:
    """The visits as an Arrow table, visit_date as a DATE (days), as in the warehouse table."""
    table = pa.Table.from_pandas(visits, preserve_index=False)
    if "visit_date" in table.column_names:
        position = table.schema.get_field_index("visit_date")
        table = table.set_column(position, "visit_date", table["visit_date"].cast(pa.date32()))
    return table.replace_schema_metadata(None)  # no pandas metadata: the file holds only the data


def write_parquet(visits: pd.DataFrame, path: Path, row_group_rows: int, compression: str = "zstd") -> Path:
    """Write the visits as one Parquet file of row groups of ``row_group_rows`` rows each."""
    pq.write_table(visits_as_arrow(visits), path, row_group_size=row_group_rows, compression=compression)
    return path


def write_csv(visits: pd.DataFrame, path: Path) -> Path:
    """Write the visits as CSV with a header line, dates as yyyy-mm-dd."""
    visits.to_csv(path, index=False, date_format="%Y-%m-%d")
    return path


class CountingReader(io.RawIOBase):
    """A read-only file that counts the bytes handed to whoever reads it, and the read calls."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        self.bytes_read = 0
        self.reads = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        self.bytes_read += count or 0
        self.reads += 1
        return count

    def read(self, size: int = -1) -> bytes:  # pyarrow calls read() directly, not through readinto
        data = self._raw.read(size)
        self.bytes_read += len(data)
        self.reads += 1
        return data


def counted_read(path: Path, read: Callable[[CountingReader], Result]) -> tuple[Result, int]:
    """Run ``read`` on the file at ``path`` and return its result and the bytes it read from the file."""
    with open(path, "rb") as raw:
        reader = CountingReader(raw)
        result = read(reader)
        return result, reader.bytes_read


def column_chunks(path: Path) -> pd.DataFrame:
    """Per column, summed over the row groups: Parquet's type, encodings, codec, bytes on disk and before
    compression (the column chunks' sizes in the file's footer)."""
    metadata = pq.ParquetFile(path).metadata
    rows: dict[str, dict[str, Any]] = {}
    for group in range(metadata.num_row_groups):
        for index in range(metadata.num_columns):
            chunk = metadata.row_group(group).column(index)
            row = rows.setdefault(
                chunk.path_in_schema,
                {
                    "type": chunk.physical_type,
                    "encodings": set(),
                    "compression": chunk.compression,
                    "bytes in file": 0,
                    "bytes uncompressed": 0,
                },
            )
            row["encodings"].update(chunk.encodings)
            row["bytes in file"] += chunk.total_compressed_size
            row["bytes uncompressed"] += chunk.total_uncompressed_size
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("column")
    table["encodings"] = table["encodings"].map(lambda names: ", ".join(sorted(names)))
    return table


def row_group_ranges(path: Path, column: str) -> pd.DataFrame:
    """Rows, min and max of ``column`` in each row group: the statistics in the file's footer."""
    metadata = pq.ParquetFile(path).metadata
    index = metadata.schema.names.index(column)
    rows = []
    for group in range(metadata.num_row_groups):
        chunk = metadata.row_group(group)
        statistics = chunk.column(index).statistics
        rows.append({"rows": chunk.num_rows, "min": statistics.min, "max": statistics.max})
    return pd.DataFrame(rows).rename_axis("row group")


def row_groups_pyarrow_reads(path: Path, column: str, low, high) -> list[int]:
    """The row groups pyarrow's own reader keeps for ``low <= column <= high`` (it skips the rest by
    their statistics): a check on the notebook's hand-written skipping."""
    wanted = (ds.field(column) >= low) & (ds.field(column) <= high)
    (fragment,) = ds.dataset(path, format="parquet").get_fragments()
    return [group.id for piece in fragment.split_by_row_group(wanted) for group in piece.row_groups]
