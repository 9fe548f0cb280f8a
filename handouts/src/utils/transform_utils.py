"""Transform: check every row of a mystery-shop CSV, tidy it, drop the shopper's name.

A row either becomes a ``Visit`` or a ``Reject`` (its line number and the reason), never both and
never neither: that is what keeps ``loaded + rejected == rows`` true for every file.
"""
from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date, time
from typing import Iterable, Iterator, NamedTuple, TextIO

EXPECTED_HEADER = (
    "StoreID", "StoreName", "MysteryShopperID", "MysteryShopperName", "StoreType",
    "NumberOfStoreEmployees", "VisitDate", "StartTime", "EndTime", "OverallScore",
)
MAX_INTEGER = 2_147_483_647  # Redshift INTEGER
MAX_STORE_NAME_BYTES = 100  # VARCHAR(n) in Redshift counts bytes, not characters
MAX_STORE_TYPE_BYTES = 50

_WHOLE = re.compile(r"[0-9]+")
_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")


class BadFileError(ValueError):
    """The file as a whole cannot be used (not CSV text, wrong header, no rows): load none of it."""


class Visit(NamedTuple):
    """One clean row, in the table's column order (no shopper name: it is personal data).

    A NamedTuple: cheap to make a million of, and it goes into an INSERT's parameters as it is.
    """

    visit_id: int
    store_id: int
    mystery_shopper_id: int
    store_type: str
    store_name: str
    number_of_store_employees: int
    visit_date: date
    start_time: time
    end_time: time
    overall_score: int


@dataclass(frozen=True)
class Reject:
    line: int
    reason: str
    fields: list[str]


def visit_id_for(store_id: int, shopper_id: int, visit_date: date, start: time) -> int:
    """A stable id for a visit: the same shopper, store, date and start time always give the same id.

    Stable ids (rather than an IDENTITY column) mean a file loaded again gets the same visit_ids
    back, and the same visit arriving in two files is easy to spot. 63 bits fit a BIGINT.
    """
    natural_key = f"{store_id}|{shopper_id}|{visit_date.isoformat()}|{start.hour:02d}:{start.minute:02d}"
    digest = hashlib.blake2b(natural_key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def read_records(text: TextIO) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) for each CSV record, header included; skip blank lines.

    Anything that is not UTF-8 CSV text becomes a BadFileError naming the line.
    """
    # skipinitialspace: a space after a comma must not stop a quoted field being read as quoted.
    reader = csv.reader(text, skipinitialspace=True)
    try:
        for fields in reader:
            if fields and any(field.strip() for field in fields):
                yield reader.line_num, fields
    except UnicodeDecodeError as error:
        raise BadFileError(f"is not UTF-8 text (bad byte after line {reader.line_num})") from error
    except csv.Error as error:
        raise BadFileError(f"is not a readable CSV file (line {reader.line_num + 1}: {error})") from error


def check_header(fields: list[str]) -> None:
    if any("\x00" in field for field in fields):
        raise BadFileError("is not a text file (it holds NUL bytes): is it a spreadsheet or an archive?")
    if tuple(field.strip() for field in fields) != EXPECTED_HEADER:
        found = ",".join(fields)
        found = found if len(found) <= 200 else found[:200] + "..."
        raise BadFileError(f"has the wrong header: expected {','.join(EXPECTED_HEADER)!r}, found {found!r}")


def _whole(name: str, text: str, low: int, high: int, problems: list[str]) -> int:
    if not text:
        problems.append(f"{name} is blank")
    elif not _WHOLE.fullmatch(text):
        problems.append(f"{name} {text!r} is not a whole number")
    elif not low <= int(text) <= high:
        problems.append(f"{name} {text} is not between {low} and {high}")
    else:
        return int(text)
    return 0


def _text(name: str, text: str, max_bytes: int, problems: list[str]) -> str:
    if not text:
        problems.append(f"{name} is blank")
    elif len(text.encode()) > max_bytes:
        problems.append(f"{name} is longer than {max_bytes} bytes")
    elif "\x00" in text:  # Redshift (and PostgreSQL) refuse NUL in text: keep it from failing the file
        problems.append(f"{name} holds a NUL character")
    return text


def _date(name: str, text: str, problems: list[str]) -> date | None:
    match = _DATE.fullmatch(text)
    if not match:
        problems.append(f"{name} {text!r} is not a dd/mm/yyyy date")
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        problems.append(f"{name} {text} does not exist")
        return None


def _time(name: str, text: str, problems: list[str]) -> time | None:
    match = _TIME.fullmatch(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        problems.append(f"{name} {text!r} is not an HH:MM time")
        return None
    return time(int(match[1]), int(match[2]))


def parse_row(fields: list[str]) -> Visit | str:
    """A clean Visit, or the reason (every problem found, joined by '; ') the row is rejected."""
    if len(fields) != len(EXPECTED_HEADER):
        return f"expected {len(EXPECTED_HEADER)} fields, found {len(fields)}"
    (store_id, store_name, shopper_id, _shopper_name, store_type,
     employees, visit_date, start, end, score) = (field.strip() for field in fields)
    problems: list[str] = []
    row = dict(
        store_id=_whole("StoreID", store_id, 1, MAX_INTEGER, problems),
        store_name=_text("StoreName", store_name, MAX_STORE_NAME_BYTES, problems),
        mystery_shopper_id=_whole("MysteryShopperID", shopper_id, 1, MAX_INTEGER, problems),
        store_type=_text("StoreType", store_type, MAX_STORE_TYPE_BYTES, problems),
        number_of_store_employees=_whole("NumberOfStoreEmployees", employees, 0, MAX_INTEGER, problems),
        visit_date=_date("VisitDate", visit_date, problems),
        start_time=_time("StartTime", start, problems),
        end_time=_time("EndTime", end, problems),
        overall_score=_whole("OverallScore", score, 1, 5, problems),
    )
    if row["start_time"] is not None and row["end_time"] is not None and row["end_time"] < row["start_time"]:
        problems.append(f"EndTime {end} is before StartTime {start}")
    if problems:
        return "; ".join(problems)
    visit_id = visit_id_for(row["store_id"], row["mystery_shopper_id"], row["visit_date"], row["start_time"])
    return Visit(visit_id=visit_id, **row)


def transform(records: Iterable[tuple[int, list[str]]]) -> Iterator[Visit | Reject]:
    """Check each data record (the header already taken off); the second copy of a visit is rejected.

    Duplicates are found by visit_id, so the memory used grows with the file's row count (about
    100 bytes a row), not with its size in bytes.
    """
    first_seen: dict[int, int] = {}
    for line, fields in records:
        result = parse_row(fields)
        if isinstance(result, str):
            yield Reject(line, result, fields)
        elif result.visit_id in first_seen:
            yield Reject(line, f"duplicate of the visit on line {first_seen[result.visit_id]}", fields)
        else:
            first_seen[result.visit_id] = line
            yield result
