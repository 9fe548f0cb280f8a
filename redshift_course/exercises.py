"""The SQL exercises: one source (``solutions/sql/NN_slug.sql``), every other copy generated from it.

Each solution file has a header of ``-- Key: text`` comments (Title, Difficulty, Question, Hint,
Check; a comment line without a key continues the previous one) and the answer between
``-- BEGIN SOLUTION`` and ``-- END SOLUTION``. From those files this module writes:

* ``handouts/exercises/sql/NN_slug.sql``: the learner's copy, the answer replaced by a TODO;
* ``solutions/aws-07-solutions.py``: the instructors' notebook (jupytext percent format), one
  ``solution``-tagged code cell per answer, which runs it against the team's Redshift;
* ``handouts/exercises/aws-07-sql-exercises.{py,ipynb}``: the learners' notebook, made from the
  solutions notebook by replacing every ``solution``-tagged code cell with an empty query cell
  and dropping ``solution``-tagged markdown cells (the way scikit-learn-mooc makes its exercises).

Nothing generated is edited by hand: ``python tools/make_exercises.py`` rewrites it all, and
``--check`` (and the tests) fail when a committed copy is out of date.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .paths import REPO_ROOT

SOLUTIONS_DIR = REPO_ROOT / "solutions"
SQL_SOLUTIONS_DIR = SOLUTIONS_DIR / "sql"
EXERCISES_DIR = REPO_ROOT / "handouts" / "exercises"
SQL_EXERCISES_DIR = EXERCISES_DIR / "sql"
SOLUTIONS_NOTEBOOK = SOLUTIONS_DIR / "aws-07-solutions.py"
LEARNER_NOTEBOOK = EXERCISES_DIR / "aws-07-sql-exercises.py"

BEGIN_MARKER = "-- BEGIN SOLUTION"
END_MARKER = "-- END SOLUTION"
SOLUTION_TAG = "solution"
DIFFICULTIES = ("easy", "medium", "hard")
HEADER_KEYS = ("Title", "Difficulty", "Question", "Hint", "Check")
REQUIRED_KEYS = ("Title", "Difficulty", "Question", "Hint")
LEARNER_TODO = "-- TODO: write your query here, run it, and compare what you see with the Check above."
LEARNER_CELL = '# Your SQL here\nshow(connection, """\n\n""")'

_FILE_NAME = re.compile(r"^(\d{2})_([a-z0-9_]+)\.sql$")
_HEADER_LINE = re.compile(r"^-- (%s): ?(.*)$" % "|".join(HEADER_KEYS))


class ExerciseSourceError(ValueError):
    """A solution file breaks the format; the message names the file and the line."""


@dataclass(frozen=True)
class Question:
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

    @property
    def name(self) -> str:
        return f"{self.number:02d}_{self.slug}"

    @property
    def file_name(self) -> str:
        return f"{self.name}.sql"


# --- parsing ------------------------------------------------------------------------------------
def parse_solution(text: str, file_name: str) -> Question:
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
    if any(line.strip() for line in lines[end + 1 :]):
        raise ExerciseSourceError(f"{file_name}: nothing may follow {END_MARKER!r} (line {end + 1}).")

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
        raise ExerciseSourceError(f"{file_name}: Difficulty must be one of {', '.join(DIFFICULTIES)}, not {difficulty!r}.")
    return Question(
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
    )


def load_questions(directory: Path = SQL_SOLUTIONS_DIR) -> list[Question]:
    """Every solution file in ``directory``, in number order; numbers must be unique."""
    questions = [parse_solution(path.read_text(encoding="utf-8"), path.name) for path in sorted(directory.glob("*.sql"))]
    numbers = [q.number for q in questions]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise ExerciseSourceError(f"{directory}: question numbers used twice: {duplicates}.")
    if not questions:
        raise ExerciseSourceError(f"{directory}: no NN_slug.sql solution files found.")
    return questions


def question(name_or_number: str | int, directory: Path = SQL_SOLUTIONS_DIR) -> Question:
    """One question by number (``11``) or name (``11_store_of_the_month``)."""
    for q in load_questions(directory):
        if name_or_number in (q.number, q.name, q.slug):
            return q
    raise KeyError(f"No solution {name_or_number!r} in {directory}.")


# --- the learner's SQL files --------------------------------------------------------------------
def learner_sql(q: Question) -> str:
    """The solution file with the answer (markers included) replaced by a TODO line."""
    return f"{q.header}\n{LEARNER_TODO}\n"


# --- notebooks ----------------------------------------------------------------------------------
def _markdown(source: str, slide_type: str = "-", tags: Iterable[str] = ()) -> dict:
    import nbformat

    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata = _metadata(slide_type, tags)
    return cell


def _code(source: str, slide_type: str = "-", tags: Iterable[str] = ()) -> dict:
    import nbformat

    cell = nbformat.v4.new_code_cell(source)
    cell.metadata = _metadata(slide_type, tags)
    return cell


def _metadata(slide_type: str, tags: Iterable[str]) -> dict:
    metadata: dict = {"slideshow": {"slide_type": slide_type}}
    if tags:
        metadata["tags"] = list(tags)
    return metadata


def question_markdown(q: Question) -> str:
    parts = [f"### {q.number:02d} · {q.title} *({q.difficulty})*", "", q.question, "", f"*Hint.* {q.hint}"]
    if q.check:
        parts += ["", f"*Check.* {_sentence(q.check)}"]
    return "\n".join(parts)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def solution_cell_source(q: Question) -> str:
    return f'show(connection, """\n{q.solution}\n""")'


def _new_notebook(cells: list[dict]):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells
    notebook.metadata = {
        "jupytext": {"formats": "ipynb,py:percent"},
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    }
    # Stable cell ids, so regenerating gives byte-identical files.
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:03d}"
    return notebook


def solutions_notebook(questions: list[Question]):
    """The instructors' notebook: intro, setup, one markdown + one solution cell per question."""
    cells = [
        _markdown(
            "# AWS 07 · SQL exercises on `mystery_shop_visit`\n\n"
            "Step 03 of the breakout: questions about the mystery-shop visits the pipeline loaded into "
            "Redshift, from counting rows to awarding the store of the month with window functions. "
            "Every query is Redshift SQL: paste it into the Redshift query editor in the AWS console, or "
            "run it here, where the same cell talks to the local Redshift or to your team's cluster.\n\n"
            "The questions and answers live in `solutions/sql/`; the learners' copies in "
            "`handouts/exercises/` and this notebook are generated from them by "
            "`tools/make_exercises.py` (`make exercises`), so edit the SQL files, never the copies.",
            "slide",
        ),
        _markdown(
            "**This is the instructors' copy, with the answers.** The learners' notebook, "
            "`handouts/exercises/aws-07-sql-exercises.ipynb`, has an empty cell where each answer is.",
            "-",
            [SOLUTION_TAG],
        ),
        _code(
            "from redshift_course import CourseSettings\n"
            "settings = CourseSettings.from_env()   # local mode unless COURSE_MODE=aws\n"
            "print(settings.describe())",
        ),
        _markdown(
            "## The data\n\n"
            "The queries need the visits of January to June 2024 in `mystery_shop_visit`. The next cell "
            "does what steps 01 and 02 of the breakout do, unless they are done already: it deploys the "
            "pipeline and uploads each month's file from `handouts/data/` to the team's bucket, where "
            "the Lambda loads it. It prints the rows loaded per file: the messy rows of March that the "
            "Lambda rejected are not among them.",
            "subslide",
        ),
        _code(
            "from redshift_course.notebook import ensure_pipeline_deployed, ensure_visits_loaded\n"
            "print(ensure_pipeline_deployed(settings))\n"
            "print(ensure_visits_loaded(settings).to_string(index=False))",
        ),
        _markdown(
            "`show(connection, sql)` runs one query and prints its result as a table (the first 20 rows "
            "of a long one). The connection's settings come from Parameter Store at run time: no "
            "password in this notebook.",
        ),
        _code(
            "from redshift_course.exercises import show\n"
            "connection = settings.connect()\n"
            "connection.autocommit = True   # each query on its own: one mistake does not block the next",
        ),
        _markdown("## Questions", "slide"),
    ]
    for q in questions:
        cells.append(_markdown(question_markdown(q), "subslide"))
        cells.append(_code(solution_cell_source(q), "fragment", [SOLUTION_TAG]))
    cells += [
        _markdown(
            "## The user story, answered\n\n"
            "*As a SuperCafe senior manager I want the Mystery Shopper data to be analysed so that we can "
            "award the friendliest most helpful store a prize each month*: question 11 (or 12, or 13) is "
            "that award. Its rules are choices worth discussing with the manager: how many visits make a "
            "store eligible, and what happens on a tie.",
            "slide",
        ),
        _code("connection.close()"),
    ]
    return _new_notebook(cells)


def learner_notebook(solutions):
    """The solutions notebook with ``solution`` code cells emptied and ``solution`` markdown dropped."""
    import copy

    cells = []
    for cell in solutions.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG not in tags:
            cells.append(copy.deepcopy(cell))
        elif cell.cell_type == "code":
            slide_type = cell.metadata.get("slideshow", {}).get("slide_type", "-")
            cells.append(_code(LEARNER_CELL, slide_type, [t for t in tags if t != SOLUTION_TAG]))
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return _new_notebook(cells)


def _percent(notebook) -> str:
    import jupytext

    return jupytext.writes(notebook, fmt="py:percent")


def _ipynb(notebook) -> str:
    import nbformat

    return nbformat.writes(notebook) + "\n"


# --- everything generated -------------------------------------------------------------------------
def generated_files(directory: Path = SQL_SOLUTIONS_DIR) -> dict[Path, str]:
    """Every generated file's path and the text it should hold, computed in memory."""
    questions = load_questions(directory)
    files = {SQL_EXERCISES_DIR / q.file_name: learner_sql(q) for q in questions}
    solutions = solutions_notebook(questions)
    files[SOLUTIONS_NOTEBOOK] = _percent(solutions)
    learner = learner_notebook(solutions)
    files[LEARNER_NOTEBOOK] = _percent(learner)
    files[LEARNER_NOTEBOOK.with_suffix(".ipynb")] = _ipynb(learner)
    return files


def stale_files(files: dict[Path, str] | None = None) -> list[Path]:
    """Generated files that are missing or differ from what the sources give."""
    files = generated_files() if files is None else files
    return [path for path, text in files.items() if not path.exists() or path.read_text(encoding="utf-8") != text]


def orphan_files() -> list[Path]:
    """Learner SQL files with no solution any more (a renamed or removed question)."""
    wanted = {q.file_name for q in load_questions()}
    return sorted(p for p in SQL_EXERCISES_DIR.glob("*.sql") if p.name not in wanted)


def write_generated() -> list[Path]:
    """Write every stale generated file, remove orphans; returns the paths changed."""
    files = generated_files()
    changed = stale_files(files)
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
    orphans = orphan_files()
    for path in orphans:
        path.unlink()
    return changed + orphans


# --- running a query in a notebook ----------------------------------------------------------------
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale generated files; exit 1 if any")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = stale_files() + orphan_files()
            for path in stale:
                print(f"out of date: {path.relative_to(REPO_ROOT)}")
            if stale:
                print("Run `make exercises` (python tools/make_exercises.py) and commit the result.")
            return 1 if stale else 0
        changed = write_generated()
    except ExerciseSourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    print(f"{len(changed)} file(s) changed" if changed else "everything up to date")
    return 0
