"""Export every notebook as reveal.js slides that work offline (`make slides` → _site/).

The slides use each cell's `slideshow` metadata; cells of type `notes` become speaker notes
(press `s` in the browser). reveal.js, RequireJS and jQuery come from the npm registry once, into
_site/vendor/, so the exported HTML needs no network when presented; the template in
tools/slides_template/ drops the requests nbconvert's own reveal template makes (mermaid, the
widgets embedder, MathJax) and sizes the text for a projector.

A projected slide shows what a cell did, not its code: code cells show their outputs only, unless
tagged `slides-show-code` (the few cells whose code is the point). Widget outputs show their plain
text (the quiz's questions without answers) instead of an empty widget box.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from nbconvert import SlidesExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_site"
TEMPLATES = Path(__file__).resolve().parent / "slides_template"
TEMPLATE = "course_reveal"
SHOW_CODE_TAG = "slides-show-code"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
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


class ProjectedCells(Preprocessor):
    """What a projected deck shows of a cell: its outputs, not its code; text, not empty widgets."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            if SHOW_CODE_TAG not in cell.metadata.get("tags", []):
                cell.metadata.transient = {"remove_source": True}
            for output in cell.get("outputs", []):
                output.get("data", {}).pop(WIDGET_VIEW, None)
        return cell, resources


def exporter() -> SlidesExporter:
    config = Config()
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.SlidesExporter.template_name = TEMPLATE
    config.SlidesExporter.reveal_theme = "white"  # its font ships with reveal.js; "simple" imports Google Fonts
    config.SlidesExporter.reveal_width = "1280"
    config.SlidesExporter.reveal_height = "720"
    config.SlidesExporter.preprocessors = [ProjectedCells]
    config.SlidesExporter.reveal_url_prefix = "vendor/reveal.js"
    config.SlidesExporter.require_js_url = "vendor/requirejs/require.js"
    config.SlidesExporter.jquery_url = "vendor/jquery/dist/jquery.min.js"
    config.SlidesExporter.embed_images = True
    return SlidesExporter(config=config)


def export(slides: SlidesExporter, notebook: Path) -> str:
    """One notebook's deck as HTML, with the projector style sheet inlined."""
    css = (TEMPLATES / TEMPLATE / "projector.css").read_text(encoding="utf-8")
    html, _ = slides.from_filename(str(notebook), resources={"course_slides_css": css})
    return html


def notebooks() -> list[Path]:
    return sorted(ROOT.glob("notebooks/[0-9]*.ipynb"))


def build(site: Path = SITE) -> list[Path]:
    site.mkdir(exist_ok=True)
    fetch_vendor(site)
    slides = exporter()
    written = []
    for notebook in notebooks():
        target = site / f"{notebook.stem}.slides.html"
        target.write_text(export(slides, notebook), encoding="utf-8")
        written.append(target)
    links = "\n".join(f'<li><a href="{path.name}">{path.stem.replace(".slides", "")}</a></li>' for path in written)
    (site / "index.html").write_text(
        f"<!doctype html><title>AWS 07 slides</title><h1>AWS 07 – Introduction to Amazon Redshift</h1><ul>{links}</ul>"
    )
    return written


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(ROOT))
