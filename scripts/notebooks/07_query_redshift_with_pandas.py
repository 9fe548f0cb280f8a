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
# # 07 · Query Redshift with pandas
#
# *Exercise step 03.* The visits are in Redshift. Time to answer the manager:
#
# > **As a** SuperCafe senior manager **I want** the Mystery Shopper data to be analysed
# > **so that** we can award the friendliest most helpful store a prize each month.
#
# We start where the exercise starts – `select * from mystery_shop_visit;` – and finish with a store
# of the month for every month from January to June, with the rules for ties and for stores that
# were hardly visited written down, and charts a manager can read.

# %% slideshow={"slide_type": "skip"}
from redshift_course import CourseSettings
settings = CourseSettings.from_env()   # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "subslide"}
# A prize each month needs every month's visits. So first the six monthly files go through the
# pipeline – uploaded to S3 and loaded by the Lambda, as in notebook 06. Files already loaded are
# left alone, so this cell shows the same table whether it had work to do or not.

# %% slideshow={"slide_type": "-"}
import pandas as pd
from redshift_course.pipeline.deploy import ensure_pipeline_deployed
from redshift_course.pipeline.loads import ensure_visits_loaded

pd.set_option("display.max_colwidth", None)   # show whole S3 paths
print(ensure_pipeline_deployed(settings))
ensure_visits_loaded(settings)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Demo – Step 03 – the Redshift Query Editor
#
# On AWS, the **Redshift Query Editor v2** is a SQL client in the browser, inside the AWS console
# (Amazon Redshift → Query editor v2). You pick the cluster, log in as a database user – with the
# host, database, user and password from your team's Parameter Store settings – and type SQL; the
# results come back as a table you can sort, download or chart. Nothing to install.
#
# The local stand-in has **no console**, so there is no Query Editor to open here. What the Query
# Editor does – connect with the settings from Parameter Store and run SQL – is exactly what
# `redshift_connector` does from Python, and that works the same in both modes:

# %% slideshow={"slide_type": "-"}
if settings.is_local:
    print("Local mode: there is no AWS console, so no Query Editor. We run the same SQL with redshift_connector.")
else:
    print(f"Query Editor v2: https://{settings.region}.console.aws.amazon.com/sqlworkbench/home?region={settings.region}")

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes – Demo: Step 03, Redshift Query Editor.** Connect to the Redshift Query Editor in
# the AWS console using the Parameter Store data, e.g. `la_vida_mocha_redshift_settings` ("Database
# user name and password" authentication). Run `select * from mystery_shop_visit;` and show the
# result grid.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise – Step 03 – Create SQL queries
#
# > **20 mins breakout.** You can all do this concurrently (not just one person per team).
# > Start with `select * from mystery_shop_visit;` and then see if you can do something more
# > sophisticated.
#
# `settings.connect()` reads the team's parameter, decrypts it and connects – the password never
# appears. `fetch_dataframe()` turns the result into a pandas DataFrame:

# %% slideshow={"slide_type": "-"}
with settings.connect() as connection:
    cursor = connection.cursor()
    cursor.execute("select * from mystery_shop_visit;")
    visits = cursor.fetch_dataframe()

print(visits.shape[0], "visits,", visits.shape[1], "columns")
print(list(visits.columns))

# %% [markdown] slideshow={"slide_type": "fragment"}
# A table has no order of its own: a `select` without `order by` may return rows in any order (on
# Redshift every slice sends its rows as it finds them). So we sort before we look. `loaded_at` is
# when the Lambda loaded the row, which changes with every upload, so we leave it out here:

# %% slideshow={"slide_type": "-"}
visits.drop(columns="loaded_at").sort_values(["visit_date", "start_time", "store_id"], ignore_index=True).head()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Instructors can find the answers in the Solutions folder. Let every learner
# run their own queries: reading is concurrent and harmless.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Something more sophisticated: one query, one question
#
# A small helper runs a query and hands back a DataFrame, so each question is just its SQL.
# How many visits did each month get?

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.warehouse import query_dataframe

query_dataframe(settings, """
    select date_trunc('month', visit_date)::date as month, count(*) as visits,
           count(distinct store_id) as stores, count(distinct mystery_shopper_id) as shoppers
    from mystery_shop_visit
    group by 1
    order by 1
""")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## The average score of every store, every month
#
# "Friendliest, most helpful" is what the overall score measures, so a store's month is its
# **average overall score**. One trap: in Redshift, `avg()` of an integer column returns an
# *integer* (4.21 becomes 4). Casting the score to `float8` first keeps the fraction.

# %% slideshow={"slide_type": "-"}
import numpy as np

monthly = query_dataframe(settings, """
    select date_trunc('month', visit_date)::date as month,
           store_id, store_name,
           count(*) as visits,
           avg(overall_score::float8) as avg_score
    from mystery_shop_visit
    group by 1, 2, 3
    order by 1, 2
""")
monthly["month"] = pd.to_datetime(monthly["month"]).dt.strftime("%Y-%m")
monthly.round({"avg_score": 3}).head()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The whole half-year at a glance – one row per store, one column per month, darker is better:

# %% slideshow={"slide_type": "-"}
import matplotlib.pyplot as plt

grid = monthly.pivot_table(index="store_name", columns="month", values="avg_score")

fig, ax = plt.subplots(figsize=(9, 7))
image = ax.imshow(grid.values, cmap="Greens", aspect="auto")
ax.set_xticks(range(len(grid.columns)), grid.columns)
ax.set_yticks(range(len(grid.index)), grid.index)
for (row, col), value in np.ndenumerate(grid.values):
    ax.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=8)
fig.colorbar(image, ax=ax, label="average overall score (1-5)")
ax.set_title("Average mystery-shop score per store per month")
ax.set_xlabel("Month")
ax.set_ylabel("Store")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Rule 1: a prize needs enough visits
#
# An average of three visits says little: one grumpy morning moves it a whole point. So a store
# competes in a month only if mystery shoppers visited it at least **10 times** that month –
# about twice a week. These store-months are left out:

# %% slideshow={"slide_type": "-"}
MIN_VISITS = 10
too_few = monthly[monthly["visits"] < MIN_VISITS]
too_few[["month", "store_name", "visits"]].round(3).reset_index(drop=True)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Rule 2: ties share the prize
#
# Two stores can reach exactly the same average. Rather than let the order rows happen to come
# back in pick a winner, we say so in SQL: `rank()` gives equal averages the same rank, so every
# store ranked 1 in its month is a winner, and a shared prize is visible as two rows.

# %% slideshow={"slide_type": "-"}
WINNERS_SQL = """
    with store_month as (
        select date_trunc('month', visit_date)::date as month,
               store_id, store_name,
               count(*) as visits,
               avg(overall_score::float8) as avg_score
        from mystery_shop_visit
        group by 1, 2, 3
        having count(*) >= %s
    ),
    ranked as (
        select *, rank() over (partition by month order by avg_score desc) as place
        from store_month
    )
    select month, store_id, store_name, visits, avg_score,
           count(*) over (partition by month) as winners_this_month
    from ranked
    where place = 1
    order by month, store_id
"""
winners = query_dataframe(settings, WINNERS_SQL, [MIN_VISITS])
winners["month"] = pd.to_datetime(winners["month"]).dt.strftime("%Y-%m")
winners["shared"] = winners["winners_this_month"] > 1
winners.drop(columns="winners_this_month").round({"avg_score": 3})

# %% [markdown] slideshow={"slide_type": "fragment"}
# May has two winners with exactly the same average (the same number of visits and the same total
# score) – a shared prize, decided by the rule, not by luck.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Checking the SQL with pandas
#
# Two independent routes to one answer: the same rules applied in pandas to the raw `select *`
# result must pick the same winners.

# %% slideshow={"slide_type": "-"}
check = visits.assign(month=pd.to_datetime(visits["visit_date"]).dt.strftime("%Y-%m"))
per_store = (check.groupby(["month", "store_id"])["overall_score"]
             .agg(visits="count", total="sum").reset_index())
per_store = per_store[per_store["visits"] >= MIN_VISITS]
per_store["avg_score"] = per_store["total"] / per_store["visits"]
best = per_store.groupby("month")["avg_score"].transform("max")
pandas_winners = per_store[np.isclose(per_store["avg_score"], best)][["month", "store_id"]]
print("SQL and pandas agree:",
      sorted(map(tuple, pandas_winners.values.tolist())) == sorted(map(tuple, winners[["month", "store_id"]].values.tolist())))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The winners, month by month

# %% slideshow={"slide_type": "-"}
# Winners' names go under each month (one per line: May has two), where long names have room.
labels = winners.groupby("month")["store_name"].apply("\n".join)
scores = winners.groupby("month")["avg_score"].first()

fig, ax = plt.subplots(figsize=(9, 4.8))
ax.bar(scores.index, scores.values, color="#5b8e7d")
ax.set_xticks(range(len(scores)), [f"{month}\n{labels[month]}" for month in scores.index], fontsize=9)
ax.set_ylim(1, 5)
ax.set_title(f"Store of the month: best average score (at least {MIN_VISITS} visits)")
ax.set_ylabel("Average overall score (1-5)")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes – Discussion, Step 03.** How did the SQL-ing go? Is everyone happy they
# understand the queries? Ask: what else would make a fairer prize – a minimum number of shoppers,
# the trend over the month, the store's type? How would you break a tie if the prize could not be
# shared?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The user story, answered
#
# *As a SuperCafe senior manager I want the Mystery Shopper data to be analysed so that we can award
# the friendliest most helpful store a prize each month.*
#
# Every month from January to June 2024 has a store of the month: the store with the best average
# overall score among those visited at least ten times that month. In May, two stores tie exactly and
# share the prize. The data got there by the pipeline you deployed – CSV in S3, Lambda, Redshift – and
# the answer is one SQL query away whenever next month's file lands.

# %% slideshow={"slide_type": "-"}
store_of_the_month = winners.assign(avg_score=winners["avg_score"].round(2))[
    ["month", "store_name", "store_id", "avg_score", "visits", "shared"]]
store_of_the_month.reset_index(drop=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where we are
#
# This is what the IaC has set up and allowed us to use – we nearly have the whole system set up
# now. Grafana on EC2, which will draw these charts for the managers, arrives in AWS 08.

# %% slideshow={"slide_type": "-"}
from redshift_course import diagrams
diagrams.pipeline("next")
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Right-click the diagram and open it in a new tab to show it full size.
