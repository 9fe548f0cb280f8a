"""Cold and warm invocations of the deployed ETL Lambda on a small file (prints figures; not a test).

Starts a local stack of its own (own folder; ports from COURSE_*_PORT, else 4787/5787/54787; a
running stack is untouched), deploys the
pipeline with `handouts/deploy.sh local`, uploads the same small CSV under several keys one after
another, and prints each invocation's REPORT line figures: Duration, Init Duration (cold starts
only) and Max Memory Used (the execution environment's own peak). The first upload is a cold
start (interpreter, boto3, redshift_connector imported in the init phase); the next ones reuse
the warm environment.

    .venv/bin/python bench/bench_lambda.py [--uploads 4] [--file handouts/data/mystery_shops_2024-01.csv]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from bench_support import deployed_pipeline, machine_line

from redshift_course.paths import REPO_ROOT
from redshift_course.settings import CourseSettings

REPORT = re.compile(
    r"^REPORT RequestId: \S+\tDuration: ([\d.]+) ms.*?Max Memory Used: (\d+) MB(?:\tInit Duration: ([\d.]+) ms)?"
)


def reports(settings: CourseSettings, log_group: str) -> list[tuple]:
    """(Duration ms, Max Memory Used MB, Init Duration ms or None) of each REPORT line, oldest first."""
    logs = settings.client("logs")
    found = []
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=log_group, filterPattern="REPORT"):
        for event in page["events"]:
            match = REPORT.match(event["message"])
            if match:
                found.append((event["timestamp"], float(match[1]), int(match[2]), match[3] and float(match[3])))
    return [figures[1:] for figures in sorted(found)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=4)
    parser.add_argument("--file", type=Path, default=REPO_ROOT / "handouts" / "data" / "mystery_shops_2024-01.csv")
    arguments = parser.parse_args()
    print(machine_line())
    with deployed_pipeline((4787, 5787, 54787)) as (settings, names):
        s3, body = settings.client("s3"), arguments.file.read_bytes()
        rows = body.count(b"\n") - 1
        for number in range(arguments.uploads):
            s3.put_object(Bucket=names["RawDataBucketName"], Key=f"bench/upload-{number}.csv", Body=body)
            deadline = time.monotonic() + 120
            while len(reports(settings, names["EtlLogGroupName"])) <= number:
                if time.monotonic() > deadline:
                    raise SystemExit("no REPORT line within 120 s; see the function's log group")
                time.sleep(0.2)
        print(f"{arguments.file.name}: {rows} rows, uploaded {arguments.uploads} times, one after another")
        for number, (duration, memory, init) in enumerate(reports(settings, names["EtlLogGroupName"]), start=1):
            kind = "cold" if init is not None else "warm"
            init_text = f"   Init Duration {init:8.2f} ms" if init is not None else ""
            print(f"  upload {number}  {kind}  Duration {duration:8.2f} ms   Max Memory Used {memory:4d} MB{init_text}")


if __name__ == "__main__":
    main()
