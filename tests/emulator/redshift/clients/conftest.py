"""A local Redshift of these tests' own, and the team's settings as learners' tools get them: a
SecureString in Parameter Store (an in-process moto of the tests' own) that points at it, read back
at run time. The password is generated here and never printed."""

from __future__ import annotations

import json
import secrets

import boto3
import pytest
from moto import mock_aws

from local_cloud.redshift.server import LocalRedshiftHandle, start_local_redshift
from redshift_course import Team
from redshift_course.handout_code import db_utils
from redshift_course.sql_engine import engine_from_settings

TEAM = Team("client-tools")
REGION = "eu-west-1"


@pytest.fixture(scope="session")
def local_redshift(postgres_data_dirs) -> LocalRedshiftHandle:
    """Not the one of ../conftest.py: the clients' connections (jupysql's, SQLAlchemy's results that
    IPython keeps) may outlive their tests, and the gateway tests there count sessions."""
    with start_local_redshift(postgres_data_dirs("client-tools"), port=0, postgres_port=0) as redshift:
        yield redshift


@pytest.fixture(scope="session")
def team_settings(local_redshift) -> dict:
    """The settings JSON (host, port, database-name, user, password) of a team login of its own."""
    password = secrets.token_urlsafe(18)
    local_redshift.create_login(TEAM.identifier, password, database=TEAM.identifier)
    stored = {
        "host": local_redshift.host,
        "port": local_redshift.port,
        "database-name": TEAM.identifier,
        "user": TEAM.identifier,
        "password": password,
    }
    # Only for these few calls: a moto mock left active would catch other tests' calls to the local AWS.
    with mock_aws():
        ssm = boto3.client("ssm", region_name=REGION)
        ssm.put_parameter(Name=TEAM.parameter_name, Type="SecureString", Value=json.dumps(stored))
        return db_utils.get_redshift_settings(ssm, TEAM.parameter_name)


@pytest.fixture(scope="session")
def engine(team_settings):
    engine = engine_from_settings(team_settings)
    yield engine
    engine.dispose()
