"""Export every notebook as reveal.js slides that work offline (`make slides` → _site/).

The slides use each cell's `slideshow` metadata; cells of type `notes` become speaker notes
(press `s` in the browser). reveal.js, RequireJS and jQuery come from the npm registry once, into
_site/vendor/, so the exported HTML needs no network when presented.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from nbconvert import SlidesExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_site"
VENDOR = {  # npm package → folder under _site/vendor
    "reveal.js@4.6.1": "reveal.js",
    "requirejs@2.3.6": "requirejs",
    "jquery@3.7.1": "jquery",
}


def fetch_vendor(site: Path = SITE) -> None:
    for spec, folder in VENDOR.items():
        target = site / "vendor" / folder
        if target.exists():
            continue
        if not shutil.which("npm"):
            sys.exit("make slides needs npm once, to fetch reveal.js; install Node.js (https://nodejs.org).")
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            archive = next(Path(tmp).glob("*.tgz"))
            with tarfile.open(archive) as tar:
                tar.extractall(tmp, filter="data")
            shutil.move(str(Path(tmp) / "package"), target)


def exporter() -> SlidesExporter:
    config = Config()
    config.SlidesExporter.reveal_url_prefix = "vendor/reveal.js"
    config.SlidesExporter.require_js_url = "vendor/requirejs/require.js"
    config.SlidesExporter.jquery_url = "vendor/jquery/dist/jquery.min.js"
    config.SlidesExporter.mathjax_url = ""  # no formulas in this pack; avoids a CDN request
    config.SlidesExporter.reveal_scroll = True
    config.SlidesExporter.embed_images = True
    return SlidesExporter(config=config)


def notebooks() -> list[Path]:
    return sorted(ROOT.glob("notebooks/[0-9]*.ipynb"))


def build(site: Path = SITE) -> list[Path]:
    site.mkdir(exist_ok=True)
    fetch_vendor(site)
    slides = exporter()
    written = []
    for notebook in notebooks():
        html, _ = slides.from_filename(str(notebook))
        target = site / f"{notebook.stem}.slides.html"
        target.write_text(html)
        written.append(target)
    links = "\n".join(f'<li><a href="{path.name}">{path.stem.replace(".slides", "")}</a></li>' for path in written)
    (site / "index.html").write_text(
        f"<!doctype html><title>AWS 07 slides</title><h1>AWS 07 – Introduction to Amazon Redshift</h1><ul>{links}</ul>"
    )
    return written


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(ROOT))
