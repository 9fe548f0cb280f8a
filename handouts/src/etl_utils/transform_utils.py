"""Transform: check every row of a mystery-shop CSV, tidy it, drop the shopper's name.

A row either becomes a ``Visit`` or a ``Reject`` (its line number and the reason), never both and
never neither: that is what keeps ``loaded + rejected == rows`` true for every file.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from itertools import chain
from typing import NamedTuple, TextIO

EXPECTED_HEADER = (
    "StoreID",
    "StoreName",
    "MysteryShopperID",
    "MysteryShopperName",
    "StoreType",
    "NumberOfStoreEmployees",
    "VisitDate",
    "StartTime",
    "EndTime",
    "OverallScore",
)
# Each of the file's columns under its name in the table; the shopper's name has none (it is dropped).
TABLE_COLUMN_FOR = {
    "StoreID": "store_id",
    "StoreName": "store_name",
    "MysteryShopperID": "mystery_shopper_id",
    "StoreType": "store_type",
    "NumberOfStoreEmployees": "number_of_store_employees",
    "VisitDate": "visit_date",
    "StartTime": "start_time",
    "EndTime": "end_time",
    "OverallScore": "overall_score",
}
MAX_INTEGER = 2_147_483_647  # Redshift INTEGER
MAX_STORE_NAME_BYTES = 100  # VARCHAR(n) in Redshift counts bytes, not characters
MAX_STORE_TYPE_BYTES = 50

_MOST_DIGITS = len(str(MAX_INTEGER))  # no whole-number column takes a value with more significant digits
_SHOWN_CHARACTERS = 40  # a reason quotes at most this much of a bad value

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
    return _visit_id(store_id, shopper_id, visit_date.isoformat(), start.isoformat("minutes"))


def _visit_id(store_id: int, shopper_id: int, iso_date: str, iso_start: str) -> int:
    """visit_id_for, given the date and the start time as their ISO texts (the fast path has them cached)."""
    digest = _EMPTY_DIGEST.copy()
    digest.update(f"{store_id}|{shopper_id}|{iso_date}|{iso_start}".encode())
    return int.from_bytes(digest.digest(), "big") >> 1


# blake2b(key, digest_size=8) for every row: copying one made with its parameters gives the same
# digest and is a quarter cheaper than making a new one.
_EMPTY_DIGEST = hashlib.blake2b(digest_size=8)


class UnreadableLine(list):
    """A line that is not one CSV record on its own: its comma-separated pieces and why it is rejected.

    ``parse_row`` gives the reason; the pieces (the raw line split at its commas) are what the
    rejects file keeps, so the line can be fixed and uploaded again.
    """

    def __init__(self, line: str, reason: str) -> None:
        super().__init__(line.rstrip("\r\n").split(","))
        self.reason = reason


class _QuoteLeftOpen(Exception):
    """The csv reader asked for another line before it finished the one it had: a quote was left open."""


# The academy format has no multi-line fields, so a quote still open at the end of a line is a
# stray one: the line is rejected alone instead of swallowing the lines after it into one record.
QUOTE_LEFT_OPEN = 'has a quote (") that opens a field and is not closed on the same line'


def _one_line_at_a_time(lines: Iterator[str], held: list[str]) -> Iterator[str]:
    """Hand the csv reader one line per record; ``held`` holds the line of the record being read.

    The consumer empties ``held`` after each record, so a line asked for while ``held`` is full
    means the reader is still inside the last one.
    """
    for line in lines:
        if held:
            raise _QuoteLeftOpen(line)
        held.append(line)
        yield line
    if held:  # the file ended inside a quoted field
        raise _QuoteLeftOpen(None)


def read_records(text: TextIO) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) for each line, header included; skip blank lines.

    Each record is one physical line (the academy format has no multi-line fields). A line that is
    not a CSV record on its own (a quote left open, a field beyond the csv module's size limit)
    comes as an ``UnreadableLine``, which ``parse_row`` rejects with its reason; the lines after
    it are read as usual. Anything that is not UTF-8 text becomes a BadFileError naming the line.
    """
    lines = iter(text)
    number = 0  # lines read so far: the line number of the last record yielded
    pending: tuple[str, ...] = ()  # a line read ahead by the reader that still has to be parsed
    while True:
        held: list[str] = []
        # skipinitialspace: a space after a comma must not stop a quoted field being read as quoted.
        reader = csv.reader(_one_line_at_a_time(chain(pending, lines), held), skipinitialspace=True)
        try:
            for fields in reader:
                number += 1
                held.clear()
                # Not a blank line, nor one of commas and spaces only (the first field decides for
                # almost every line, without joining them all).
                if (fields and fields[0].strip()) or "".join(fields).strip():
                    yield number, fields
            return
        except _QuoteLeftOpen as left_open:
            number += 1
            yield number, UnreadableLine(held[0], QUOTE_LEFT_OPEN)
            read_ahead = left_open.args[0]
            pending = () if read_ahead is None else (read_ahead,)
        except csv.Error as error:  # e.g. a field longer than csv.field_size_limit()
            number += 1
            yield number, UnreadableLine(held[0], f"is not readable as CSV ({error})")
            pending = ()
        except UnicodeDecodeError as error:
            raise BadFileError(f"is not UTF-8 text (bad byte after line {number})") from error


def check_header(fields: list[str]) -> None:
    if any("\x00" in field for field in fields):
        raise BadFileError("is not a text file (it holds NUL bytes): is it a spreadsheet or an archive?")
    if tuple(field.strip() for field in fields) != EXPECTED_HEADER:
        found = ",".join(fields)
        found = found if len(found) <= 200 else found[:200] + "..."
        raise BadFileError(f"has the wrong header: expected {','.join(EXPECTED_HEADER)!r}, found {found!r}")


def _shown(text: str, quoted: bool = True) -> str:
    """A value as a reason shows it: whole when short, else its start and its length."""
    start = text[:_SHOWN_CHARACTERS]
    shown = repr(start) if quoted else start
    return shown if start == text else f"{shown}... ({len(text):,} characters)"


def _whole(name: str, text: str, low: int, high: int, problems: list[str]) -> int:
    if not text:
        problems.append(f"{name} is blank")
    elif not (text.isascii() and text.isdigit()):  # only 0-9: isdigit alone also takes "²" and "٣"
        problems.append(f"{name} {_shown(text)} is not a whole number")
    else:
        try:
            number = int(text)
        except ValueError:
            # Over 4,300 digits: int()'s limit (this used to fail the whole file). Past leading
            # zeros, more than _MOST_DIGITS digits are beyond every column's range.
            digits = text.lstrip("0") or "0"
            number = int(digits) if len(digits) <= _MOST_DIGITS else high + 1
        if low <= number <= high:
            return number
        problems.append(f"{name} {_shown(text, quoted=False)} is not between {low} and {high}")
    return 0


def _text(name: str, text: str, max_bytes: int, problems: list[str]) -> str:
    if not text:
        problems.append(f"{name} is blank")
    elif len(text.encode()) > max_bytes:
        problems.append(f"{name} is longer than {max_bytes} bytes")
    elif "\x00" in text:  # Redshift (and PostgreSQL) refuse NUL in text: keep it from failing the file
        problems.append(f"{name} holds a NUL character")
    return text


# A file holds a month or so of dates and at most 1,440 times of day, so each distinct text is parsed
# once and looked up after that. Only short texts are parsed (and so cached): memory stays small.
@lru_cache(maxsize=4096)
def _parse_date(text: str) -> tuple[date | None, str]:
    """(the date, "") or (None, what is wrong with ``text``)."""
    match = _DATE.fullmatch(text)
    if not match:
        return None, f"{text!r} is not a dd/mm/yyyy date"
    day, month, year = match.groups()
    try:
        return date(int(year), int(month), int(day)), ""
    except ValueError:
        return None, f"{text} does not exist"


@lru_cache(maxsize=4096)
def _parse_time(text: str) -> time | None:
    match = _TIME.fullmatch(text)
    if match and int(match[1]) <= 23 and int(match[2]) <= 59:
        return time(int(match[1]), int(match[2]))
    return None


def _date(name: str, text: str, problems: list[str]) -> date | None:
    value, problem = _parse_date(text) if len(text) <= 10 else (None, f"{_shown(text)} is not a dd/mm/yyyy date")
    if problem:
        problems.append(f"{name} {problem}")
    return value


def _time(name: str, text: str, problems: list[str]) -> time | None:
    value = _parse_time(text) if len(text) <= 5 else None
    if value is None:
        problems.append(f"{name} {_shown(text)} is not an HH:MM time")
    return value


def parse_row(fields: list[str]) -> Visit | str:
    """A clean Visit, or the reason (every problem found, joined by '; ') the row is rejected."""
    if fields.__class__ is UnreadableLine:  # not isinstance: the cheapest test, made on every row
        return fields.reason
    if len(fields) != len(EXPECTED_HEADER):
        return f"expected {len(EXPECTED_HEADER)} fields, found {len(fields)}"
    visit = _well_formed_visit(fields)
    return visit if visit is not None else _checked_row(fields)


def _checked_row(fields: list[str]) -> Visit | str:
    """The slow path, for a row of the right width: check each field and name every problem found."""
    (store_id, store_name, shopper_id, _shopper_name, store_type, employees, visit_date, start, end, score) = [
        field.strip() for field in fields
    ]
    problems: list[str] = []
    store_id = _whole("StoreID", store_id, 1, MAX_INTEGER, problems)
    store_name = _text("StoreName", store_name, MAX_STORE_NAME_BYTES, problems)
    shopper_id = _whole("MysteryShopperID", shopper_id, 1, MAX_INTEGER, problems)
    store_type = _text("StoreType", store_type, MAX_STORE_TYPE_BYTES, problems)
    employee_count = _whole("NumberOfStoreEmployees", employees, 0, MAX_INTEGER, problems)
    day = _date("VisitDate", visit_date, problems)
    start_time = _time("StartTime", start, problems)
    end_time = _time("EndTime", end, problems)
    overall_score = _whole("OverallScore", score, 1, 5, problems)
    if start_time is not None and end_time is not None and end_time < start_time:
        problems.append(f"EndTime {end} is before StartTime {start}")
    if problems:
        return "; ".join(problems)
    return Visit(
        visit_id_for(store_id, shopper_id, day, start_time),
        store_id,
        shopper_id,
        store_type,
        store_name,
        employee_count,
        day,
        start_time,
        end_time,
        overall_score,
    )


# The fast path. Nearly every row of a real file is well formed, and checking it field by field
# through _whole, _text, _date and _time (with a list of problems to fill) is most of the Lambda's
# CPU time. _well_formed_visit makes the common case's checks inline, each one as strict as the
# slow path's or stricter, and gives up (None) on anything else: then parse_row checks the row the
# slow way, which accepts the same rows with the same values and words every reason. So the fast
# path can only make a clean row faster, never change what a row becomes.
_SCORES = {str(score): score for score in range(1, 6)}
# What Visit(...) does, without the Python-level __new__ that NamedTuple puts in front of it (the
# same Visit, ten fields in order; one call a row fewer).
_make_visit = tuple.__new__
# The longest texts the cached checks are given: the longest valid fields, with room for spaces around them.
_MOST_STORE_TEXT = 2 * _MOST_DIGITS + MAX_STORE_NAME_BYTES + MAX_STORE_TYPE_BYTES + 32
_MOST_SHOPPER_TEXT = _MOST_DIGITS + 8


@lru_cache(maxsize=4096)
def _date_and_key(text: str) -> tuple[date, str] | None:
    """A valid dd/mm/yyyy date and its ISO text (for the visit id), else None; cached like _parse_date."""
    value = _parse_date(text)[0] if len(text) <= 10 else None
    return None if value is None else (value, value.isoformat())


@lru_cache(maxsize=4096)
def _time_and_key(text: str) -> tuple[time, str] | None:
    """A valid HH:MM time and its ISO text to the minute (for the visit id), else None."""
    value = _parse_time(text) if len(text) <= 5 else None
    return None if value is None else (value, value.isoformat("minutes"))


# A file names a few dozen stores (each with its name, type and head count) and a few hundred
# shoppers, row after row: the checks of those fields are made once per distinct text and looked
# up after that (bounded like the date and time caches). Each function is _well_formed_visit's
# checks of its fields, as strict as the slow path's or stricter, None when any is not plainly valid.
@lru_cache(maxsize=4096)
def _plain_store(store_id: str, store_name: str, store_type: str, employees: str) -> tuple[int, str, str, int] | None:
    """(store number, name, type, employee count), stripped and converted, when all four are plainly valid."""
    store_id, store_name, store_type, employees = (
        store_id.strip(),
        store_name.strip(),
        store_type.strip(),
        employees.strip(),
    )
    # Whole numbers: only ASCII digits, at most as many as MAX_INTEGER has, so int() takes them
    # quickly; texts: not blank, ASCII (so each character is a byte), short enough, no NUL.
    if not (
        store_id.isdigit()
        and employees.isdigit()
        and len(store_id) <= _MOST_DIGITS
        and len(employees) <= _MOST_DIGITS
        and 0 < len(store_name) <= MAX_STORE_NAME_BYTES
        and 0 < len(store_type) <= MAX_STORE_TYPE_BYTES
        and (store_id + employees + store_name + store_type).isascii()
        and "\x00" not in store_name
        and "\x00" not in store_type
    ):
        return None
    store_number, employee_count = int(store_id), int(employees)
    if not 1 <= store_number <= MAX_INTEGER or employee_count > MAX_INTEGER:
        return None
    return store_number, store_name, store_type, employee_count


@lru_cache(maxsize=4096)
def _plain_shopper(shopper_id: str) -> int | None:
    """The shopper's number when the text is plainly a valid one."""
    shopper_id = shopper_id.strip()
    if not (shopper_id.isdigit() and len(shopper_id) <= _MOST_DIGITS and shopper_id.isascii()):
        return None
    number = int(shopper_id)
    return number if 1 <= number <= MAX_INTEGER else None


def _well_formed_visit(fields: list[str]) -> Visit | None:
    """The row's Visit when every field is plainly valid, else None (parse_row then checks it in full)."""
    store_id, store_name, shopper_id, _shopper_name, store_type, employees, visit_date, start, end, score = fields
    # Only short texts reach the caches, which keep each key until 4,096 others push it out: a file
    # of long fields must not fill the Lambda's memory with them. A longer field (padded or too
    # long) goes the slow way, which gives the same result.
    if (
        len(store_id) + len(store_name) + len(store_type) + len(employees) > _MOST_STORE_TEXT
        or len(shopper_id) > _MOST_SHOPPER_TEXT
    ):
        return None
    # The checks are cached or written out rather than called (a call per field is a good part of the cost).
    store = _plain_store(store_id, store_name, store_type, employees)
    shopper_number = _plain_shopper(shopper_id)
    overall_score = _SCORES.get(score.strip())
    day = _date_and_key(visit_date.strip())
    start_time = _time_and_key(start.strip())
    end_time = _time_and_key(end.strip())
    if (
        store is None
        or shopper_number is None
        or overall_score is None
        or day is None
        or start_time is None
        or end_time is None
        or end_time[0] < start_time[0]
    ):
        return None
    store_number, store_name, store_type, employee_count = store
    return _make_visit(
        Visit,
        (
            _visit_id(store_number, shopper_number, day[1], start_time[1]),
            store_number,
            shopper_number,
            store_type,
            store_name,
            employee_count,
            day[0],
            start_time[0],
            end_time[0],
            overall_score,
        ),
    )


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
