"""Where a notebook's percent-format script twin lives, asked of jupytext itself, so that the pairing
rule has one home: jupytext.toml (notebooks/NN.ipynb ↔ scripts/notebooks/NN.py, and so on)."""

from __future__ import annotations

from pathlib import Path

from jupytext.config import load_jupytext_config
from jupytext.formats import long_form_multiple_formats
from jupytext.paired_paths import paired_paths


def script_twin(notebook: Path) -> Path:
    """The .py that jupytext.toml pairs with ``notebook`` (an .ipynb, which need not exist yet)."""
    notebook = notebook.resolve()
    config = load_jupytext_config(str(notebook.parent))
    paired = config.default_formats(str(notebook)) if config else None
    if not paired:
        raise ValueError(f"jupytext.toml pairs {notebook} with no script")
    formats = long_form_multiple_formats(paired)
    ipynb = next(fmt for fmt in formats if fmt["extension"] == ".ipynb")
    return next(Path(path) for path, fmt in paired_paths(str(notebook), ipynb, formats) if fmt["extension"] == ".py")
