"""The session's timetable: one slot per notebook, 90 minutes in all (notebook 00 shows it).

A slot's ``breakout`` minutes are spent talking or working in teams, not reading:
``tools/prose_budget.py`` checks that each notebook's core-path prose can be read in the rest.
Optional deep dives (headings "Optional deep dive: ...", at the end of a notebook) are outside
the timetable, for a fast learner or a second session.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    number: str
    title: str
    minutes: int  # the notebook's slot in the session
    breakout: int  # of which discussion or team work
    what: str


SESSION_MINUTES = 90
TIMETABLE = (
    Slot("00", "start here", 3, 0, "your team name, five setup checks"),
    Slot("01", "data warehouses", 8, 5, "before data warehouses, discussion (5), one question two ways"),
    Slot("02", "columnar storage", 7, 0, "columnar data storage, measured on our data"),
    Slot("03", "Redshift architecture and MPP", 8, 0, "clusters, nodes, slices, distribution, node types"),
    Slot("04", "deploy the stacks", 20, 15, "the user story, deploy script demo (5), breakout Step 01 (15)"),
    Slot("05", "Parameter Store", 5, 0, "the settings demo, why secrets live there"),
    Slot("06", "trigger the Lambda", 10, 5, "upload a file and watch it load, breakout Step 02 (5)"),
    Slot("07", "query Redshift with pandas", 24, 20, "Query Editor demo, breakout Step 03 (20), store of the month"),
    Slot("08", "recap and quiz", 5, 0, "where we got to, quiz, further reading, emoji check"),
)
assert sum(slot.minutes for slot in TIMETABLE) == SESSION_MINUTES


def as_text() -> str:
    """The timetable as a plain-text table; "at" is the slot's start, hours:minutes into the session."""
    lines, clock = [f"{'#':<3} {'notebook':<29} {'min':>3} {'at':>5}  what"], 0
    for slot in TIMETABLE:
        lines.append(
            f"{slot.number:<3} {slot.title:<29} {slot.minutes:>3} {clock // 60:>2}:{clock % 60:02d}  {slot.what}"
        )
        clock += slot.minutes
    lines.append(f"{'':<3} {'total':<29} {clock:>3}        optional deep dives at the end of a notebook: extra")
    return "\n".join(lines)
