"""Running the SQL exercises: in a notebook cell (`show`) or from a terminal on the learner's files.

    python -m redshift_course.sql_exercises handouts/exercises/sql/01_count_visits.sql

The exercises themselves are generated from `solutions/sql/` by `tools/make_exercises.py`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from .settings import CourseSettings


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


def has_query(sql: str) -> bool:
    """Whether the text holds anything besides ``--`` comments and blank lines."""
    return any(line.strip() and not line.strip().startswith("--") for line in sql.splitlines())


def query_files(paths: Iterable[Path], settings=None) -> int:
    """Run each SQL file against the team's Redshift (local or aws mode, from the environment)."""
    settings = settings or CourseSettings.from_env()
    print(settings.describe())
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m redshift_course.sql_exercises",
        description="Run SQL files against the team's Redshift and print the results.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE.sql")
    return query_files(parser.parse_args(argv).files)


if __name__ == "__main__":
    sys.exit(main())
