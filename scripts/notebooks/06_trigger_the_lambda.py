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
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 06 · Trigger the Lambda
#
# *Exercise step 02.* The pipeline is deployed; now feed it. Nobody *calls* this Lambda: you drop a
# file in the bucket, S3 sends an event, and the Lambda wakes up, checks every row, and loads the good
# ones into Redshift. In this notebook you will:
#
# 1. upload the handout file `mystery_shops_2024-03.csv` with boto3 (and, if you like, a file of
#    your own with an upload button),
# 2. watch the load arrive in Redshift,
# 3. read what the Lambda wrote in its logs,
# 4. look at the rows it refused, and why,
# 5. find out why the whole team can upload at once, and why the same file can go in twice,
# 6. time three ways of loading rows into Redshift side by side.

# %% slideshow={"slide_type": "skip"}
from redshift_course import CourseSettings
settings = CourseSettings.from_env()   # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "subslide"}
# This notebook needs the stacks of notebook 04. If they are already there, nothing happens;
# if not, the next cell runs `deploy.sh` for you, exactly as notebook 04 does.

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.deploy import ensure_pipeline_deployed
from redshift_course.pipeline.stacks import pipeline_names
print(ensure_pipeline_deployed(settings))
names = pipeline_names(settings)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise – Step 02 – Trigger the Lambda
#
# > **5 mins breakout.**
#
# - Use the file `handouts/data/mystery_shops_2024-03.csv`.
# - You can upload the same file many times, or altered copies of it.
# - Multiple team members can do this concurrently. *Why is that?*
#
# On the command line an upload is `aws s3 cp mystery_shops_2024-03.csv s3://<bucket>/`. In Python it
# is one boto3 call. First, a look at the file – including a few rows a human got wrong:

# %% slideshow={"slide_type": "-"}
import pandas as pd
from redshift_course.paths import HANDOUT_FILE
from redshift_course.pipeline.uploads import data_rows

pd.set_option("display.max_colwidth", None)   # show whole S3 paths

print(HANDOUT_FILE.name, "has", data_rows(HANDOUT_FILE), "data rows")
pd.read_csv(HANDOUT_FILE, dtype=str).head(3)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Upload with boto3
#
# We note the time just before the upload, so that afterwards we read only the logs of *this* load.

# %% slideshow={"slide_type": "-"}
import time

s3 = settings.client("s3")
uploaded_at_ms = int(time.time() * 1000)
s3.upload_file(str(HANDOUT_FILE), names.bucket, HANDOUT_FILE.name)
print(f"uploaded {HANDOUT_FILE.name} to s3://{names.bucket}/")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Wait for the load
#
# The upload returned at once; the Lambda works in the background. The progress bar counts this
# file's rows in Redshift until the Lambda reports that it has finished. The rows of one file go in
# as **one transaction**, so the bar jumps from nothing to everything: nobody ever sees half a file.

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.loads import stable_summary, wait_for_load

summary = wait_for_load(settings, HANDOUT_FILE.name, data_rows(HANDOUT_FILE), since=uploaded_at_ms)
stable_summary(summary)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Loaded plus rejected always adds up to the rows in the file – nothing is silently lost:

# %% slideshow={"slide_type": "-"}
print(summary["loaded"], "+", summary["rejected"], "=", summary["loaded"] + summary["rejected"],
      "of", summary["rows"], "rows")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The Lambda's logs
#
# Everything a Lambda prints goes to CloudWatch Logs, in the log group the stack created. The
# Lambda writes **one JSON line per file**, so a person can read it and a query (CloudWatch Logs
# Insights) can filter and sum its fields. We read the log group with `filter_log_events`, through a
# paginator, from the moment of our upload:

# %% slideshow={"slide_type": "-"}
import json
from redshift_course.pipeline.loads import file_summaries

print("log group:", names.log_group)
for record in file_summaries(settings, since=uploaded_at_ms, key=HANDOUT_FILE.name):
    print(json.dumps(stable_summary(record) | {"message": record.get("message")}, indent=2))

# %% [markdown] slideshow={"slide_type": "fragment"}
# (We print the stable fields; the full line also carries the time, the level and how many seconds
# the load took.) On the command line the same logs are one command away:
# `aws logs filter-log-events --log-group-name /aws/lambda/<team>-shopper-etl --query 'events[].message'`
# (with AWS CLI v2, `aws logs tail /aws/lambda/<team>-shopper-etl --since 10m` reads nicer).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The rows it refused
#
# A row that breaks a rule is not loaded and not lost: it goes, with its line number in the file and
# the reason, into a rejects file beside the source, under `rejected/`.

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.rejects import rejected_rows, rejects_key

print(f"s3://{names.bucket}/{rejects_key(HANDOUT_FILE.name)}")
rejects = rejected_rows(settings, HANDOUT_FILE.name)
rejects[["LineNumber", "Reason", "StoreName", "VisitDate", "StartTime", "EndTime", "OverallScore"]]

# %% [markdown] slideshow={"slide_type": "fragment"}
# Every one of those is a realistic slip: a blank or impossible score, a date that does not exist,
# a visit that ends before it starts, the same visit pasted twice. The rejects file keeps each row
# exactly as it arrived, so it can be fixed and uploaded again.
#
# Other slips in the file were *not* reasons to refuse a row: stray spaces are trimmed, an employee
# count without its quotes is still a whole number, and a store name with a comma inside quotes
# ("Manchester, Arndale") is one field, as the CSV rules say.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Ask the team to open the handout CSV at one of those line numbers and agree
# what the right value would have been. Who should fix source data – the pipeline or the shop?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why can many people upload at once?
#
# Every object that lands in the bucket is its own S3 event, and every event its own **Lambda
# invocation** – Lambda starts as many copies as there are events (up to the function's reserved
# concurrency). Each invocation loads its file in **one transaction**, so loads never see each
# other's half-done work.
#
# Three teammates upload three different months at the same moment:

# %% slideshow={"slide_type": "-"}
from concurrent.futures import ThreadPoolExecutor
from redshift_course.paths import DATA_DIR
from redshift_course.pipeline.uploads import upload_file

months = [DATA_DIR / f"mystery_shops_2024-{month}.csv" for month in ("01", "02", "04")]
with ThreadPoolExecutor(max_workers=len(months)) as pool:
    uploads = list(pool.map(lambda path: upload_file(settings, path), months))
print("uploaded at once:", [upload.key for upload in uploads])

# %% [markdown] slideshow={"slide_type": "fragment"}
# Each file gets its own invocation and its own summary line:

# %% slideshow={"slide_type": "-"}
results = [wait_for_load(settings, upload.key, upload.rows, since=upload.since_ms, progress=False)
           for upload in uploads]
pd.DataFrame([stable_summary(result) for result in results]).drop(columns="bucket")

# %% [markdown] slideshow={"slide_type": "fragment"}
# And in Redshift every file's rows are there, once:

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.warehouse import SOURCE_COLUMN, rows_by_source, source_uri

ours = [source_uri(settings, key) for key in [HANDOUT_FILE.name] + [upload.key for upload in uploads]]
loaded = rows_by_source(settings)
loaded[loaded[SOURCE_COLUMN].isin(ours)].reset_index(drop=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why can the same file be uploaded again?
#
# Because the Lambda **replaces** a file's rows instead of adding to them: in one transaction it
# deletes every row whose `source_file` is this object (`s3://bucket/key`), then inserts the file's
# clean rows again (it has staged them in S3 and `COPY`d them into a temporary table). Upload it
# twice, ten times – the table holds one copy. Let's count before and after:

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.loads import upload_and_wait
from redshift_course.pipeline.warehouse import count_rows

before = count_rows(settings, HANDOUT_FILE.name)
again = upload_and_wait(settings, HANDOUT_FILE, progress=False)
after = count_rows(settings, HANDOUT_FILE.name)
print(f"rows from {HANDOUT_FILE.name}: before {before}, after uploading it again {after}")
print("unchanged:", before == after)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Replacing by file also means a *fixed* file just goes up under the same name: its old rows go, the
# corrected ones come in, and nothing else in the table is touched.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Three ways to load, measured
#
# The Lambda stages the clean rows in S3 and `COPY`s them. Why? Three ways side by side, into a
# scratch table: an `INSERT` per row, `INSERT`s of 1,000 rows, one `COPY` from the team's bucket.

# %% slideshow={"slide_type": "subslide"}
import csv
import io

from redshift_course import columnar, load_timing

rows = load_timing.as_rows(columnar.measurement_visits(rows_per_month=100_000, months=("2024-03",)))
connection = settings.connect()
cursor = connection.cursor()
load_timing.create_scratch_table(connection)
TABLE, KEY = load_timing.SCRATCH_TABLE, load_timing.SCRATCH_KEY
ONE_ROW = "(" + ", ".join(["%s"] * len(rows[0])) + ")"


def one_insert_per_row(rows):
    for row in rows:  # one statement, one round trip to the database, per visit
        cursor.execute(f"INSERT INTO {TABLE} VALUES {ONE_ROW}", row)
    connection.commit()


def batched_inserts(rows, batch=1_000):
    for start in range(0, len(rows), batch):  # one statement carries 1,000 visits
        chunk = rows[start:start + batch]
        cursor.execute(f"INSERT INTO {TABLE} VALUES " + ", ".join([ONE_ROW] * len(chunk)),
                       [value for row in chunk for value in row])
    connection.commit()


def copy_from_s3(rows):
    text = io.StringIO()
    csv.writer(text).writerows(rows)  # the rows as CSV: dates as yyyy-mm-dd, times as hh:mm:ss
    s3.put_object(Bucket=names.bucket, Key=KEY, Body=text.getvalue().encode("utf-8"))
    cursor.execute(f"COPY {TABLE} FROM 's3://{names.bucket}/{KEY}' IAM_ROLE default FORMAT CSV")
    connection.commit()


results = load_timing.measure(connection, {
    "one INSERT per row": (one_insert_per_row, rows[:1_000]),
    "batched INSERTs (1,000 rows each)": (batched_inserts, rows[:20_000]),
    "COPY from S3 (upload included)": (copy_from_s3, rows[:100_000]),
})
print()
print(load_timing.describe_ratios(results))

# %% slideshow={"slide_type": "subslide"}
import matplotlib.pyplot as plt

load_timing.plot_rates(results, f"Three ways to load, on this machine ({settings.mode} mode)")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Noisy figures (a busy machine), a stable order. On a real cluster the gap is **far wider**: every
# statement goes through the leader node, while one `COPY` has every slice read S3 in parallel
# (deep dive at the end). The scratch table and object go again:

# %% slideshow={"slide_type": "-"}
print(load_timing.drop_scratch(connection, s3, names.bucket))
connection.close()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Locally the measurement takes a few seconds. On a real cluster the
# one-per-row way may take a minute: start the cell, then talk through the deep dive's leader-node
# story while it runs. Ask: which way would you pick for 10 million rows a night?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn: upload your own file
#
# Make a copy of the handout file, change something (fix a rejected row, add a visit, break a row on
# purpose), save it as `.csv` and pick it with the button. The notebook uploads it to your team's
# bucket, under the file's own name, and reports what the Lambda made of it.

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.upload_widget import upload_widget
picker = upload_widget(settings)   # pick a file: it goes to S3 and the Lambda loads it

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Tell learners to keep the `mystery_shops_` prefix but give their copy a name of
# its own (e.g. `mystery_shops_2024-03_alex.csv`) unless they mean to replace the handout's rows.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Discussion – Step 02 – Trigger lambda
#
# > How did the triggering go? Is everyone happy they understand it?
#
# **Why could multiple people do this at the same time?** Each upload is its own event and its own
# Lambda invocation; each file is loaded in its own transaction; and a file's rows are identified by
# its key, so different files never touch each other's rows and the same file replaces its own.
# Compare that with step 01, where every deploy changes the *one* shared stack.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes – Discussion, Step 02.** How did the triggering go? Is everyone happy they
# understand it? Why could multiple people do this at the same time? Draw out: S3 events fan out to
# independent invocations; one transaction per file; replace-by-source-file makes re-uploads safe.
# Contrast with the single shared stack in step 01.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: why the gap is far wider on a real cluster
#
# Locally, the "Redshift" is one PostgreSQL process on this machine: a statement costs a fraction of
# a millisecond, so even an `INSERT` per row runs at thousands of rows a second. On Amazon Redshift
# every statement goes through the **leader node**: it parses and plans it, compiles (or fetches
# from its cache) the code the compute nodes run, sends it to them, and gathers their replies; and
# a commit is a cluster-wide step. That overhead is the same for one row or a thousand, so:
#
# - an `INSERT` per row pays it on every visit: a few to a few dozen rows a second;
# - a batched `INSERT` pays it once per 1,000 visits, but the leader node still parses every value;
# - `COPY` pays it once, and then every slice of every compute node reads its share of the files
#   from S3 in parallel, without the leader node in the way (split big loads into as many files as
#   there are slices).
#
# That is why the AWS guide says to load with `COPY` and, when that is not possible, to use
# multi-row `INSERT`s — and why the Lambda stages its clean rows in S3 and `COPY`s them. Run this
# notebook with `COURSE_MODE=aws` to see the gap on a cluster (the one-per-row way may then take a
# minute). There the `COPY` reads S3 with the cluster's default IAM role, which the instructor's
# stack attaches and which may read only `staging/`: that is why the scratch object lives there (and,
# not ending in `.csv`, it never triggers the Lambda).
# The local `COPY` reads the local S3 through PostgreSQL's own `COPY`: see
# `docs/local_redshift_copy.md`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: check the rows in Python, or load them raw and check them in SQL?
#
# The Lambda checks every row in Python before anything reaches Redshift. The other design, **ELT**
# (extract, load, then transform), would `COPY` each file as it is into an all-text table and check
# and convert it with one `INSERT ... SELECT` in SQL. Both were built and measured on the local stack
# (`bench/bench_load.py`; the figures are in [docs/benchmarks.md](../docs/benchmarks.md)): for
# 1,000,000 rows, checking in Python took 7.3 s from the upload until every row was queryable, the
# SQL way 15.7 s; for 100,000 rows, 1.2 s against 1.9 s. Python it is, and not only for speed:
#
# - every rule (a date that exists, a score from 1 to 5, the second copy of a visit) would be written
#   twice: in SQL for the load, and in Python for the reasons the rejects file gives;
# - the cluster's role, which may read only `staging/`, would have to read the raw uploads, shopper
#   names included, or each upload be copied there first;
# - the rejected rows would have to come back out of Redshift (`UNLOAD`) to be written with their
#   reasons.
#
# On a real cluster the SQL would run on every slice at once, which one laptop cannot show: for files
# far bigger than the academy's, ELT may win there (measure it with `COURSE_MODE=aws`). Nor does the
# Lambda wait for S3 while it checks: every 200,000 clean rows go up as one part and are `COPY`d into
# the temporary table on a second thread while the next part is read, so only the last part is
# waited for.
