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
# Step 03 of the breakout: questions about the mystery-shop visits the pipeline loaded into Redshift, from counting rows to awarding the store of the month with window functions. Every query is Redshift SQL: paste it into the Redshift query editor in the AWS console, or run it here, where the same cell talks to the local Redshift or to your team's cluster.
#
# The questions and answers live in `solutions/sql/`; the learners' copies in `handouts/exercises/` and this notebook are generated from them by `tools/make_exercises.py` (`make exercises`), so edit the SQL files, never the copies.

# %% [markdown] slideshow={"slide_type": "-"} tags=["solution"]
# **This is the instructors' copy, with the answers.** The learners' notebook, `handouts/exercises/aws-07-sql-exercises.ipynb`, has an empty cell where each answer is.

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

# %% [markdown] slideshow={"slide_type": "-"}
# `show(connection, sql)` runs one query and prints its result as a table (the first 20 rows of a long one). The connection's settings come from Parameter Store at run time: no password in this notebook.

# %% slideshow={"slide_type": "-"}
from redshift_course.sql_exercises import show
connection = settings.connect()
connection.autocommit = True   # each query on its own: one mistake does not block the next

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Questions

# %% [markdown]
# <!-- QUESTIONS: tools/make_exercises.py puts each question and its answer here -->

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The user story, answered
#
# *As a SuperCafe senior manager I want the Mystery Shopper data to be analysed so that we can award the friendliest most helpful store a prize each month*: question 11 (or 12, or 13) is that award. Its rules are choices worth discussing with the manager: how many visits make a store eligible, and what happens on a tie.

# %% slideshow={"slide_type": "-"}
connection.close()
