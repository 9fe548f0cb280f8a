"""Where the local cloud's pieces listen, where it keeps its state, and the dummy keys it accepts.

This is the one home of those facts: the supervisor, the local AWS, the local Redshift, the tests,
the benchmarks and the course's settings all ask here. Every value is read when asked for, not at
import time, so a test (or a learner) that sets ``COURSE_REDSHIFT_PORT`` before starting a piece
gets that port, whatever was imported first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Everything listens on loopback only: the local cloud is for this machine, never the network.
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Piece:
    """One listening piece of the local cloud."""

    name: str  # what a person calls it, used in messages ("the local AWS")
    default_port: int
    variable: str  # the environment variable that moves it

    @property
    def port(self) -> int:
        value = os.environ.get(self.variable, "")
        try:
            return int(value) if value else self.default_port
        except ValueError:
            raise ValueError(f"{self.variable}={value!r} is not a port number") from None

    @property
    def host(self) -> str:
        return HOST


AWS = Piece("the local AWS", 4566, "COURSE_AWS_PORT")
REDSHIFT = Piece("the local Redshift", 5439, "COURSE_REDSHIFT_PORT")
POSTGRES = Piece("the local Redshift's internal PostgreSQL", 54329, "COURSE_POSTGRES_PORT")
PIECES = (AWS, REDSHIFT, POSTGRES)

# Dummy credentials for the local AWS. They are NOT secrets: moto accepts any key, and these
# strings only exist so that boto3 and the AWS CLI have something to sign requests with.
DUMMY_ACCESS_KEY_ID = "testing-local-dummy-key"
DUMMY_SECRET_ACCESS_KEY = "testing-local-dummy-secret"  # pragma: allowlist secret

STATE_VARIABLE = "COURSE_STATE_DIR"
_DEFAULT_STATE_DIR = Path(__file__).resolve().parent.parent / ".course"


def aws_endpoint_url() -> str:
    return f"http://{AWS.host}:{AWS.port}"


def state_dir() -> Path:
    """All local state (PostgreSQL data, logs, pid files, Lambda code) lives here, never elsewhere.

    ``COURSE_STATE_DIR`` moves it, which the tests use to run a local cloud of their own.
    """
    return Path(os.environ.get(STATE_VARIABLE) or _DEFAULT_STATE_DIR).resolve()


def aws_client(service: str, endpoint_url: str | None = None, region: str = "us-east-1", botocore_config=None):
    """A boto3 client of the local AWS (``endpoint_url``, or the configured one), signed with the dummy keys."""
    import boto3

    return boto3.client(
        service,
        endpoint_url=endpoint_url or aws_endpoint_url(),
        region_name=region,
        aws_access_key_id=DUMMY_ACCESS_KEY_ID,
        aws_secret_access_key=DUMMY_SECRET_ACCESS_KEY,
        config=botocore_config,
    )


def client_environment(region: str) -> dict[str, str]:
    """Environment variables that point the AWS CLI and any boto3 at the local AWS (dummy keys)."""
    return {
        "AWS_ENDPOINT_URL": aws_endpoint_url(),
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }


def _float_variable(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    try:
        return float(value) if value else default
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None


def lambda_idle_seconds() -> float:
    """How long an idle Lambda execution environment is kept warm (AWS: some minutes)."""
    return _float_variable("COURSE_LAMBDA_IDLE_SECONDS", 300.0)


# AWS's limit on a function's init phase (imports and module code), apart from its timeout.
LAMBDA_INIT_LIMIT_SECONDS = 10.0


def lambda_time_scale() -> float:
    """Local seconds per AWS second for asynchronous retries: AWS's ~60 s and ~120 s waits become
    15 s and 30 s by default, short for a lesson yet long enough to outlast a 20 s database pause."""
    return _float_variable("COURSE_LAMBDA_TIME_SCALE", 0.25)
