"""Grading a learner's SQL: the same result as the solution, on the warehouse data and on a hidden variant.

    check = Checker(settings)
    check("count_visits")              # the query the ``%%sql --save count_visits`` cell saved
    check("count_visits", "SELECT ...") # or any query as text

The grader opens a session of its own, runs the learner's query and the solution on the team's
``mystery_shop_visit``, then on the hidden variant (`sql_variant`: a TEMP table of the same name,
rolled back at the end), and compares the results as a teacher would: row order, column names,
int against bigint and Decimal against float within the solution's rounding do not count. When a
result is wrong, it says how (rows, columns, which column's values) and, if the result is exactly
what one of the exercise's common mistakes gives (``-- BEGIN MISTAKE`` in solutions/sql/), that
mistake's hint. Nothing it prints comes from the settings: no host, no user, no password.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from .handout_code import db_utils
from .sql_solutions import Exercise, exercises_by_slug
from .sql_variant import variant_table

PASS, FAIL = "✓", "✗"
HARD_CODED_HINT = (
    "Right on your data but not on the hidden variant: does the query hold numbers, ids or names copied "
    "from a result? It has to compute them from mystery_shop_visit."
)


# What an unanswered %%sql cell holds: IPython refuses a cell magic with an empty body, so a learner's
# "Run all" would stop at the first question; this runs, shows what to do, and counts as no query.
PLACEHOLDER = "SELECT 'write your query here' AS todo"


def has_query(sql: str | None) -> bool:
    """Whether the text holds anything besides ``--`` comments, blank lines and the `PLACEHOLDER`."""
    lines = [line.strip() for line in (sql or "").splitlines()]
    query = " ".join(line for line in lines if line and not line.startswith("--")).rstrip("; ")
    return bool(query) and query.lower() != PLACEHOLDER.lower()


@dataclass(frozen=True)
class Result:
    """A query's columns and rows, each value made plain (dates as ISO text, numbers kept)."""

    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


class QueryError(Exception):
    """The database refused a query; the message is Redshift's own, without the connection's details."""


@dataclass(frozen=True)
class Verdict:
    exercise: str
    passed: bool
    lines: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join(self.lines)


# --- running queries ----------------------------------------------------------------------------
def plain(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def run_query(connection, sql: str) -> Result:
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
    except Exception as error:  # redshift_connector's errors carry the server's fields
        db_utils.rollback_quietly(connection)
        raise QueryError(db_utils.error_fields(error).get("M", str(error))) from None
    if not cursor.description:
        return Result((), ())
    columns = tuple(str(column[0]) for column in cursor.description)
    return Result(columns, tuple(tuple(plain(v) for v in row) for row in cursor.fetchall()))


# --- comparing results ----------------------------------------------------------------------------
def _scale(values: Sequence) -> int | None:
    """The decimals the solution shows in a column: a Decimal's own; None when it is not a number."""
    numbers = [v for v in values if isinstance(v, int | float | Decimal) and not isinstance(v, bool)]
    if not numbers or len(numbers) < len([v for v in values if v is not None]):
        return None
    if all(isinstance(v, int) for v in numbers):
        return 0
    if all(isinstance(v, Decimal) for v in numbers):
        return max(max(0, -v.as_tuple().exponent) for v in numbers)
    return 6  # a float column: equal to six decimals


def _canonical(value, scale: int | None):
    """A value as comparable text: numbers rounded to the solution's decimals (halves away from zero,
    as Redshift's ROUND), so 3.6666 matches an answer of 3.67 and 4 does not."""
    if value is None:
        return ("null", "")
    if scale is not None and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        rounded = exact.quantize(Decimal(1).scaleb(-scale), ROUND_HALF_UP)
        if scale == 0 and rounded != exact:
            return ("number", str(exact))  # a fraction where the answer has whole numbers
        return ("number", str(rounded))
    return (type(value).__name__, str(value))


def aligned(mine: Result, answer: Result) -> Result:
    """``mine`` with its columns in the answer's order when both have the same column names."""
    names = [c.lower() for c in mine.columns]
    wanted = [c.lower() for c in answer.columns]
    if sorted(names) != sorted(wanted) or len(set(names)) != len(names):
        return mine
    order = [names.index(c) for c in wanted]
    return Result(answer.columns, tuple(tuple(row[i] for i in order) for row in mine.rows))


def differences(mine: Result, answer: Result) -> list[str]:
    """What makes ``mine`` another result than ``answer``, in words; empty when they are the same."""
    if len(mine.columns) != len(answer.columns):
        return [
            f"Your result has {len(mine.columns)} column(s), the answer {len(answer.columns)}: "
            f"{', '.join(answer.columns)}."
        ]
    mine = aligned(mine, answer)
    if len(mine.rows) != len(answer.rows):
        return [f"Your query gives {len(mine.rows)} row(s), the answer {len(answer.rows)}."]
    scales = [_scale([row[i] for row in answer.rows]) for i in range(len(answer.columns))]

    def canonical(rows):
        return sorted(tuple(_canonical(v, s) for v, s in zip(row, scales)) for row in rows)

    if canonical(mine.rows) == canonical(answer.rows):
        return []
    problems = []
    for i, name in enumerate(answer.columns):
        have = Counter(_canonical(row[i], scales[i]) for row in mine.rows)
        want = Counter(_canonical(row[i], scales[i]) for row in answer.rows)
        if have != want:
            extra = sorted((have - want).elements())[:1]
            missing = sorted((want - have).elements())[:1]
            example = f" (you have {extra[0][1] or 'NULL'} where the answer has {missing[0][1] or 'NULL'})"
            example = example if extra else ""
            problems.append(f"Column {i + 1} ({name}) holds other values than the answer's{example}.")
    return problems or ["Each column holds the right values, but not in the right combinations on each row."]


def same(mine: Result, other: Result) -> bool:
    return len(mine.columns) == len(other.columns) and not differences(mine, other)


# --- the grader -----------------------------------------------------------------------------------
class Checker:
    """``check(exercise)`` grades an exercise's query; ``exercise`` is its slug or name
    (``count_visits`` or ``01_count_visits``)."""

    def __init__(self, settings=None, connect: Callable | None = None) -> None:
        if connect is None and settings is None:
            raise ValueError("Checker needs the course settings (or a connect function)")
        self._connect = connect or settings.connect

    def __call__(self, exercise: str, sql: str | None = None) -> None:
        if sql is None:
            from .sql_editor import saved_query  # only notebooks with SQL cells need jupysql

            slug = _exercise(exercise).slug
            sql = saved_query(slug)
            if not has_query(sql):
                print(f"No query yet: write it in the %%sql --save {slug} cell above, run that cell, then this one.")
                return
        print(self.grade(exercise, sql))

    def grade(self, exercise: str | Exercise, sql: str | None) -> Verdict:
        exercise = exercise if isinstance(exercise, Exercise) else _exercise(exercise)
        title = f"{exercise.name} · {exercise.title}"
        if not has_query(sql):
            return Verdict(exercise.name, False, (f"{title}: no query yet. Write one, run it, then check it again.",))
        connection = self._connect()
        try:
            connection.autocommit = False
            try:
                real = self._results(connection, exercise, sql)
                with variant_table(connection):
                    variant = self._results(connection, exercise, sql)
            except QueryError as error:
                return Verdict(exercise.name, False, (f"{title}: Redshift refused the query: {error}",))
        finally:
            connection.close()
        return self._verdict(exercise, title, real, variant)

    @staticmethod
    def _results(connection, exercise: Exercise, sql: str) -> dict:
        mine = run_query(connection, sql)
        answer = run_query(connection, exercise.solution)
        found = {"mine": mine, "answer": answer, "mistakes": []}
        if not same(mine, answer):  # the mistakes only matter for a wrong result
            found["mistakes"] = [run_query(connection, m.sql) for m in exercise.mistakes]
        db_utils.rollback_quietly(connection)
        return found

    @staticmethod
    def _verdict(exercise: Exercise, title: str, real: dict, variant: dict) -> Verdict:
        wrong_real = differences(real["mine"], real["answer"])
        wrong_variant = differences(variant["mine"], variant["answer"])
        if not wrong_real and not wrong_variant:
            return Verdict(
                exercise.name,
                True,
                (
                    f"{PASS} {title}: right. The same {len(real['answer'].rows)} row(s) as the answer on your "
                    f"data, and {len(variant['answer'].rows)} on the hidden variant (row order and column names "
                    "not checked).",
                ),
            )
        lines = [f"{FAIL} {title}: not yet."]
        lines += [f"On your data: {problem}" for problem in wrong_real]
        lines += [f"On the hidden variant: {problem}" for problem in wrong_variant if not wrong_real]
        wrong_on = [data for data, wrong in ((real, wrong_real), (variant, wrong_variant)) if wrong]
        lines.append(f"Hint: {_hint(exercise, wrong_on, only_on_variant=not wrong_real)}")
        return Verdict(exercise.name, False, tuple(lines))


def _hint(exercise: Exercise, wrong_on: list[dict], only_on_variant: bool) -> str:
    """The first mistake whose result the learner's matches wherever it is wrong; else, if only the
    variant is wrong, the hard-coding hint; else the exercise's own hint."""
    for index, mistake in enumerate(exercise.mistakes):
        if all(same(data["mine"], data["mistakes"][index]) for data in wrong_on):
            return mistake.hint
    return HARD_CODED_HINT if only_on_variant else exercise.hint


def _exercise(name: str) -> Exercise:
    known = exercises_by_slug()
    if name not in known:
        slugs = ", ".join(sorted({e.slug for e in known.values()}))
        raise KeyError(f"No exercise {name!r}: the exercises are {slugs}.")
    return known[name]
