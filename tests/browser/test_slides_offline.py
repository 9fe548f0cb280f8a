"""The exported decks (`make slides`) work with the network off, in a real browser.

Each deck is opened from disk in headless Chromium with its network switched off, and every slide
is visited: any request that leaves the machine, or any console error (the old decks threw
"MathJax is not defined" on every slide change), fails the test.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import build_slides  # noqa: E402

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def decks() -> list[Path]:
    vendored = all((build_slides.SITE / "vendor" / folder).exists() for folder in build_slides.VENDOR.values())
    if not vendored and not shutil.which("npm"):
        pytest.skip("make slides needs npm once to fetch reveal.js, and this machine has neither npm nor _site/vendor")
    return build_slides.build()


def visit_every_slide(browser, deck: Path) -> int:
    browser.get(deck.as_uri())
    browser.wait_for("return typeof Reveal !== 'undefined' && Reveal.isReady()")
    browser.execute_script("Reveal.slide(0, 0)")
    visited = 1
    while not browser.execute_script("return Reveal.isLastSlide()"):
        browser.execute_script("Reveal.next()")
        visited += 1
        assert visited < 500, f"{deck.name}: Reveal.next() never reached the last slide"
    return visited


def test_every_deck_works_offline(decks, offline_browser):
    assert decks, "make slides wrote no deck"
    for deck in decks:
        offline_browser.reset_logs()
        visited = visit_every_slide(offline_browser, deck)
        errors = [entry["message"] for entry in offline_browser.console_errors()]
        remote = [url for url in offline_browser.requested_urls() if not url.startswith(LOCAL_SCHEMES)]
        assert not remote, f"{deck.name} asked the network for {remote}"
        assert not errors, f"{deck.name}: console errors {errors}"
        assert visited > 1, deck.name


def test_quiz_deck_shows_the_questions_and_no_answer(decks, offline_browser):
    deck = next(path for path in decks if path.name.startswith("08_"))
    visit_every_slide(offline_browser, deck)
    text = offline_browser.execute_script("return document.querySelector('.reveal .slides').textContent")
    assert "Q1." in text and "a) " in text
    assert "<- answer" not in text and "Why:" not in text


def test_speaker_notes_are_in_the_speaker_view_only(decks, offline_browser):
    deck = next(path for path in decks if path.name.startswith("00_"))
    visit_every_slide(offline_browser, deck)
    notes = offline_browser.execute_script("return document.querySelectorAll('.reveal aside.notes').length")
    shown = offline_browser.execute_script(
        "return [...document.querySelectorAll('.reveal aside.notes')].filter(n => n.offsetParent !== null).length"
    )
    assert notes > 0 and shown == 0
