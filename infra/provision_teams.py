"""Give each team a Redshift database and user and its settings as an SSM SecureString.

    python infra/provision_teams.py --profile sot-academy --teams la-vida-mocha,brew-crew
    python infra/provision_teams.py --profile sot-academy --teams-file teams.txt --overwrite
    python infra/provision_teams.py --profile sot-academy --teams brew-crew --via data-api \\
        --warehouse-stack redshift-course-serverless
    python infra/provision_teams.py --local --teams la-vida-mocha

Idempotent: run it again and teams already provisioned keep their passwords (--overwrite gives
them new ones). Passwords are generated, stored only in Parameter Store (tagged team=<team>) and
printed nowhere. The private design's warehouse is reached through the Redshift Data API.
"""

from __future__ import annotations

import argparse

from _common import Target, add_common_arguments, run_tool, teams_from

from redshift_course.provisioning import provision_teams


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument(
        "--overwrite", action="store_true", help="give every team a new password even if its settings still work"
    )
    args = parser.parse_args(argv)
    teams = teams_from(args)
    target = Target(args)
    warehouse = target.cluster()
    report = provision_teams(
        teams,
        ssm=target.client("ssm"),
        admin_connect=warehouse.admin_connect,
        host=warehouse.host,
        port=warehouse.port,
        overwrite=args.overwrite,
        admin_database=warehouse.admin_database,
    )
    print(report.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
