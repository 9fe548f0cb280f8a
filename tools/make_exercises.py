#!/usr/bin/env python3
"""Write the learners' exercises and the solutions notebook from solutions/sql/ (see redshift_course.exercises).

    python tools/make_exercises.py           # rewrite whatever is out of date
    python tools/make_exercises.py --check   # exit 1 if a generated file is out of date
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable without installing the package

from redshift_course.exercises import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
