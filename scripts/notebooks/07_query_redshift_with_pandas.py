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
# # AWS 07 – Introduction to Amazon Redshift
# ## 07 · Query Redshift with pandas
#
# *Exercise step 03*, 24 minutes: the Query Editor demo, a 20-minute breakout writing SQL, then the
# answer to the manager: a store of the month for every month, January to June.

# %% slideshow={"slide_type": "skip"}
from redshift_course import CourseSettings
settings = CourseSettings.from_env()   # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "subslide"}
# First the six monthly files go through the pipeline (uploaded to S3, loaded by the Lambda, as in
# 06); files already loaded are left alone, so the table is the same either way:

# %% slideshow={"slide_type": "-"}
import pandas as pd
from redshift_course.pipeline.deploy import ensure_pipeline_deployed
from redshift_course.pipeline.loads import ensure_visits_loaded

pd.set_option("display.max_colwidth", None)  # show whole S3 paths
print(ensure_pipeline_deployed(settings))
ensure_visits_loaded(settings)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Demo – Step 03 – the Redshift Query Editor
#
# > The instructor demos how to connect to the Redshift Query Editor v2 in the AWS console, using
# > the Parameter Store data, e.g. `la_vida_mocha_redshift_settings`.
#
# The local stand-in has **no console**; `redshift_connector` does what the Query Editor does
# (connect with the settings from Parameter Store, run SQL) in both modes.

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
# The questions, with a check for each answer, are in
# [the SQL exercises handout](../handouts/exercises/aws-07-sql-exercises.ipynb)
# (`handouts/exercises/aws-07-step-03-sql-queries.md` on paper). From Python,
# `settings.connect()` reads the team's parameter and connects; `fetch_dataframe()` gives pandas:

# %% slideshow={"slide_type": "-"}
with settings.connect() as connection:
    cursor = connection.cursor()
    cursor.execute("select * from mystery_shop_visit;")
    visits = cursor.fetch_dataframe()

print(visits.shape[0], "visits,", visits.shape[1], "columns")
print(list(visits.columns))

# %% [markdown] slideshow={"slide_type": "fragment"}
# A `select` without `order by` returns rows in any order (each slice sends its rows as it finds
# them), so we sort before we look; `loaded_at` changes with every load, so it is left out:

# %% slideshow={"slide_type": "-"}
visits.drop(columns="loaded_at").sort_values(["visit_date", "start_time", "store_id"], ignore_index=True).head()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Instructors can find the answers in the Solutions folder. Let every learner
# run their own queries: reading is concurrent and harmless.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your queries
#
# <!-- Query Editor: the graded %%sql editor of the SQL exercises handout goes in this cell. -->
# Write your queries in the Query Editor (aws mode) or in the handout above; the rest of this
# notebook is the instructor's walk to the prize.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Discussion – Step 03 – Create SQL queries
#
# > How did the SQL-ing go?
# >
# > Is everyone happy they understand the queries?
#
# Now the prize, one query per question. How many visits did each month get?

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
# **average overall score**. Cast the score to `float8` first: `avg()` of an integer is an integer.

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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Rule 1: a prize needs enough visits
#
# An average of three visits says little. A store competes in a month only with at least **10**
# visits that month (about twice a week). Left out:

# %% slideshow={"slide_type": "-"}
MIN_VISITS = 10
too_few = monthly[monthly["visits"] < MIN_VISITS]
too_few[["month", "store_name", "visits"]].round(3).reset_index(drop=True)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Rule 2: ties share the prize
#
# `rank()` gives equal averages the same rank, so every store ranked 1 in its month wins, and a
# shared prize shows as two rows:

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
# May has two winners with exactly the same average: a shared prize, decided by the rule.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The winners, month by month
#
# Every store-month, darker is better, the winner framed, store-months with too few visits blank;
# then each winner's margin over the runner-up:

# %% slideshow={"slide_type": "-"}
import matplotlib.pyplot as plt

eligible = monthly[monthly["visits"] >= MIN_VISITS]
grid = eligible.pivot_table(index="store_name", columns="month", values="avg_score")
won = winners.groupby(["store_name", "month"]).size()

fig, ax = plt.subplots(figsize=(9, 7.5))
image = ax.imshow(grid.values, cmap="Greens", aspect="auto")  # blank cells: fewer than MIN_VISITS visits
ax.set_xticks(range(len(grid.columns)), grid.columns)
ax.set_yticks(range(len(grid.index)), grid.index)
for (row, col), value in np.ndenumerate(grid.values):
    if np.isnan(value):
        continue
    is_winner = (grid.index[row], grid.columns[col]) in won.index
    ax.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=9 if is_winner else 8,
            fontweight="bold" if is_winner else "normal", color="white" if is_winner else "black")
    if is_winner:
        ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=2.5))
fig.colorbar(image, ax=ax, label="average overall score (scale 1-5)")
ax.set_title(f"Store of the month (framed): best average score, at least {MIN_VISITS} visits")
ax.set_xlabel("Month")
ax.set_ylabel("Store")
plt.tight_layout()
plt.show()

# %% slideshow={"slide_type": "fragment"}
def podium(month_rows: pd.DataFrame) -> pd.Series:
    """A month's winner(s), the best score below theirs, and the gap between them."""
    best = month_rows["avg_score"].max()
    top = month_rows[np.isclose(month_rows["avg_score"], best)]
    rest = month_rows[~month_rows.index.isin(top.index)].sort_values("avg_score", ascending=False)
    return pd.Series({"winner": " & ".join(sorted(top["store_name"])), "score": best,
                      "runner-up": rest["store_name"].iloc[0], "its score": rest["avg_score"].iloc[0],
                      "margin": best - rest["avg_score"].iloc[0]})


print(eligible.groupby("month")[["store_name", "avg_score"]].apply(podium).round(3).to_string())

# %% [markdown] slideshow={"slide_type": "fragment"}
# Some prizes are clear (June's by more than a quarter of a point); January's came down to less than
# a hundredth: worth telling the managers before they engrave the trophy.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes – Discussion, Step 03.** Ask: what else would make a fairer prize – a minimum number of shoppers,
# the trend over the month, the store's type? How would you break a tie if the prize could not be
# shared?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The user story, answered
#
# *As a SuperCafe senior manager I want the Mystery Shopper data to be analysed so that we can award
# the friendliest most helpful store a prize each month.* Every month has a store of the month (May
# two, tied); the data got there through the pipeline you deployed, and next month's answer is one
# query away when its file lands.

# %% slideshow={"slide_type": "-"}
store_of_the_month = winners.assign(avg_score=winners["avg_score"].round(2))[
    ["month", "store_name", "store_id", "avg_score", "visits", "shared"]]
store_of_the_month.reset_index(drop=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where we are
#
# This is what the IaC has set up and allowed us to use: we nearly have the whole system set up
# now. Grafana on EC2, which will draw these charts for the managers, arrives in AWS 08.

# %% slideshow={"slide_type": "-"}
from redshift_course import diagrams
diagrams.pipeline("next")
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** To show the diagram full size, Shift+right-click it (JupyterLab's own menu hides
# the browser's) and open the image in a new tab.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: checking the SQL with pandas
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
