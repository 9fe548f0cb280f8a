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
# ## 05 · Parameter Store
#
# 5 minutes. The Lambda you just deployed logs in to Redshift with a host, a port, a database, a
# user and a **password**. It gets them not from its code, not from its environment variables, but
# from **AWS Systems Manager Parameter Store**, where your instructor put them, encrypted.

# %% slideshow={"slide_type": "skip"}
from redshift_course import CourseSettings
settings = CourseSettings.from_env()   # local mode unless COURSE_MODE=aws
print(settings.describe())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Demo – Parameter Store settings
#
# The connection details are in a parameter called `<team_name>_redshift_settings` (underscores, as
# Redshift likes them). Yours:

# %% slideshow={"slide_type": "-"}
print(settings.parameter_name)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes – Demo: Parameter Store settings.** These Parameter Store parameters are populated
# in advance by your instructor. Show each team their parameter in the console (Systems Manager →
# Parameter Store), e.g. `la_vida_mocha_redshift_settings`; click "Show" only on your own screen,
# never on the shared one.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Reading it with boto3
#
# One call, `get_parameter` with `WithDecryption=True`; the value is JSON. We show it with the
# password **masked**: the real one stays in a variable, never in an output.

# %% slideshow={"slide_type": "-"}
import json
from redshift_course.masking import masked

ssm = settings.client("ssm")
response = ssm.get_parameter(Name=settings.parameter_name, WithDecryption=True)
redshift_settings = json.loads(response["Parameter"]["Value"])
masked(redshift_settings)

# %% [markdown] slideshow={"slide_type": "fragment"}
# That is everything `redshift_connector.connect` needs; the password is there, never displayed:

# %% slideshow={"slide_type": "-"}
print("password present:", bool(redshift_settings["password"]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What makes it secure: SecureString
#
# A **SecureString** is encrypted at rest with a KMS key (here `alias/aws/ssm`); reading it needs
# `WithDecryption=True` **and** permission to decrypt. `describe_parameters` shows its metadata
# without the value:

# %% slideshow={"slide_type": "-"}
import pandas as pd

described = ssm.describe_parameters(
    ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [settings.parameter_name]}]
)["Parameters"]
pd.DataFrame(described)[["Name", "Type", "KeyId", "Tier", "DataType"]].T.rename(columns={0: "value"})

# %% [markdown] slideshow={"slide_type": "fragment"}
# The Lambda's role (`handouts/etl-stack.yml`) may read exactly this one parameter, and use KMS
# only *through* Parameter Store (`kms:ViaService`).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How the Lambda uses it
#
# The stack gives the Lambda the parameter's **name** in an environment variable (a name is not a
# secret); the handler `handouts/src/mystery_shop_etl_lambda.py` reads it:

# %% slideshow={"slide_type": "-"}
from redshift_course.paths import HANDOUTS
from redshift_course.pipeline.walkthrough import show_source_lines
show_source_lines(HANDOUTS / "src" / "mystery_shop_etl_lambda.py",
                  r"^PARAMETER_NAME_VARIABLE =|os\.environ\.get\(PARAMETER_NAME_VARIABLE\)|get_redshift_settings\(")

# %% [markdown] slideshow={"slide_type": "fragment"}
# and at run time `handouts/src/etl_utils/db_utils.py` asks Parameter Store for the decrypted value
# and hands it straight to `redshift_connector`, never printed or logged:

# %% slideshow={"slide_type": "-"}
show_source_lines(HANDOUTS / "src" / "etl_utils" / "db_utils.py",
                  r"def get_redshift_settings|get_parameter\(|json\.loads|def connect\(|redshift_connector\.connect\(")

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Especially important is the use of Parameter Store to get the connection
# details. Point out: the name comes from the environment, the value from SSM, decrypted, at run
# time; nothing secret is logged.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Never put passwords in code or environment variables!
#
# - **Git history** keeps every version of every file: a deleted password stays in every clone.
# - **`env` and friends**: one debugging `print(os.environ)` puts every variable in the logs.
# - **The Lambda console and API** show environment variables to anyone who may *read* the
#   function's configuration.
# - **Rotation**: a password in code needs a redeploy; in Parameter Store one value changes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the Lambda's configuration reveals
#
# `lambda:GetFunctionConfiguration`, a read-only permission many roles have, returns the environment
# variables in clear text. Ours hold only the parameter's name and a log level:

# %% slideshow={"slide_type": "-"}
from redshift_course.pipeline.deploy import ensure_pipeline_deployed
from redshift_course.pipeline.stacks import pipeline_names

print(ensure_pipeline_deployed(settings))
function = settings.client("lambda").get_function_configuration(
    FunctionName=pipeline_names(settings).function_name)
function["Environment"]["Variables"]

# %% [markdown] slideshow={"slide_type": "fragment"}
# Had someone added `REDSHIFT_PASSWORD` there, it would be in that dict and on the console's
# *Configuration → Environment variables* tab. With Parameter Store the code, the environment, the
# logs and the repository only ever hold the parameter's **name**.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Speaker notes.** Learning objective: never put sensitive info like passwords in code or
# environment variables! Ask: who in your project could read a Lambda's configuration? Who can read
# your repo's history? How would you change a leaked password, and how many places would you touch?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optional deep dive: watching a secret leak
#
# ### `env` in a log
#
# A process inherits its parent's environment, and `env` prints all of it. A child process gets a
# made-up password through its environment, and one innocent debugging line writes it out:

# %% slideshow={"slide_type": "-"}
import subprocess

child_env = {"PATH": "/usr/bin:/bin", "REDSHIFT_PASSWORD": "made-up-for-this-demo"}
print(subprocess.run(["env"], env=child_env, capture_output=True, text=True).stdout)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Git never forgets
#
# In a throwaway repository we commit a config file with a (made-up) password, then "fix" it in a
# second commit. The password is gone from the file, and still in the history:

# %% slideshow={"slide_type": "-"}
import tempfile
from pathlib import Path

def git(*args, cwd):
    return subprocess.run(["git", "-c", "user.name=Demo", "-c", "user.email=demo@example.com", *args],
                          cwd=cwd, capture_output=True, text=True, check=True).stdout

with tempfile.TemporaryDirectory() as repo:
    git("init", "-q", cwd=repo)
    config = Path(repo, "config.py")
    config.write_text('REDSHIFT_PASSWORD = "made-up-for-this-demo"\n')
    git("add", "config.py", cwd=repo); git("commit", "-q", "-m", "connect to redshift", cwd=repo)
    config.write_text("REDSHIFT_PASSWORD = None  # oops, removed\n")
    git("commit", "-q", "-am", "remove password", cwd=repo)
    print("file now:   ", config.read_text().strip())
    history = git("log", "-p", "--format=commit: %s", cwd=repo)
    print("history has:", [line for line in history.splitlines() if "made-up" in line])
