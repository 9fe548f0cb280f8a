"""The slide export references only local copies of reveal.js, so it works offline."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import build_slides  # noqa: E402


def test_slides_need_no_network_and_keep_speaker_notes():
    html, _ = build_slides.exporter().from_filename(str(ROOT / "notebooks" / "00_start_here.ipynb"))
    remote = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert not [url for url in remote if not url.startswith("https://github.com")], remote
    assert "vendor/reveal.js" in html
    assert '<aside class="notes">' in html
