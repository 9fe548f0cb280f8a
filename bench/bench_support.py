"""What the benchmark scripts share: the generated input files, the figures they print, and a
deployed pipeline on a local stack of their own."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redshift_course.handout_code import DATA_GENERATOR
from redshift_course.paths import REPO_ROOT

BENCH_DATA = REPO_ROOT / "bench" / "data"  # git-ignored


def data_file(rows: int) -> Path:
    """A clean mystery-shop file of ``rows`` visits from the course's seeded generator, made once."""
    path = BENCH_DATA / f"mystery_shops_{rows}.csv"
    if not path.exists():
        BENCH_DATA.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        subprocess.run([sys.executable, str(DATA_GENERATOR), "--rows", str(rows), "--out", str(partial)], check=True)
        partial.rename(path)
    return path


class Rates(list):
    """Rows per second of repeated runs; prints as "median (slowest-fastest)"."""

    @property
    def median(self) -> float:
        return statistics.median(self)

    def __str__(self) -> str:
        return f"{self.median:>9,.0f} ({min(self):,.0f}-{max(self):,.0f})"


def machine_line() -> str:
    """The figures' context: the machine is shared, so every run says how busy it was."""
    return f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"


@contextmanager
def deployed_pipeline(ports: tuple[int, int, int]) -> Iterator[tuple]:
    """A local stack of its own (own state folder; ports from COURSE_*_PORT, else ``ports``) with the
    pipeline deployed by `handouts/deploy.sh local`; yields (settings, stack outputs). A running
    stack on other ports is untouched."""
    state = Path(tempfile.mkdtemp(prefix="course-bench-"))
    os.environ["COURSE_STATE_DIR"] = str(state)
    for name, port in zip(("COURSE_AWS_PORT", "COURSE_REDSHIFT_PORT", "COURSE_POSTGRES_PORT"), ports):
        os.environ.setdefault(name, str(port))
    from redshift_course.settings import CourseSettings

    bin_dir = Path(sys.executable).parent
    settings = CourseSettings(mode="local", team="la-vida-mocha")
    try:
        subprocess.run([str(bin_dir / "course"), "up"], check=True, stdout=subprocess.DEVNULL)
        env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", **settings.local_env())
        deploy = subprocess.run(
            ["bash", str(REPO_ROOT / "handouts" / "deploy.sh"), "local", settings.team],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO_ROOT,
        )
        if deploy.returncode != 0:
            raise SystemExit(f"deploy.sh failed:\n{deploy.stdout}\n{deploy.stderr}")
        stack = settings.client("cloudformation").describe_stacks(StackName=settings.etl_stack)["Stacks"][0]
        yield settings, {item["OutputKey"]: item["OutputValue"] for item in stack.get("Outputs", [])}
    finally:
        subprocess.run([str(bin_dir / "course"), "down"], stdout=subprocess.DEVNULL)
        shutil.rmtree(state, ignore_errors=True)
