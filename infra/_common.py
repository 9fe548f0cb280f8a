"""What the instructor tools share: team lists, AWS sessions, and the way into the cluster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as `python infra/<tool>.py` from a clone: make the course package importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3  # noqa: E402

from redshift_course.provisioning import ClusterAccess, parse_teams  # noqa: E402
from redshift_course.settings import DEFAULT_REGION, CourseSettings  # noqa: E402

DEFAULT_CLUSTER_STACK = "redshift-course-cluster"


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--profile", help="AWS CLI profile of the course account (e.g. sot-academy)")
    where.add_argument("--local", action="store_true", help="the local stack started by `course up` instead of AWS")
    parser.add_argument("--region", default=DEFAULT_REGION, help=f"AWS region (default {DEFAULT_REGION})")
    teams = parser.add_mutually_exclusive_group(required=True)
    teams.add_argument("--teams", help="comma-separated team names, e.g. la-vida-mocha,brew-crew")
    teams.add_argument("--teams-file", type=Path, help="a file with one team name per line (# comments)")
    parser.add_argument(
        "--cluster-stack",
        default=DEFAULT_CLUSTER_STACK,
        help=f"the Redshift cluster stack (default {DEFAULT_CLUSTER_STACK})",
    )
    parser.add_argument(
        "--connect-host",
        help="reach the cluster through a tunnel at this host "
        "(e.g. 127.0.0.1 with an SSM port-forwarding session); TLS stays on",
    )
    parser.add_argument("--connect-port", type=int, help="the tunnel's local port")


def teams_from(args: argparse.Namespace) -> list[str]:
    text = args.teams_file.read_text() if args.teams_file else args.teams.replace(",", "\n")
    teams = parse_teams(text)
    if not teams:
        raise SystemExit("No team names given.")
    return teams


class Target:
    """boto3 clients and the admin's way into the cluster, for AWS or for the local stack."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.local = bool(args.local)
        if self.local:
            self.settings = CourseSettings(mode="local", region=args.region)
            self.client = self.settings.client
        else:
            session = boto3.Session(profile_name=args.profile, region_name=args.region)
            self.client = session.client
        self.args = args

    def cluster(self) -> tuple[object, str, int]:
        """(admin_connect, host, port) - host and port being what goes into the teams' settings."""
        if self.local:
            from functools import partial

            from local_cloud import config, supervisor
            from local_cloud.redshift.admin import admin_connect

            return partial(admin_connect, supervisor.postgres_dir()), config.REDSHIFT.host, config.REDSHIFT.port
        access = ClusterAccess.from_stack(self.client("cloudformation"), self.args.cluster_stack)
        connect = access.admin_connect(
            self.client("redshift"),
            self.client("secretsmanager"),
            connect_host=self.args.connect_host,
            connect_port=self.args.connect_port,
        )
        return connect, access.host, access.port
