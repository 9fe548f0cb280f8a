#!/usr/bin/env python3
"""Recreate the mystery-shop CSV files in this folder, byte for byte, or write big files for benchmarks.

    python generate_mystery_shops.py                      # rewrite the six shipped files here
    python generate_mystery_shops.py --out /tmp/x         # ... or into another folder
    python generate_mystery_shops.py --rows 1000000 --month 2024-03 --out big.csv   # benchmark file

Standard library only. Every random choice comes from a Mersenne Twister seeded with a string and
only its ``random()`` method is used (its output is the same on every Python 3 version and
platform), so the files never change unless this script does. The shipped files keep the academy's
format: dd/mm/yyyy dates, HH:MM times, the employee count in quotes. README.md describes them.
"""

from __future__ import annotations

import argparse
import calendar
import math
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

HERE = Path(__file__).resolve().parent
HEADER = (
    "StoreID,StoreName,MysteryShopperID,MysteryShopperName,StoreType,"
    "NumberOfStoreEmployees,VisitDate,StartTime,EndTime,OverallScore"
)
HANDOUT_MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06")
HANDOUT_MONTH = "2024-03"  # the file the session's exercises use; it carries the messy rows
TIE_MONTH = "2024-05"  # two stores share the best average score, for the tie exercise
CRLF_MONTH = "2024-02"  # saved on Windows: \r\n line endings
BOM_MONTH = "2024-04"  # saved by Excel as "CSV UTF-8": starts with a byte-order mark


@dataclass(frozen=True)
class Store:
    store_id: int
    name: str
    store_type: str
    employees: int
    quality: float  # the mean score a visit tends to get; hidden, it only shapes the data
    weight: float  # how often the store gets visited, relative to the others


# Real UK towns; two Manchester stores, so their names need a comma and hence CSV quotes.
STORES = (
    Store(1487, "Leeds", "Free Standing", 12, 3.55, 1.2),
    Store(1203, "Manchester, Arndale", "Shopping Centre", 18, 3.70, 1.4),
    Store(1204, "Manchester, Piccadilly", "Train Station", 9, 3.20, 1.1),
    Store(1311, "Birmingham", "High Street", 15, 3.45, 1.4),
    Store(1525, "Bristol", "Drive Thru", 11, 3.85, 1.0),
    Store(1102, "Glasgow", "High Street", 16, 3.60, 1.2),
    Store(1108, "Edinburgh", "Train Station", 10, 3.75, 1.0),
    Store(1620, "Cardiff", "Shopping Centre", 14, 3.30, 1.0),
    Store(1733, "Newcastle upon Tyne", "High Street", 13, 3.65, 1.0),
    Store(1815, "Sheffield", "Drive Thru", 8, 3.10, 0.9),
    Store(1402, "Nottingham", "Shopping Centre", 17, 3.50, 1.0),
    Store(1919, "York", "High Street", 7, 3.95, 0.7),
    Store(1550, "Exeter", "Free Standing", 9, 3.40, 0.7),
    Store(1666, "Norwich", "Shopping Centre", 12, 3.25, 0.8),
    Store(1777, "Brighton", "High Street", 11, 3.80, 0.9),
    Store(1888, "Milton Keynes", "Drive Thru", 10, 3.35, 0.8),
    Store(1350, "Belfast", "Shopping Centre", 15, 3.60, 0.9),
    Store(1444, "Swansea", "Free Standing", 8, 3.15, 0.6),
    Store(1590, "Reading", "Train Station", 6, 3.50, 0.8),
)

# Invented names for invented people (the shopper's name is personal data; the pipeline drops it).
SHOPPERS = (
    (3, "Amara Osei"),
    (5, "Callum Fraser"),
    (7, "Priya Nair"),
    (8, "Owen Pritchard"),
    (11, "Siobhan Kelly"),
    (12, "Tomasz Nowak"),
    (14, "Hannah Whitlock"),
    (15, "Jamal Idris"),
    (17, "Eilidh MacLeod"),
    (18, "Ravi Chandran"),
    (20, "Bethan Morgan"),
    (21, "Connor Walsh"),
    (22, "Rory Gilmore"),
    (24, "Yusuf Rahman"),
    (25, "Chloe Bennett"),
    (27, "Marcus Adeyemi"),
    (28, "Freya Lindqvist"),
    (30, "Declan O'Rourke"),
    (31, "Aisha Begum"),
    (33, "George Haworth"),
    (34, "Niamh Gallagher"),
    (36, "Samir Haddad"),
    (38, "Lucy Tremayne"),
    (40, "Kwame Mensah"),
)


class Rng:
    """Seeded randomness built only on ``random.Random.random()``, whose sequence never changes."""

    def __init__(self, seed: str) -> None:
        self._random = random.Random(seed).random

    def below(self, n: int) -> int:
        return int(self._random() * n)

    def between(self, low: int, high: int) -> int:
        return low + self.below(high - low + 1)

    def pick(self, items):
        return items[self.below(len(items))]

    def chance(self, p: float) -> bool:
        return self._random() < p

    def weighted(self, items, weights):
        point = self._random() * sum(weights)
        for item, weight in zip(items, weights):
            point -= weight
            if point < 0:
                return item
        return items[-1]

    def normal(self, mean: float, sd: float) -> float:
        # Box-Muller, so that no library algorithm (which may change between versions) is involved.
        u1 = 1.0 - self._random()
        u2 = self._random()
        return mean + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@dataclass(frozen=True)
class Visit:
    store: Store
    shopper_id: int
    shopper_name: str
    employees: int
    day: int
    month: int
    year: int
    start: int  # minutes after midnight
    end: int
    score: int | str  # a string only for deliberately broken rows

    @property
    def key(self) -> tuple:
        return (self.store.store_id, self.shopper_id, self.year, self.month, self.day, self.start)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def csv_field(text: str) -> str:
    """Quote a field only when CSV needs it (a comma, a quote or a line break inside)."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def format_row(visit: Visit, date: str | None = None) -> str:
    """One line in the academy's format: the employee count is always quoted, as their export does."""
    return ",".join(
        (
            str(visit.store.store_id),
            csv_field(visit.store.name),
            str(visit.shopper_id),
            csv_field(visit.shopper_name),
            visit.store.store_type,
            f'"{visit.employees}"',
            date or f"{visit.day:02d}/{visit.month:02d}/{visit.year}",
            hhmm(visit.start),
            hhmm(visit.end),
            str(visit.score),
        )
    )


# --- the shipped monthly files ----------------------------------------------------------------


SEED = "mystery-shops"  # the shipped files' seed; another one gives other data with the same traps


def month_visits(month: str, seed: str = SEED) -> list[Visit]:
    """A month of clean, unique visits, sorted by date and start time (the tie month has its tie)."""
    year, mon = (int(part) for part in month.split("-"))
    rng = Rng(f"{seed}-{month}")
    days = calendar.monthrange(year, mon)[1]
    # Each store has a good or bad month: this is what makes the store of the month change.
    form = {store.store_id: rng.normal(0.0, 0.35) for store in STORES}
    staff = {store.store_id: max(3, store.employees + rng.between(-1, 1)) for store in STORES}
    shoppers = [s for s in SHOPPERS if not rng.chance(0.12)]  # some shoppers skip a month
    count = rng.between(318, 352)
    visits: dict[tuple, Visit] = {}
    while len(visits) < count:
        store = rng.weighted(STORES, [s.weight for s in STORES])
        shopper_id, name = rng.pick(shoppers)
        start = rng.between(8 * 60, 19 * 60 + 30)
        duration = rng.between(10, 45)
        mean = store.quality + form[store.store_id]
        score = min(5, max(1, round(rng.normal(mean, 0.8))))
        visit = Visit(
            store,
            shopper_id,
            name,
            staff[store.store_id],
            rng.between(1, days),
            mon,
            year,
            start,
            start + duration,
            score,
        )
        visits.setdefault(visit.key, visit)  # the same shopper at the same store and minute: skip
    ordered = sorted(visits.values(), key=lambda v: (v.day, v.start, v.store.store_id, v.shopper_id))
    return make_tie(ordered) if month == TIE_MONTH else ordered


def averages(visits: list[Visit]) -> list[tuple[float, int]]:
    """(average score, store id), best first."""
    totals: dict[int, list[int]] = {}
    for visit in visits:
        totals.setdefault(visit.store.store_id, []).append(int(visit.score))
    return sorted(((sum(s) / len(s), store_id) for store_id, s in totals.items()), reverse=True)


def make_tie(visits: list[Visit]) -> list[Visit]:
    """Give the runner-up exactly the leader's visit count and score total, so the two tie."""
    (_, leader), (_, runner_up) = averages(visits)[:2]
    lead = [v for v in visits if v.store.store_id == leader]
    target_count, target_total = len(lead), sum(int(v.score) for v in lead)
    mine = [i for i, v in enumerate(visits) if v.store.store_id == runner_up]
    drop = set(mine[target_count:])  # trim extra visits from the end of the month
    kept = [i for i in mine if i not in drop][:target_count]
    if len(kept) < target_count:
        raise SystemExit("tie month: the runner-up has too few visits to copy the leader's count")
    visits = list(visits)
    total = sum(int(visits[i].score) for i in kept)
    for i in kept * 5:  # raise (or lower) scores one point at a time until the totals match
        if total == target_total:
            break
        step = 1 if total < target_total else -1
        new = int(visits[i].score) + step
        if 1 <= new <= 5:
            visits[i] = replace(visits[i], score=new)
            total += step
    if total != target_total:
        raise SystemExit("tie month: could not match the leader's score total")
    return [v for i, v in enumerate(visits) if i not in drop]


def messy_lines(visits: list[Visit]) -> list[str]:
    """The handout month's lines: clean visits plus the handful of messy rows the exercises use.

    Accepted as they are (they are real visits, just written untidily):
      * an employee count without quotes;
      * stray spaces around fields;
      * the comma-in-quotes store names (every Manchester row).
    Rejected by the pipeline (each an extra line, not one of the month's visits):
      * a blank score; a score of 7; the date 31/02/2024; an end time before the start time;
      * a copy of an earlier line (the same visit twice).
    """
    lines = [format_row(v) for v in visits]
    n = len(lines)
    # Untidy but valid: rewrite two existing visits in place.
    at = n // 7
    v = visits[at]
    lines[at] = lines[at].replace(f'"{v.employees}"', str(v.employees))
    at = next(i for i in range(n // 3, n) if "," not in visits[i].store.name)
    v = visits[at]
    fields = format_row(v).split(",")
    fields[0], fields[1], fields[4], fields[8] = f" {fields[0]}", f"{fields[1]} ", f"  {fields[4]}", f"{fields[8]} "
    lines[at] = ",".join(fields)

    # Broken rows: inserted (from the bottom up so earlier positions stay put), each built from a
    # real visit with one thing wrong, and a shopper/time no clean visit uses.
    def broken(index: int, date: str | None = None, **changes) -> tuple[int, str]:
        base = visits[index]
        bad = replace(replace(base, start=base.start + 1, end=base.end + 1), **changes)
        return index + 1, format_row(bad, date=date)

    inserts = [
        broken(n // 10, score=""),
        broken(n // 4, score=7),
        broken(n // 2, date="31/02/2024"),
        broken((2 * n) // 3, end=visits[(2 * n) // 3].start - 14),
        ((4 * n) // 5 + 3, lines[(4 * n) // 5]),  # the duplicated line, a few lines on
    ]
    for position, line in sorted(inserts, reverse=True):
        lines.insert(position, line)
    return lines


def handout_bytes(month: str, seed: str = SEED) -> bytes:
    visits = month_visits(month, seed)
    lines = messy_lines(visits) if month == HANDOUT_MONTH else [format_row(v) for v in visits]
    newline = "\r\n" if month == CRLF_MONTH else "\n"
    text = newline.join([HEADER, *lines]) + newline
    return ("\ufeff" if month == BOM_MONTH else "").encode("utf-8") + text.encode("utf-8")


def handout_filename(month: str) -> str:
    return f"mystery_shops_{month}.csv"


def write_handout_files(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for month in HANDOUT_MONTHS:
        path = out_dir / handout_filename(month)
        path.write_bytes(handout_bytes(month))
        written.append(path)
    return written


# --- big files for benchmarks ------------------------------------------------------------------


def benchmark_lines(rows: int, month: str = HANDOUT_MONTH, seed: str = "bench") -> Iterator[str]:
    """``rows`` clean, unique visits (no header), generated one at a time so memory stays flat.

    Uniqueness is by construction: shopper ``k`` makes visits ``j = 0..499``, on day ``j % days``
    at a time slot that grows with ``j // days``, so no two share (store, shopper, date, start).
    """
    year, mon = (int(part) for part in month.split("-"))
    days = calendar.monthrange(year, mon)[1]
    rng = Rng(f"{seed}-{month}")
    per_shopper = 500
    for i in range(rows):
        shopper_index, j = divmod(i, per_shopper)
        shopper_id = 1000 + shopper_index
        name = SHOPPERS[shopper_index % len(SHOPPERS)][1]
        store = STORES[rng.below(len(STORES))]
        start = 7 * 60 + (j // days) * 45 + rng.below(15)
        end = start + rng.between(10, 30)
        score = min(5, max(1, round(rng.normal(store.quality, 0.8))))
        visit = Visit(store, shopper_id, name, store.employees, j % days + 1, mon, year, start, end, score)
        yield format_row(visit)


def write_benchmark_file(out: TextIO, rows: int, month: str = HANDOUT_MONTH, seed: str = "bench") -> None:
    out.write(HEADER + "\n")
    for line in benchmark_lines(rows, month, seed):
        out.write(line + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, help="write one benchmark file of this many clean rows")
    parser.add_argument("--month", default=HANDOUT_MONTH, help="month of a benchmark file (YYYY-MM)")
    parser.add_argument("--seed", default="bench", help="seed of a benchmark file")
    parser.add_argument("--out", help="folder for the shipped files, or the benchmark file's path ('-' = stdout)")
    args = parser.parse_args(argv)
    if args.rows is None:
        for path in write_handout_files(Path(args.out) if args.out else HERE):
            print(f"wrote {path}")
        return 0
    if args.rows < 0:
        parser.error("--rows must be 0 or more")
    if not args.out or args.out == "-":
        write_benchmark_file(sys.stdout, args.rows, args.month, args.seed)
    else:
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            write_benchmark_file(out, args.rows, args.month, args.seed)
        print(f"wrote {args.rows} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
