"""A team and every name derived from it, each checked against the rules of the AWS service that
owns it, before anything is created. The rules and their sources: docs/aws-naming-rules.md;
deploy.sh applies the same ones (tests/aws_mode/test_naming_rules.py runs both on 1,500 names).

`Team("la-vida-mocha")` gives the database and user `la_vida_mocha`, the Parameter Store name
`la_vida_mocha_redshift_settings`, the stacks `la-vida-mocha-shopper-deployment-bucket` and
`la-vida-mocha-shopper-etl-pipeline`, and the raw-data bucket's prefix. A name any of those services
would refuse raises `TeamNameError` with the rule it breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import SettingsError

MAX_LENGTH = 40  # the raw-data bucket `<team>-raw-data-<12-digit account>` must fit S3's 63
_SHAPE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Names that are taken or refused, and who says so.
SSM_RESERVED_PREFIXES = ("aws", "ssm")  # Parameter Store: a name may not begin with these
S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")  # S3 general purpose bucket naming rules
REDSHIFT_TAKEN_NAMES = {
    "dev": "is the cluster's own first database (the instructor's admin database)",
    "padb_harvest": "is a Redshift system database",
    "template0": "is a Redshift system database",
    "template1": "is a Redshift system database",
    "postgres": "is the local Redshift's PostgreSQL system database",
    "public": "means every user (PUBLIC), not a valid Redshift user name",
}
SYSTEM_USER_PREFIX = "pg_"  # names starting with pg_ belong to the system


class TeamNameError(SettingsError):
    """A team name that some AWS service would refuse; the message names the rule."""


def _problem(team: str) -> str | None:
    if not isinstance(team, str) or not _SHAPE.match(team) or len(team) > MAX_LENGTH:
        return (
            f"use lowercase letters, digits and single dashes, starting and ending with a letter or "
            f"digit, at most {MAX_LENGTH} characters"
        )
    if not team[0].isalpha():
        return "start with a letter: CloudFormation stack names (<team>-shopper-etl-pipeline) must"
    identifier = team.replace("-", "_")
    for prefix in SSM_RESERVED_PREFIXES:
        if identifier.startswith(prefix):
            return (
                f"do not start with {prefix!r}: Parameter Store refuses parameter names "
                f"beginning with 'aws' or 'ssm' ({identifier}_redshift_settings)"
            )
    bucket = f"{team}-raw-data-"
    for prefix in S3_RESERVED_PREFIXES:
        if bucket.startswith(prefix):
            return f"do not start with {prefix!r}: S3 reserves bucket names beginning with it ({bucket}...)"
    if identifier in REDSHIFT_TAKEN_NAMES:
        return f"choose another: {identifier!r} {REDSHIFT_TAKEN_NAMES[identifier]}"
    if identifier.startswith(SYSTEM_USER_PREFIX):
        return f"do not start with 'pg-': user names starting with {SYSTEM_USER_PREFIX!r} belong to the system"
    return None


def validate_team_name(team: str) -> str:
    """Return the team name if every name derived from it is valid, else raise TeamNameError."""
    problem = _problem(team)
    if problem:
        raise TeamNameError(f"Team name {team!r} is not valid: {problem} (for example 'la-vida-mocha').")
    return team


@dataclass(frozen=True)
class Team:
    name: str

    def __post_init__(self) -> None:
        validate_team_name(self.name)

    @property
    def identifier(self) -> str:
        """The team's database and user name: dashes become underscores, as Redshift names like."""
        return self.name.replace("-", "_")

    @property
    def database(self) -> str:
        return self.identifier

    @property
    def user(self) -> str:
        return self.identifier

    @property
    def parameter_name(self) -> str:
        return f"{self.identifier}_redshift_settings"

    @property
    def deployment_bucket_stack(self) -> str:
        return f"{self.name}-shopper-deployment-bucket"

    @property
    def etl_stack(self) -> str:
        return f"{self.name}-shopper-etl-pipeline"

    @property
    def raw_data_bucket_prefix(self) -> str:
        """The ETL stack names the bucket `<team>-raw-data-<account id>` (handouts/etl-stack.yml)."""
        return f"{self.name}-raw-data-"
