"""Every relative link in a notebook, a handout, the README or a doc opens the file it names.

JupyterLab (which `make lab` roots at the repository) resolves a link from the folder of the file
that holds it, cannot reach above its root, and refuses hidden paths; a link to `file.md#heading`
also needs that heading. tests/browser/ clicks one such link in a real browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(
    path
    for pattern in (
        "*.md",
        "docs/**/*.md",
        "handouts/**/*.md",
        "handouts/**/*.ipynb",
        "notebooks/*.ipynb",
        "solutions/**/*.ipynb",
    )
    for path in ROOT.glob(pattern)
    # Not JupyterLab's checkpoints (hidden folders) nor deploy.sh's build folder (packages' own READMEs).
    if not any(part.startswith(".") or part == "build" for part in path.relative_to(ROOT).parts)
)
MARKDOWN = MarkdownIt("commonmark")
HTML_LINK = re.compile(r"""<(?:a|img)\s[^>]*?(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def markdown_texts(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]
    return [path.read_text(encoding="utf-8")]


def links(text: str) -> list[str]:
    """Every link and image target in a Markdown text, inline HTML's included."""
    found = []
    for token in MARKDOWN.parse(text):
        if token.type == "html_block":
            found += HTML_LINK.findall(token.content)
        for child in token.children or []:
            if child.type in ("link_open", "image"):
                found.append(str(child.attrs.get("href") or child.attrs.get("src")))
            elif child.type == "html_inline":
                found += HTML_LINK.findall(child.content)
    return found


def relative_links(path: Path) -> list[str]:
    """The links that point into the repository (no scheme, no host, not a bare #anchor)."""
    return [
        link
        for text in markdown_texts(path)
        for link in links(text)
        if not (urlsplit(link).scheme or urlsplit(link).netloc or link.startswith("#"))
    ]


def github_slug(heading: str) -> str:
    """A heading's anchor as GitHub writes it (JupyterLab's Markdown viewer opens such links too)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found = set()
    for text in markdown_texts(path):
        tokens = MARKDOWN.parse(text)
        found |= {
            github_slug(inline.content) for opening, inline in zip(tokens, tokens[1:]) if opening.type == "heading_open"
        }
    return found


def problem(source: Path, link: str) -> str | None:
    """Why JupyterLab would not open ``link`` from ``source``, or None."""
    parts = urlsplit(link)
    target = PurePosixPath(source.parent.relative_to(ROOT).as_posix(), unquote(parts.path))
    resolved = (ROOT / target).resolve()
    if not resolved.is_relative_to(ROOT):
        return "points above the repository root, which JupyterLab cannot reach"
    inside = resolved.relative_to(ROOT)
    if any(part.startswith(".") for part in inside.parts):
        return "points into a hidden folder, which JupyterLab refuses to open"
    if not resolved.exists():
        return f"{inside.as_posix()} does not exist"
    if parts.fragment and resolved.suffix in (".md", ".ipynb") and parts.fragment not in anchors(resolved):
        return f"{inside.as_posix()} has no heading #{parts.fragment}"
    return None


def test_there_are_documents_with_links():
    assert len(DOCUMENTS) >= 20
    assert any(relative_links(path) for path in DOCUMENTS)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_opens(path):
    broken = {link: why for link in relative_links(path) if (why := problem(path, link))}
    assert not broken, broken


def test_the_checker_sees_a_broken_link():
    source = ROOT / "notebooks" / "00_start_here.ipynb"
    assert problem(source, "../docs/conformance.md") is None
    assert "does not exist" in problem(source, "docs/conformance.md")
    assert "above the repository root" in problem(source, "../../elsewhere.md")
    assert "hidden folder" in problem(source, "../.venv/pyvenv.cfg")
    heading = sorted(anchors(ROOT / "docs" / "conformance.md"))[0]
    assert problem(source, f"../docs/conformance.md#{heading}") is None
    assert "no heading" in problem(source, "../docs/conformance.md#no-such-heading")
    assert links("[a](x.md) ![b](y.png) <a href='z.md'>c</a>") == ["x.md", "y.png", "z.md"]
