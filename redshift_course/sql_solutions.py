"""The SQL exercises' one source, ``solutions/sql/NN_slug.sql``, read into `Exercise` objects.

A solution file has a header of ``-- Key: text`` comments (Title, Difficulty, Question, Hint,
Check; a comment line without a key continues the previous one), the answer between
``-- BEGIN SOLUTION`` and ``-- END SOLUTION``, and after it any number of common mistakes, each a
query that makes it and the hint a learner whose result matches it is shown::

    -- BEGIN MISTAKE: On Redshift AVG of a whole-number column is a whole number: cast first.
    SELECT store_id, AVG(overall_score) FROM mystery_shop_visit GROUP BY store_id;
    -- END MISTAKE

``tools/make_exercises.py`` writes the learners' copies from these files; the grader
(`sql_grading`) runs the answers and the mistakes. Both read them here, so the format has one home.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .paths import REPO_ROOT

SQL_SOLUTIONS_DIR = REPO_ROOT / "solutions" / "sql"
BEGIN_MARKER = "-- BEGIN SOLUTION"
END_MARKER = "-- END SOLUTION"
MISTAKE_MARKER = "-- BEGIN MISTAKE:"
MISTAKE_END = "-- END MISTAKE"
DIFFICULTIES = ("easy", "medium", "hard")
HEADER_KEYS = ("Title", "Difficulty", "Question", "Hint", "Check")
REQUIRED_KEYS = ("Title", "Difficulty", "Question", "Hint")

_FILE_NAME = re.compile(r"^(\d{2})_([a-z0-9_]+)\.sql$")
_HEADER_LINE = re.compile(r"^-- (" + "|".join(HEADER_KEYS) + r"): ?(.*)$")


class ExerciseSourceError(ValueError):
    """A solution file breaks the format; the message names the file and the line."""


@dataclass(frozen=True)
class Mistake:
    hint: str  # shown to a learner whose result is this query's
    sql: str


@dataclass(frozen=True)
class Exercise:
    number: int
    slug: str
    title: str
    difficulty: str
    question: str
    hint: str
    check: str
    header: str  # the comment lines above the answer, exactly as written
    solution: str  # the answer's SQL, without the markers
    source_text: str  # the whole file
    mistakes: tuple[Mistake, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.number:02d}_{self.slug}"

    @property
    def file_name(self) -> str:
        return f"{self.name}.sql"


def parse_solution(text: str, file_name: str) -> Exercise:
    """Read one solution file's text; ``file_name`` (``NN_slug.sql``) gives the number and slug."""
    match = _FILE_NAME.match(file_name)
    if not match:
        raise ExerciseSourceError(f"{file_name}: name it NN_slug.sql (two digits, lowercase, underscores).")
    lines = text.splitlines()

    def line_of(marker: str) -> int:
        found = [i for i, line in enumerate(lines) if line.strip() == marker]
        if len(found) != 1:
            raise ExerciseSourceError(f"{file_name}: needs exactly one {marker!r} line, found {len(found)}.")
        return found[0]

    begin, end = line_of(BEGIN_MARKER), line_of(END_MARKER)
    if end < begin:
        raise ExerciseSourceError(f"{file_name}: {END_MARKER!r} (line {end + 1}) comes before {BEGIN_MARKER!r}.")
    solution = "\n".join(lines[begin + 1 : end]).strip()
    if not solution:
        raise ExerciseSourceError(f"{file_name}: the answer between the markers is empty.")
    mistakes = _parse_mistakes(lines, end + 1, file_name)

    fields: dict[str, list[str]] = {}
    current = None
    for number, line in enumerate(lines[:begin], start=1):
        keyed = _HEADER_LINE.match(line)
        if keyed:
            current = keyed.group(1)
            if current in fields:
                raise ExerciseSourceError(f"{file_name}, line {number}: {current} appears twice.")
            fields[current] = [keyed.group(2).strip()]
        elif line.startswith("--") and current:
            fields[current].append(line[2:].strip())
        else:
            raise ExerciseSourceError(
                f"{file_name}, line {number}: above {BEGIN_MARKER!r} only '-- Key: text' comments "
                f"(keys {', '.join(HEADER_KEYS)}) and their continuation lines are allowed."
            )
    missing = [key for key in REQUIRED_KEYS if key not in fields]
    if missing:
        raise ExerciseSourceError(f"{file_name}: the header lacks {', '.join(missing)}.")
    joined = {key: " ".join(part for part in parts if part) for key, parts in fields.items()}
    difficulty = joined["Difficulty"]
    if difficulty not in DIFFICULTIES:
        raise ExerciseSourceError(
            f"{file_name}: Difficulty must be one of {', '.join(DIFFICULTIES)}, not {difficulty!r}."
        )
    return Exercise(
        number=int(match.group(1)),
        slug=match.group(2),
        title=joined["Title"],
        difficulty=difficulty,
        question=joined["Question"],
        hint=joined["Hint"],
        check=joined.get("Check", ""),
        header="\n".join(lines[:begin]),
        solution=solution,
        source_text=text,
        mistakes=mistakes,
    )


def _parse_mistakes(lines: list[str], start: int, file_name: str) -> tuple[Mistake, ...]:
    """The ``-- BEGIN MISTAKE: hint`` ... ``-- END MISTAKE`` blocks from line ``start`` on; comment
    lines right after the marker continue the hint."""
    mistakes, i = [], start
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if not line.startswith(MISTAKE_MARKER):
            raise ExerciseSourceError(
                f"{file_name}, line {i + 1}: after {END_MARKER!r} only {MISTAKE_MARKER!r} blocks may follow."
            )
        hint, i = [line[len(MISTAKE_MARKER) :].strip()], i + 1
        while i < len(lines) and lines[i].startswith("--") and lines[i].strip() != MISTAKE_END:
            hint.append(lines[i][2:].strip())
            i += 1
        body_start = i
        while i < len(lines) and lines[i].strip() != MISTAKE_END:
            i += 1
        if i == len(lines):
            raise ExerciseSourceError(f"{file_name}, line {body_start}: a mistake without {MISTAKE_END!r}.")
        sql = "\n".join(lines[body_start:i]).strip()
        if not sql or not hint[0]:
            raise ExerciseSourceError(f"{file_name}, line {body_start}: a mistake needs a hint and a query.")
        mistakes.append(Mistake(" ".join(part for part in hint if part), sql))
        i += 1
    return tuple(mistakes)


def load_exercises(directory: Path = SQL_SOLUTIONS_DIR) -> list[Exercise]:
    """Every solution file in ``directory``, in number order; numbers must be unique."""
    questions = [
        parse_solution(path.read_text(encoding="utf-8"), path.name) for path in sorted(directory.glob("*.sql"))
    ]
    numbers = [q.number for q in questions]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise ExerciseSourceError(f"{directory}: question numbers used twice: {duplicates}.")
    if not questions:
        raise ExerciseSourceError(f"{directory}: no NN_slug.sql solution files found.")
    return questions


@cache
def exercises_by_slug() -> dict[str, Exercise]:
    """The course's exercises by slug (``count_visits``) and by name (``01_count_visits``)."""
    found = {}
    for exercise in load_exercises():
        found[exercise.slug] = found[exercise.name] = exercise
    return found
