"""Running the SQL exercises from a terminal on the learner's files (`show` prints one result).

    python -m redshift_course.sql_exercises handouts/exercises/sql/01_count_visits.sql          # run it
    python -m redshift_course.sql_exercises --check handouts/exercises/sql/01_count_visits.sql  # grade it

A file's name (``NN_slug.sql``) says which exercise it answers. In a notebook, ``%%sql`` cells
(`sql_editor`) and ``check(...)`` (`sql_grading`) do the same. The exercises themselves are
generated from `solutions/sql/` by `tools/make_exercises.py`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from .settings import CourseSettings
from .sql_grading import Checker, has_query


def show(connection, sql: str, max_rows: int = 20) -> None:
    """Run one query and print its result as a plain table (stable text, so nbval can compare it)."""
    if not sql.strip():
        print("Write your query between the triple quotes, then run the cell again.")
        return
    cursor = connection.cursor()
    cursor.execute(sql)
    frame = cursor.fetch_dataframe()
    if frame is None or frame.empty:
        print("(no rows)")
        return
    print(frame.head(max_rows).to_string(index=False))
    if len(frame) > max_rows:
        print(f"... {len(frame)} rows in all, the first {max_rows} shown")


def query_files(paths: Iterable[Path], settings=None, grade: bool = False) -> int:
    """Run (or grade) each SQL file against the team's Redshift (local or aws mode, from the environment).
    Returns 1 if a graded answer is wrong, else 0."""
    settings = settings or CourseSettings.from_env()
    print(settings.describe())
    if grade:
        return grade_files(paths, Checker(settings))
    connection = settings.connect()
    connection.autocommit = True
    try:
        for path in paths:
            sql = Path(path).read_text(encoding="utf-8")
            print(f"\n-- {path}")
            if not has_query(sql):
                print("No query in this file yet: write it below the TODO line, save, and run this again.")
                continue
            show(connection, sql, max_rows=100)
    finally:
        connection.close()
    return 0


def grade_files(paths: Iterable[Path], checker: Checker) -> int:
    wrong = 0
    for path in paths:
        path = Path(path)
        print(f"\n-- {path}")
        verdict = checker.grade(path.stem, path.read_text(encoding="utf-8"))
        print(verdict)
        wrong += not verdict.passed
    return 1 if wrong else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m redshift_course.sql_exercises",
        description="Run SQL files against the team's Redshift and print the results, or grade them.",
    )
    parser.add_argument("--check", action="store_true", help="grade each file against its exercise's answer")
    parser.add_argument("files", nargs="+", type=Path, metavar="NN_slug.sql")
    args = parser.parse_args(argv)
    return query_files(args.files, grade=args.check)


if __name__ == "__main__":
    sys.exit(main())
