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

import json
import os
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from local_cloud import config as local_cloud

from .errors import SettingsError
from .teams import Team, validate_team_name

DEFAULT_TEAM = "la-vida-mocha"
DEFAULT_REGION = "eu-west-1"
LOCAL_PROFILE = "local"
MODES = ("local", "aws")

__all__ = [
    "DEFAULT_REGION",
    "DEFAULT_TEAM",
    "AWS_CLIENT_CONFIG",
    "CourseSettings",
    "SettingsError",
    "aws_session",
    "default_region",
    "parameter_name_for",
    "team_identifier",
    "validate_team_name",
]


# aws mode never follows an endpoint URL from the environment or the profile: only AWS's own.
AWS_CLIENT_CONFIG = Config(ignore_configured_endpoint_urls=True)


def default_region() -> str:
    """deploy.sh's order: COURSE_REGION, then AWS_REGION, then the course's region."""
    return os.environ.get("COURSE_REGION") or os.environ.get("AWS_REGION") or DEFAULT_REGION


def aws_session(profile: str | None, region: str) -> boto3.Session:
    """A session on the real AWS whose clients ignore configured endpoint URLs (also when a
    caller builds them with ``session.client(...)`` without our Config)."""
    session = boto3.Session(profile_name=profile, region_name=region)
    session._session.set_config_variable("ignore_configured_endpoint_urls", True)
    return session


def team_identifier(team: str) -> str:
    """The team's database and user name: `la-vida-mocha` → `la_vida_mocha` (Redshift likes underscores)."""
    return Team(team).identifier


def parameter_name_for(team: str) -> str:
    """`la-vida-mocha` → `la_vida_mocha_redshift_settings`."""
    return Team(team).parameter_name


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
    def from_env(cls, **overrides: Any) -> CourseSettings:
        values = {
            "mode": os.environ.get("COURSE_MODE", "local"),
            "team": os.environ.get("COURSE_TEAM", DEFAULT_TEAM),
            "profile": os.environ.get("COURSE_PROFILE") or None,
            "region": default_region(),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    # --- names derived from the team -------------------------------------------------------
    @property
    def is_local(self) -> bool:
        return self.mode == "local"

    @property
    def team_names(self) -> Team:
        """Every name derived from the team (database, user, parameter, stacks)."""
        return Team(self.team)

    @property
    def team_underscored(self) -> str:
        return self.team_names.identifier

    @property
    def parameter_name(self) -> str:
        return self.team_names.parameter_name

    @property
    def deployment_bucket_stack(self) -> str:
        return self.team_names.deployment_bucket_stack

    @property
    def etl_stack(self) -> str:
        return self.team_names.etl_stack

    @property
    def cli_profile(self) -> str:
        """The profile to hand to ``deploy.sh`` and the AWS CLI."""
        return LOCAL_PROFILE if self.is_local else str(self.profile)

    # --- AWS access ---------------------------------------------------------------------------
    @property
    def aws_endpoint_url(self) -> str | None:
        return local_cloud.aws_endpoint_url() if self.is_local else None

    def session(self) -> boto3.Session:
        """A boto3 session for this mode. In aws mode it ignores configured endpoint URLs
        (``AWS_ENDPOINT_URL*``, ``endpoint_url`` in the profile), so a terminal that ran
        ``eval "$(course env)"`` cannot send aws-mode calls to the local AWS."""
        if self.is_local:
            return boto3.Session(
                aws_access_key_id=local_cloud.DUMMY_ACCESS_KEY_ID,
                aws_secret_access_key=local_cloud.DUMMY_SECRET_ACCESS_KEY,
                region_name=self.region,
            )
        return aws_session(self.profile, self.region)

    def client(self, service: str, **kwargs: Any):
        if self.is_local:
            kwargs.setdefault("endpoint_url", self.aws_endpoint_url)
            return self.session().client(service, **kwargs)
        kwargs["config"] = AWS_CLIENT_CONFIG.merge(kwargs["config"]) if kwargs.get("config") else AWS_CLIENT_CONFIG
        return self.session().client(service, **kwargs)

    def local_env(self) -> dict[str, str]:
        """Environment variables that point the AWS CLI and any boto3 at the local AWS (dummy credentials)."""
        return local_cloud.client_environment(self.region)

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

    def sql_engine(self, **engine_options: Any):
        """An SQLAlchemy engine (sqlalchemy-redshift) with the team's settings read at run time from
        SSM, for pandas' to_sql/read_sql and jupysql's %sql; the password is in no URL."""
        from .sql_engine import engine_from_settings

        return engine_from_settings(self.redshift_settings(), **engine_options)

    def describe(self) -> str:
        where = f"local AWS at {self.aws_endpoint_url}" if self.is_local else f"AWS profile {self.profile}"
        return f"mode={self.mode} team={self.team} region={self.region} ({where})"
