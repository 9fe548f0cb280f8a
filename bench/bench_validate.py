"""Validation throughput of the Lambda's transform (read_records + transform), now and at a git ref.

    .venv/bin/python bench/bench_validate.py                        # 1M rows, against main, 3 runs each
    .venv/bin/python bench/bench_validate.py --rows 100000 --baseline HEAD~3 --repeat 5

The rows go through exactly what the Lambda does before the load: the file streamed through
``s3_utils.open_text``, ``read_records``, ``check_header``, ``transform`` (every Visit or Reject
made). No database, no S3: the figures are the validation's alone. The baseline is
``handouts/src/etl_utils/transform_utils.py`` as it is at ``--baseline`` (``git show``), imported
beside the working tree's; the two alternate run by run, so a busy machine slows both alike.
Prints rows per second as "median (slowest-fastest)", by the wall clock and by the process's CPU
time (on a shared machine the CPU figure is the steadier one to compare). Not a test.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from bench_support import Rates, data_file

from redshift_course.handout_code import s3_utils, transform_utils
from redshift_course.paths import REPO_ROOT

MODULE_PATH = "handouts/src/etl_utils/transform_utils.py"


def module_at(ref: str, folder: Path) -> ModuleType:
    """transform_utils as it is at a git ref, imported under a name of its own."""
    shown = subprocess.run(["git", "show", f"{ref}:{MODULE_PATH}"], cwd=REPO_ROOT, capture_output=True, text=True)
    if shown.returncode != 0:
        raise SystemExit(f"Cannot read {MODULE_PATH} at {ref!r} ({shown.stderr.strip()}): pass --baseline <git ref>.")
    source = shown.stdout
    path = folder / "transform_utils_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("transform_utils_baseline", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def validate(module: ModuleType, path: Path) -> tuple[int, int, float, float]:
    """(visits, rejects, wall seconds, CPU seconds) for one pass over the file."""
    visits = rejects = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    with open(path, "rb") as body:
        records = module.read_records(s3_utils.open_text(body))
        module.check_header(next(records)[1])
        for item in module.transform(records):
            if isinstance(item, module.Visit):
                visits += 1
            else:
                rejects += 1
    return visits, rejects, time.perf_counter() - started, time.process_time() - cpu_started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", default="main", help="git ref of the transform to compare with (default main)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = data_file(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        variants = {
            f"baseline ({args.baseline})": module_at(args.baseline, Path(folder)),
            "working tree": transform_utils,
        }
        wall = {name: Rates() for name in variants}
        cpu = {name: Rates() for name in variants}
        counts = {}
        for _ in range(args.repeat):
            for name, module in variants.items():
                visits, rejects, seconds, cpu_seconds = validate(module, path)
                counts[name] = (visits, rejects)
                wall[name].append((visits + rejects) / seconds)
                cpu[name].append((visits + rejects) / cpu_seconds)
    print(f"validation of {args.rows:,} rows ({path.name}), {args.repeat} runs each, rows/s median (range):")
    print(f"  {'':<24} {'wall clock':>26}   {'CPU time':>26}")
    for name in variants:
        visits, rejects = counts[name]
        print(f"  {name:<24} {wall[name]!s:>26}   {cpu[name]!s:>26}   {visits:,} visits, {rejects:,} rejects")
    for label, rates in (("wall clock", wall), ("CPU time", cpu)):
        before, after = (rate.median for rate in rates.values())
        print(f"  change ({label}): {100 * (after - before) / before:+.1f}%")


if __name__ == "__main__":
    main()
