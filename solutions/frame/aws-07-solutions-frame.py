# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: slideshow,tags,-all
#     formats: ipynb,py:percent
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

# %% [markdown] slideshow={"slide_type": "-"} tags=["solution"]
# **This is the instructors' copy, with the answers.** The learners' notebook, `handouts/exercises/aws-07-sql-exercises.ipynb`, has an empty `%%sql` cell where each answer is.

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

# %% [markdown]
# <!-- QUESTIONS: tools/make_exercises.py puts each question and its answer here -->

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The user story, answered
#
# *As a SuperCafe senior manager I want the Mystery Shopper data to be analysed so that we can award the friendliest most helpful store a prize each month*: question 11 (or 12, or 13) is that award. Its rules are choices worth discussing with the manager: how many visits make a store eligible, and what happens on a tie.

# %% slideshow={"slide_type": "-"}
engine.dispose()   # close the editor's connection
print("closed")
