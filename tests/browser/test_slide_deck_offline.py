"""A slide deck from `make slides` opens in a browser with the network off: reveal.js starts, and the
console shows no error (a request for anything not in _site/vendor/ would fail, and say so there)."""

from __future__ import annotations

import shutil
import sys

import jupyterlab_page as page
import pytest
from selenium.webdriver.common.by import By

from redshift_course.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "tools"))
import build_slides  # noqa: E402


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """notebooks/00's deck, built as `make slides` builds it, in a folder of its own."""
    site = tmp_path_factory.mktemp("site")
    built_vendor = build_slides.SITE / "vendor"
    if built_vendor.is_dir():  # an earlier `make slides` fetched reveal.js already
        shutil.copytree(built_vendor, site / "vendor")
    elif not shutil.which("npm"):
        pytest.skip("the slides need reveal.js from npm once (make slides), and npm is not installed")
    build_slides.fetch_vendor(site)
    html, _ = build_slides.exporter().from_filename(str(REPO_ROOT / "notebooks" / "00_start_here.ipynb"))
    path = site / "00_start_here.slides.html"
    path.write_text(html)
    return path


def test_a_slide_deck_opens_offline(chromium, deck):
    chromium.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    chromium.get(deck.as_uri())
    # reveal.js marks its root `ready` once it has laid out the slides (it loads through RequireJS).
    page.wait(chromium).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".reveal.ready"))
    assert len(chromium.find_elements(By.CSS_SELECTOR, ".reveal .slides section")) > 3


@pytest.mark.xfail(
    strict=True,
    reason="known gap: the exported deck still asks the network for Google Fonts (the reveal.js theme's "
    "@import) and for mermaid (cdnjs, nbconvert's template); tools/build_slides.py should vendor or drop them",
)
def test_a_slide_deck_offline_logs_no_console_error(chromium, deck):
    chromium.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    chromium.get(deck.as_uri())
    page.wait(chromium).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".reveal.ready"))
    assert not page.console_errors(chromium)
