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
# ## 00 · Start here
#
# Today you meet a **data warehouse**, load the Mystery Shopper data into one, and use it to answer
# a real question from the business:
#
# > **As a** SuperCafe senior manager **I want** the Mystery Shopper data analysed
# > **so that** we can award the friendliest, most helpful store a prize each month.
#
# This notebook (3 minutes) checks that everything you need is in place.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Ask everyone to open this notebook first. It is the only one that can fail
# for reasons outside the session (no stack running, no profile, wrong team name) and it tells the
# learner exactly what to fix. Everyone should see five `OK` lines before the breakouts.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Two ways to run this session
#
# **Local mode** (the default) needs nothing but this repository: a local AWS and a real PostgreSQL
# behind a Redshift-speaking gateway run on your laptop. **aws mode** runs the same notebooks on a
# real AWS account with the profile and team name your instructor gives you (read *Optional deep
# dive: running on AWS* at the end first). Both make **the same calls**: the same `boto3`, `aws`
# CLI and `redshift_connector`.

# %% slideshow={"slide_type": "subslide"}
from redshift_course import CourseSettings

settings = CourseSettings.from_env()  # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your team name
#
# Your instructor gives each team a name. It is written in lowercase **with dashes** (`-`), because
# AWS resources such as S3 buckets do not allow spaces, capitals or underscores in their names.
# "La Vida Mocha" becomes `la-vida-mocha`. Everything else is derived from it:

# %% slideshow={"slide_type": "fragment"}
print("team name               ", settings.team)
print("deployment bucket stack ", settings.deployment_bucket_stack)
print("ETL pipeline stack      ", settings.etl_stack)
print("Redshift settings param ", settings.parameter_name)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Redshift prefers underscores, so the parameter name uses `_` where the team name has `-`. A
# name that breaks the rule is refused with the reason:

# %% slideshow={"slide_type": "fragment"}
from redshift_course import SettingsError, validate_team_name

for attempt in ["la-vida-mocha", "La Vida Mocha", "la_vida_mocha"]:
    try:
        print(f"{attempt!r:18} ok → {validate_team_name(attempt)}")
    except SettingsError as error:
        print(f"{attempt!r:18} refused: {str(error).split(':')[1].strip()}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Checking your setup
#
# Five checks, in order; each says `OK` and what it found, or `FAIL` and what to fix (the later
# ones are then skipped): **Python** 3.11–3.13; the **packages**; **AWS** answers; your **team
# settings** in Parameter Store (a SecureString with `host`, `port`, `database-name`, `user`,
# `password`); a first `select` in **Redshift**.

# %% slideshow={"slide_type": "subslide"}
from redshift_course.checks import run_all

results = run_all(settings)
for result in results:
    print(result)
print()
print("All good: carry on with 01_data_warehouses." if all(r.ok for r in results) else "Fix the FAIL above, then run this cell again.")

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The password is read at run time from Parameter Store and is never printed: the
# check above only lists the keys. This is the habit the whole session builds towards — secrets live
# in Parameter Store (or Secrets Manager), never in code or environment variables.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The session: 90 minutes
#
# Each notebook's slot; the breakout steps are also in `handouts/exercises/`, every answer in
# `solutions/`:

# %% slideshow={"slide_type": "fragment"}
from redshift_course import timetable

print(timetable.as_text())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: running on AWS
#
# To switch to AWS, set four variables before starting JupyterLab:
#
# ```bash
# export COURSE_MODE=aws COURSE_PROFILE=sot-academy COURSE_TEAM=la-vida-mocha COURSE_REGION=eu-west-1
# ```
#
# **What aws mode needs, and what you will see** (the instructor sets it up: `docs/instructor-guide.md`):
#
# - **A profile with the class's learner policy** (`infra/learner-policy-stack.yml`): it lets you deploy
#   your team's two stacks, read your team's parameter and use the Lambda, logs and bucket they create
#   — nothing of the other teams'. An `AccessDenied` names the action it refused: tell your instructor.
# - **One region for everything**, `COURSE_REGION` (default `eu-west-1`): the notebooks, `deploy.sh`
#   and the AWS CLI commands in the handouts all pass it. A terminal where you ran `eval "$(course env)"`
#   still works: in aws mode the local endpoints are ignored, with a warning from `deploy.sh`.
# - **The instructor's stacks, already deployed:** the network (`redshift-course-network`), the Redshift
#   cluster or Serverless workgroup, and your team's parameter `<team>_redshift_settings`. Your
#   Lambda goes into the network's private subnets; `deploy.sh` stops with a clear message if the
#   network stack is missing.
# - **A way to the database from your laptop:** in the classroom design the cluster admits the room's
#   network only (TLS required); otherwise use the Redshift Query Editor v2 in the console for step 03.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: what runs on your laptop in local mode
#
# `course up` (run for you by `make lab`) starts one background process that holds:
#
# | piece | address | stands in for |
# |---|---|---|
# | local AWS (moto + our adapter) | `http://127.0.0.1:4566` | S3, Parameter Store, CloudFormation, Lambda, CloudWatch Logs, IAM, Redshift's management API |
# | local Redshift gateway | `127.0.0.1:5439` | the cluster endpoint `redshift_connector` connects to |
# | PostgreSQL 18 | internal | the database engine behind the gateway |
#
# In a terminal, `course status` shows it, `course down` stops it, `course reset` starts again
# from nothing, and `eval "$(course env)"` points your terminal's `aws` CLI at the local AWS.
#
# What behaves differently from real Redshift is listed, feature by feature, in
# [docs/conformance.md](../docs/conformance.md).
