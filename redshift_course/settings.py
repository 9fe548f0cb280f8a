"""One settings object for the notebooks and tools: the mode, the team, and every name derived from them.

The same code runs in both modes; only endpoints and credentials differ:

* ``local`` (the default): the local AWS (moto in server mode plus our adapter) and the local
  Redshift (PostgreSQL behind a wire-protocol gateway), both started by ``course up``.
* ``aws``: a named AWS CLI profile, a team name and a region; everything real.

Settings come from arguments or from environment variables (``COURSE_MODE``, ``COURSE_TEAM``,
``COURSE_PROFILE``, ``COURSE_REGION``), so a notebook can say ``CourseSettings.from_env()`` and an
instructor can switch the whole pack to AWS with two exports.
"""
from __future__ import annotations

import ipaddress
import json
import os
import re
from dataclasses import dataclass
from typing import Any

import boto3

DEFAULT_TEAM = "la-vida-mocha"
DEFAULT_REGION = "eu-west-1"
LOCAL_PROFILE = "local"

# Dummy credentials for the local AWS. They are NOT secrets: moto accepts any key, and these
# strings only exist so that boto3 and the AWS CLI have something to sign requests with.
LOCAL_DUMMY_ACCESS_KEY_ID = "testing-local-dummy-key"
LOCAL_DUMMY_SECRET_ACCESS_KEY = "testing-local-dummy-secret"

LOCAL_AWS_HOST = "127.0.0.1"
LOCAL_AWS_PORT = int(os.environ.get("COURSE_AWS_PORT", "4566"))
LOCAL_REDSHIFT_HOST = "127.0.0.1"
LOCAL_REDSHIFT_PORT = int(os.environ.get("COURSE_REDSHIFT_PORT", "5439"))

_TEAM_RULE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MODES = ("local", "aws")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says what to do."""


def validate_team_name(team: str) -> str:
    """Return the team name if it follows the rule, else raise with a message a learner can act on."""
    if not isinstance(team, str) or not _TEAM_RULE.match(team) or len(team) > 40:
        raise SettingsError(
            f"Team name {team!r} is not valid: use lowercase letters, digits and single dashes, "
            "starting and ending with a letter or digit, at most 40 characters "
            "(for example 'la-vida-mocha' for the team La Vida Mocha)."
        )
    return team


def team_identifier(team: str) -> str:
    """The team's database and user name: `la-vida-mocha` → `la_vida_mocha` (Redshift likes underscores)."""
    return validate_team_name(team).replace("-", "_")


def parameter_name_for(team: str) -> str:
    """`la-vida-mocha` → `la_vida_mocha_redshift_settings`."""
    return f"{team_identifier(team)}_redshift_settings"


def tls_required(host: str) -> bool:
    """Whether a Redshift connection to ``host`` must use TLS.

    Real Redshift endpoints always get TLS. The local gateway listens on loopback only, where TLS
    protects nothing and where no certificate signed by Redshift's CA could exist, so it has none.
    """
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


@dataclass(frozen=True)
class CourseSettings:
    mode: str = "local"
    team: str = DEFAULT_TEAM
    profile: str | None = None
    region: str = DEFAULT_REGION

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise SettingsError(f"Mode {self.mode!r} is not valid: choose 'local' or 'aws'.")
        validate_team_name(self.team)
        if self.mode == "aws" and not self.profile:
            raise SettingsError(
                "aws mode needs an AWS CLI profile: set COURSE_PROFILE (or pass profile=...), "
                "for example COURSE_PROFILE=sot-academy."
            )

    @classmethod
    def from_env(cls, **overrides: Any) -> "CourseSettings":
        values = {
            "mode": os.environ.get("COURSE_MODE", "local"),
            "team": os.environ.get("COURSE_TEAM", DEFAULT_TEAM),
            "profile": os.environ.get("COURSE_PROFILE") or None,
            "region": os.environ.get("COURSE_REGION", DEFAULT_REGION),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    # --- names derived from the team -------------------------------------------------------
    @property
    def is_local(self) -> bool:
        return self.mode == "local"

    @property
    def team_underscored(self) -> str:
        return team_identifier(self.team)

    @property
    def parameter_name(self) -> str:
        return parameter_name_for(self.team)

    @property
    def deployment_bucket_stack(self) -> str:
        return f"{self.team}-shopper-deployment-bucket"

    @property
    def etl_stack(self) -> str:
        return f"{self.team}-shopper-etl-pipeline"

    @property
    def cli_profile(self) -> str:
        """The profile to hand to ``deploy.sh`` and the AWS CLI."""
        return LOCAL_PROFILE if self.is_local else str(self.profile)

    # --- AWS access ---------------------------------------------------------------------------
    @property
    def aws_endpoint_url(self) -> str | None:
        return f"http://{LOCAL_AWS_HOST}:{LOCAL_AWS_PORT}" if self.is_local else None

    def session(self) -> boto3.Session:
        if self.is_local:
            return boto3.Session(
                aws_access_key_id=LOCAL_DUMMY_ACCESS_KEY_ID,
                aws_secret_access_key=LOCAL_DUMMY_SECRET_ACCESS_KEY,
                region_name=self.region,
            )
        return boto3.Session(profile_name=self.profile, region_name=self.region)

    def client(self, service: str, **kwargs: Any):
        if self.is_local:
            kwargs.setdefault("endpoint_url", self.aws_endpoint_url)
        return self.session().client(service, **kwargs)

    def local_env(self) -> dict[str, str]:
        """Environment variables that point the AWS CLI and any boto3 at the local AWS (dummy credentials)."""
        return {
            "AWS_ENDPOINT_URL": f"http://{LOCAL_AWS_HOST}:{LOCAL_AWS_PORT}",
            "AWS_ACCESS_KEY_ID": LOCAL_DUMMY_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": LOCAL_DUMMY_SECRET_ACCESS_KEY,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
        }

    # --- Redshift -------------------------------------------------------------------------------
    def redshift_settings(self) -> dict[str, Any]:
        """The team's settings from Parameter Store, decrypted. Keep the result out of outputs and logs."""
        ssm = self.client("ssm")
        try:
            value = ssm.get_parameter(Name=self.parameter_name, WithDecryption=True)["Parameter"]["Value"]
        except ssm.exceptions.ParameterNotFound as error:
            hint = "run `course up` (it provisions the team)" if self.is_local else "ask your instructor"
            raise SettingsError(f"Parameter {self.parameter_name} not found: {hint}.") from error
        return json.loads(value)

    def connect(self, **kwargs: Any):
        """A redshift_connector connection with the team's settings read at run time from SSM."""
        from .redshift import connect_with_settings

        return connect_with_settings(self.redshift_settings(), **kwargs)

    def describe(self) -> str:
        where = f"local AWS at {self.aws_endpoint_url}" if self.is_local else f"AWS profile {self.profile}"
        return f"mode={self.mode} team={self.team} region={self.region} ({where})"
