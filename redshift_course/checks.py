"""Setup checks for the start-here notebook: each says what it found, or exactly what to fix."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from .handout_code import db_utils
from .settings import CourseSettings

EXPECTED_KEYS = set(db_utils.SETTINGS_KEYS)  # what the Lambda reads from the parameter


@dataclass
class Check:
    name: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        # The word as well as the emoji: without an emoji font the mark is an empty box.
        return f"{'✅ OK  ' if self.ok else '❌ FAIL'} {self.name}: {self.detail}"


def check_python() -> Check:
    found = ".".join(map(str, sys.version_info[:2]))
    ok = (3, 11) <= sys.version_info[:2] <= (3, 13)
    return Check("Python", ok, f"{found}" if ok else f"{found}: use Python 3.11 to 3.13 (make lab sets it up)")


def check_packages() -> Check:
    missing = []
    for package in ("boto3", "redshift-connector", "pandas", "matplotlib", "ipywidgets"):
        try:
            version(package)
        except PackageNotFoundError:
            missing.append(package)
    if missing:
        return Check("Packages", False, f"missing {', '.join(missing)}: run `make lab` from the repository root")
    return Check("Packages", True, f"redshift-connector {version('redshift-connector')}, boto3 installed")


def check_aws(settings: CourseSettings) -> Check:
    try:
        identity = settings.client("sts").get_caller_identity()
    except Exception as error:  # any failure here means the same fix
        if settings.is_local:
            fix = "the local AWS is not answering: run `course up` in a terminal (or `make lab`)"
        else:
            fix = f"profile {settings.profile!r} cannot call AWS: run `aws sso login --profile {settings.profile}` or check ~/.aws/config"
        return Check("AWS", False, f"{fix} ({type(error).__name__})")
    where = (
        "the local AWS (moto)"
        if settings.is_local
        else f"account {identity['Account']} as {identity['Arn'].split('/')[-1]}"
    )
    return Check("AWS", True, f"reached {where}")


def check_parameter(settings: CourseSettings) -> Check:
    ssm = settings.client("ssm")
    try:
        parameter = ssm.get_parameter(Name=settings.parameter_name, WithDecryption=True)["Parameter"]
    except ssm.exceptions.ParameterNotFound:
        fix = (
            "run `course up`, which provisions it"
            if settings.is_local
            else "ask your instructor to provision your team"
        )
        return Check("Team settings", False, f"{settings.parameter_name} not found: {fix}")
    except Exception as error:
        return Check("Team settings", False, f"cannot read {settings.parameter_name}: {type(error).__name__}")
    import json

    keys = set(json.loads(parameter["Value"]))
    if parameter["Type"] != "SecureString" or not EXPECTED_KEYS <= keys:
        return Check(
            "Team settings",
            False,
            f"{settings.parameter_name} should be a SecureString with keys {sorted(EXPECTED_KEYS)}",
        )
    return Check("Team settings", True, f"{settings.parameter_name} is a SecureString with keys {sorted(keys)}")


def check_redshift(settings: CourseSettings) -> Check:
    try:
        with settings.connect() as connection:
            cursor = connection.cursor()
            cursor.execute("select current_database(), current_user")
            database, user = cursor.fetchone()
    except Exception as error:
        fix = (
            "is the local stack up? `course status`"
            if settings.is_local
            else "is your network allowed to reach the cluster?"
        )
        return Check(
            "Redshift", False, f"cannot connect and select: {fix} ({type(error).__name__}: {str(error)[:120]})"
        )
    return Check("Redshift", True, f"connected to database {database} as {user}")


def run_all(settings: CourseSettings) -> list[Check]:
    """Run the checks in order; later checks are skipped once one fails, since they would fail too."""
    steps: list[Callable[[], Check]] = [
        check_python,
        check_packages,
        lambda: check_aws(settings),
        lambda: check_parameter(settings),
        lambda: check_redshift(settings),
    ]
    results: list[Check] = []
    for step in steps:
        result = step()
        results.append(result)
        if not result.ok:
            break
    return results
