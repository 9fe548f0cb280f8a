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

from redshift_course.provisioning import STACK_DELETE_WAIT, sweep, sweep_summary, teardown


def stack_wait(args: argparse.Namespace) -> dict[str, int]:
    """The stack-delete waiter's config: every 15 s on AWS (2 s locally) for --wait-minutes."""
    delay = 2 if args.local else 15
    return {"Delay": delay, "MaxAttempts": max(1, args.wait_minutes * 60 // delay)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument(
        "--keep-redshift", action="store_true", help="leave the teams' databases and users in the cluster"
    )
    parser.add_argument("--yes", action="store_true", help="really delete (required)")
    parser.add_argument(
        "--wait-minutes",
        type=int,
        default=STACK_DELETE_WAIT["Delay"] * STACK_DELETE_WAIT["MaxAttempts"] // 60,
        help="how long to wait for each stack's deletion (default %(default)s: a VPC Lambda's network "
        "interfaces can take 20 minutes or more to go)",
    )
    parser.add_argument(
        "--no-sweep", action="store_true", help="skip the final list of what is still tagged course=aws-07-redshift"
    )
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
        wait=stack_wait(args),
    )
    print(report.summary())
    if not args.no_sweep and not args.local:
        print(sweep_summary(sweep(target.client("resourcegroupstaggingapi"))))
    return 0 if report.clean else 1


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
