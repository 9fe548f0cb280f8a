"""What the benchmark scripts share: the generated input files, and the figures they print."""

from __future__ import annotations

import statistics
import subprocess
import sys
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
