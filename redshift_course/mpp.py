"""Massively parallel processing, simulated: rows spread over slices, skew, and a leader that merges.

A small model of what a Redshift cluster does with a table, so a notebook can show it on the
course's own data without a cluster: each compute node has slices, each slice holds some rows,
each slice computes a partial answer, and the leader node merges the partials. The hash is CRC-32
of the value's text, so the same value always lands on the same slice (Python's ``hash`` is salted
per process and would not be reproducible).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import pandas as pd

STYLES = ("AUTO", "EVEN", "KEY", "ALL")
# Below this many rows AUTO keeps a full copy on every node, as Redshift does for small tables.
AUTO_ALL_MAX_ROWS = 10_000


@dataclass(frozen=True)
class Cluster:
    """A cluster shape: ``nodes`` compute nodes with ``slices_per_node`` slices each."""

    nodes: int = 2
    slices_per_node: int = 2

    def __post_init__(self) -> None:
        if self.nodes < 1 or self.slices_per_node < 1:
            raise ValueError("A cluster needs at least one node with at least one slice.")

    @property
    def slices(self) -> int:
        return self.nodes * self.slices_per_node

    def node_of(self, slice_id: int) -> int:
        return slice_id // self.slices_per_node

    def label(self, slice_id: int) -> str:
        return f"node {self.node_of(slice_id)} / slice {slice_id}"

    def labels(self) -> list[str]:
        return [self.label(s) for s in range(self.slices)]


def stable_hash(value: object) -> int:
    """A hash that is the same in every process and on every machine."""
    return zlib.crc32(str(value).encode("utf-8"))


def resolve_style(style: str, rows: int, key: str | None) -> str:
    """What AUTO becomes for a table of ``rows`` rows: ALL while small, then KEY if a key is known, else EVEN."""
    style = style.upper()
    if style not in STYLES:
        raise ValueError(f"Unknown distribution style {style!r}: choose one of {', '.join(STYLES)}.")
    if style != "AUTO":
        return style
    if rows <= AUTO_ALL_MAX_ROWS:
        return "ALL"
    return "KEY" if key else "EVEN"


def distribute(table: pd.DataFrame, cluster: Cluster, style: str, key: str | None = None) -> pd.DataFrame:
    """The table's rows with a ``slice`` column saying where each copy of a row is stored.

    EVEN deals rows out in turn; KEY sends equal key values to the same slice; ALL stores a full
    copy on the first slice of every node (so the result has ``nodes`` times the rows).
    """
    chosen = resolve_style(style, len(table), key)
    if chosen == "KEY":
        if key is None or key not in table.columns:
            raise ValueError(f"DISTSTYLE KEY needs a key column of the table; got {key!r}.")
        slices = table[key].map(lambda v: stable_hash(v) % cluster.slices)
        return table.assign(slice=slices.to_numpy())
    if chosen == "EVEN":
        return table.assign(slice=[i % cluster.slices for i in range(len(table))])
    copies = [table.assign(slice=node * cluster.slices_per_node) for node in range(cluster.nodes)]
    return pd.concat(copies, ignore_index=True)


def rows_per_slice(distributed: pd.DataFrame, cluster: Cluster) -> pd.Series:
    """Rows stored on each slice, empty slices included, labelled 'node n / slice s'."""
    counts = distributed["slice"].value_counts().reindex(range(cluster.slices), fill_value=0).sort_index()
    counts.index = [cluster.label(s) for s in counts.index]
    counts.name = "rows"
    return counts


def skew_rows(counts: pd.Series) -> float:
    """Rows on the fullest slice divided by rows on the emptiest (Redshift's SVV_TABLE_INFO.skew_rows).

    1.0 is perfectly even; an empty slice makes it infinite.
    """
    smallest = int(counts.min())
    return float("inf") if smallest == 0 else round(float(counts.max()) / smallest, 2)


def partial_aggregates(distributed: pd.DataFrame, by: str, value: str) -> pd.DataFrame:
    """What each slice computes alone: the sum and count of ``value`` per ``by`` on its own rows."""
    partial = distributed.groupby(["slice", by])[value].agg(["sum", "count"]).reset_index()
    return partial.sort_values(["slice", by], kind="stable").reset_index(drop=True)


def leader_merge(partials: pd.DataFrame, by: str) -> pd.DataFrame:
    """The leader's step: add the slices' sums and counts, then divide once to get each average.

    Averaging the slices' averages would be wrong when slices hold different numbers of rows; sums
    and counts merge exactly.
    """
    merged = partials.groupby(by)[["sum", "count"]].sum()
    merged["average"] = (merged["sum"] / merged["count"]).round(3)
    return merged


def join_step(outer: tuple[str, str | None], inner: tuple[str, str | None], join_key: str) -> str:
    """The Redshift EXPLAIN label for how a join gets matching rows onto the same slice.

    ``outer`` and ``inner`` are (style, distkey) of each table. Redshift may choose to broadcast
    instead of redistribute when the inner table is small; this returns the redistribution label.
    """
    outer_style, outer_key = outer[0].upper(), outer[1]
    inner_style, inner_key = inner[0].upper(), inner[1]
    if inner_style == "ALL":
        return "DS_DIST_ALL_NONE"
    outer_ok = outer_style == "KEY" and outer_key == join_key
    inner_ok = inner_style == "KEY" and inner_key == join_key
    if outer_ok and inner_ok:
        return "DS_DIST_NONE"
    if outer_ok:
        return "DS_DIST_INNER"
    if inner_ok:
        return "DS_DIST_OUTER"
    return "DS_DIST_BOTH"
