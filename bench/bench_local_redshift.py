"""Benchmark the local Redshift (embedded PostgreSQL + gateway): prints figures, asserts nothing.

    .venv/bin/python bench/bench_local_redshift.py [--runs 3]

Runs on free ports in a temporary folder, so a running `course up` stack is not disturbed.
Figures: template build (once per checkout), fresh_start → first redshift_connector query (what
every `course up` pays, target ≤ 3 s for the whole stack), a warm query round trip, and the memory
of the PostgreSQL processes and of this process (which hosts the gateway, as the supervisor does).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local_cloud.ports import free_port  # noqa: E402
from local_cloud.redshift.admin import admin_connect  # noqa: E402
from local_cloud.redshift.gateway import Gateway  # noqa: E402
from local_cloud.redshift.postgres import LocalPostgres, ensure_service_user  # noqa: E402
from local_cloud.redshift.query_history import HISTORY_DIRECTORY  # noqa: E402


def megabytes(value: float) -> str:
    return f"{value / 2**20:.1f} MB"


def memory(processes: list[psutil.Process]) -> tuple[int, int | None]:
    """(sum of RSS, sum of PSS): RSS counts shared pages once per process, PSS shares them out."""
    rss, pss = 0, 0
    for process in processes:
        try:
            info = process.memory_full_info()
        except (psutil.Error, AttributeError):
            continue
        rss += info.rss
        pss = pss + info.pss if pss is not None and hasattr(info, "pss") else None
    return rss, pss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh starts to time")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="course-bench-"))
    postgres = LocalPostgres(data_dir, port=free_port())
    gateway = None
    try:
        started = time.perf_counter()
        postgres.initialise_template()
        print(f"template build (initdb + compat SQL, once):     {time.perf_counter() - started:6.2f} s")

        gateway = Gateway("127.0.0.1", 0, "127.0.0.1", postgres.port).start_in_thread()

        def first_query() -> tuple[float, float]:
            started = time.perf_counter()
            postgres.fresh_start()
            ready = time.perf_counter()
            connection = admin_connect(data_dir, port=gateway.listen_port)
            cursor = connection.cursor()
            cursor.execute("select 1")
            cursor.fetchall()
            connection.close()
            return ready - started, time.perf_counter() - started

        ready, first = first_query()  # no spare copy yet: pays the template copy
        print(f"first fresh_start after a build (copies):       {ready:6.2f} s, first query at {first:.2f} s")
        firsts = []
        for _ in range(args.runs):
            postgres.wait_for_spare()  # as between two `course up`s
            firsts.append(first_query())
        print(
            f"fresh_start with the spare copy ready:          {statistics.median(f[0] for f in firsts):6.2f} s"
            f"  (median of {args.runs})"
        )
        print(
            f"fresh_start → first query through the gateway:  {statistics.median(f[1] for f in firsts):6.2f} s"
            f"  (max {max(f[1] for f in firsts):.2f} s)"
        )

        # The same figures through a second gateway that keeps the query history (STL_QUERY), as
        # start_local_redshift's does: the cost of the history hook.
        history_dir = postgres.pgdata / HISTORY_DIRECTORY
        history_dir.mkdir(mode=0o755, exist_ok=True)
        service_user = ensure_service_user()
        if service_user is not None:
            os.chown(history_dir, service_user.pw_uid, service_user.pw_gid)
        recording = Gateway("127.0.0.1", 0, "127.0.0.1", postgres.port, history_dir=str(history_dir))
        recording.start_in_thread()
        for label, port in (("", gateway.listen_port), (", with history", recording.listen_port)):
            connection = admin_connect(data_dir, port=port)
            cursor = connection.cursor()
            rounds = 500
            started = time.perf_counter()
            for number in range(rounds):
                cursor.execute("select %s::int", (number,))
                cursor.fetchall()
            took = (time.perf_counter() - started) / rounds * 1000
            print(f"{'warm query round trip (select %s)' + label + ':':<48}{took:6.2f} ms")
            started = time.perf_counter()
            cursor.execute("select g, md5(g::text) from generate_series(1, 200000) g")
            rows = cursor.fetchall()
            took = time.perf_counter() - started
            print(f"{'200 000 rows through the gateway' + label + ':':<48}{took:6.2f} s ({len(rows)} rows)")
            if port != recording.listen_port:
                connection.close()
        recording.stop()

        pg_rss, pg_pss = memory(postgres.processes())
        own_rss, own_pss = memory([psutil.Process()])
        print(
            f"PostgreSQL processes ({len(postgres.processes())}), one session open:  "
            f"RSS {megabytes(pg_rss)}" + (f", PSS {megabytes(pg_pss)}" if pg_pss is not None else "")
        )
        print(
            f"this process (gateway thread + driver + pandas): RSS {megabytes(own_rss)}"
            + (f", PSS {megabytes(own_pss)}" if own_pss is not None else "")
        )
        connection.close()
        print(f"machine load average (1 min): {psutil.getloadavg()[0]:.1f} on {psutil.cpu_count()} CPUs")
        print(
            f"template on disk: {megabytes(sum(f.stat().st_size for f in postgres.template_dir.rglob('*') if f.is_file()))}"
        )
    finally:
        if gateway is not None:
            gateway.stop()
        postgres.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
