"""How fast the local stack starts and how much memory it takes (prints figures; not a test).

Targets (issue 2): cold start to a first query ≤ 3 s; resident memory of all its processes ≤ 350 MB.

  first ever  no template yet: initdb + compatibility SQL, then start (once per machine)
  cold        stack stopped, template present: what every `course up` after a `course down` costs
  warm        `course up` while it runs (idempotent no-op plus provisioning check)

For each start it prints when the first Redshift query succeeded (through the gateway with
redshift_connector), when the local AWS answered, and when `course up` (which also provisions the
team) returned. Runs in its own state folder and on its own ports, so a running stack is untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STATE = Path(tempfile.mkdtemp(prefix="course-bench-stack-"))
os.environ.update(
    COURSE_STATE_DIR=str(STATE), COURSE_AWS_PORT="4786", COURSE_REDSHIFT_PORT="5786", COURSE_POSTGRES_PORT="54786"
)


from local_cloud import lifecycle, supervisor  # noqa: E402
from local_cloud.ports import port_in_use  # noqa: E402
from local_cloud.redshift.admin import admin_connect  # noqa: E402
from redshift_course.settings import CourseSettings  # noqa: E402

COURSE = [sys.executable, "-m", "redshift_course.cli"]


def first_query_and_aws(started: float) -> tuple[float, float]:
    first_query = aws = None
    while first_query is None or aws is None:
        if time.monotonic() - started > 120:
            raise SystemExit("the stack did not come up within 120 s; see " + str(STATE / "logs" / "supervisor.log"))
        if first_query is None:
            try:
                with admin_connect(supervisor.postgres_dir(), timeout=1) as connection:
                    cursor = connection.cursor()
                    cursor.execute("select 1")
                    cursor.fetchall()
                first_query = time.monotonic() - started
            except Exception:
                pass
        if aws is None and port_in_use("127.0.0.1", 4786):
            try:
                CourseSettings().client("s3").list_buckets()
                aws = time.monotonic() - started
            except Exception:
                pass
        time.sleep(0.02)
    return first_query, aws


def start(label: str) -> None:
    started = time.monotonic()
    up = subprocess.Popen(COURSE + ["up"], stdout=subprocess.DEVNULL)
    query_at, aws_at = first_query_and_aws(started)
    if up.wait() != 0:
        raise SystemExit("course up failed")
    print(
        f"{label:10} first query {query_at:5.2f} s   local AWS answers {aws_at:5.2f} s   `course up` done {time.monotonic() - started:5.2f} s"
    )


def resident_memory_mb() -> float:
    process = lifecycle.running_process()
    family = [process, *process.children(recursive=True)]
    # postgres runs as its own user, started by the supervisor: it is among the children
    return sum(p.memory_info().rss for p in family) / 2**20


def main() -> None:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; state in {STATE}")
    try:
        start("first ever")
        subprocess.run(COURSE + ["down"], check=True, stdout=subprocess.DEVNULL)
        start("cold")
        subprocess.run(COURSE + ["down"], check=True, stdout=subprocess.DEVNULL)
        start("cold")
        started = time.monotonic()
        subprocess.run(COURSE + ["up"], check=True, stdout=subprocess.DEVNULL)
        print(f"{'warm':10} `course up` done {time.monotonic() - started:5.2f} s")
        print(f"resident memory of all stack processes, idle: {resident_memory_mb():.0f} MB (target ≤ 350 MB)")
    finally:
        subprocess.run(COURSE + ["down"], stdout=subprocess.DEVNULL)
        shutil.rmtree(STATE, ignore_errors=True)


if __name__ == "__main__":
    main()
