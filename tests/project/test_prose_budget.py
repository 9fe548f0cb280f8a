"""The core path fits the 90-minute session: each notebook's prose can be read in its slot minus
its breakouts (tools/prose_budget.py), and notebook 00 shows the timetable those slots come from."""

from __future__ import annotations

import json
import sys

import pytest

from redshift_course import timetable
from redshift_course.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "tools"))
import prose_budget  # noqa: E402

ROWS = prose_budget.rows()


def test_the_timetable_is_the_session():
    assert sum(slot.minutes for slot in timetable.TIMETABLE) == timetable.SESSION_MINUTES == 90
    numbers = [slot.number for slot in timetable.TIMETABLE]
    assert numbers == sorted(path.name[:2] for path in (REPO_ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.slot.number)
def test_core_prose_fits_the_slot(row):
    assert row.fits, (
        f"{row.slot.number}: {row.words} words is {row.reading_minutes:.1f} min of reading, "
        f"over its {row.reading_budget} min; trim it or move it under an 'Optional deep dive: ...' heading"
    )


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.slot.number)
def test_deep_dives_come_last(row):
    """After the first deep dive, every section is a deep dive: no core content hides where it is not counted."""
    import nbformat

    notebook = nbformat.read(prose_budget.notebook_path(row.slot), as_version=4)
    sections = [
        line
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]
    first = next((i for i, line in enumerate(sections) if prose_budget.DEEP_DIVE.match(line)), len(sections))
    assert all(prose_budget.DEEP_DIVE.match(line) for line in sections[first:]), sections[first:]


def test_speaker_notes_and_deep_dives_do_not_count(tmp_path):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("## Core\n\none two three"),
        nbformat.v4.new_markdown_cell("**Speaker notes.** not read", metadata={"slideshow": {"slide_type": "notes"}}),
        nbformat.v4.new_code_cell("print('code is not prose')"),
        nbformat.v4.new_markdown_cell("## Optional deep dive: later\n\nnot on the core path"),
        nbformat.v4.new_markdown_cell("still not"),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook, path)
    assert sum(map(prose_budget.count_words, prose_budget.core_markdown(path))) == 4  # "Core one two three"


def test_notebook_00_shows_the_timetable():
    (path,) = (REPO_ROOT / "notebooks").glob("00_*.ipynb")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    printed = "".join("".join(output.get("text", "")) for cell in cells for output in cell.get("outputs", []))
    assert timetable.as_text() in printed, "re-execute notebook 00"
