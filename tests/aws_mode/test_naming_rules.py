"""Every name derived from a team satisfies AWS's rules, and deploy.sh refuses exactly the teams
whose names AWS (or Redshift) would refuse (docs/aws-naming-rules.md lists the rules).

The names are taken from the templates as CloudFormation would build them (cfn_model.py), plus
the ones deploy.sh and the instructor tools build (stacks, parameter, database, user). Team names
are generated with a seeded `random` (property-style, reproducible): random strings over the
allowed alphabet and over a wider one, and names made to hit each rule's edge.
"""

from __future__ import annotations

import ipaddress
import random
import re
import subprocess

import pytest
from aws_mode_support import ACCOUNT, DEPLOY, HANDOUTS, REPO
from cfn_model import Stack, load_template

# --- AWS's rules, written from their documentation (sources in docs/aws-naming-rules.md) ----------
COURSE_TEAM_RULE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")  # the course's own convention, <= 40
STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
LAMBDA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
RULE_NAME = re.compile(r"^[.\-_A-Za-z0-9]{1,64}$")
LOG_GROUP = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
IAM_PATH = re.compile(r"^/([\x21-\x7e]{0,510}/)?$")
BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
REDSHIFT_DATABASES = {"dev", "padb_harvest", "template0", "template1", "sys:internal"}
LOCAL_POSTGRES_DATABASES = {"postgres", "template0", "template1"}


def bucket_problems(name: str) -> list[str]:
    problems = []
    if not 3 <= len(name) <= 63:
        problems.append("length")
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", name):
        problems.append("characters")
    if ".." in name:
        problems.append("adjacent periods")
    try:
        ipaddress.ip_address(name)
        problems.append("an IP address")
    except ValueError:
        pass
    problems += [f"prefix {p}" for p in BUCKET_PREFIXES if name.startswith(p)]
    problems += [f"suffix {s}" for s in BUCKET_SUFFIXES if name.endswith(s)]
    return problems


def ssm_name_problems(name: str) -> list[str]:
    problems = []
    if not re.fullmatch(r"[a-zA-Z0-9_.\-/]{1,1011}", name):
        problems.append("characters or length")
    if name.lower().lstrip("/").startswith(("aws", "ssm")):
        problems.append("starts with aws or ssm")
    return problems


def redshift_identifier_problems(name: str, kind: str) -> list[str]:
    problems = []
    limit = 64 if kind == "database" else 128
    if not re.fullmatch(rf"[a-z_][a-z0-9_$]{{0,{limit - 1}}}", name):
        problems.append("characters or length")
    if kind == "database" and name in REDSHIFT_DATABASES | LOCAL_POSTGRES_DATABASES:
        problems.append("an existing database")
    if kind == "user" and (name == "public" or name.startswith("pg_")):
        problems.append("reserved user name")
    return problems


# --- the names, as the templates and tools build them -------------------------------------------------
ETL = load_template(HANDOUTS / "etl-stack.yml")
BUCKET = load_template(HANDOUTS / "deployment-bucket-stack.yml")


def cloudformation_generated_name(stack: str, logical: str) -> str:
    """How CloudFormation names a bucket without BucketName: stack and logical id, lowercased and
    shortened to fit 63 characters, then a generated suffix (13 characters)."""
    return f"{stack}-{logical}".lower()[:49].rstrip("-") + "-0a1b2c3d4e5f6"


def derived_names(team: str) -> dict[str, tuple[str, list[str]]]:
    """Every name built from the team: {what: (name, AWS's objections)}."""
    identifier = team.replace("-", "_")
    bucket_stack, etl_stack = f"{team}-shopper-deployment-bucket", f"{team}-shopper-etl-pipeline"
    etl = Stack(
        etl_stack,
        ETL,
        {
            "TeamName": team,
            "RedshiftSettingsParameterName": f"{identifier}_redshift_settings",
            "NetworkStackName": "redshift-course-network",
            "TriggerDelivery": "EventBridge",
        },
        exports={
            f"redshift-course-network-{k}": k
            for k in ("PrivateSubnet1Id", "PrivateSubnet2Id", "PrivateSubnet3Id", "LambdaSecurityGroupId")
        },
    )
    resources = {k: v["Properties"] for k, v in etl.resources.items()}
    names = {
        "deployment-bucket stack": (bucket_stack, [] if STACK_NAME.match(bucket_stack) else ["stack name"]),
        "ETL stack": (etl_stack, [] if STACK_NAME.match(etl_stack) else ["stack name"]),
        "raw-data bucket": (resources["RawDataBucket"]["BucketName"], None),
        "deployment bucket": (cloudformation_generated_name(bucket_stack, "DeploymentBucket"), None),
        "function": (resources["EtlFunction"]["FunctionName"], None),
        "log group": (resources["EtlLogGroup"]["LogGroupName"], None),
        "upload rule": (resources["UploadRule"]["Name"], None),
        "role path": (resources["EtlFunctionRole"]["Path"], None),
        "parameter": (f"{identifier}_redshift_settings", None),
        "database": (identifier, None),
        "user": (identifier, None),
    }
    checks = {
        "raw-data bucket": bucket_problems,
        "deployment bucket": bucket_problems,
        "function": lambda n: [] if LAMBDA_NAME.match(n) else ["function name"],
        "log group": lambda n: [] if LOG_GROUP.match(n) else ["log group name"],
        "upload rule": lambda n: [] if RULE_NAME.match(n) else ["rule name"],
        "role path": lambda n: [] if IAM_PATH.match(n) else ["IAM path"],
        "parameter": ssm_name_problems,
        "database": lambda n: redshift_identifier_problems(n, "database"),
        "user": lambda n: redshift_identifier_problems(n, "user"),
    }
    return {
        what: (name, problems if problems is not None else checks[what](name))
        for what, (name, problems) in names.items()
    }


def aws_accepts(team: str) -> bool:
    return all(not problems for _, problems in derived_names(team).values())


def course_accepts(team: str) -> bool:
    return bool(COURSE_TEAM_RULE.match(team)) and len(team) <= 40 and aws_accepts(team)


# --- the team names ------------------------------------------------------------------------------------
EDGES = [
    "la-vida-mocha",
    "a",
    "brew-crew",
    "bean-there",
    "9lives",
    "1",
    "-x",
    "x-",
    "a--b",
    "Café",
    "UPPER",
    "under_score",
    "aws",
    "awsome-team",
    "ssm",
    "ssmith",
    "x" * 40,
    "x" * 41,
    "sthree",
    "sthree-x",
    "sthreex",
    "xn",
    "amzn-s3-demo",
    "amzn-s3-demo-x",
    "amzn-s3",
    "dev",
    "dev-ops",
    "public",
    "publicans",
    "pg",
    "pg-team",
    "padb-harvest",
    "template0",
    "template1",
    "postgres",
    "s3alias",
    "team-s3alias",
    "mrap",
    "ol-s3",
    "x-s3",
    "a.b",
    "1-2-3",
    "ab-12",
    "z",
]


def generated_names(count: int, seed: int = 20261201) -> list[str]:
    rng = random.Random(seed)
    narrow = "abcdefghijklmnopqrstuvwxyz0123456789-"
    wide = narrow + "ABCZ_.@ é"
    prefixes = ["", "", "", "aws", "ssm", "sthree", "xn", "amzn-s3-demo", "pg", "dev", "public", "1"]
    names = []
    for _ in range(count):
        alphabet = wide if rng.random() < 0.15 else narrow
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 44)))
        prefix = rng.choice(prefixes)
        names.append((prefix + ("-" if prefix and rng.random() < 0.5 else "") + body)[: rng.randint(1, 46)])
    return EDGES + names


NAMES = generated_names(1500)


def deploy_sh_verdicts(names: list[str]) -> dict[str, str]:
    """deploy.sh's own rule (team_name_problem), run on every name in one bash process."""
    script = DEPLOY.read_text()
    function = re.search(r"^team_name_problem\(\) \{.*?^\}$", script, re.M | re.S).group(0)
    runner = (
        function + '\nwhile IFS= read -r team; do printf "%s\\t%s\\n" "$team" "$(team_name_problem "$team")"; done\n'
    )
    result = subprocess.run(
        ["bash", "-c", runner], input="\n".join(names) + "\n", capture_output=True, text=True, check=True, timeout=60
    )
    return dict(line.split("\t", 1) for line in result.stdout.splitlines())


@pytest.fixture(scope="module")
def verdicts() -> dict[str, str]:
    return deploy_sh_verdicts(NAMES)


def test_every_generated_name_got_a_verdict(verdicts):
    assert set(verdicts) == set(NAMES)
    assert sum(1 for v in verdicts.values() if not v) > 200, "too few valid names to say anything"
    assert sum(1 for v in verdicts.values() if v) > 200, "too few invalid names to say anything"


def test_deploy_sh_accepts_exactly_what_aws_accepts(verdicts):
    wrong = {team: problem for team, problem in verdicts.items() if (not problem) != course_accepts(team)}
    assert not wrong, {
        team: (problem, {w: p for w, (_, p) in derived_names(team).items() if p})
        for team, problem in list(wrong.items())[:10]
    }


def test_the_course_package_accepts_exactly_what_deploy_sh_accepts(verdicts):
    from redshift_course.teams import TeamNameError, validate_team_name

    def python_accepts(team: str) -> bool:
        try:
            validate_team_name(team)
        except TeamNameError:
            return False
        return True

    wrong = {team: problem for team, problem in verdicts.items() if (not problem) != python_accepts(team)}
    assert not wrong, list(wrong.items())[:10]


def test_every_name_of_an_accepted_team_is_valid(verdicts):
    for team in (t for t, problem in verdicts.items() if not problem):
        for what, (name, problems) in derived_names(team).items():
            assert not problems, (team, what, name, problems)


@pytest.mark.parametrize(
    "team, rule",
    [
        ("9lives", "must start with a letter"),
        ("awsome-team", "must not start with 'aws' or 'ssm'"),
        ("ssmith", "must not start with 'aws' or 'ssm'"),
        ("sthree", "start with xn--, sthree- or amzn-s3-demo-"),
        ("amzn-s3-demo", "start with xn--, sthree- or amzn-s3-demo-"),
        ("dev", "database name 'dev' is taken"),
        ("postgres", "database name 'postgres' is taken"),
        ("public", "user name 'public' is reserved"),
        ("pg-team", "user name 'pg_team' is reserved"),
        ("a--b", "single dashes"),
        ("x" * 41, "at most 40"),
    ],
)
def test_the_refusal_names_the_rule(verdicts, team, rule):
    assert rule in deploy_sh_verdicts([team])[team]


@pytest.mark.parametrize("team", ["9lives", "awsome", "sthree", "dev", "public"])
def test_a_bad_team_is_refused_before_any_aws_call(fake_aws, team):
    result = fake_aws.deploy("sot-academy", team)
    assert result.returncode == 1 and f"team name '{team}' is not valid" in result.stderr
    assert fake_aws.calls() == []


def test_the_templates_refuse_a_team_that_starts_with_a_digit():
    for template in (ETL, BUCKET):
        pattern = re.compile(template["Parameters"]["TeamName"]["AllowedPattern"])
        assert pattern.match("la-vida-mocha") and not pattern.match("9lives")


def test_the_rules_doc_lists_every_rule_deploy_sh_applies():
    doc = (REPO / "docs" / "aws-naming-rules.md").read_text()
    for needle in (
        "start with a letter",
        "`aws`",
        "`ssm`",
        "`xn--`",
        "`sthree-`",
        "`amzn-s3-demo-`",
        "`-s3alias`",
        "`--ol-s3`",
        "`.mrap`",
        "`--x-s3`",
        "`--table-s3`",
        "`dev`",
        "`padb_harvest`",
        "`template0`",
        "`postgres`",
        "`public`",
        "`pg_`",
    ):
        assert needle in doc, needle
    assert ACCOUNT  # the raw-data bucket ends with the 12-digit account id, so no suffix rule can bite it
