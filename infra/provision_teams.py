"""Give each team a Redshift database and user and its settings as an SSM SecureString.

    python infra/provision_teams.py --profile sot-academy --teams la-vida-mocha,brew-crew
    python infra/provision_teams.py --profile sot-academy --teams-file teams.txt --overwrite
    python infra/provision_teams.py --local --teams la-vida-mocha

Idempotent: run it again and teams already provisioned keep their passwords (--overwrite gives
them new ones). Passwords are generated, stored only in Parameter Store and printed nowhere.
"""

from __future__ import annotations

import argparse

from _common import Target, add_common_arguments, teams_from

from redshift_course.provisioning import provision_teams


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument(
        "--overwrite", action="store_true", help="give every team a new password even if its settings still work"
    )
    args = parser.parse_args(argv)
    target = Target(args)
    admin_connect, host, port = target.cluster()
    report = provision_teams(
        teams_from(args),
        ssm=target.client("ssm"),
        admin_connect=admin_connect,
        host=host,
        port=port,
        overwrite=args.overwrite,
    )
    print(report.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
