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
# ## 08 · Recap, quiz and emoji check
#
# 5 minutes: where we got to, a quiz, and how you feel about it all. The terms of the session are
# at the end, for reference.

# %% slideshow={"slide_type": "skip"}
from redshift_course import CourseSettings

settings = CourseSettings.from_env()  # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Our next user story — where we got to
#
# > **As a** SuperCafe senior manager **I want** the Mystery Shopper data to be analysed **so that**
# > we can award the friendliest, most helpful store a prize each month.
#
# This is what the IaC set up and let us use; we nearly have the whole system now. Only the Grafana
# VM (AWS 08) is still to come:

# %% slideshow={"slide_type": "subslide"}
import matplotlib.pyplot as plt

from redshift_course import diagrams

diagrams.pipeline("next")
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Walk the chain once more: upload → S3 event → Lambda reads its settings from
# Parameter Store, checks the rows, stages the clean rows in S3 and COPYs them into Redshift → we
# query it. Next session adds the Grafana VM that turns those queries into a dashboard.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Quiz time! 🤓
#
# Twelve questions on the whole session. Pick an answer, then press its **Check** button: only then
# do you see whether it is right, and why. (A static copy of this notebook shows the questions only.)

# %% slideshow={"slide_type": "subslide"}
from redshift_course import quiz

quiz.show(quiz.QUESTIONS)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Run the quiz as a group: read each question, give the room ten seconds, then
# press its Check button with the room's answer. Questions 3, 4, 5, 8 and 9 quote the
# measurements in notebooks 02 and 03: if people miss them, show the chart again rather than
# re-explaining. Short of time? Take the odd-numbered questions only.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Overview — recap
#
# - Before data warehouses *(01)*
# - Redshift as a data warehouse *(01, 02, 03)*
# - Connecting from a Lambda using Python *(04–07)*
#
# ## Learning objectives — recap
#
# - What Redshift is and can do for us
# - How to connect to it using Python
# - Using Parameter Store to get settings
# - **Never put sensitive info like passwords in code or environment variables!**
#
# Check yourself: could you explain each one to a teammate in a minute?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Further reading
#
# - **Redshift:** the AWS data warehouse service used to store and analyse large quantities of data —
#   <https://aws.amazon.com/redshift/>
# - Clusters, nodes and node types: <https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-clusters.html>
# - Redshift Serverless capacity (RPUs): <https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-capacity.html>
# - System architecture (leader, compute nodes, slices): <https://docs.aws.amazon.com/redshift/latest/dg/c_high_level_system_architecture.html>
# - Columnar storage: <https://docs.aws.amazon.com/redshift/latest/dg/c_columnar_storage_disk_mem_mgmnt.html>
# - Compression encodings: <https://docs.aws.amazon.com/redshift/latest/dg/c_Compression_encodings.html>
# - Distribution styles: <https://docs.aws.amazon.com/redshift/latest/dg/c_choosing_dist_sort.html>
# - Sort keys: <https://docs.aws.amazon.com/redshift/latest/dg/t_Sorting_data.html>
# - Query plans (`EXPLAIN`): <https://docs.aws.amazon.com/redshift/latest/dg/c-the-query-plan.html>
# - Loading with `COPY`: <https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html>
# - Parameter Store: <https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-parameter-store.html>
# - `redshift_connector`: <https://github.com/aws/amazon-redshift-python-driver>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Emoji check
#
# On a high level, do you think you understand the main concepts of this session? Say so if not!
#
# 1. 😢 Haven't a clue, please help!
# 2. 🙁 I'm starting to get it but need to go over some of it please
# 3. 😐 Ok. With a bit of help and practice, yes
# 4. 🙂 Yes, with team collaboration could try it
# 5. 😀 Yes, enough to start working on it collaboratively

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The phrasing is such that all answers invite collaborative effort; none
# require solo knowledge.
#
# The 1–5 are looking at (a) understanding of the content and (b) readiness to practise the thing
# being covered, so:
#
# 1. 😢 Haven't a clue what's being discussed, so I certainly can't start practising it (play MC Hammer song)
# 2. 🙁 I'm starting to get it but need more clarity before I'm ready to begin practising it with others
# 3. 😐 I understand enough to begin practising it with others in a really basic way
# 4. 🙂 I understand a majority of what's being discussed, and I feel ready to practise this with others and begin to deepen the practice
# 5. 😀 I understand all (or the majority) of what's being discussed, and I feel ready to practise this in depth with others and explore more advanced areas of the content

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: terms and definitions
#
# | term | meaning |
# |---|---|
# | **data warehouse** | a central store of clean, structured data from many sources, ready for analysis: the business's *source of truth* (the finished goods on the shelves) |
# | **ETL** | Extract, Transform, Load: the pipeline that turns raw files into warehouse rows (our Lambda: it checks the rows, stages the clean ones in S3 and COPYs them into Redshift) |
# | **OLTP** | online *transaction* processing: many tiny reads and writes of single rows (a till, a shop website) |
# | **OLAP** | online *analytical* processing: few, big queries that scan and aggregate many rows (a warehouse) |
# | **columnar storage** | storing each column's values together instead of each row's: reads only the columns a query needs, compresses well |
# | **compression encoding** | how one column is compressed in Redshift (`ENCODE AZ64`, `ZSTD`, `BYTEDICT`, `RUNLENGTH`, `RAW`; `AUTO` lets Redshift choose) |
# | **MPP** | massively parallel processing: the data and the work are split over many nodes and slices that run at once |
# | **cluster** | a leader node plus one or more compute nodes, running one Redshift engine with one or more databases |
# | **leader node** | receives queries from clients, plans them, coordinates the compute nodes, merges their results |
# | **compute node** | runs its part of each query plan on the data it holds; nodes exchange data with each other when needed |
# | **slice** | a share of a compute node's memory and disk; each slice holds part of every table and works in parallel |
# | **distribution style** | how a table's rows are spread over slices: `AUTO`, `EVEN`, `KEY` or `ALL` |
# | **distribution key** | the column whose value decides a row's slice under `DISTSTYLE KEY`; equal values land together |
# | **skew** | some slices holding far more rows than others, so they finish last (a bad distribution key) |
# | **sort key** | the column(s) the table is kept sorted by, so zone maps can skip blocks |
# | **zone map** | the min and max value of each 1 MB block, used to skip blocks that cannot match |
# | **node type** | the hardware of each node: RA3 (compute + managed storage, current), DC2 (previous generation), DS2 (retired) |
# | **Redshift Serverless** | Redshift without choosing nodes: capacity in RPUs, paid per second while queries run |
# | **Parameter Store** | the AWS Systems Manager service that stores settings by name (ours: `<team>_redshift_settings`) |
# | **SecureString** | a Parameter Store value encrypted with KMS; readable only with permission to decrypt |
