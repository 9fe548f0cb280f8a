"""What the instructor tools share: team lists, AWS sessions, and the way into the warehouse.

The admin's SQL reaches the warehouse one of two ways (``--via``):

* ``direct``: redshift_connector to the endpoint with TLS (the classroom design: the endpoint is
  public, limited to the room's CIDR);
* ``data-api``: the Redshift Data API with the managed admin secret (the private design: only the
  AWS API reaches the cluster or workgroup).

The default is read from the network stack's ``<stack>-Design`` export (classroom → direct,
private → data-api); without that export it is direct.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

# Run as `python infra/<tool>.py` from a clone: make the course package importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from botocore.exceptions import BotoCoreError, ClientError  # noqa: E402

from redshift_course.errors import SettingsError  # noqa: E402
from redshift_course.provisioning import ClusterAccess, ProvisioningError, parse_teams  # noqa: E402
from redshift_course.settings import CourseSettings, aws_session, default_region  # noqa: E402

DEFAULT_WAREHOUSE_STACK = "redshift-course-cluster"
DEFAULT_NETWORK_STACK = "redshift-course-network"
VIAS = ("direct", "data-api")
DESIGN_VIA = {"classroom": "direct", "private": "data-api"}


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--profile", help="AWS CLI profile of the course account (e.g. sot-academy)")
    where.add_argument("--local", action="store_true", help="the local stack started by `course up` instead of AWS")
    parser.add_argument(
        "--region",
        default=default_region(),
        help="AWS region (default: COURSE_REGION, else AWS_REGION, else eu-west-1; now %(default)s)",
    )
    teams = parser.add_mutually_exclusive_group(required=True)
    teams.add_argument("--teams", help="comma-separated team names, e.g. la-vida-mocha,brew-crew")
    teams.add_argument("--teams-file", type=Path, help="a file with one team name per line (# comments)")
    parser.add_argument(
        "--warehouse-stack",
        "--cluster-stack",
        dest="warehouse_stack",
        default=DEFAULT_WAREHOUSE_STACK,
        help="the warehouse's stack: infra/redshift-cluster-stack.yml or infra/redshift-serverless-stack.yml "
        f"(default {DEFAULT_WAREHOUSE_STACK})",
    )
    parser.add_argument(
        "--network-stack",
        default=DEFAULT_NETWORK_STACK,
        help=f"the network stack whose Design export picks --via's default (default {DEFAULT_NETWORK_STACK})",
    )
    parser.add_argument(
        "--via",
        choices=VIAS,
        help="how the admin's SQL reaches Redshift: direct (TLS to the endpoint, the classroom design) or "
        "data-api (the Redshift Data API, the private design); default from the network stack's Design",
    )


def run_tool(main: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """Run a tool's main; a problem the instructor can fix is one line on stderr, not a traceback."""
    try:
        return main(argv)
    except (ProvisioningError, SettingsError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
    except ClientError as error:
        print(
            f"error: AWS refused {error.operation_name}: {error.response['Error'].get('Message', error)}",
            file=sys.stderr,
        )
    except BotoCoreError as error:
        print(f"error: {error}", file=sys.stderr)
    return 1


def teams_from(args: argparse.Namespace) -> list[str]:
    if args.teams_file:
        try:
            text = args.teams_file.read_text()
        except OSError as error:
            raise ProvisioningError(f"Cannot read the teams file {args.teams_file}: {error.strerror}.") from None
    else:
        text = args.teams.replace(",", "\n")
    teams = parse_teams(text)
    if not teams:
        raise ProvisioningError("No team names given.")
    return teams


def design_via(cfn, network_stack: str) -> str:
    """direct or data-api, from the network stack's `<stack>-Design` export; direct without it."""
    wanted = f"{network_stack}-Design"
    for page in cfn.get_paginator("list_exports").paginate():
        for export in page.get("Exports", []):
            if export["Name"] == wanted:
                return DESIGN_VIA.get(export["Value"], "direct")
    return "direct"


class Warehouse(NamedTuple):
    admin_connect: Any  # admin_connect(database) -> an autocommit connection as the admin
    host: str  # what goes into the teams' settings
    port: int
    admin_database: str


class Target:
    """boto3 clients and the admin's way into the warehouse, for AWS or for the local stack."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.local = bool(args.local)
        if self.local:
            self.settings = CourseSettings(mode="local", region=args.region)
            self.client = self.settings.client
        else:
            # Every client in the given region, and never a configured (local) endpoint URL.
            self.session = aws_session(args.profile, args.region)
            self.client = self.session.client
        self.args = args

    def via(self) -> str:
        if self.args.via:
            return self.args.via
        if self.local:
            return "direct"
        return design_via(self.client("cloudformation"), self.args.network_stack)

    def cluster(self) -> Warehouse:
        """The admin's way in, and the host and port that go into the teams' settings."""
        if self.local and not self.args.via:
            from functools import partial

            from local_cloud import config, supervisor
            from local_cloud.redshift.admin import admin_connect

            connect = partial(admin_connect, supervisor.postgres_dir())
            return Warehouse(connect, config.REDSHIFT.host, config.REDSHIFT.port, "dev")
        access = ClusterAccess.from_stack(
            self.client("cloudformation"), self.args.warehouse_stack, self.client("redshift-serverless")
        )
        if self.via() == "data-api":
            connect = access.data_api_connect(self.client("redshift-data"), self.client("redshift"))
        else:
            connect = access.admin_connect(self.client("redshift"), self.client("secretsmanager"))
        return Warehouse(connect, access.host, access.port, access.database)
