# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: slideshow,tags,-all
#     notebook_metadata_filter: kernelspec,jupytext,rise
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
#   rise:
#     scroll: true
#     theme: simple
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # AWS 07 – Introduction to Amazon Redshift
# ## 02 · Columnar storage, measured
#
# About 7 minutes, plus an optional deep dive at the end. Redshift is a *column-oriented* database.
# Instead of taking that on trust, we store 200,000 mystery-shop visits both ways and **count the
# bytes**: first in a simple model, then in Parquet, a real columnar file format.

# %% slideshow={"slide_type": "skip"}
from redshift_course import CourseSettings

settings = CourseSettings.from_env()  # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Columnar data storage
#
# - The data is still represented with rows and columns as normal
# - However, the data is physically stored **by column**, instead of by row
# - Because the data stored together is the same type, you can achieve **better compression**
# - The number of I/O operations decreases
# - So you can query and analyse similar types of data far quicker than with row storage
#
# Five claims. This notebook checks every one of them on our own data.

# %% slideshow={"slide_type": "subslide"}
import matplotlib.pyplot as plt

from redshift_course import diagrams

diagrams.row_vs_column()
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Column-oriented means the data is stored by column rather than by row. It is
# faster to query a subset of columns, and usually less efficient at inserting data. Point at the
# picture: a query about scores only needs the red cells — in the row store they are scattered
# between everything else, in the column store they sit together.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Our table: 200,000 visits
#
# The course's seeded generator (`handouts/data/generate_mystery_shops.py`, the one that wrote the
# handout files) makes as many clean visits as we like, the same on every machine: about 33,000 a
# month for January to June 2024, month after month, with the columns of `mystery_shop_visit`.

# %% slideshow={"slide_type": "subslide"}
import pandas as pd

from redshift_course import columnar

visits = columnar.measurement_visits(rows_per_month=33_334)
print(f"{len(visits):,} visits, {visits.shape[1]} columns")
visits.head()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The model: two layouts of the same bytes
#
# We write every value as text, with one separator byte after it, in both layouts:
#
# - **row layout** — one file, a line per visit, values side by side (exactly like the CSV);
# - **column layout** — ten files, one per column, a value per line.

# %% slideshow={"slide_type": "subslide"}
by_row = columnar.row_layout(visits)
by_column = columnar.column_layout(visits)

sizes = pd.Series({name: len(data) for name, data in by_column.items()}, name="bytes")
print(sizes.to_string())
print(f"\ncolumn layout, all ten files: {sizes.sum():>12,} bytes")
print(f"row layout, one file:         {len(by_row):>12,} bytes")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Same values, same size: only **where** each byte sits differs.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A one-column query
#
# ```sql
# SELECT AVG(overall_score) FROM mystery_shop_visit;
# ```
#
# In the row layout the scores are spread through the whole file, one every ~68 bytes, so a scan
# reads **everything**. In the column layout it reads one file.

# %% slideshow={"slide_type": "subslide"}
read = columnar.bytes_read(visits, ["overall_score"])
print(columnar.describe_bytes(read))
print(f"the column layout reads {read['row layout'] / read['column layout']:.0f}× fewer bytes")

scores = [int(v) for v in by_column["overall_score"].split()]
print(f"\nAVG(overall_score) from the column file alone = {sum(scores) / len(scores):.4f}")
print(f"the same from the whole table                 = {visits['overall_score'].mean():.4f}")

# %% slideshow={"slide_type": "subslide"}
queries = {
    "AVG(overall_score)": ["overall_score"],
    "AVG score per store_type": ["store_type", "overall_score"],
    "visits per store per month": ["store_id", "visit_date"],
    "SELECT * (every column)": list(visits.columns),
}
megabytes = pd.DataFrame({q: columnar.bytes_read(visits, cols) for q, cols in queries.items()}).T / 1e6
ax = megabytes.plot.barh(figsize=(10, 5), fontsize=12, color=["#e15759", "#4e79a7"])
ax.set_title("Bytes a scan reads, by layout (model)", fontsize=16)
ax.set_xlabel("megabytes read", fontsize=13)
ax.invert_yaxis()
plt.tight_layout()
plt.show()
print(megabytes.round(2).to_string())

# %% [markdown] slideshow={"slide_type": "fragment"}
# The fewer columns a query names, the bigger the win: analytical (OLAP) queries name a few columns
# of many rows. `SELECT *` reads everything either way — one reason to avoid it on a warehouse.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where the local Redshift differs: it stores rows
#
# The course's *local* Redshift is PostgreSQL behind Redshift's wire protocol, and PostgreSQL is a
# **row store**: it keeps each row whole in 8 KB pages. There a one-column query still reads every
# column; `ENCODE` and `SORTKEY` are recorded but not applied; there are no zone maps. Your SQL
# gives the same answers, but the storage effects of this notebook do not happen there — so we do
# not time queries on it. We measure on **Parquet** instead: the columnar file format that Redshift
# reads and writes (`COPY … FORMAT PARQUET`, `UNLOAD … FORMAT PARQUET`, Spectrum), built on the same
# ideas as Redshift's own storage.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Measured: the same visits as CSV and as Parquet
#
# Parquet cuts the table into **row groups** (here 24 of 8,334 rows: our stand-in for Redshift's
# blocks) and stores each column of a group as its own compressed **column chunk**. A footer at the
# end of the file says where every chunk is.

# %% slideshow={"slide_type": "-"}
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

from redshift_course import parquet_scan

workdir = tempfile.TemporaryDirectory(prefix="course-02-")  # removed when the kernel stops
folder = Path(workdir.name)
csv_file = parquet_scan.write_csv(visits, folder / "visits.csv")
parquet_file = parquet_scan.write_parquet(visits, folder / "visits.parquet", row_group_rows=8_334)
print(columnar.describe_bytes({"visits.csv": csv_file.stat().st_size, "visits.parquet": parquet_file.stat().st_size}))
print(f"row groups in visits.parquet: {pq.ParquetFile(parquet_file).metadata.num_row_groups}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now read only `overall_score` from each file, through a wrapper that counts every byte the reader
# takes from the file:

# %% slideshow={"slide_type": "-"}
from_csv, csv_bytes = parquet_scan.counted_read(csv_file, lambda f: pd.read_csv(f, usecols=["overall_score"]))
from_parquet, parquet_bytes = parquet_scan.counted_read(
    parquet_file, lambda f: pq.read_table(f, columns=["overall_score"])
)
chunks = parquet_scan.column_chunks(parquet_file)
print(columnar.describe_bytes({"read from the CSV": csv_bytes, "read from the Parquet file": parquet_bytes}))
print(f"  of which overall_score's column chunks: {chunks.loc['overall_score', 'bytes in file']:>8,} bytes")
print(f"\nParquet read {csv_bytes / parquet_bytes:.0f}× fewer bytes")
print(f"AVG(overall_score): {from_csv['overall_score'].mean():.4f} from the CSV, "
      f"{from_parquet['overall_score'].to_pandas().mean():.4f} from Parquet")

# %% [markdown] slideshow={"slide_type": "fragment"}
# `usecols` cannot help the CSV: to find the score on each line, the reader reads every line. The
# Parquet reader took the score's chunks plus the footer (it reads the file's last 64 KB first to
# find it), and the chunks are compressed too: far more than the model's 34×.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** If asked why not measure on the course's Redshift: locally it is PostgreSQL,
# a row store, so it would show row-store figures. Parquet's row groups span all columns, where
# Redshift's 1 MB blocks are per column, but both keep each column's values together, compressed,
# with a min and max per piece: the same savings, in a file you can open.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Compression: why same-type values squeeze better
#
# A column holds one kind of value: `store_type` has five distinct values, `overall_score` is one
# digit, `visit_date` changes slowly. Here is each column as text and as Parquet stored it:

# %% slideshow={"slide_type": "subslide"}
compressed = pd.DataFrame({"bytes as text": sizes, "bytes in Parquet": chunks["bytes in file"]})
compressed["smaller by"] = (compressed["bytes as text"] / compressed["bytes in Parquet"]).round(1)
print(compressed.sort_values("smaller by").to_string())

together = columnar.whole_table_vs_per_column(visits)
print(f"\nzlib on the rows together:      {together['raw'] / together['rows compressed together']:.1f}× smaller")
print(f"zlib on each column on its own: {together['raw'] / together['each column compressed alone']:.1f}× smaller")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Columns with few distinct values (dates, shopper ids, store types) shrink the most; the unique
# `visit_id` the least (the encodings Parquet chose are in the deep dive). And the same compressor
# on the same bytes does better on each column alone than on the rows together: keeping one type
# together pays on its own.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## …and the price: writing one row
#
# Appending one visit to the row layout touches **one** place: the end of the file. In the column
# layout it touches **ten**, one per column — on Redshift, ten 1 MB blocks. That is why column
# stores are "usually less efficient at inserting data", and why Redshift loads in big batches,
# best of all with one `COPY` from S3 (notebook 06 measures the difference).

# %% slideshow={"slide_type": "fragment"}
new_visit = visits.tail(1)
print("places written for one new visit:")
print(f"  row layout:    {1:>3} (one line appended to one file)")
print(f"  column layout: {len(columnar.column_layout(new_visit)):>3} (one value appended to each column file)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Zone maps: skipping whole blocks
#
# Redshift stores each column in **1 MB blocks** and remembers the **minimum and maximum** value of
# every block — a *zone map*. For
#
# ```sql
# SELECT AVG(overall_score) FROM mystery_shop_visit
# WHERE visit_date BETWEEN '2024-03-11' AND '2024-03-17';
# ```
#
# a block whose min–max range misses that week cannot hold a matching row, so it is **never read**.
# Parquet keeps the same min and max for every row group in its footer. Here is the test, written
# out, on three orders of the same rows: shuffled (many uploads in no order), as loaded (month by
# month), and sorted by `visit_date` (Redshift's `SORTKEY (visit_date)`):

# %% slideshow={"slide_type": "subslide"}
import datetime

week = (datetime.date(2024, 3, 11), datetime.date(2024, 3, 17))


def row_groups_to_read(path, low, high):
    """The zone-map test: only a group whose [min, max] overlaps [low, high] can hold a match."""
    ranges = parquet_scan.row_group_ranges(path, "visit_date")
    return [group for group, zone in ranges.iterrows() if zone["max"] >= low and zone["min"] <= high]


orders = {
    "shuffled (no order)": columnar.shuffled(visits, seed=7),
    "as loaded (month by month)": visits,
    "SORTKEY (visit_date)": visits.sort_values("visit_date", kind="stable"),
}
report = {}
for label, ordered in orders.items():
    path = parquet_scan.write_parquet(ordered, folder / "ordered.parquet", row_group_rows=8_334)
    groups = row_groups_to_read(path, *week)
    wanted, bytes_read = parquet_scan.counted_read(
        path, lambda f: pq.ParquetFile(f).read_row_groups(groups, columns=["visit_date", "overall_score"])
    )
    dates = wanted["visit_date"].to_pandas()
    report[label] = {
        "row groups": pq.ParquetFile(path).metadata.num_row_groups,
        "row groups read": len(groups),
        "bytes read": bytes_read,
        "matching visits": int(((dates >= week[0]) & (dates <= week[1])).sum()),
        "pyarrow's filter agrees": groups == parquet_scan.row_groups_pyarrow_reads(path, "visit_date", *week),
    }
report = pd.DataFrame(report).T
print(report.to_string())

# %% slideshow={"slide_type": "subslide"}
ax = report[["row groups", "row groups read"]].astype(int).plot.barh(figsize=(10, 5), fontsize=12, color=["#bab0ac", "#4e79a7"])
ax.set_title("Parquet row groups read for one week of visits (min/max statistics)", fontsize=16)
ax.set_xlabel("row groups of 8,334 visits", fontsize=13)
ax.set_ylabel("")
ax.invert_yaxis()
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Same rows, same answer — but the sorted file reads a small fraction of the groups the shuffled one
# does (every read also takes the footer's 64 KB), and pyarrow's own filter picks the same groups as
# our three-line test. That is the trick
# behind Redshift's `SORTKEY`: sort by the column your queries filter on most (for us `visit_date`:
# every monthly "store of the month" query filters by it) and let the zone maps skip the rest.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What you measured
#
# | claim on the slide | what we saw on 200,000 visits |
# |---|---|
# | stored by column, still rows and columns to you | the same bytes, only arranged differently; `AVG` gives the same answer |
# | same type together → better compression | every column shrank in Parquet, few-valued ones hugely; columns compressed alone beat rows compressed together |
# | fewer I/O operations | `AVG(overall_score)`: 34× fewer bytes in the model; over 100× fewer read from Parquet than from the CSV |
# | faster analysis of similar data | min/max per row group on a sorted column skipped all but 2 of 24 groups for one week |
# | (the speaker notes' catch) | inserting one row touches every column: load in batches |
#
# The local Redshift is a row store, so there you see the SQL, not these savings. Next: **03** — how
# Redshift spreads those columns over many machines and works on them in parallel.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: encodings, codecs, sort keys and blocks
#
# For after the session. First, what Parquet chose for each column of `visits.parquet` (we asked
# for ZSTD compression; the encodings are Parquet's own choice):

# %% slideshow={"slide_type": "subslide"}
print(chunks[["type", "encodings", "compression", "bytes uncompressed", "bytes in file"]].to_string())

# %% [markdown] slideshow={"slide_type": "fragment"}
# `RLE_DICTIONARY`: each row group's distinct values are stored once in a dictionary page (`PLAIN`)
# and the column as small indexes into it, run-length and bit-packed (`RLE`). Every column's
# dictionary fits, so Parquet used it everywhere, then ZSTD squeezed the pages. Few distinct values
# means short indexes: compare `store_type` with `visit_id`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Four simple codecs, by hand
#
# The model's columns compressed four ways:
#
# | encoding | idea |
# |---|---|
# | `zlib` | general-purpose (the algorithm in `.zip` files) |
# | `lzma` | general-purpose, slower, tighter (`.xz`) |
# | `run-length` | store each *run* of equal values once, with its length |
# | `dictionary` | store the distinct values once, then a 1-byte index per row |

# %% slideshow={"slide_type": "subslide"}
compression = columnar.compression_table(visits)
codecs = ["zlib", "lzma", "run-length", "dictionary"]
ratios = compression[codecs].rtruediv(compression["raw"], axis=0).round(1)
ratios.insert(0, "distinct values", compression["distinct"])
print("compression ratio (raw bytes ÷ encoded bytes; higher is better):")
print(ratios.to_string())

# %% slideshow={"slide_type": "subslide"}
best = ratios[codecs].max(axis=1).sort_values()
ax = best.plot.barh(figsize=(10, 5), fontsize=12, color="#59a14f")
ax.set_title("Best compression ratio per column (200,000 visits)", fontsize=16)
ax.set_xlabel("raw bytes ÷ compressed bytes", fontsize=13)
ax.set_xscale("log")
plt.tight_layout()
plt.show()
print(f"least: {best.index[0]} {best.iloc[0]}×; most: {best.index[-1]} {best.iloc[-1]}×")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Every column shrinks. Now look at the **run-length** column of the table: poor almost everywhere
# (below 1 means *bigger* than raw), because in load order equal values rarely sit next to each
# other. The exception is `mystery_shopper_id`: the generator writes each shopper's visits one after
# another, so equal values *are* neighbours and run-length wins big. Sort keys do that on purpose.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Redshift's column encodings
#
# Redshift lets every column have its own encoding — `ENCODE` in `CREATE TABLE`. With
# `ENCODE AUTO` (the default for new tables) Redshift chooses and changes them for you; on AWS,
# `ANALYZE COMPRESSION mystery_shop_visit;` shows what it recommends (the local Redshift records
# `ENCODE` but stores rows, uncompressed).
#
# | Redshift encoding | what it is | like our… | good for, in our table |
# |---|---|---|---|
# | `RAW` | no compression | raw | sort-key columns when you choose encodings by hand |
# | `AZ64` | Amazon's codec for numbers, dates and times | (numeric-specific) | `store_id`, `visit_date`, `overall_score` |
# | `ZSTD` | general-purpose | zlib / lzma | `store_name`, varied text |
# | `BYTEDICT` | dictionary of up to 256 values, 1 byte each | dictionary | `store_type` (5 values) |
# | `RUNLENGTH` | value + repeat count | run-length | a sorted, low-cardinality column |
#
# ```sql
# CREATE TABLE mystery_shop_visit_encoded (
#     visit_id      BIGINT       ENCODE AZ64,
#     store_type    VARCHAR(50)  ENCODE BYTEDICT,
#     store_name    VARCHAR(100) ENCODE ZSTD,
#     visit_date    DATE         ENCODE RAW,     -- the sort key: see below
#     overall_score SMALLINT     ENCODE AZ64
# ) SORTKEY (visit_date);
# ```

# %% slideshow={"slide_type": "skip"}
for encoding, meaning in columnar.REDSHIFT_ENCODINGS.items():
    print(f"{encoding:<10} {meaning}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Sort keys make run-length work
#
# Kept in `visit_date` order, all of one day's visits are neighbours:

# %% slideshow={"slide_type": "-"}
sorted_visits = visits.sort_values("visit_date", kind="stable").reset_index(drop=True)
as_loaded = columnar.encoded_sizes(visits["visit_date"])
by_date = columnar.encoded_sizes(sorted_visits["visit_date"])
print("visit_date column, run-length encoded:")
print(f"  as loaded:            {as_loaded['run-length']:>9,} bytes  (raw {as_loaded['raw']:,})")
print(f"  sorted by visit_date: {by_date['run-length']:>9,} bytes  — one run per day, 182 days")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Zone maps on Redshift's blocks, by hand
#
# Redshift's zone maps are per column and per 1 MB block, not per row group. A date takes 4 bytes,
# so a 1 MB block holds about 262,000 dates: our whole table would fit in one. To see what a table
# of tens of millions of rows does, we shrink the block to **8 KB** (2,048 dates) — the arithmetic is
# the same, just smaller.

# %% slideshow={"slide_type": "subslide"}
block_rows = columnar.rows_per_block(block_bytes=8 * 1024, value_bytes=4)
zones_loaded = columnar.zone_map(visits["visit_date"], block_rows)
zones_sorted = columnar.zone_map(sorted_visits["visit_date"], block_rows)
print(f"{block_rows:,} dates per block, {len(zones_loaded)} blocks")
print("\nas loaded — blocks 40-43:")
print(zones_loaded.iloc[40:44].to_string())
print("\nsorted by visit_date — blocks 40-43:")
print(zones_sorted.iloc[40:44].to_string())

# %% [markdown] slideshow={"slide_type": "fragment"}
# Loaded month by month, each block covers a whole month (the generator, like the shops, writes each
# month's days mixed together). Sorted, each block covers a day or two. The blocks each order must
# read for the week of 11–17 March:

# %% slideshow={"slide_type": "subslide"}
layouts = {
    "shuffled (no order)": orders["shuffled (no order)"],
    "as loaded (month by month)": visits,
    "SORTKEY (visit_date)": sorted_visits,
}
week_as_timestamps = [pd.Timestamp(day) for day in week]
blocks = columnar.block_scan_report(layouts, "visit_date", *week_as_timestamps, block_rows=block_rows)
print(blocks.to_string())
