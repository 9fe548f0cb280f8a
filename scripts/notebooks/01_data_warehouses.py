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
# About 8 minutes, 5 of them a team discussion. Then one business question answered twice: from
# the raw files, and from a warehouse table.

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
# notebook (05) and the Lambda's code are built around. So far the pipeline can store a file (S3)
# and run code when it arrives (Lambda); today the Lambda gets somewhere to put what it reads.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Before Redshift: traditional data warehouses
#
# - Time-consuming to pull data from many sources using a traditional architecture
# - Costly: hardware, setup, electricity, security, estate
# - Maintenance costs often outweighed the benefits (upgrades as more data arrived)
# - Performance issues
# - Auto-scaling was not an easy concept

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** A cloud warehouse such as Amazon Redshift rents all of that by the hour (or by
# the second, for Redshift Serverless): AWS owns the machines, the electricity and the upgrades. You
# no longer buy for the busiest day of the year and pay for it every other day too.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Discussion (5 minutes)
#
# > **What is a data warehouse?**
# >
# > **Why would we use one?**
#
# Talk it through with your team before you scroll on.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Prompt the learners for their idea of a warehouse — what is kept in a warehouse?
#
# Create an analogy: it is where a business typically stores the **finished goods, ready to be sent
# to other places or sold**.
#
# A data warehouse is a centralised repository that stores and consolidates data from multiple
# sources, enabling businesses to analyse it for better decision-making and business intelligence.
#
# The analogy in full: raw materials from many suppliers are the CSV exports, databases and logs;
# the factory that cleans and checks them is the **ETL** pipeline (Extract, Transform, Load); the
# finished goods on labelled shelves are clean tables; the lorries taking goods out are dashboards
# and analysts' queries.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Data warehousing
#
# - It is where you keep your **best** data: the **source of truth** for your business
# - It has been **cleaned and transformed** in preparation for storage
# - **Highly structured** data that is ready for analysis

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Keep the analogy going: the learners have already been doing this in their
# team project's ETL pipeline — extracting the café's CSVs, transforming them (removing personal
# data, fixing types) and loading them into a database. That database is a small warehouse.
#
# A following session talks more about warehousing (star schemas, facts and dimensions).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try it: one question, two ways
#
# > **Which store type got the best mystery-shopper scores, January to June 2024?**
#
# The shops send one CSV a month. June's arrived twice: the shop re-sent it, and both copies sit
# in the folder.

# %% slideshow={"slide_type": "subslide"}
from redshift_course.paths import MONTH_FILES

arrivals = [*MONTH_FILES, MONTH_FILES[-1]]  # June's file, sent a second time
for path in arrivals:
    print(f"{path.name}  {path.stat().st_size:>6,} bytes")

# %% [markdown] slideshow={"slide_type": "fragment"}
# ### Way 1: straight from the files
#
# Read every file with pandas, stick them together, count what a careful analyst would not trust:

# %% slideshow={"slide_type": "subslide"}
import pandas as pd

raw = pd.concat([pd.read_csv(path) for path in arrivals], ignore_index=True)
score = pd.to_numeric(raw["OverallScore"], errors="coerce")
visit = ["StoreName", "MysteryShopperID", "VisitDate", "StartTime"]
problems = {
    "blank scores": int(score.isna().sum()),
    "scores outside 1-5": int(((score < 1) | (score > 5)).sum()),
    "dates that do not exist (31/02)": int(raw["VisitDate"].eq("31/02/2024").sum()),
    "the same visit counted twice": int(raw.duplicated(subset=visit).sum()),
    "store types with stray spaces": int((raw["StoreType"] != raw["StoreType"].str.strip()).sum()),
}
print(f"{len(raw)} rows")
for problem, count in problems.items():
    print(f"{count:>4}  {problem}")

# %% slideshow={"slide_type": "fragment"}
naive = raw.groupby("StoreType")["OverallScore"].mean().round(3).sort_values(ascending=False)
print(naive.to_string())

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Way 2: from a warehouse table
#
# Now each file goes through the **transform step of our ETL Lambda**
# (`handouts/src/etl_utils/transform_utils.py`): it checks every row, trims spaces, drops the
# shopper's name (personal data) and rejects bad rows with a reason. And as the Lambda does, a file
# loaded again **replaces its own rows**: one copy of June, however often it arrives.

# %% slideshow={"slide_type": "subslide"}
from redshift_course.handout_code import transform_utils  # the Lambda's own module

loads, rejects = {}, {}  # file name -> its clean visits, its rejected rows (a second load replaces both)
for path in arrivals:
    with open(path, encoding="utf-8-sig", newline="") as text:  # utf-8-sig drops Excel's byte-order mark
        records = transform_utils.read_records(text)
        transform_utils.check_header(next(records)[1])
        results = list(transform_utils.transform(records))
    loads[path.name] = [result for result in results if not isinstance(result, transform_utils.Reject)]
    rejects[path.name] = [result for result in results if isinstance(result, transform_utils.Reject)]

warehouse = pd.DataFrame([visit._asdict() for visits in loads.values() for visit in visits])
print(f"{len(warehouse)} clean visits from {len(loads)} files; rejected rows:")
for name, reject in [(name, reject) for name, rows in rejects.items() for reject in rows]:
    print(f"  {name} line {reject.line:>3}: {reject.reason}")

# %% slideshow={"slide_type": "fragment"}
answer = warehouse.groupby("store_type")["overall_score"].mean().astype(float).round(3)
print("mean score per store type, best first:")
print(pd.DataFrame({"raw files": naive, "warehouse": answer}).sort_values("warehouse", ascending=False).to_string())
print()
print(f"raw files say: {naive.index[0]!r}; the warehouse says: {answer.idxmax()!r}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Different winners.** Counting June twice tilted the raw answer, and the stray space invented a
# sixth store type. The warehouse did the cleaning once, in one place, with a record of what it
# left out: it is the **source of truth**.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Redshift as a data warehouse
#
# - A massively **parallel**, **column-oriented** database
# - Simple and cost-effective to analyse your data
# - Manages, monitors and scales your system
# - Up to 10× better performance than traditional warehouses
# - A collection of compute resources called **nodes**
# - Nodes organised into groups become **clusters**
# - Each cluster runs a Redshift engine which contains one or more **databases**
#
# Warehouses serve **OLAP** work (online *analytical* processing: few big queries that scan and
# aggregate many rows), not **OLTP** (online *transaction* processing: a till writing one sale).
# That is why Redshift is columnar (next: 02) and massively parallel (then: 03).

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** *Parallel*: Redshift is designed as a Massively Parallel Processing (MPP)
# system — it distributes data and work across many nodes so they process it in parallel
# (notebook 03 simulates it on our data).
#
# *Column-oriented*: it stores data by column rather than by row. That makes querying a subset of
# columns much faster, at the cost of being less efficient at inserting single rows
# (notebook 02 measures it).
#
# OLTP vs OLAP in one breath: OLTP = Amazon RDS or DynamoDB behind a shop's website, constant tiny
# writes of single rows; OLAP = Redshift, big batch loads (our Lambda's) and big scans.
