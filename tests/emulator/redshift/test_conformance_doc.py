"""docs/conformance.md's Developer Guide figures and the README's counts line are written from the
suite by tools/make_conformance_doc.py: regenerate them in memory and compare with what is committed."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools"))
import make_conformance_doc as doc  # noqa: E402


def test_conformance_doc_and_readme_counts_are_up_to_date():
    stale = [str(path.relative_to(ROOT)) for path in doc.stale_files()]
    assert not stale, f"out of date: {stale}; run python tools/make_conformance_doc.py"


def test_every_difference_is_listed_with_its_reason_and_page():
    _, differing, total, passing = doc.figures()
    text = doc.CONFORMANCE_DOC.read_text(encoding="utf-8")
    assert f"**{passing} of {total} cases pass" in text
    for case in differing:
        assert f"`{case['id']}`" in text and case["page"] in text
        assert len(case["reason"]) > 60, f"{case['id']}: say how the local Redshift differs and why"


def test_the_suite_meets_its_target():
    _, _, total, passing = doc.figures()
    assert passing / total >= 0.95
