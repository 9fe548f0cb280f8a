"""The slide export references only local copies of reveal.js, so it works offline."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import build_slides  # noqa: E402


def test_slides_need_no_network_and_keep_speaker_notes():
    html = build_slides.export(build_slides.exporter(), ROOT / "notebooks" / "00_start_here.ipynb")
    remote = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert not [url for url in remote if not url.startswith("https://github.com")], remote
    assert "vendor/reveal.js" in html
    assert '<aside class="notes">' in html
    assert "MathJax" not in html and "mermaid" not in html


def test_projected_code_cells_show_outputs_not_code():
    html = build_slides.export(build_slides.exporter(), ROOT / "notebooks" / "08_recap_and_quiz.ipynb")
    assert "quiz.show(" not in html  # the cell's code stays in the notebook
    assert "Q1." in html  # its output, the quiz as static questions, is on the slide
    assert "&lt;- answer" not in html and "Why:" not in html
    assert build_slides.WIDGET_VIEW not in html
