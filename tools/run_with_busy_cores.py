#!/usr/bin/env python3
"""Run a command while other processes keep every core busy, as a learner's laptop is never idle.

    python tools/run_with_busy_cores.py -- pytest tests/emulator tests/pipeline

One busy loop per core (at normal priority, like a browser or a video call) runs until the
command ends; the command's exit code is returned. `make test-busy` uses it on the local-stack and
pipeline tests, which must pass on a busy machine (no test may depend on a tight time budget).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys


def burn() -> None:
    while True:
        pass


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    if not command:
        raise SystemExit(__doc__)
    burners = [multiprocessing.Process(target=burn, daemon=True) for _ in range(os.cpu_count() or 2)]
    for burner in burners:
        burner.start()
    print(f"{len(burners)} busy loops running beside: {' '.join(command)}", flush=True)
    try:
        return subprocess.call(command)
    finally:
        for burner in burners:
            burner.terminate()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
