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
# ## 01 · Before data warehouses: what they are, and why we use them
#
# About 15 minutes. You will answer one business question twice — once from the raw files the
# shops send in, once from a clean warehouse table — and see for yourself why warehouses exist.

# %% slideshow={"slide_type": "skip"}
from redshift_course import CourseSettings

settings = CourseSettings.from_env()  # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where we are: the AWS sessions
#
# | session | topic | length | |
# |---|---|---|---|
# | AWS 01 | AWS + Cloud Intro | 1.5 hrs | ✅ |
# | AWS 02 | AWS CLI Setup | 1.5 hrs | ✅ |
# | AWS 03 | S3 Storage (Console) | 1.5 hrs | ✅ |
# | AWS 04 | CloudFormation Intro + S3 Storage (IaC) | 1.5 hrs | ✅ |
# | AWS 05 | Lambda Intro | 1.5 hrs | ✅ |
# | AWS 06 | Lambda (IaC) | 1.5 hrs | ✅ |
# | **AWS 07** | **Redshift (IaC)** | 1.5 hrs | ⬅ **today** |
# | AWS 08 | EC2 (IaC) + Grafana setup | 1.5 hrs | |
# | AWS 09 | Queues | 1.5 hrs | |
# | AWS 10 | Monitoring | 1.5 hrs | |
#
# So far your pipeline can store a file (S3) and run code when it arrives (Lambda). Today the
# Lambda gets somewhere to put what it reads: a **data warehouse**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Overview
#
# - Before data warehouses
# - What is a data warehouse?
# - Why use a data warehouse?
# - Redshift as a data warehouse
# - Connecting from a Lambda using Python
#
# ## Learning objectives
#
# - What Redshift is and can do for us
# - How to connect to it using Python
# - Using Parameter Store to get settings
# - **Never put sensitive info like passwords in code or environment variables!**

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Read the objectives out loud and come back to them in the recap (notebook 08).
# The last one is the habit that matters most after the course: it is what the Parameter Store
# notebook (05) and the Lambda's code are built around.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Before Redshift: traditional data warehouses
#
# Companies have kept warehouses of data for decades — on their own servers, in their own rooms.
# That worked, but it was hard going:
#
# - **Slow to fill.** Pulling data from many sources with a traditional architecture took a long time.
# - **Costly.** Hardware, setup, electricity, security and the building (the "estate") to put it in.
# - **Maintenance often outweighed the benefits.** More data meant buying and installing bigger
#   machines, again and again.
# - **Performance issues.** One big machine can only read its disks so fast.
# - **Auto-scaling was not an easy concept.** You bought for the busiest day of the year and paid
#   for it every other day too.
#
# A cloud warehouse such as Amazon Redshift rents all of that by the hour (or by the second, for
# Redshift Serverless): AWS owns the machines, the electricity and the upgrades.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Discussion (5 minutes)
#
# > **What is a data warehouse?**
# >
# > **Why would we use one?**
#
# Before you scroll on: talk it through with your team.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Prompt the learners for their idea of a warehouse — what is kept in a warehouse?
#
# Create an analogy: it is where a business typically stores the **finished goods, ready to be sent
# to other places or sold**.
#
# A data warehouse is a centralised repository that stores and consolidates data from multiple
# sources, enabling businesses to analyse it for better decision-making and business intelligence.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## The warehouse analogy
#
# A real warehouse holds **finished goods, ready to be shipped or sold** — not the raw materials, and
# not the half-built products on the factory floor. A data warehouse is the same idea for data:
#
# | a business's goods | its data |
# |---|---|
# | raw materials from many suppliers | CSV exports, application databases, logs — from many sources |
# | the factory that cleans, shapes and checks them | the **ETL** pipeline (Extract, Transform, Load) |
# | the warehouse: finished goods on labelled shelves | the **data warehouse**: clean tables with known columns and types |
# | shops and lorries taking goods out | dashboards, reports and analysts running queries |
#
# A **data warehouse** is a central store that consolidates data from many sources, cleaned and
# structured, so a business can analyse it and make better decisions.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Data warehousing
#
# - It is where you keep your **best** data — the **source of truth** for your business. When two
#   reports disagree, the warehouse is the one everybody trusts.
# - The data has been **cleaned and transformed** in preparation for storage.
# - It is **highly structured** data that is ready for analysis: every column has a name and a type,
#   every row passed the same checks.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Keep the analogy going: the learners have already been doing this in their
# team project's ETL pipeline — extracting the café's CSVs, transforming them (removing personal
# data, fixing types) and loading them into a database. That database is a small warehouse.
#
# A following session talks more about warehousing (star schemas, facts and dimensions).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try it: one question, two ways
#
# The SuperCafe managers ask:
#
# > **Which store type got the best mystery-shopper scores, January to June 2024?**
#
# The shops' answers arrive as one CSV file per month — that is our "raw material":

# %% slideshow={"slide_type": "subslide"}
from redshift_course.paths import REPO_ROOT

month_files = sorted((REPO_ROOT / "handouts" / "data").glob("mystery_shops_2024-0*.csv"))
for path in month_files:
    print(f"{path.name}  {path.stat().st_size:>6,} bytes")

# %% [markdown] slideshow={"slide_type": "fragment"}
# ### Way 1: straight from the files
#
# The quickest thing anyone would try: read every file with pandas, stick them together, average.

# %% slideshow={"slide_type": "subslide"}
import pandas as pd

raw = pd.concat([pd.read_csv(path) for path in month_files], ignore_index=True)
print(f"{len(raw)} rows, {raw.shape[1]} columns:")
print(list(raw.columns))

# %% [markdown] slideshow={"slide_type": "fragment"}
# So far so good: pandas even coped, without saying so, with the two files saved differently (one
# with Windows line endings, one starting with Excel's invisible byte-order mark). Not every tool
# is that forgiving. Now look inside — count the rows a careful analyst would not trust:

# %% slideshow={"slide_type": "subslide"}
score = pd.to_numeric(raw["OverallScore"], errors="coerce")
visit = ["StoreName", "MysteryShopperID", "VisitDate", "StartTime"]
problems = {
    "blank scores": int(score.isna().sum()),
    "scores outside 1-5": int(((score < 1) | (score > 5)).sum()),
    "dates that do not exist (31/02)": int(raw["VisitDate"].eq("31/02/2024").sum()),
    "the same visit entered twice": int(raw.duplicated(subset=visit).sum()),
    "store types with stray spaces": int((raw["StoreType"] != raw["StoreType"].str.strip()).sum()),
}
for problem, count in problems.items():
    print(f"{count:>4}  {problem}")

# %% slideshow={"slide_type": "fragment"}
naive = raw.groupby("StoreType")["OverallScore"].mean().round(3).sort_values(ascending=False)
print(naive.to_string())

# %% [markdown] slideshow={"slide_type": "fragment"}
# An answer — but look at the last line: a stray space turned `'  Free Standing'` into a sixth store
# type. And hidden inside the other averages, a score of 7 counts, a duplicated visit counts twice
# and a visit on 31 February counts too. Every analyst who asks a question has to find and fix all
# of that again — and each one fixes it differently, so their reports disagree.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Way 2: from a warehouse table
#
# Now run the files through the **transform step of our ETL Lambda** — the very code that loads
# Redshift later today (`handouts/src/etl_utils/transform_utils.py`). It checks every row, trims
# spaces, drops the shopper's name (personal data) and rejects bad rows with a reason.

# %% slideshow={"slide_type": "subslide"}
from redshift_course.handout_code import transform_utils   # the Lambda's own module

visits, rejects = [], []
for path in month_files:
    with open(path, encoding="utf-8-sig", newline="") as text:  # utf-8-sig drops the byte-order mark
        records = transform_utils.read_records(text)
        transform_utils.check_header(next(records)[1])
        for result in transform_utils.transform(records):
            (rejects if isinstance(result, transform_utils.Reject) else visits).append((path.name, result))

warehouse = pd.DataFrame([visit._asdict() for _, visit in visits])
print(f"{len(warehouse)} clean visits, {len(rejects)} rejected rows, columns:")
print(list(warehouse.columns))

# %% slideshow={"slide_type": "fragment"}
for name, reject in rejects:
    print(f"{name} line {reject.line:>3}: {reject.reason}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Every problem is handled once, in one place, with a record of what was left out and why. The
# answer to the managers' question is now a one-liner anyone can trust:

# %% slideshow={"slide_type": "subslide"}
answer = warehouse.groupby("store_type")["overall_score"].agg(["mean", "count"]).round(3)
answer = answer.sort_values("mean", ascending=False)
print(answer.to_string())

# %% slideshow={"slide_type": "fragment"}
print("raw files vs warehouse, mean score per store type:")
print(pd.DataFrame({"raw files": naive, "warehouse": answer["mean"]}).to_string())

# %% [markdown] slideshow={"slide_type": "fragment"}
# The differences are small here because only a handful of rows are bad — which is exactly why
# they are dangerous: nobody notices. In the warehouse the table is the **source of truth**: cleaned
# and transformed once, structured, ready for analysis.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Two kinds of database work: OLTP and OLAP
#
# | | **OLTP** — online *transaction* processing | **OLAP** — online *analytical* processing |
# |---|---|---|
# | example | the till recording one sale | "average score per store type, per month" |
# | each query touches | one row, or a few | millions of rows, a few columns |
# | writes | constant, tiny, many at once | big batches (our Lambda's loads) |
# | built for | fast single-row reads and writes | fast scans and aggregates |
# | AWS example | Amazon RDS, DynamoDB | **Amazon Redshift** |
#
# A data warehouse is an OLAP system. That single fact explains Redshift's two big design choices,
# which the next two notebooks measure for themselves.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Redshift as a data warehouse
#
# - A massively **parallel**, **column-oriented** database
# - Simple and cost-effective to analyse your data
# - Manages, monitors and scales your system
# - Up to 10× better performance than traditional warehouses (AWS's figure)
# - A collection of compute resources called **nodes**
# - Nodes organised into groups become **clusters**
# - Each cluster runs a Redshift engine which contains one or more **databases**

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** *Parallel*: Redshift is designed as a Massively Parallel Processing (MPP)
# system — it distributes data and work across many nodes so they process it in parallel
# (notebook 03 simulates it on our data).
#
# *Column-oriented*: it stores data by column rather than by row. That makes querying a subset of
# columns much faster, at the cost of being less efficient at inserting single rows
# (notebook 02 measures it).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What you now know
#
# - Traditional warehouses were slow to fill, costly to own and hard to scale.
# - A **data warehouse** is where a business keeps its finished goods: clean, structured data from
#   many sources — the **source of truth**.
# - Answering from raw files means re-doing the cleaning every time, differently; an **ETL**
#   pipeline does it once. Your team project already does this.
# - Warehouses serve **OLAP** work — big scans and aggregates — which is why Redshift is
#   **columnar** (next: 02) and **massively parallel** (then: 03).
