"""How long the core path of each notebook takes to read, next to its slot in the 90-minute session.

Core-path prose is every markdown cell a learner reads on the way through: speaker notes (slide
type "notes") do not count, nor anything from the first "Optional deep dive: ..." heading on
(deep dives sit at the end of a notebook, for a fast learner or a second session). Reading speed
is ~200 words a minute. A notebook's reading time must fit its slot minus its breakouts and
discussions (the minutes spent talking or working in teams, not reading).

    .venv/bin/python tools/prose_budget.py            # the table
    .venv/bin/python tools/prose_budget.py --check    # exit 1 when a notebook is over its budget
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from redshift_course.timetable import TIMETABLE, Slot

ROOT = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 200


DEEP_DIVE = re.compile(r"^#+\s*Optional deep dive\b", re.IGNORECASE | re.MULTILINE)
# A word: starts with a letter or digit (table rules, bullets and emoji are not words).
WORD = re.compile(r"[A-Za-z0-9][\w'’.-]*")
URL = re.compile(r"<?https?://\S+>?")


def slide_type(cell) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def core_markdown(path: Path) -> list[str]:
    """The markdown a learner reads on the core path of one notebook."""
    notebook = nbformat.read(path, as_version=4)
    sources = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and DEEP_DIVE.search(cell.source):
            break
        if cell.cell_type == "markdown" and slide_type(cell) != "notes":
            sources.append(cell.source)
    return sources


def count_words(text: str) -> int:
    return len(WORD.findall(URL.sub(" ", text)))


def notebook_path(slot: Slot) -> Path:
    (path,) = sorted((ROOT / "notebooks").glob(f"{slot.number}_*.ipynb"))
    return path


@dataclass(frozen=True)
class Row:
    slot: Slot
    words: int

    @property
    def reading_minutes(self) -> float:
        return self.words / WORDS_PER_MINUTE

    @property
    def reading_budget(self) -> int:
        return self.slot.minutes - self.slot.breakout

    @property
    def fits(self) -> bool:
        return self.reading_minutes <= self.reading_budget


def rows() -> list[Row]:
    return [Row(slot, sum(map(count_words, core_markdown(notebook_path(slot))))) for slot in TIMETABLE]


def table(measured: list[Row]) -> str:
    lines = [
        f"{'#':<3} {'notebook':<29} {'slot':>4} {'talk/team':>9} {'reading':>7} {'words':>6} {'read min':>8}",
    ]
    for row in measured:
        mark = "ok" if row.fits else "OVER"
        lines.append(
            f"{row.slot.number:<3} {row.slot.title:<29} {row.slot.minutes:>4} {row.slot.breakout:>9} "
            f"{row.reading_budget:>7} {row.words:>6} {row.reading_minutes:>8.1f}  {mark}"
        )
    total_words = sum(row.words for row in measured)
    total_minutes = sum(row.slot.minutes for row in measured)
    lines.append(
        f"{'':<3} {'total':<29} {total_minutes:>4} {sum(r.slot.breakout for r in measured):>9} "
        f"{sum(r.reading_budget for r in measured):>7} {total_words:>6} {total_words / WORDS_PER_MINUTE:>8.1f}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    measured = rows()
    print(table(measured))
    if "--check" in sys.argv[1:] and not all(row.fits for row in measured):
        sys.exit(1)
