"""The Developer Guide conformance corpus: load its YAML cases and run one on a connection.

Each ``*.yaml`` file beside this module holds a list of cases taken from the *Amazon Redshift
Database Developer Guide* (the page is named in ``page``). A case is a mapping with:

* ``id``      unique, snake_case.
* ``page``    the guide page the example and its documented result come from.
* ``sql``     one statement, run after ``setup`` (a list of statements, optional) in the same
              session; ``teardown`` (optional) runs afterwards whatever happened, errors ignored.
* exactly one expectation:
  ``rows``    the documented result: a list of rows, each a list of YAML scalars (may be combined
              with ``columns``);
  ``columns`` the expected column names, in order;
  ``error``   ``true`` (the statement must fail) or a substring of the expected message
              (case-insensitive);
  ``ok: true`` the statement must succeed, nothing else is checked.
* optional: ``ordered: false`` (rows compared as a multiset), ``types`` (one type name per column,
  e.g. ``integer``, ``bigint``, ``numeric``, ``double precision``, ``varchar``, ``date``,
  ``timestamp``; ``null`` skips a column; ``types`` may also stand alone as the expectation, for
  results whose values only a real cluster knows, such as GETDATE()), ``tolerance`` (relative,
  for floats), ``note``.

Comparison of one value (``expected`` from YAML, ``actual`` from redshift_connector):

* ``null`` matches only NULL; a boolean matches only a boolean (or the text ``t``/``f``/``true``/
  ``false``).
* an integer matches an integer, a float with that integral value, or a Decimal *without a
  fractional part*: ``2`` matches ``Decimal('2')`` but not ``Decimal('2.0000')`` – so AVG of an
  integer column returning a numeric with a scale counts as a difference, as on Redshift it is an
  integer.
* a float matches any number within ``tolerance`` (default 1e-9 relative, 1e-12 absolute).
* a string matched against a Decimal compares the Decimal's plain text (``'2.50'`` checks the
  scale); against an int or float it compares the number's text; against a date/time value the
  string is parsed and the *kind* must agree: ``'2008-02-28'`` is a DATE, ``'2008-02-28 00:00:00'``
  a TIMESTAMP, ``'2008-02-28 00:00:00+00'`` a TIMESTAMPTZ, ``'20:00:00'`` a TIME; otherwise strings
  compare exactly.
* a YAML date/datetime (unquoted) is treated like its text form.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
KNOWN_GAPS_FILE = HERE / "known_gaps.yaml"
EXPECTATIONS = ("rows", "columns", "error", "ok")
CASE_KEYS = {
    "id",
    "page",
    "sql",
    "setup",
    "teardown",
    "rows",
    "columns",
    "error",
    "ok",
    "ordered",
    "types",
    "tolerance",
    "note",
}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
PAGE_PATTERN = re.compile(r"^https://docs\.aws\.amazon\.com/redshift/latest/dg/[A-Za-z0-9_.\-]+\.html(#[\w\-]+)?$")


@dataclass(frozen=True)
class Outcome:
    passed: bool
    detail: str


# --- loading ---------------------------------------------------------------------------------


def case_files() -> list[Path]:
    return sorted(p for p in HERE.glob("*.yaml") if p != KNOWN_GAPS_FILE)


def load_cases(files: Iterable[Path] | None = None) -> list[dict[str, Any]]:
    """Every case of every category file, each with ``category`` (the file's stem) added."""
    cases: list[dict[str, Any]] = []
    for path in files if files is not None else case_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise ValueError(f"{path.name}: a list of cases expected")
        for case in data:
            problems = case_problems(case)
            if problems:
                raise ValueError(f"{path.name}: case {case.get('id', '?')!r}: {'; '.join(problems)}")
            cases.append({**case, "category": path.stem})
    ids = [c["id"] for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate case ids: {duplicates}")
    return cases


def load_known_gaps() -> dict[str, str]:
    if not KNOWN_GAPS_FILE.exists():
        return {}
    data = yaml.safe_load(KNOWN_GAPS_FILE.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError("known_gaps.yaml: a mapping of case id to reason expected")
    return {str(k): str(v) for k, v in data.items()}


def case_problems(case: Any) -> list[str]:
    if not isinstance(case, dict):
        return ["a case must be a mapping"]
    problems = []
    unknown = set(case) - CASE_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    if not ID_PATTERN.match(str(case.get("id", ""))):
        problems.append("id must be snake_case")
    if not PAGE_PATTERN.match(str(case.get("page", ""))):
        problems.append("page must be a Developer Guide URL (docs.aws.amazon.com/redshift/latest/dg/...)")
    if not isinstance(case.get("sql"), str) or not case["sql"].strip():
        problems.append("sql must be a statement")
    for key in ("setup", "teardown"):
        if key in case and not (isinstance(case[key], list) and all(isinstance(s, str) for s in case[key])):
            problems.append(f"{key} must be a list of statements")
    present = [k for k in EXPECTATIONS if k in case]
    if present == ["rows", "columns"] or (not present and "types" in case):
        pass
    elif len(present) != 1:
        problems.append(f"exactly one of rows/columns/error/ok expected (rows may come with columns), got {present}")
    if "types" in case and ("error" in case or "ok" in case):
        problems.append("types only goes with rows or columns (or alone)")
    if "rows" in case and not (isinstance(case["rows"], list) and all(isinstance(r, list) for r in case["rows"])):
        problems.append("rows must be a list of lists")
    if "columns" in case and not (
        isinstance(case["columns"], list) and all(isinstance(c, str) for c in case["columns"])
    ):
        problems.append("columns must be a list of names")
    if "ok" in case and case["ok"] is not True:
        problems.append("ok must be true")
    if "error" in case and not (case["error"] is True or isinstance(case["error"], str)):
        problems.append("error must be true or a message substring")
    return problems


# --- running ---------------------------------------------------------------------------------


def run_case(connection, case: dict[str, Any]) -> Outcome:
    """Runs ``case`` on ``connection`` (a redshift_connector connection; autocommit is switched on
    so that statements such as VACUUM run as they do from a learner's notebook)."""
    connection.autocommit = True
    cursor = connection.cursor()
    try:
        for statement in case.get("setup", []):
            try:
                cursor.execute(statement)
            except Exception as exc:  # noqa: BLE001 - any driver error fails the case
                return Outcome(False, f"setup statement failed: {statement!r}: {_message(exc)}")
        try:
            cursor.execute(case["sql"])
            description = cursor.description
            rows = [list(r) for r in cursor.fetchall()] if description else []
        except Exception as exc:  # noqa: BLE001
            if "error" in case:
                wanted = case["error"]
                if wanted is True or str(wanted).lower() in _message(exc).lower():
                    return Outcome(True, f"failed as expected: {_message(exc)}")
                return Outcome(False, f"failed, but without {wanted!r}: {_message(exc)}")
            return Outcome(False, f"statement failed: {_message(exc)}")
        if "error" in case:
            return Outcome(False, f"expected an error, got {_short(rows)}")
        if case.get("ok"):
            return Outcome(True, "ran")
        return compare_result(case, description, rows)
    finally:
        for statement in case.get("teardown", []):
            try:
                cursor.execute(statement)
            except Exception:  # noqa: BLE001 - teardown is best effort
                pass
        try:
            cursor.close()
        except Exception:  # noqa: BLE001
            pass


def compare_result(case: dict[str, Any], description, rows: list[list[Any]]) -> Outcome:
    names = [d[0] for d in description] if description else []
    if "columns" in case and names != case["columns"]:
        return Outcome(False, f"columns {names}, expected {case['columns']}")
    if "types" in case:
        problem = _type_problem(case["types"], description)
        if problem:
            return Outcome(False, problem)
    if "rows" not in case:
        return Outcome(True, "columns match")
    expected = case["rows"]
    tolerance = float(case.get("tolerance", 1e-9))
    if len(rows) != len(expected):
        return Outcome(False, f"{len(rows)} rows, expected {len(expected)}: got {_short(rows)}")
    for row in expected:
        if len(row) != len(names):
            return Outcome(False, f"{len(names)} columns {names}, expected rows of {len(row)}: {row}")
    if case.get("ordered", True):
        for number, (got, want) in enumerate(zip(rows, expected), start=1):
            mismatch = _row_mismatch(want, got, tolerance)
            if mismatch:
                return Outcome(False, f"row {number}: {mismatch}; got {_short(rows)}")
        return Outcome(True, "rows match")
    remaining = list(rows)
    for want in expected:
        for index, got in enumerate(remaining):
            if not _row_mismatch(want, got, tolerance):
                del remaining[index]
                break
        else:
            return Outcome(False, f"no row matches {want}; got {_short(rows)}")
    return Outcome(True, "rows match (any order)")


def _row_mismatch(want: list[Any], got: list[Any], tolerance: float) -> str | None:
    for column, (w, g) in enumerate(zip(want, got), start=1):
        if not values_match(w, g, tolerance):
            return f"column {column}: got {g!r}, expected {w!r}"
    return None


# --- value normalisation -------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def values_match(expected: Any, actual: Any, tolerance: float = 1e-9) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool):
        if isinstance(actual, bool):
            return expected is actual
        if isinstance(actual, str):
            return actual.strip().lower() in (("t", "true") if expected else ("f", "false"))
        return False
    if isinstance(expected, (dt.datetime, dt.date)):
        expected = _yaml_datetime_text(expected)
    if isinstance(expected, int):
        if isinstance(actual, bool):
            return False
        if isinstance(actual, int):
            return actual == expected
        if isinstance(actual, float):
            return actual == expected
        if isinstance(actual, Decimal):
            return actual == expected and actual.as_tuple().exponent >= 0
        return False
    if isinstance(expected, float):
        if isinstance(actual, bool) or not isinstance(actual, (int, float, Decimal)):
            return False
        return math.isclose(float(actual), expected, rel_tol=tolerance, abs_tol=1e-12)
    if isinstance(expected, str):
        return _text_matches(expected, actual)
    return expected == actual


def _text_matches(expected: str, actual: Any) -> bool:
    if isinstance(actual, str):
        return actual == expected
    if isinstance(actual, bool):
        return False
    if isinstance(actual, Decimal):
        return format(actual, "f") == expected
    if isinstance(actual, int):
        return str(actual) == expected
    if isinstance(actual, float):
        text = repr(actual)
        return (text[:-2] if text.endswith(".0") else text) == expected
    if isinstance(actual, dt.datetime):
        wanted = _parse_datetime_text(expected)
        return (
            isinstance(wanted, dt.datetime) and (wanted.tzinfo is None) == (actual.tzinfo is None) and wanted == actual
        )
    if isinstance(actual, dt.date):
        return bool(_DATE.match(expected)) and actual == dt.date.fromisoformat(expected)
    if isinstance(actual, dt.time):
        wanted = _parse_time_text(expected)
        if wanted is None or (wanted.tzinfo is None) != (actual.tzinfo is None):
            return False
        return wanted.replace(tzinfo=None) == actual.replace(tzinfo=None) and wanted.utcoffset() == actual.utcoffset()
    return str(actual) == expected


def _fraction(text: str | None) -> int:
    return int(((text or "")[1:] + "000000")[:6] or 0)


def _offset(hours: str | None, minutes: str | None) -> dt.timezone | None:
    if hours is None:
        return None
    sign = -1 if hours.startswith("-") else 1
    return dt.timezone(sign * dt.timedelta(hours=abs(int(hours)), minutes=int(minutes or 0)))


_TS_PARTS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([+-]\d{2})(?::?(\d{2}))?)?$")
_TIME_PARTS = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([+-]\d{2})(?::?(\d{2}))?)?$")


def _parse_datetime_text(text: str) -> dt.datetime | None:
    match = _TS_PARTS.match(text)
    if not match:
        return None
    y, mo, d, h, mi, s = (int(match.group(i)) for i in range(1, 7))
    return dt.datetime(y, mo, d, h, mi, s, _fraction(match.group(7)), tzinfo=_offset(match.group(8), match.group(9)))


def _parse_time_text(text: str) -> dt.time | None:
    match = _TIME_PARTS.match(text)
    if not match:
        return None
    h, mi, s = (int(match.group(i)) for i in range(1, 4))
    return dt.time(h, mi, s, _fraction(match.group(4)), tzinfo=_offset(match.group(5), match.group(6)))


def _yaml_datetime_text(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            text += f".{value.microsecond:06d}".rstrip("0")
        return text
    return value.isoformat()


# --- column types ----------------------------------------------------------------------------

TYPE_OIDS = {
    16: "boolean",
    20: "bigint",
    21: "smallint",
    23: "integer",
    25: "varchar",
    700: "real",
    701: "double precision",
    1042: "char",
    1043: "varchar",
    1082: "date",
    1083: "time",
    1114: "timestamp",
    1184: "timestamptz",
    1266: "timetz",
    1700: "numeric",
    19: "name",
    4000: "super",
}
TYPE_ALIASES = {
    "bool": "boolean",
    "int8": "bigint",
    "int2": "smallint",
    "int4": "integer",
    "int": "integer",
    "float4": "real",
    "float8": "double precision",
    "float": "double precision",
    "decimal": "numeric",
    "character varying": "varchar",
    "text": "varchar",
    "bpchar": "char",
    "character": "char",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "time without time zone": "time",
    "time with time zone": "timetz",
}


def _type_problem(types: list[Any], description) -> str | None:
    if not description or len(types) != len(description):
        return f"types lists {len(types)} columns, the result has {len(description or [])}"
    for index, (wanted, column) in enumerate(zip(types, description), start=1):
        if wanted is None:
            continue
        wanted_name = TYPE_ALIASES.get(str(wanted).lower(), str(wanted).lower())
        got = TYPE_OIDS.get(column[1], f"oid {column[1]}")
        if got != wanted_name:
            return f"column {index} ({column[0]}) has type {got}, expected {wanted_name}"
    return None


def _message(exc: BaseException) -> str:
    if exc.args and isinstance(exc.args[0], dict):
        fields = exc.args[0]
        return str(fields.get("M", exc))
    return str(exc)


def _short(rows: list[list[Any]], limit: int = 6) -> str:
    text = repr(rows[:limit])
    if len(rows) > limit:
        text = text[:-1] + f", ... ({len(rows)} rows)]"
    return text if len(text) < 600 else text[:600] + "..."
