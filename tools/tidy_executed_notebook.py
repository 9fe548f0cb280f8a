"""Finish a freshly executed notebook before it is committed (`make notebooks` runs this).

* Per-cell execution timestamps are removed, so a re-run changes only real outputs.
* Speaker notes (cells whose slide type is "notes") are collapsed in JupyterLab: a learner sees a
  one-line placeholder, an instructor clicks it open; RISE still shows them in the speaker view.
"""

import sys

import nbformat


def tidy(notebook) -> None:
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.metadata.get("slideshow", {}).get("slide_type") == "notes":
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


if __name__ == "__main__":
    for path in sys.argv[1:]:
        notebook = nbformat.read(path, as_version=4)
        tidy(notebook)
        nbformat.write(notebook, path)
