"""Checks on the committed notebooks themselves: compared outputs, no secrets, slides, pairing."""

import json
import re
import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_twins import script_twin  # noqa: E402

NOTEBOOKS = (
    sorted(ROOT.glob("notebooks/[0-9]*.ipynb"))
    + sorted(ROOT.glob("solutions/*.ipynb"))
    + [ROOT / "handouts" / "exercises" / "aws-07-sql-exercises.ipynb"]  # generated, executed like the rest
)
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip", "raises-exception"}
# A password-like value in an output, except the masked form and notebook 05's labelled demo value
# ("made-up-for-this-demo"), whose leak is the lesson.
PASSWORD_SHOWN = re.compile(r"""(?i)["']?password["']?\s*[:=]\s*["'](?!\*{4,}|made-up-for-this-demo)[^"'\s]{4,}""")


def load(path):
    return json.loads(path.read_text())


def code_cells(nb):
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 9


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_committed_and_mostly_compared(path):
    cells = code_cells(load(path))
    assert cells, "no code cells"
    assert all(cell.get("execution_count") for cell in cells), "run the notebook top to bottom and commit its outputs"
    compared = [cell for cell in cells if not IGNORE_TAGS & set(cell.get("metadata", {}).get("tags", []))]
    assert len(compared) / len(cells) >= 0.8, f"only {len(compared)}/{len(cells)} code cells are compared"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_password_in_outputs(path):
    for cell in code_cells(load(path)):
        text = json.dumps(cell.get("outputs", []))
        match = PASSWORD_SHOWN.search(text.replace('\\"', '"'))
        assert not match, f"an output shows a password: {match.group(0)[:20]}…"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_slide_metadata(path):
    for index, cell in enumerate(load(path)["cells"]):
        assert "slideshow" in cell.get("metadata", {}), f"cell {index} has no slideshow metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_and_script_are_in_sync(path):
    script = script_twin(path)
    assert script.exists(), f"{script.relative_to(ROOT)} missing: run jupytext --sync"
    from_script = [cell.source.strip() for cell in jupytext.read(script).cells]
    from_notebook = [cell.source.strip() for cell in jupytext.read(path).cells]
    assert from_script == from_notebook, "run `jupytext --sync` and re-execute"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_speaker_notes_are_collapsed_for_learners(path):
    """A notes cell shows in the slides' speaker view; in JupyterLab it is a one-line placeholder."""
    notes = [cell for cell in load(path)["cells"] if cell["metadata"].get("slideshow", {}).get("slide_type") == "notes"]
    shown = [cell["source"][:1] for cell in notes if not cell["metadata"].get("jupyter", {}).get("source_hidden")]
    assert not shown, "run `make notebooks` (tools/tidy_executed_notebook.py collapses them)"


# A widget's repr or a progress bar frozen where it started, as a saved output shows them.
WIDGET_PLACEHOLDER = re.compile(
    r"\b(Textarea|IntProgress|FloatProgress|HBox|VBox|Box|Output|FileUpload|Button|Label|HTML|RadioButtons)\("
    r"|(^|\s)0%\|"
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WITH_HANDOUTS = NOTEBOOKS + sorted(ROOT.glob("handouts/**/*.ipynb"))


def output_texts(output):
    yield "".join(output.get("text", ""))
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/"):
            yield "".join(value)


@pytest.mark.parametrize("path", WITH_HANDOUTS, ids=lambda p: p.name)
def test_no_widget_placeholder_in_committed_outputs(path):
    """Committed outputs are plain text a reader can use: no widget repr, no bar frozen at 0 %, and a
    widget view always carries a sentence for viewers that cannot draw it."""
    for index, cell in enumerate(code_cells(load(path))):
        for output in cell.get("outputs", []):
            for text in output_texts(output):
                match = WIDGET_PLACEHOLDER.search(text)
                assert not match, f"code cell {index} saved a widget placeholder: {text[:80]!r}"
            if WIDGET_VIEW in output.get("data", {}):
                plain = "".join(output["data"].get("text/plain", ""))
                assert len(re.findall(r"[A-Za-z]{2,}", plain)) >= 5, f"code cell {index}: a widget with no sentence"


def test_the_notebooks_folder_holds_notebooks_only():
    """A learner's file browser in notebooks/ shows the notebooks, no look-alike twins (jupytext.toml
    pairs them into scripts/; tests/browser/ checks what JupyterLab lists)."""
    listed = [path.name for path in (ROOT / "notebooks").iterdir() if not path.name.startswith(".")]
    assert [name for name in listed if not name.endswith(".ipynb")] == []
