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
# About 20 minutes. Redshift is a *column-oriented* database. Instead of taking that on trust, we
# store 200,000 mystery-shop visits both ways and **count the bytes**.

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
# handout files) makes as many clean visits as we like; the same call gives the same rows on every
# machine. We take about 33,000 a month for January to June 2024, loaded month after month, with the
# columns of the warehouse table `mystery_shop_visit`.

# %% slideshow={"slide_type": "subslide"}
import pandas as pd

from redshift_course import columnar

visits = columnar.measurement_visits(rows_per_month=33_334)
print(f"{len(visits):,} visits, {visits.shape[1]} columns")
visits.head()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Two layouts of the same bytes
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
# Same values, same size. The only difference is **where** each byte sits. That turns out to
# matter a lot.

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

# %% slideshow={"slide_type": "fragment"}
scores = [int(v) for v in by_column["overall_score"].split()]
print(f"AVG(overall_score) from the column file alone = {sum(scores) / len(scores):.4f}")
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
ax.set_title("Bytes a scan reads, by layout", fontsize=16)
ax.set_xlabel("megabytes read", fontsize=13)
ax.invert_yaxis()
plt.tight_layout()
plt.show()
print(megabytes.round(2).to_string())

# %% [markdown] slideshow={"slide_type": "fragment"}
# The fewer columns a query names, the bigger the win. Analytical queries (OLAP) name a few columns
# of many rows — the column layout's best case. `SELECT *` reads everything either way, which is
# one reason to avoid it on a warehouse.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## …and the price: writing one row
#
# Appending one new visit to the row layout touches **one** place: the end of the file. In the
# column layout the same visit touches **ten** places, one per column file — on Redshift, ten
# 1 MB blocks. That is why column stores are "usually less efficient at inserting data", and why
# our Lambda inserts rows in big batches (and why Redshift's favourite way to load is `COPY` from S3).

# %% slideshow={"slide_type": "fragment"}
new_visit = visits.tail(1)
print("places written for one new visit:")
print(f"  row layout:    {1:>3} (one line appended to one file)")
print(f"  column layout: {len(columnar.column_layout(new_visit)):>3} (one value appended to each column file)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Compression: why same-type values squeeze better
#
# A column holds one kind of value. `store_type` has only five distinct values; `overall_score`
# is always a single digit; `visit_date` changes slowly. Compressors look for repetition, and a
# column is full of it. We compress each column four ways:
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

# %% [markdown] slideshow={"slide_type": "fragment"}
# Every column shrinks: the least by almost 5×, the most by well over 100× (the ends of the chart). Columns with few distinct values that repeat in
# patterns — store types, dates, shopper ids — shrink the most; even the unique `visit_id` squeezes
# well, because neighbouring ids share most of their digits. Now look at the **run-length** column of the table: poor almost
# everywhere (below 1 means *bigger* than raw), because in load order equal values rarely sit next
# to each other. The exception is `mystery_shopper_id`: the generator writes each shopper's visits
# one after another, so equal values *are* neighbours and run-length wins big. Hold that thought
# until sort keys.
#
# Does keeping a column's values together really help, compared with compressing the rows?

# %% slideshow={"slide_type": "subslide"}
together = columnar.whole_table_vs_per_column(visits)
print(f"rows compressed together with zlib:  {together['raw'] / together['rows compressed together']:.1f}× smaller")
print(f"each column compressed on its own:   {together['raw'] / together['each column compressed alone']:.1f}× smaller")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same compressor, the same bytes: grouping values of one type together is worth it on its
# own, before any clever per-type encoding. And the per-type encodings do even better.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Redshift's column encodings
#
# Redshift lets every column have its own encoding — `ENCODE` in `CREATE TABLE`. With
# `ENCODE AUTO` (the default for new tables) Redshift chooses and changes them for you; on AWS,
# `ANALYZE COMPRESSION mystery_shop_visit;` shows what it recommends.
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Sort keys: putting equal values next to each other
#
# A **sort key** tells Redshift to keep the table's rows in that column's order. Two things happen.
# First, run-length encoding suddenly works — all of one day's visits are neighbours:

# %% slideshow={"slide_type": "subslide"}
sorted_visits = visits.sort_values("visit_date", kind="stable").reset_index(drop=True)
as_loaded = columnar.encoded_sizes(visits["visit_date"])
by_date = columnar.encoded_sizes(sorted_visits["visit_date"])
print("visit_date column, run-length encoded:")
print(f"  as loaded:            {as_loaded['run-length']:>9,} bytes  (raw {as_loaded['raw']:,})")
print(f"  sorted by visit_date: {by_date['run-length']:>9,} bytes  — one run per day, 182 days")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Zone maps: skipping whole blocks
#
# Second, and more important: Redshift stores each column in **1 MB blocks** and remembers the
# **minimum and maximum** value of every block — a *zone map*. For a query such as
#
# ```sql
# SELECT AVG(overall_score) FROM mystery_shop_visit
# WHERE visit_date BETWEEN '2024-03-11' AND '2024-03-17';
# ```
#
# any block whose min–max range misses that week cannot hold a matching row, so it is **never read**.
#
# A date takes 4 bytes, so a 1 MB block holds about 262,000 dates: our whole table would fit in one.
# To see what a table of tens of millions of rows does, we shrink the block to **8 KB** (2,048
# dates) — the arithmetic is the same, just smaller.

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
# Loaded month by month, each block covers a whole month (the generator, like the shops, writes
# each month's days mixed together). Sorted, each block covers a day or two. Now count the blocks
# each version must read for the week of 11–17 March — and add a third order, **shuffled**, for a
# table filled by many uploads in no particular order:

# %% slideshow={"slide_type": "subslide"}
week = (pd.Timestamp("2024-03-11"), pd.Timestamp("2024-03-17"))
layouts = {
    "shuffled (no order)": columnar.shuffled(visits, seed=7),
    "as loaded (month by month)": visits,
    "SORTKEY (visit_date)": sorted_visits,
}
report = columnar.block_scan_report(layouts, "visit_date", *week, block_rows=block_rows)
print(report.to_string())

# %% slideshow={"slide_type": "subslide"}
ax = report[["blocks", "blocks scanned"]].plot.barh(figsize=(10, 5), fontsize=12, color=["#bab0ac", "#4e79a7"])
ax.set_title("Blocks read for one week of visits (zone maps)", fontsize=16)
ax.set_xlabel("8 KB blocks of visit_date", fontsize=13)
ax.set_ylabel("")
ax.invert_yaxis()
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Same rows, same answer, same number of matching visits — but the sorted table reads a small
# fraction of the blocks the shuffled one does. That is the whole trick behind Redshift's
# `SORTKEY`: choose the column your queries filter on most (for us, `visit_date` — every monthly
# "store of the month" query filters by it) and let the zone maps skip the rest.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What you measured
#
# | claim on the slide | what we saw on 200,000 visits |
# |---|---|
# | stored by column, still rows and columns to you | the same bytes, only arranged differently; `AVG` gives the same answer |
# | same type together → better compression | every column compressed better alone than the rows did together; few-valued columns hugely |
# | fewer I/O operations | `AVG(overall_score)` read about 34× fewer bytes in the column layout |
# | faster analysis of similar data | and zone maps on a sorted column skip most blocks of a date-range query |
# | (the speaker notes' catch) | inserting one row touches every column: load in batches |
#
# Next: **03** — how Redshift spreads those columns over many machines and works on them in parallel.
