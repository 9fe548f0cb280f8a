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
# In this session you will meet a **data warehouse** for the first time, load the Mystery Shopper
# data into one, and use it to answer a real question from the business:
#
# > **As a** SuperCafe senior manager **I want** the Mystery Shopper data analysed
# > **so that** we can award the friendliest, most helpful store a prize each month.
#
# This notebook checks that everything you need is in place (about 5 minutes).

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Ask everyone to open this notebook first. It is the only one that can fail
# for reasons outside the session (no stack running, no profile, wrong team name) and it tells the
# learner exactly what to fix. Everyone should see five green ticks before the breakouts.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Two ways to run this session
#
# | | **local mode** (the default) | **aws mode** |
# |---|---|---|
# | AWS | a local AWS on your laptop (moto, started by `course up`) | your real AWS account, through an AWS CLI profile |
# | Redshift | a real PostgreSQL behind a Redshift-speaking gateway on port 5439 | a real Amazon Redshift cluster |
# | needs | nothing but this repository | a profile and a team name from your instructor |
#
# The notebooks make **the same calls** in both modes — the same `boto3`, the same `aws` CLI, the
# same `redshift_connector`. Only the endpoints and the credentials differ. Where real Redshift can do
# something the local stand-in cannot (slices spread over several machines, the Query Editor in the
# console), the notebook says so plainly.
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
# Notice the last line: Redshift prefers underscores, so the Parameter Store name uses `_` where the
# team name has `-`. A name that breaks the rule is refused with a message that says why:

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
# Five checks, in order. Each one either says what it found or exactly what to fix; once one fails,
# the later ones would fail too, so they are not run.
#
# 1. **Python** 3.11–3.13
# 2. **Packages** installed by `make lab`
# 3. **AWS** answers (the local AWS, or your profile's account)
# 4. **Team settings**: the parameter `<team>_redshift_settings` exists in Parameter Store as a
#    SecureString, with the keys `host`, `port`, `database-name`, `user`, `password`
# 5. **Redshift**: a first `select` through `redshift_connector`, with those settings

# %% slideshow={"slide_type": "subslide"}
from redshift_course.checks import run_all

results = run_all(settings)
for result in results:
    print(result)
print()
print("All good: carry on with 01_data_warehouses." if all(r.ok for r in results) else "Fix the ❌ above, then run this cell again.")

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The password is read at run time from Parameter Store and is never printed: the
# check above only lists the keys. This is the habit the whole session builds towards — secrets live
# in Parameter Store (or Secrets Manager), never in code or environment variables.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What runs on your laptop in local mode
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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The notebooks
#
# | # | notebook | deck sections | about |
# |---|---|---|---|
# | 01 | data warehouses | Before data warehouses, discussion, data warehousing | 15 min |
# | 02 | columnar storage | Columnar data storage, measured on our data | 20 min |
# | 03 | Redshift architecture and MPP | Redshift, architecture, clusters, compute nodes, node types | 25 min |
# | 04 | deploy the stacks | user story, pipeline, deploy script, exercise step 01 | 20 min |
# | 05 | Parameter Store | the settings demo, secrets | 10 min |
# | 06 | trigger the Lambda | exercise step 02 | 15 min |
# | 07 | query Redshift with pandas | Query Editor demo, exercise step 03, the store of the month | 25 min |
# | 08 | recap and quiz | terms, quiz, further reading, emoji check | 10 min |
#
# The breakout steps are also in `handouts/exercises/` as plain markdown, and every answer is in
# `solutions/`.
