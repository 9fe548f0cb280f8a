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
# ## 03 · Redshift's architecture and massively parallel processing
#
# About 8 minutes: clusters, leader and compute nodes, slices; how a table's rows are spread over
# slices, and what a bad choice costs; which node type to pick. Query plans and node details are
# optional deep dives at the end.

# %% slideshow={"slide_type": "skip"}
from redshift_course import CourseSettings

settings = CourseSettings.from_env()  # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Architecture
#
# Redshift runs a fairly complex model under the hood:

# %% slideshow={"slide_type": "subslide"}
import matplotlib.pyplot as plt

from redshift_course import diagrams

diagrams.architecture(nodes=2, slices_per_node=2)
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The cluster that makes up the Redshift engine is made of several nodes: a
# **leader**, which talks to the outside world like an API, and **compute nodes** behind it. Clients
# (BI tools, the Query Editor, our Lambda) only ever talk to the leader.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Clusters
#
# - A cluster has a **leader node** with one or more **compute nodes**
# - The leader node receives queries from client applications (BI tools, analytical software, …)
#
# ## Compute nodes
#
# - Compute resources which execute a query plan
# - They transmit data among themselves to solve queries
# - Nodes are further divided into (node) **slices**
# - Each slice receives an allocation of memory and disk, and performs operations in parallel

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The leader develops a suitable query execution plan and coordinates the
# parallel execution of that plan with one or more compute nodes. Once the compute nodes finish, the
# leader aggregates their results and sends a response back to the client application. We are about
# to do exactly that, by hand, on our data.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Sample data: databases hold tables

# %% slideshow={"slide_type": "subslide"}
diagrams.sample_data()
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Our data can be made of many databases, each containing many tables. On the
# course cluster every team has its own database and its own user; the Lambda writes into that
# team's `mystery_shop_visit` table.

# %% [markdown] slideshow={"slide_type": "fragment"}
# Which database and user are *you* connected to? The connection details come from Parameter Store
# (notebook 05 explains how); we ask the database itself:

# %% slideshow={"slide_type": "fragment"}
with settings.connect() as conn:
    cursor = conn.cursor()
    cursor.execute("select current_database(), current_user")
    database, user = cursor.fetchone()
print(f"database: {database}\nuser:     {user}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Sharding: each slice holds a share of every table

# %% slideshow={"slide_type": "subslide"}
diagrams.sharding()
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** When we load Redshift with our data it shards the rows across the nodes and
# slices automatically, for performance. With the default (`DISTSTYLE AUTO`) this is not something
# we have to configure — but it helps to know what it does, because a bad manual choice can make a
# cluster slower than one machine. That is the next few cells.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Distribution styles, simulated on our visits
#
# Every table has a **distribution style** that decides which slice stores each row:
#
# | style | where a row goes | good for |
# |---|---|---|
# | `EVEN` | dealt out in turn, like cards | tables not joined on one particular key |
# | `KEY` | by a hash of the **distribution key**: equal values, same slice | big tables joined on that column |
# | `ALL` | a full copy on every node | small tables joined to everything |
# | `AUTO` (default) | `ALL` while small, then `EVEN` or `KEY` | almost everyone, to start with |
#
# We model 2 compute nodes × 2 slices and distribute 30,000 visits (`redshift_course/mpp.py`).

# %% slideshow={"slide_type": "subslide"}
import pandas as pd

from redshift_course import columnar, mpp

cluster = mpp.Cluster(nodes=2, slices_per_node=2)
visits = columnar.measurement_visits(rows_per_month=5_000)
print(f"{len(visits):,} visits over {cluster.slices} slices: {cluster.labels()}")

# %% slideshow={"slide_type": "subslide"}
choices = {
    "EVEN": ("EVEN", None),
    "KEY (visit_id)": ("KEY", "visit_id"),
    "KEY (store_id)": ("KEY", "store_id"),
    "KEY (store_type)": ("KEY", "store_type"),
}
per_slice = pd.DataFrame({
    label: mpp.rows_per_slice(mpp.distribute(visits, cluster, style, key), cluster)
    for label, (style, key) in choices.items()
})
print(per_slice.to_string())
print()
print("skew_rows (fullest ÷ emptiest slice):")
print(per_slice.apply(mpp.skew_rows).to_string())

# %% slideshow={"slide_type": "subslide"}
ax = per_slice.T.plot.bar(figsize=(10, 5), fontsize=12, rot=0)
ax.set_title("Rows per slice for each distribution choice (30,000 visits)", fontsize=16)
ax.set_ylabel("rows stored on the slice", fontsize=13)
ax.set_xlabel("")
ax.legend(fontsize=11, title="slice")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# `EVEN` and `KEY (visit_id)` keep every slice equally busy. `KEY (store_id)` is uneven already
# (19 stores, some visited more). **`KEY (store_type)` is a bad key**: five values can fill at most
# five slices on any cluster, and on our four they hashed so that one slice got none and another
# more than half the table. A query finishes only when its busiest slice does: that is **skew**
# (`skew_rows` in `SVV_TABLE_INFO`). A good key has **many distinct values, used about equally**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### `ALL` and `AUTO`
#
# `ALL` stores the whole table once per node: fine for the 19 stores, wasteful for 30,000 visits.

# %% slideshow={"slide_type": "fragment"}
stores = visits[["store_id", "store_name", "store_type"]].drop_duplicates().sort_values("store_id")
print(f"stores table, DISTSTYLE ALL: {len(stores)} rows stored as "
      f"{len(mpp.distribute(stores, cluster, 'ALL'))} ({cluster.nodes} copies)")
print(f"AUTO for the stores table ({len(stores)} rows):     {mpp.resolve_style('AUTO', len(stores), None)}")
print(f"AUTO for the visits table ({len(visits):,} rows):  {mpp.resolve_style('AUTO', len(visits), None)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Partial aggregates, merged by the leader
#
# ```sql
# SELECT store_type, AVG(overall_score) FROM mystery_shop_visit GROUP BY store_type;
# ```
#
# Each slice computes a **partial** answer from its own rows (a sum and a count per store type);
# the leader merges the partials:

# %% slideshow={"slide_type": "subslide"}
by_store = mpp.distribute(visits, cluster, "KEY", key="store_id")
partials = mpp.partial_aggregates(by_store, by="store_type", value="overall_score")
print(partials.to_string(index=False))

# %% slideshow={"slide_type": "subslide"}
merged = mpp.leader_merge(partials, by="store_type")
single_machine = visits.groupby("store_type")["overall_score"].mean().round(3)
print(pd.concat([merged, single_machine.rename("one machine")], axis=1).to_string())

# %% [markdown] slideshow={"slide_type": "fragment"}
# The leader's answer equals the single-machine answer, because **sums and counts add up**.
# Averages do not: averaging the slices' averages weights a slice with 10 visits like one with 5,000.

# %% slideshow={"slide_type": "fragment"}
slice_averages = partials.assign(average=partials["sum"] / partials["count"])
wrong = slice_averages.groupby("store_type")["average"].mean().round(3)
print(pd.DataFrame({"mean of slice averages (wrong)": wrong, "leader merge (right)": merged["average"]}).to_string())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Node types
#
# - When you launch a provisioned (non-free-tier) cluster you choose a **node type**, and how many
# - The node type decides each node's CPU, memory, storage and slices
# - Families: **RA3** (current), **DC2** (Dense Compute, previous generation), **DS2** (Dense
#   Storage — *legacy*, retired)
# - Or skip nodes altogether: **Redshift Serverless**

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The node type determines the CPU, RAM, storage capacity and storage drive type
# for each node. Earlier versions of these slides covered DC2 (Dense Compute) against DS2 (Dense
# Storage). AWS then released RA3 nodes, which separate compute and storage costs and are
# recommended by AWS over DS2 in all cases; DS2 has since been retired. How to pick: next slide.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Choosing the right nodes
#
# - **Data quantity:** how much data will you import into the cluster, and how fast does it grow?
# - **Complexity of queries:** different nodes support queries of differing complexity
# - **Downstream systems:** what uses the results? How important is query speed?
#
# Today: **Serverless** for small or spiky use, **RA3** for steady heavy use (table in the deep dive).

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The recommendation in 2023 was: less than 1 TB of data → DC2 nodes; most other
# situations → RA3, where you still choose the number of nodes and the volume of managed storage.
#
# Updated for November 2026: DC2 is a previous-generation family and AWS steers new workloads to
# **RA3 or Serverless**. Small or spiky workloads (like a bootcamp's teams) suit **Serverless** —
# nothing to size, from 4 RPU, no charge while idle. Steady, heavy workloads suit a provisioned
# **RA3** cluster: `ra3.large`/`ra3.xlplus` for small data, `ra3.4xlarge`/`ra3.16xlarge` as it grows.
# See <https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-clusters.html>.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What you now know
#
# - A **cluster** = a **leader node** (talks to clients, plans, merges) + **compute nodes**, each
#   split into **slices** that work in parallel; a cluster holds **databases** of **tables**.
# - **Distribution styles** (`AUTO`, `EVEN`, `KEY`, `ALL`) decide which slice holds each row; a
#   low-cardinality key (`store_type`) **skews** the work onto a few slices.
# - Slices compute **partial aggregates**; the leader **merges** sums and counts (not averages).
# - Pick **RA3** or **Serverless** today; DC2 is previous generation, DS2 is retired.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: joins and query plans
#
# To join two tables, matching rows must be on the same slice. If they are not, Redshift moves
# (redistributes or broadcasts) rows during the query, and `EXPLAIN` names the step. Joining
# visits to stores on `store_id`:

# %% slideshow={"slide_type": "subslide"}
cases = [
    ("visits KEY(store_id), stores ALL", ("KEY", "store_id"), ("ALL", None)),
    ("visits KEY(store_id), stores KEY(store_id)", ("KEY", "store_id"), ("KEY", "store_id")),
    ("visits KEY(store_id), stores EVEN", ("KEY", "store_id"), ("EVEN", None)),
    ("visits EVEN, stores KEY(store_id)", ("EVEN", None), ("KEY", "store_id")),
    ("visits EVEN, stores EVEN", ("EVEN", None), ("EVEN", None)),
]
for label, outer, inner in cases:
    print(f"{label:<44} → {mpp.join_step(outer, inner, 'store_id')}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# | step in Redshift's `EXPLAIN` | meaning |
# |---|---|
# | `DS_DIST_NONE` | both tables already distributed on the join key: nothing moves (best) |
# | `DS_DIST_ALL_NONE` | the inner table is `ALL`: every node has it already (great for small tables) |
# | `DS_DIST_INNER` / `DS_DIST_OUTER` | one table's rows are redistributed on the join key |
# | `DS_BCAST_INNER` | the inner table is copied to every node (Redshift may prefer this for small tables) |
# | `DS_DIST_BOTH` | both tables are redistributed (worst) |

# %% [markdown] slideshow={"slide_type": "slide"}
# ### A real query plan
#
# Now the database we are connected to. We build a one-million-row table in SQL that runs on both
# PostgreSQL and Redshift (Redshift cannot insert from `generate_series`, so we cross-join a
# ten-row table of digits six times), plus a 19-row stores table. On Redshift the `DISTKEY`,
# `SORTKEY` and `DISTSTYLE` clauses decide where rows go; **the local stand-in records them but
# keeps every row in one place**.

# %% slideshow={"slide_type": "subslide"}
SETUP = [
    "DROP TABLE IF EXISTS mpp_demo_visit",
    "DROP TABLE IF EXISTS mpp_demo_store",
    "DROP TABLE IF EXISTS mpp_demo_digit",
    "CREATE TABLE mpp_demo_digit (d INTEGER)",
    "INSERT INTO mpp_demo_digit VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
    """CREATE TABLE mpp_demo_visit DISTKEY (store_id) SORTKEY (visit_id) AS
       SELECT n AS visit_id, 1000 + n % 19 AS store_id, 1 + ((n % 19) * 3 + n % 3) % 5 AS overall_score
       FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d AS n
             FROM mpp_demo_digit a, mpp_demo_digit b, mpp_demo_digit c,
                  mpp_demo_digit e, mpp_demo_digit f, mpp_demo_digit g) AS numbers""",
    """CREATE TABLE mpp_demo_store DISTSTYLE ALL AS
       SELECT DISTINCT store_id, CASE store_id % 5 WHEN 0 THEN 'High Street' WHEN 1 THEN 'Drive Thru'
              WHEN 2 THEN 'Train Station' WHEN 3 THEN 'Shopping Centre' ELSE 'Free Standing' END AS store_type
       FROM mpp_demo_visit""",
    "ANALYZE mpp_demo_visit",
    "ANALYZE mpp_demo_store",
]
with settings.connect() as conn:
    cursor = conn.cursor()
    for statement in SETUP:
        cursor.execute(statement)
    conn.commit()
    cursor.execute("SELECT COUNT(*), COUNT(DISTINCT store_id) FROM mpp_demo_visit")
    print("mpp_demo_visit: {:,} rows, {} stores".format(*cursor.fetchone()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now the plan for "average score per store type". Plans show estimated costs, which shift a little
# with every `ANALYZE`; we strip them and keep the steps.

# %% slideshow={"slide_type": "fragment"}
import re

QUERY = """SELECT s.store_type, ROUND(AVG(v.overall_score::DECIMAL(10, 4)), 3) AS average, COUNT(*) AS visits
FROM mpp_demo_visit v JOIN mpp_demo_store s ON s.store_id = v.store_id
GROUP BY s.store_type ORDER BY s.store_type"""


def plan_steps(sql: str) -> str:
    """EXPLAIN output without its cost and width estimates."""
    with settings.connect() as conn:
        cursor = conn.cursor()
        cursor.execute("EXPLAIN " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    return "\n".join(re.sub(r"\s*\(cost=[^)]*\)", "", line) for line in lines)


print(plan_steps(QUERY))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Read it from the bottom up: a `Seq Scan` of each table, a `Hash` of the small one, a
# `Hash Join`, a `HashAggregate` per store type, a `Sort`. This is PostgreSQL's plan on one machine:
# no slices, so no step moves rows. (On a bigger table PostgreSQL may add parallel workers,
# `Gather` and `Partial` aggregates: processes sharing one copy of the data for one query, **not**
# slices, which each own a share of every table for the table's whole life.)

# %% slideshow={"slide_type": "subslide"}
if settings.is_local:
    print("On AWS, EXPLAIN shows Redshift's own steps instead, for example:\n")
    print("XN Merge\n  -> XN Network  (Send to leader)\n    -> XN Sort\n"
          "      -> XN HashAggregate\n        -> XN Hash Join DS_DIST_ALL_NONE\n"
          "              (Hash Cond: (\"outer\".store_id = \"inner\".store_id))\n"
          "          -> XN Seq Scan on mpp_demo_visit v\n          -> XN Hash\n"
          "            -> XN Seq Scan on mpp_demo_store s")
    print("\nDS_DIST_ALL_NONE: the stores table is DISTSTYLE ALL, so no rows move for the join.")
else:
    print("Above: Redshift's plan. Look for the DS_DIST_* / DS_BCAST_* label on the join step.")

# %% slideshow={"slide_type": "subslide"}
with settings.connect() as conn:
    cursor = conn.cursor()
    cursor.execute(QUERY)
    result = cursor.fetch_dataframe()
print(result.to_string(index=False))

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Asking Redshift about its slices
#
# `STV_SLICES` lists the slices of each node; `SVV_TABLE_INFO` says how each table is distributed
# and how skewed it is. The same SQL runs in both modes:

# %% slideshow={"slide_type": "subslide"}
with settings.connect() as conn:
    cursor = conn.cursor()
    cursor.execute("SELECT node, slice FROM stv_slices ORDER BY node, slice")
    slices = cursor.fetch_dataframe()
    cursor.execute("""SELECT "table", diststyle, sortkey1, skew_rows FROM svv_table_info
                      WHERE "table" LIKE 'mpp_demo_%' ORDER BY "table" """)
    table_info = cursor.fetch_dataframe()
print(slices.to_string(index=False))
print()
print(table_info.to_string(index=False))

# %% slideshow={"slide_type": "fragment"}
if settings.is_local:
    print("Local stand-in: one node and one slice. The design you declared is recorded and shown\n"
          "(diststyle, sortkey1), but every row sits on the one slice, so skew_rows is always 1.0.\n"
          "On the instructor's cluster (1 x ra3.large, docs/instructor-guide.md), STV_SLICES lists 2 slices,\n"
          "and skew_rows = rows on the fullest slice / rows on the emptiest.")
else:
    print(f"This cluster has {len(slices)} slices on {slices['node'].nunique()} nodes.")

# %% slideshow={"slide_type": "skip"}
with settings.connect() as conn:  # tidy up: the demo tables are not part of the course's data
    cursor = conn.cursor()
    for table in ("mpp_demo_visit", "mpp_demo_store", "mpp_demo_digit"):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    conn.commit()
print("demo tables dropped")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: node types in detail
#
# | node type | vCPU | memory | slices per node | storage | status (November 2026) |
# |---|---|---|---|---|---|
# | `ra3.large` | 2 | 16 GiB | 2 | Redshift Managed Storage (RMS) | current |
# | `ra3.xlplus` | 4 | 32 GiB | 2 | RMS, up to 32 TB per node | current |
# | `ra3.4xlarge` | 12 | 96 GiB | 4 | RMS, up to 128 TB per node | current |
# | `ra3.16xlarge` | 48 | 384 GiB | 16 | RMS, up to 128 TB per node | current |
# | `dc2.large` / `dc2.8xlarge` | 2 / 32 | 15 / 244 GiB | 2 / 16 | local SSD, 0.16 / 2.56 TB | previous generation: migrate to RA3 or Serverless |
# | `ds2.*` | | | | local HDD | retired |
# | **Serverless** | — | 16 GB per RPU | — | RMS | current: base capacity 4–1024 RPU (default 128), billed per second while queries run |
#
# **RA3's managed storage** is the big idea: data lives in S3-backed storage with a fast SSD cache
# on each node, so you pay for compute (nodes) and storage (GB-months) separately and can add
# nodes without buying disks. Figures change — check the
# [node type details](https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-clusters.html)
# before choosing (AWS's API also began listing a newer *RG* family in 2026).

# %% [markdown] slideshow={"slide_type": "subslide"}
# A rough guide, in the order you should ask the questions:
#
# | situation | a sensible first choice |
# |---|---|
# | unpredictable or part-time use, small team, learning | **Redshift Serverless**, low base RPU |
# | steady daily workload, under a few TB | provisioned **RA3**: 2 × `ra3.large` or `ra3.xlplus` |
# | tens of TB and growing, heavy joins | **RA3** `ra3.4xlarge`, more nodes as needed |
# | hundreds of TB, many concurrent dashboards | **RA3** `ra3.16xlarge` (+ concurrency scaling) |
# | an old DC2 or DS2 cluster | migrate to RA3 (elastic resize or snapshot + restore) or Serverless |
