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
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # AWS 07 · SQL exercises on `mystery_shop_visit`
#
# Step 03 of the breakout: questions about the mystery-shop visits the pipeline loaded into Redshift, from counting rows to awarding the store of the month with window functions. Every query is Redshift SQL. On AWS you can paste it into the Redshift **Query Editor v2** in the console; here, a `%%sql` cell is the query editor, and it talks to the local Redshift or to your team's cluster with the same settings.
#
# Each question has a query cell and a `check(...)` cell under it: the check compares your result with the answer's, on your data **and** on a hidden variant of it, so a query must compute its answer, not copy it.
#
# The questions and answers live in `solutions/sql/`; the learners' copies in `handouts/exercises/` and this notebook are generated from them by `tools/make_exercises.py` (`make exercises`), so edit the SQL files, never the copies.

# %% slideshow={"slide_type": "-"}
from redshift_course import CourseSettings
settings = CourseSettings.from_env()   # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## The data
#
# The queries need the visits of January to June 2024 in `mystery_shop_visit`. The next cell does what steps 01 and 02 of the breakout do, unless they are done already: it deploys the pipeline and uploads each month's file from `handouts/data/` to the team's bucket, where the Lambda loads it. It prints the rows loaded per file: the messy rows of March that the Lambda rejected are not among them.

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.deploy import ensure_pipeline_deployed
from redshift_course.pipeline.loads import ensure_visits_loaded
print(ensure_pipeline_deployed(settings))
print(ensure_visits_loaded(settings).to_string(index=False))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## The query editor
#
# **On AWS – Query Editor v2.** Open *Amazon Redshift → Query editor v2*, choose the cluster, then *Database user name and password*, and enter the `database-name`, `user` and `password` from your team's parameter (*Systems Manager → Parameter Store →* `la_vida_mocha_redshift_settings` *→ Show decrypted value*; never paste the password into chat, code or a file). Paste a query, press **Run**: the result grid appears under the editor.
#
# **Here, in both modes – `%%sql` cells.** [jupysql](https://jupysql.ploomber.io) turns a cell that starts with `%%sql` into a query editor. It connects through an SQLAlchemy engine (dialect `redshift+redshift_connector`, over the driver the Lambda uses) made from the team's settings, read from Parameter Store as the cell runs. The password goes to the driver only: it is in no URL, no output and no file.

# %% slideshow={"slide_type": "-"}
from redshift_course.sql_editor import redshift_engine, load_sql_cells
engine = redshift_engine(settings)
print(engine.url.drivername, "as", engine.url.username, "- a password in the URL:", engine.url.password is not None)
load_sql_cells()   # %load_ext sql, with results as plain-text tables (the first 20 rows)
# %sql engine

# %% [markdown] slideshow={"slide_type": "-"}
# Try it: `%%sql` on the first line, SQL below. (`--save name` also keeps the query under that name, for its check.)

# %% slideshow={"slide_type": "-"} language="sql"
# SELECT store_type, COUNT(*) AS visits
# FROM mystery_shop_visit
# GROUP BY store_type
# ORDER BY store_type

# %% [markdown] slideshow={"slide_type": "-"}
# `check("name")` grades the query saved under that name. It opens its own session, runs your query and the answer on your data, then again with a hidden variant of the data in a temporary table that shadows `mystery_shop_visit` for that session only (never written to your table), and says what differs, with a hint for the common mistakes. Row order and column names do not count.

# %% slideshow={"slide_type": "-"}
from redshift_course.sql_grading import Checker
check = Checker(settings)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Questions

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 01 · How many visits? *(easy)*
#
# How many mystery-shop visits has the pipeline loaded into mystery_shop_visit?
#
# *Hint.* COUNT(*) counts rows. Rows the Lambda rejected are not in the table: they are in the rejects file under rejected/ in your bucket.
#
# *Check.* One row with one number. If you uploaded only March, that is March's valid visits.

# %% slideshow={"slide_type": "fragment"} magic_args="--save count_visits" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("count_visits")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 02 · The first ten visits *(easy)*
#
# Show the ten earliest visits (by date, then start time, then store id and shopper id): their store id and name, shopper id, date, start and end time and overall score.
#
# *Hint.* Redshift lets you write SELECT TOP 10 ... (LIMIT 10 at the end works too). Name the columns you want instead of SELECT *: the table also has lineage columns you do not need here.
#
# *Check.* Ten rows, all from the first days of the earliest month you loaded.

# %% slideshow={"slide_type": "fragment"} magic_args="--save first_ten_visits" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("first_ten_visits")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 03 · Visits per store *(easy)*
#
# How many visits did each store get? Busiest store first; stores with the same number of visits in alphabetical order.
#
# *Hint.* GROUP BY the store's id and name, COUNT(*) the rows, ORDER BY the count DESC, then the name.
#
# *Check.* One row per store; the visits add up to your answer to question 01.

# %% slideshow={"slide_type": "fragment"} magic_args="--save visits_per_store" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("visits_per_store")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 04 · Stores of each type *(easy)*
#
# How many different stores of each store type were visited, and how many visits did each type get?
#
# *Hint.* COUNT(DISTINCT store_id) counts each store once however often it was visited.
#
# *Check.* One row per store type; the stores add up to the number of rows in question 03.

# %% slideshow={"slide_type": "fragment"} magic_args="--save stores_per_type" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("stores_per_type")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 05 · Average score per store in March *(easy)*
#
# For March 2024 only, give each store's number of visits and its average overall score rounded to two decimals, best store first.
#
# *Hint.* Filter the dates with WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31'. Careful: on Redshift AVG of a whole-number column returns a whole number (AVG of 4 and 5 is 4), so cast first: AVG(overall_score::DECIMAL(10, 4)), then ROUND(..., 2).
#
# *Check.* One row per store visited in March, scores between 1 and 5.

# %% slideshow={"slide_type": "fragment"} magic_args="--save average_score_march" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("average_score_march")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 06 · The busiest mystery shoppers *(medium)*
#
# Which five mystery shoppers made the most visits, and how many stores did each of them see? Break ties by the lower shopper id.
#
# *Hint.* The table keeps the shopper's id only (the Lambda drops names: personal data stays out of the warehouse). GROUP BY mystery_shopper_id; SELECT TOP 5 with an ORDER BY that breaks ties.
#
# *Check.* Five rows, the most visits first.

# %% slideshow={"slide_type": "fragment"} magic_args="--save busiest_shoppers" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("busiest_shoppers")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 07 · How long does a visit take? *(medium)*
#
# For each store type, give the number of visits and the shortest, longest and average visit length in minutes (average to one decimal), longest average first.
#
# *Hint.* Redshift's DATEDIFF(minute, start_time, end_time) counts the minute boundaries between the two times. Cast before averaging, as in question 05.
#
# *Check.* One row per store type; no visit is shorter than 0 minutes (the Lambda rejects an end time before its start time).

# %% slideshow={"slide_type": "fragment"} magic_args="--save visit_duration" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("visit_duration")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 08 · Median score per store type *(medium)*
#
# For each store type, give the median and the average overall score (average to two decimals). Does one bad visit pull the average down more than the median?
#
# *Hint.* Redshift has MEDIAN(expression) as an aggregate function, used like AVG. Cast the score to a decimal first, as for AVG, so that a half is never lost: MEDIAN(overall_score::DECIMAL(5, 1)).
#
# *Check.* One row per store type; medians are whole or half numbers, as scores are whole numbers.

# %% slideshow={"slide_type": "fragment"} magic_args="--save median_score_per_type" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("median_score_per_type")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 09 · Monthly average per store *(medium)*
#
# For every month and store, give the number of visits and the average overall score (two decimals). Order by month, then best average first, then store name.
#
# *Hint.* TO_CHAR(visit_date, 'YYYY-MM') turns a date into its month, e.g. '2024-03'. You can GROUP BY 1, 2, 3 to group by the first three columns of the SELECT list. Upload the files of the other months (mystery_shops_2024-01.csv ... 2024-06.csv) to see more than March.
#
# *Check.* One row per store and month in which it was visited.

# %% slideshow={"slide_type": "fragment"} magic_args="--save monthly_average_per_store" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("monthly_average_per_store")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 10 · Leave out stores with too few visits *(medium)*
#
# A store visited twice with two 5s should not win the prize. For March 2024, list the stores with at least 10 visits, with their visits and average score (two decimals), best first.
#
# *Hint.* WHERE filters rows before grouping; HAVING filters groups after: HAVING COUNT(*) >= 10.
#
# *Check.* Fewer rows than question 05 if any store had fewer than 10 visits in March.

# %% slideshow={"slide_type": "fragment"} magic_args="--save enough_visits" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("enough_visits")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 11 · Store of the month (the user story) *(hard)*
#
# For every month, which store wins the prize: the highest average overall score among the stores with at least 10 visits that month? If two stores tie, both win. Give the month, the store, its visits and its average score (two decimals).
#
# *Hint.* Compute the monthly averages in a WITH clause (question 09 plus HAVING), then rank them with RANK() OVER (PARTITION BY month ORDER BY average DESC) and keep rank 1. RANK gives tied stores the same rank; ROW_NUMBER would pick one at random. Rank on the unrounded average.
#
# *Check.* At least one row per month; two rows for a month only if their averages are exactly equal.

# %% slideshow={"slide_type": "fragment"} magic_args="--save store_of_the_month" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("store_of_the_month")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 12 · Store of the month, shorter, with QUALIFY *(hard)*
#
# Give the same answer as question 11 without the second WITH step.
#
# *Hint.* Redshift's QUALIFY filters on a window function the way HAVING filters on an aggregate: ... FROM monthly QUALIFY RANK() OVER (...) = 1.
#
# *Check.* Exactly the rows of question 11.

# %% slideshow={"slide_type": "fragment"} magic_args="--save store_of_the_month_qualify" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("store_of_the_month_qualify")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 13 · One line per month for the newsletter *(hard)*
#
# For the staff newsletter, give one row per month: the month, how many stores won, and the winning store names in alphabetical order in one text column, separated by '; '.
#
# *Hint.* Start from question 11 and aggregate its winners with LISTAGG(store_name, '; ') WITHIN GROUP (ORDER BY store_name). Why not ', '? Look at the store names: one of them contains a comma.
#
# *Check.* One row per month; the number of winners matches the rows of question 11.

# %% slideshow={"slide_type": "fragment"} magic_args="--save winners_listagg" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("winners_listagg")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 14 · Better or worse than last month? *(hard)*
#
# For every store and month, give the average overall score, the store's average in the previous month it was visited, and the change between them (all to two decimals). Order by store name, then month. The first month of each store has no previous average.
#
# *Hint.* LAG(value) OVER (PARTITION BY store_id ORDER BY month) reads the value from the previous row of the same store. Compute the monthly averages in a WITH clause first, and take the change from the unrounded averages.
#
# *Check.* One row per store and month, the same rows as question 09; the first month of each store shows NULL (empty) in previous_average and change.

# %% slideshow={"slide_type": "fragment"} magic_args="--save month_over_month" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("month_over_month")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 15 · Which mystery shoppers are the strictest? *(hard)*
#
# A shopper who often visits the best stores looks generous even if strict. Compare each visit's score with the average score of that store (over all its visits), then, for every shopper with at least 50 visits, give the visits, the average of those differences (two decimals) and a rank: 1 for the strictest (the most below the store averages). Tied shoppers share a rank.
#
# *Hint.* A window function keeps every row: AVG(overall_score::DECIMAL(10, 4)) OVER (PARTITION BY store_id) puts the store's average beside each visit. Then GROUP BY the shopper, and rank with RANK() OVER (ORDER BY AVG(difference)) - a window function over an aggregate is allowed.
#
# *Check.* One row per shopper with at least 50 visits; the differences of all visits average to 0.

# %% slideshow={"slide_type": "fragment"} magic_args="--save shopper_strictness" language="sql"
# -- Your SQL here, instead of the placeholder below
# SELECT 'write your query here' AS todo

# %% slideshow={"slide_type": "-"}
check("shopper_strictness")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The user story, answered
#
# *As a SuperCafe senior manager I want the Mystery Shopper data to be analysed so that we can award the friendliest most helpful store a prize each month*: question 11 (or 12, or 13) is that award. Its rules are choices worth discussing with the manager: how many visits make a store eligible, and what happens on a tie.

# %% slideshow={"slide_type": "-"}
engine.dispose()   # close the editor's connection
print("closed")
