"""Benchmark of the ETL Lambda's load path into the local Redshift. Prints figures; not a test.

    .venv/bin/python bench/bench_load.py                      # 10k, 100k, 1M rows (several minutes)
    .venv/bin/python bench/bench_load.py --sizes 10000,100000 --no-memory

For each size it times the real handler (``lambda_handler``: settings, connection, streaming
extract, transform, batched multi-row INSERTs in one transaction) beside the academy's original
way of loading – one INSERT statement per row – in the same run, against a throwaway local Redshift
(embedded PostgreSQL + the gateway, on free ports; the stack on 5439 is not touched). S3 and SSM
are in-process fakes that stream the generated file from disk, so the figures are the database
path's, not moto's. The row-by-row baseline commits once at the end, which flatters it. Each way
runs ``--repeat`` times (3) at each size on an empty table; the table gives the median and the
range, as a shared two-core machine's figures can vary by a fifth from one run to the next.

It then runs the handler on the biggest file in a fresh process and reports that process's peak
resident memory (VmHWM), which is what Lambda's "Max Memory Used" measures. Targets: batched
at least 15x the baseline at 100k rows; the 1M-row file under 256 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_support import BENCH_DATA, Rates, data_file

from redshift_course.handout_code import lambda_handler_module

BUCKET = "bench-raw-data"
TARGET_ROWS, TARGET_SPEEDUP = 100_000, 15  # issue 3's target for the batched load
TEAM = "bench_team"


# --- fakes for S3 and SSM: stream from disk, so the figures are the database path's ----------------
class DiskS3:
    """get_object streams a local file; rejects uploads are read and dropped."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_object(self, Bucket: str, Key: str):
        from botocore.response import StreamingBody

        path = self.folder / Key
        return {"Body": StreamingBody(open(path, "rb"), path.stat().st_size)}

    def put_object(self, Body, **_):
        while Body.read(1 << 20):
            pass

    def delete_object(self, **_):
        pass


class FixedSSM:
    class exceptions:
        ParameterNotFound = KeyError

    def __init__(self, settings: dict) -> None:
        self._value = json.dumps(settings)

    def get_parameter(self, Name: str, WithDecryption: bool):
        return {"Parameter": {"Name": Name, "Value": self._value}}


def use_fakes(settings: dict, folder: Path) -> None:
    """Point the handler's boto3.client() at the fakes, and keep its log lines out of the table."""
    import logging

    etl = lambda_handler_module()

    etl.logger.setLevel(logging.WARNING)
    clients = {"s3": DiskS3(folder), "ssm": FixedSSM(settings)}
    etl.boto3 = type("FakeBoto3", (), {"client": staticmethod(lambda service, **_: clients[service])})
    os.environ["SSM_PARAMETER_NAME"] = f"{TEAM}_redshift_settings"


def s3_event(key: str) -> dict:
    from urllib.parse import quote_plus

    return {"Records": [{"s3": {"bucket": {"name": BUCKET}, "object": {"key": quote_plus(key)}}}]}


# --- the two ways of loading ----------------------------------------------------------------------
def load_batched(key: str) -> tuple[int, float]:
    etl = lambda_handler_module()

    started = time.perf_counter()
    (result,) = etl.lambda_handler(s3_event(key), None)["files"]
    return result["loaded"], time.perf_counter() - started


def load_row_by_row(settings: dict, folder: Path, key: str) -> tuple[int, float]:
    """The academy's original Lambda: one INSERT (one round trip) per row. Same extract/transform."""
    etl = lambda_handler_module()
    from redshift_course.handout_code import db_utils, s3_utils, sql_utils
    from redshift_course.handout_code import transform_utils as t

    insert_one_row = (
        f"INSERT INTO {sql_utils.TABLE} ({', '.join(sql_utils.INSERT_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(sql_utils.INSERT_COLUMNS))})"
    )
    started = time.perf_counter()
    conn = db_utils.connect(settings)
    cursor = conn.cursor()
    source = f"s3://{BUCKET}/{key}"
    cursor.execute(sql_utils.DELETE_FILE_ROWS, (source,))
    loaded_at = etl.utc_now()
    with open(folder / key, "rb") as body:
        records = t.read_records(s3_utils.open_text(body))
        t.check_header(next(records)[1])
        loaded = 0
        for visit in t.transform(records):
            if isinstance(visit, t.Visit):
                cursor.execute(
                    insert_one_row,
                    (
                        visit.visit_id,
                        visit.store_id,
                        visit.mystery_shopper_id,
                        visit.store_type,
                        visit.store_name,
                        visit.number_of_store_employees,
                        visit.visit_date,
                        visit.start_time,
                        visit.end_time,
                        visit.overall_score,
                        source,
                        loaded_at,
                    ),
                )
                loaded += 1
    conn.commit()
    conn.close()
    return loaded, time.perf_counter() - started


# --- a throwaway local Redshift ---------------------------------------------------------------------
class ThrowawayRedshift:
    """PostgreSQL and the gateway on free ports; the gateway in its own process, as in the stack,
    so that it does not share this process's CPU time (and GIL) with the code being measured."""

    def __enter__(self) -> dict:
        from local_cloud.redshift.server import start_local_redshift

        # Not under /tmp/pytest-of-*: as root, PostgreSQL runs as an unprivileged user who must reach it.
        self.folder = Path(tempfile.mkdtemp(prefix="course-bench-"))
        os.chmod(self.folder, 0o755)
        self.redshift = start_local_redshift(self.folder, port=0, postgres_port=0, gateway_in_process=False)
        password = secrets.token_urlsafe(18)  # a throwaway password for a throwaway database
        self.redshift.create_login(TEAM, password, TEAM)
        return {
            "host": "127.0.0.1",
            "port": self.redshift.port,
            "database-name": TEAM,
            "user": TEAM,
            "password": password,
        }

    def __exit__(self, *exc) -> None:
        self.redshift.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


# --- running it -------------------------------------------------------------------------------------
def rate(rows: int, load, settings: dict, key: str) -> float:
    """Rows per second of one ``load`` into an empty table, checking that every row arrived."""
    loaded, seconds = load()
    assert loaded == rows == count_rows(settings, key), (loaded, rows)
    clear(settings)
    return rows / seconds


def count_rows(settings: dict, key: str) -> int:
    from redshift_course.handout_code import db_utils

    with db_utils.connect(settings) as conn:
        cursor = conn.cursor()
        cursor.execute("SELECT COUNT(*) FROM mystery_shop_visit WHERE source_file = %s", (f"s3://{BUCKET}/{key}",))
        return cursor.fetchone()[0]


def clear(settings: dict) -> None:
    from redshift_course.handout_code import db_utils

    with db_utils.connect(settings) as conn:
        conn.cursor().execute("TRUNCATE mystery_shop_visit")  # not DELETE: no dead rows for the next run to scan
        conn.commit()


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec,
    so a child started by a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux without /proc: kB


def memory_child() -> None:
    """Run in a fresh process: the handler on one file; print the process's peak RSS in MB."""
    job = json.loads(sys.stdin.read())  # settings arrive on stdin, not in argv or the environment
    lambda_handler_module()  # imports count: the Lambda's memory figure includes them

    before = peak_rss_mb()
    use_fakes(job["settings"], BENCH_DATA)
    loaded, seconds = load_batched(job["key"])
    peak = peak_rss_mb()
    print(json.dumps({"loaded": loaded, "seconds": seconds, "rss_after_imports_mb": before, "peak_rss_mb": peak}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="row counts, comma-separated")
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=100_000,
        help="largest size to time row by row; bigger sizes are extrapolated from it",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each way at each size; the table shows their median (default 3)"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory run")
    parser.add_argument("--only-memory", action="store_true", help="skip the timing table")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child()
        return 0

    sizes = [int(size) for size in args.sizes.split(",")]
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    print("starting a throwaway local Redshift (PostgreSQL + gateway on free ports)...", flush=True)
    keys = {rows: data_file(rows).name for rows in sizes}
    with ThrowawayRedshift() as settings:
        use_fakes(settings, BENCH_DATA)
        print(f"\nrows per second, median of {args.repeat} runs (slowest-fastest)")
        print(f"{'rows':>9} | {'batched':>24} | {'row by row':>22} | speed-up")
        print("-" * 76)
        baseline_rate, target_line = None, ""
        for rows in [] if args.only_memory else sizes:
            key = keys[rows]
            batched, baseline = Rates(), Rates()
            for _ in range(args.repeat):  # the two ways take turns, so a slow spell of the machine hits both
                batched.append(rate(rows, lambda: load_batched(key), settings, key))
                if rows <= args.baseline_max:
                    baseline.append(rate(rows, lambda: load_row_by_row(settings, BENCH_DATA, key), settings, key))
            if baseline:
                baseline_rate = baseline.median
                base = f"{baseline}"
            elif baseline_rate:
                base = f"{baseline_rate:>8,.0f} (extrapolated)*"
            else:
                base = f"{'skipped':>22}"
            speedup = f"{batched.median / baseline_rate:.1f}x" if baseline_rate else "-"
            print(f"{rows:>9,} | {batched} | {base:>22} | {speedup}", flush=True)
            if rows == TARGET_ROWS and baseline:
                verdict = "met" if batched.median / baseline_rate >= TARGET_SPEEDUP else "NOT met"
                target_line = f"target at {rows:,} rows: {TARGET_SPEEDUP:.0f}x the row-by-row rate - {verdict}"
        if not args.only_memory and any(rows > args.baseline_max for rows in sizes):
            print(
                f"* row by row not run above {args.baseline_max:,} rows (too slow): "
                "extrapolated from the largest measured rate"
            )
        if target_line:
            print(target_line)

        if not args.no_memory:
            rows = max(sizes)
            child = subprocess.run(
                [sys.executable, __file__, "--memory-child"],
                check=True,
                text=True,
                capture_output=True,
                input=json.dumps({"settings": settings, "key": keys[rows]}),
            )
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            verdict = "under" if figures["peak_rss_mb"] < 256 else "OVER"
            print(
                f"\npeak memory, handler on {rows:,} rows in a fresh process: {figures['peak_rss_mb']:.0f} MB "
                f"resident ({verdict} the 256 MB target; {figures['rss_after_imports_mb']:.0f} MB after imports, "
                f"load took {figures['seconds']:.1f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
