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
# ## 04 · Deploy the stacks
#
# *Exercise step 01*, 20 minutes: a 5-minute demo of the deploy script, then a 15-minute breakout in
# which **one** person per team deploys the Mystery Shopper pipeline: an S3 bucket that catches
# uploaded CSV files, and a Lambda that checks every file it catches, stages the clean rows in S3
# and COPYs them into a Redshift table.

# %% slideshow={"slide_type": "skip"}
from redshift_course import CourseSettings
settings = CourseSettings.from_env()   # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Our next user story
#
# > **As a** SuperCafe senior manager
# > **I want** the Mystery Shopper data to be analysed
# > **So that** we can award the friendliest most helpful store a prize each month

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Proposed pipeline architecture
#
# The whole target setup: files land in S3, a Lambda loads them into Redshift, and later a Grafana
# VM draws dashboards on top.

# %% slideshow={"slide_type": "-"}
import matplotlib.pyplot as plt
from redshift_course import diagrams

diagrams.pipeline("e2e")
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Walk the arrows from
# the left: upload, S3, Lambda, Parameter Store, Redshift, Grafana.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Architecture for this user story
#
# We want to check our data is going into the database, so that we can query it. We don't need the
# Grafana VM yet:

# %% slideshow={"slide_type": "-"}
diagrams.pipeline("next")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# So for now we only need this chain of parts to be working:

# %% slideshow={"slide_type": "-"}
diagrams.pipeline("goal")
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** The goal picture is
# the chain we test today: CSV → S3 → Lambda (settings from Parameter Store) → Redshift.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Wait, no new CF templating?
#
# > This session does not involve new CloudFormation *per se* – rather, using tools already in our
# > toolbox, we connect to Redshift, add data, and query it.
# >
# > The ETL Lambda Python code provided in this session has been extended to talk to Redshift for us.
#
# The resources the two templates in `handouts/` declare, read from the files:

# %% slideshow={"slide_type": "-"}
from redshift_course.paths import HANDOUTS
from redshift_course.pipeline.walkthrough import template_resources
template_resources(HANDOUTS / "deployment-bucket-stack.yml", HANDOUTS / "etl-stack.yml")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Nothing exotic. The new part is *inside* the Lambda: it reads its Redshift settings from
# Parameter Store (notebook 05) and loads the rows into Redshift.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes – Demo: new lambda code.** Show `handouts/src/mystery_shop_etl_lambda.py`,
# `handouts/src/etl_utils/db_utils.py` and `handouts/src/etl_utils/sql_utils.py`. Especially important is the
# use of Parameter Store to get the connection details (next notebook).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise prep: your team name
#
# Your team name comes from the instructors, with dashes (`-`): bucket names allow no capitals,
# spaces or underscores. "La Vida Mocha" is `la-vida-mocha`. Everything your team deploys is named
# after it (00 showed what a wrong name gets):

# %% slideshow={"slide_type": "-"}
print("team name:          ", settings.team)
print("deployment stack:   ", settings.deployment_bucket_stack)
print("pipeline stack:     ", settings.etl_stack)
print("settings parameter: ", settings.parameter_name, "(underscores: Redshift likes them)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Demo: the deploy script
#
# The deploy script `handouts/deploy.sh` is done for you, so that it will reliably work. It does the
# following:
#
# - Collect your `aws-profile` and `team-name` from the command line
# - Deploy a stack called `team-name-shopper-deployment-bucket`
# - Install the Lambda's dependencies in the `src` folder
# - Package the `team-name-shopper-etl-pipeline` stack with the Lambda zip in S3
# - Deploy a stack called `team-name-shopper-etl-pipeline`

# %% slideshow={"slide_type": "subslide"}
from redshift_course.paths import DEPLOY_SCRIPT
from redshift_course.pipeline.walkthrough import DEPLOY_STEPS, show_script_steps
show_script_steps(DEPLOY_SCRIPT, DEPLOY_STEPS)

# %% [markdown] slideshow={"slide_type": "fragment"}
# `aws cloudformation deploy` creates a stack the first time and updates it afterwards; when nothing
# changed it says so and succeeds, so running the script twice is safe. `aws cloudformation package`
# uploads the Lambda's zip to the deployment bucket and writes a template that points at it.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes – Demo: the deploy script, 5 mins.** Briefly demo the file, show the
# `aws cloudformation XYZ` commands. Point out the argument checks at the top and that the profile
# decides which account everything goes to.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise – Step 01 – Deploying
#
# > **15 mins breakout.** Only ONE person should do this, with the rest of the team watching...
# > ...have a think about why!
#
# From the `handouts` folder the deploy is one command (`handouts/exercises/aws-07-step-01-deploying.md`):
#
# ```bash
# ./deploy.sh <profile-name> <team-name>      # e.g. ./deploy.sh sot-academy la-vida-mocha
# ```
#
# In local mode the profile is `local` (the local AWS on this machine). The next cell runs that
# command and shows its latest lines while it runs (about half a minute locally).

# %% slideshow={"slide_type": "subslide"}
from redshift_course.pipeline.deploy import deploy_command, run_deploy
print("$", " ".join(deploy_command(settings)[1:]).replace(str(HANDOUTS) + "/", "./"))
result = run_deploy(settings)
print("deploy.sh finished with exit code", result.returncode)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** While it runs, ask the watchers what each line of output corresponds to in the
# script. A re-run prints "No changes to deploy" for each stack and still succeeds.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What did we build?
#
# boto3 shows what the console would: the two stacks and their status,

# %% slideshow={"slide_type": "-"}
import pandas as pd
from redshift_course.pipeline.stacks import stack_status

pd.DataFrame(
    [{"StackName": name, "StackStatus": stack_status(settings, name)}
     for name in (settings.deployment_bucket_stack, settings.etl_stack)]
)

# %% [markdown] slideshow={"slide_type": "subslide"}
# the pipeline stack's **outputs** (where to upload, which Lambda loads, where it logs),

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.stacks import stack_outputs
pd.Series(stack_outputs(settings, settings.etl_stack), name="OutputValue").to_frame()

# %% [markdown] slideshow={"slide_type": "subslide"}
# and every resource in it:

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.stacks import stack_resources
stack_resources(settings, settings.etl_stack)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Discussion – Step 01 – Deploying
#
# > How did the deployment go? Is everyone happy they understand it?
#
# **Why could only ONE person from each team do this?** Have a think, then look: the stack names
# come from the team name alone, so two teammates with their own profiles aim at the same stacks:

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 1. Everybody in the team deploys *the same* stacks
#
# The stack names come from the team name alone. Two teammates with their own profiles still aim
# at the very same stacks, the same bucket and the same Lambda:

# %% slideshow={"slide_type": "-"}
alice = CourseSettings(mode="aws", team=settings.team, profile="alice")
bob = CourseSettings(mode="aws", team=settings.team, profile="bob")
print("Alice deploys:", alice.etl_stack)
print("Bob deploys:  ", bob.etl_stack)
print("Same stack?   ", alice.etl_stack == bob.etl_stack)

# %% [markdown] slideshow={"slide_type": "fragment"}
# So one person deploys and everybody watches: CloudFormation refuses a second change while one is in
# progress, and the last deploy of the team's one Lambda wins without a word. (The deep dive below
# shows both.) Uploading files (notebook 06) is different: everybody can do that at once.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes – Discussion, Step 01.** How did the deployment go? Is everyone happy they
# understand it? Why could only ONE person from each team do this? Expected answers: shared stack
# names per team; CloudFormation serialises updates (`UPDATE_IN_PROGRESS` errors); last writer wins
# on the shared Lambda code.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: why one deployer per team
#
# ### CloudFormation does one thing to a stack at a time
#
# While a stack is being created or updated its status ends in `_IN_PROGRESS`, and CloudFormation
# refuses every other change until it settles. On AWS, Bob's deploy during Alice's fails with:
#
# ```
# An error occurred (ValidationError) when calling the CreateChangeSet operation:
# Stack:arn:aws:cloudformation:...:stack/la-vida-mocha-shopper-etl-pipeline/... is in
# UPDATE_IN_PROGRESS state and can not be updated.
# ```
#
# Which statuses let a deploy through? The same check a script could make before deploying:

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.stacks import can_deploy_now

status = stack_status(settings, settings.etl_stack)
print(f"Now: {settings.etl_stack} is {status} -> a deploy would",
      "go ahead" if can_deploy_now(status) else "be refused")
print("Had it been...")
for example in ["UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]:
    print(f"  {example:28} -> a deploy would", "go ahead" if can_deploy_now(example) else "be refused")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The local CloudFormation applies a change at once, so a stack here is never caught
# `UPDATE_IN_PROGRESS` and this race cannot be shown locally; on AWS an update of the pipeline stack
# takes a minute or two, which is plenty of time for a teammate to collide with it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Even one at a time, the last deploy wins
#
# If Alice deploys her edited Lambda and Bob deploys his copy a minute later, the team's one Lambda
# now runs Bob's code, and Alice's change has gone without a word. Whoever deploys owns the
# team's shared resources at that moment: so one person deploys, everybody watches, and the team
# agrees what goes in first.
#
# Uploading files (notebook 06, step 02) is different: everybody can do that at once.
