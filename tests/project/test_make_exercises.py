"""The learners' exercises and the solutions notebook are generated from solutions/sql/, never edited
by hand: regenerate them in memory and compare with what is committed."""

from __future__ import annotations

import json
import sys

import jupytext
import pytest

from redshift_course.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "tools"))
import make_exercises as exercises  # noqa: E402
from make_exercises import (  # noqa: E402
    LEARNER_NOTEBOOK,
    SOLUTION_TAG,
    SOLUTIONS_NOTEBOOK,
    SOLUTIONS_SCRIPT,
    generated_files,
)

from redshift_course.sql_solutions import (  # noqa: E402
    BEGIN_MARKER,
    END_MARKER,
    ExerciseSourceError,
    load_exercises,
    parse_solution,
)

QUESTIONS = load_exercises()
STEPS = [
    "aws-07-step-01-deploying.md",
    "aws-07-step-02-trigger-lambda.md",
    "aws-07-step-03-sql-queries.md",
    "aws-07-cfn-redshift-breakout-steps.md",
    "aws-07-dfn-redshift-breakout-steps.md",
]


def test_generated_files_are_up_to_date():
    stale = [str(path.relative_to(REPO_ROOT)) for path in exercises.stale_files()]
    assert not stale, f"out of date: {stale}; run `make exercises` (python tools/make_exercises.py)"


def test_no_learner_file_without_a_solution():
    assert exercises.orphan_files() == []


def test_check_mode_passes(capsys):
    assert exercises.main(["--check"]) == 0


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.name for q in QUESTIONS])
def test_learner_sql_keeps_the_question_and_drops_the_answer(question):
    text = (exercises.SQL_EXERCISES_DIR / question.file_name).read_text(encoding="utf-8")
    assert question.header in text
    assert BEGIN_MARKER not in text and END_MARKER not in text
    assert question.solution not in text
    assert "TODO" in text


def test_learner_notebook_has_no_answers():
    notebook = jupytext.read(LEARNER_NOTEBOOK)
    sources = "\n".join(cell.source for cell in notebook.cells)
    for question in QUESTIONS:
        assert question.solution not in sources, question.name
        assert question.title in sources, question.name
    assert not any(SOLUTION_TAG in cell.metadata.get("tags", []) for cell in notebook.cells)
    for question in QUESTIONS:  # an empty query cell, then its check
        assert exercises.sql_cell_source(question) in [cell.source for cell in notebook.cells], question.name
        assert sources.count(f'check("{question.slug}")') == 1, question.name
    for mistake in (m for q in QUESTIONS for m in q.mistakes):
        assert mistake.sql not in sources


def test_learner_notebook_outputs_do_not_make_it_stale():
    path = LEARNER_NOTEBOOK.with_suffix(".ipynb")
    notebook = json.loads(generated_files()[path])
    code = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "mode=local"}]
    code["execution_count"] = 1
    assert exercises.unexecuted(json.dumps(notebook)) == generated_files()[path]


def test_solutions_notebook_runs_every_answer_in_a_tagged_cell():
    notebook = jupytext.read(SOLUTIONS_SCRIPT)
    tagged = [
        cell.source
        for cell in notebook.cells
        if SOLUTION_TAG in cell.metadata.get("tags", []) and cell.cell_type == "code"
    ]
    assert tagged == [exercises.solution_cell_source(q) for q in QUESTIONS]
    first_code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert "CourseSettings.from_env()" in first_code.source
    assert all("slideshow" in cell.metadata for cell in notebook.cells)


def test_solutions_ipynb_is_in_step_with_its_py():
    ipynb = SOLUTIONS_NOTEBOOK
    if not ipynb.exists():
        pytest.skip("solutions/aws-07-solutions.ipynb not made yet (make notebooks)")
    executed = jupytext.read(ipynb)
    source = jupytext.read(SOLUTIONS_SCRIPT)
    assert [c.source for c in executed.cells] == [c.source for c in source.cells], (
        "the .ipynb differs from the .py: run jupytext --sync and re-execute it (make notebooks)"
    )


def test_generation_is_deterministic():
    assert generated_files() == generated_files()
    learner = json.loads(generated_files()[LEARNER_NOTEBOOK])
    assert [cell["id"] for cell in learner["cells"]] == [f"cell-{i:03d}" for i in range(len(learner["cells"]))]


@pytest.mark.parametrize("name", STEPS)
def test_breakout_steps_exist_and_link_to_real_files(name):
    path = exercises.EXERCISES_DIR / name
    text = path.read_text(encoding="utf-8")
    import re

    for target in re.findall(r"\]\((?!https?:|#)([^)#]+)", text):
        assert (path.parent / target).resolve().exists(), f"{name} links to missing {target}"


def test_deck_links_to_the_exercises_resolve():
    """The deck links ./exercises/<name> (relative to handouts/)."""
    for name in ("aws-07-cfn-redshift-breakout-steps.md", "aws-07-dfn-redshift-breakout-steps.md"):
        assert (REPO_ROOT / "handouts" / "exercises" / name).exists()


# --- the source format: clear errors, nothing half-written ---------------------------------------------
GOOD = """-- Title: T
-- Difficulty: easy
-- Question: Q
-- continued
-- Hint: H
-- BEGIN SOLUTION
SELECT 1;
-- END SOLUTION
"""


def test_parse_joins_continuation_lines():
    q = parse_solution(GOOD, "01_x.sql")
    assert (q.number, q.slug, q.question, q.solution) == (1, "x", "Q continued", "SELECT 1;")


@pytest.mark.parametrize(
    "text, name, message",
    [
        (GOOD, "1_x.sql", "NN_slug.sql"),
        (GOOD.replace("-- END SOLUTION\n", ""), "01_x.sql", "exactly one '-- END SOLUTION'"),
        (GOOD.replace("SELECT 1;\n", ""), "01_x.sql", "empty"),
        (GOOD.replace("easy", "tricky"), "01_x.sql", "Difficulty must be one of"),
        (GOOD.replace("-- Hint: H\n", ""), "01_x.sql", "lacks Hint"),
        (GOOD.replace("-- Title: T\n", "SELECT 2;\n-- Title: T\n"), "01_x.sql", "line 1"),
        (GOOD + "SELECT 3;\n", "01_x.sql", "only '-- BEGIN MISTAKE:' blocks may follow"),
        (GOOD + "-- BEGIN MISTAKE: why\nSELECT 3;\n", "01_x.sql", "without '-- END MISTAKE'"),
        (GOOD + "-- BEGIN MISTAKE: why\n-- END MISTAKE\n", "01_x.sql", "needs a hint and a query"),
    ],
)
def test_bad_source_gets_a_clear_error(text, name, message):
    with pytest.raises(ExerciseSourceError, match=message.replace("(", r"\(")):
        parse_solution(text, name)


def test_mistakes_follow_the_answer_with_their_hints():
    text = (
        GOOD
        + "\n-- BEGIN MISTAKE: Counted\n-- rows.\nSELECT 2;\n-- END MISTAKE\n-- BEGIN MISTAKE: B\nSELECT 3;\n-- END MISTAKE\n"
    )
    q = parse_solution(text, "01_x.sql")
    assert [(m.hint, m.sql) for m in q.mistakes] == [("Counted rows.", "SELECT 2;"), ("B", "SELECT 3;")]
    assert q.solution == "SELECT 1;"


def test_duplicate_numbers_are_refused(tmp_path):
    (tmp_path / "01_a.sql").write_text(GOOD)
    (tmp_path / "01_b.sql").write_text(GOOD)
    with pytest.raises(ExerciseSourceError, match="used twice"):
        load_exercises(tmp_path)
