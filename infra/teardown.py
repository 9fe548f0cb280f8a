"""Remove everything the teams had: both stacks (buckets emptied first), the SecureStrings, and
the Redshift databases and users. Reports what was removed and anything left behind.

    python infra/teardown.py --profile sot-academy --teams la-vida-mocha,brew-crew --yes
    python infra/teardown.py --local --teams la-vida-mocha --yes

The network and cluster stacks are the instructor's: delete them afterwards with
`aws cloudformation delete-stack` (see docs/instructor-guide.md).
"""

from __future__ import annotations

import argparse

from _common import Target, add_common_arguments, run_tool, teams_from

from redshift_course.provisioning import teardown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument(
        "--keep-redshift", action="store_true", help="leave the teams' databases and users in the cluster"
    )
    parser.add_argument("--yes", action="store_true", help="really delete (required)")
    args = parser.parse_args(argv)
    teams = teams_from(args)
    if not args.yes:
        print(
            f"This deletes the stacks, buckets, parameters, databases and users of: {', '.join(teams)}.\n"
            "Run again with --yes to do it."
        )
        return 2
    target = Target(args)
    warehouse = None if args.keep_redshift else target.cluster()
    report = teardown(
        teams,
        cfn=target.client("cloudformation"),
        s3=target.client("s3"),
        ssm=target.client("ssm"),
        admin_connect=warehouse.admin_connect if warehouse else None,
        admin_database=warehouse.admin_database if warehouse else "dev",
    )
    print(report.summary())
    return 0 if report.clean else 1


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
