"""`course`: start, stop and inspect the local cloud (local AWS + local Redshift), and provision the team.

course up        start it (idempotent) and provision the team's Redshift settings
course down      stop it; no process is left behind
course status    each piece checked (local AWS, PostgreSQL, the Redshift gateway), where, its memory
course reset     stop, delete all local state, start again
course env       shell exports that point the aws CLI and boto3 at the local AWS:
                 eval "$(course env)"
"""

from __future__ import annotations

import argparse
import signal
import sys

from local_cloud import config, lifecycle

from .settings import CourseSettings, SettingsError


def up(settings: CourseSettings, quiet: bool = False) -> None:
    say = (lambda *_: None) if quiet else print
    lifecycle.up(say)
    from .provisioning import provision_local_team

    provision_local_team(settings)
    say(f"  local AWS       {config.aws_endpoint_url()}   (dummy credentials: `course env`)")
    say(f"  local Redshift  {config.REDSHIFT.host}:{config.REDSHIFT.port}")
    say(f"  team            {settings.team}: settings in SSM parameter {settings.parameter_name} (SecureString)")


def status() -> int:
    """0 when every piece answers; 1 when it is stopped or a piece is down (`course up` heals it)."""
    state, lines = lifecycle.status_report()
    if state == "stopped":
        print("Local cloud: not running. Start it with `course up` (or `make lab`).")
    if lines:
        print("\n".join(lines))
    return 0 if state == "running" else 1


def reset(settings: CourseSettings) -> None:
    lifecycle.delete_state()
    up(settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--team", help="team name (default: $COURSE_TEAM or la-vida-mocha)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start the local cloud and provision the team")
    commands.add_parser("down", help="stop the local cloud")
    commands.add_parser("status", help="show what runs")
    commands.add_parser("reset", help="delete all local state and start again")
    env_parser = commands.add_parser("env", help="print shell exports for the local AWS")
    env_parser.add_argument("--shell", choices=["sh", "fish", "powershell", "cmd"], default="sh")
    args = parser.parse_args(argv)
    if hasattr(signal, "SIGPIPE"):  # `course status | head` ends quietly, as shell tools do
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    try:
        settings = CourseSettings.from_env(mode="local", team=args.team)
        if args.command == "up":
            up(settings)
        elif args.command == "down":
            lifecycle.down()
        elif args.command == "status":
            return status()
        elif args.command == "reset":
            reset(settings)
        elif args.command == "env":
            print("\n".join(lifecycle.env_lines(settings.region, args.shell)))
    except (lifecycle.LocalCloudError, SettingsError) as error:
        print(f"course {args.command}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
