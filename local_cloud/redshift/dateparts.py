"""Redshift's date parts and their abbreviations: the one table behind both halves of the local
Redshift that need it.

* the SQL rewriter (`rewrite.py`) turns a part in DATE_PART/PGDATE_PART/EXTRACT into PostgreSQL's
  name for it (`dw` → `dow`, `ms` → `milliseconds`);
* the compatibility SQL's `_rs_datepart()`, which DATEDIFF and DATEADD call, is written from this
  table when the template is built (`datepart_function_sql`), so the two can never disagree.

Source: Amazon Redshift Database Developer Guide, "Date parts for date or timestamp functions".
"""

from __future__ import annotations

from typing import NamedTuple


class DatePart(NamedTuple):
    postgres: str  # PostgreSQL's date_part()/EXTRACT() name
    names: tuple[str, ...]  # what Redshift accepts (the part itself first)
    counts: bool  # whether DATEADD adds it and DATEDIFF counts it


DATE_PARTS = {
    "millennium": DatePart("millennium", ("millennium", "millennia", "mil", "mils"), True),
    "century": DatePart("century", ("century", "centuries", "c", "cent", "cents"), True),
    "decade": DatePart("decade", ("decade", "decades", "dec", "decs"), True),
    "epoch": DatePart("epoch", ("epoch",), False),
    "year": DatePart("year", ("year", "years", "y", "yr", "yrs"), True),
    "quarter": DatePart("quarter", ("quarter", "quarters", "qtr", "qtrs"), True),
    "month": DatePart("month", ("month", "months", "mon", "mons"), True),
    "week": DatePart("week", ("week", "weeks", "w"), True),
    "dayofweek": DatePart("dow", ("dayofweek", "dow", "dw", "weekday"), False),
    "dayofyear": DatePart("doy", ("dayofyear", "doy", "dy", "yearday"), False),
    "day": DatePart("day", ("day", "days", "d"), True),
    "hour": DatePart("hour", ("hour", "hours", "h", "hr", "hrs"), True),
    "minute": DatePart("minute", ("minute", "minutes", "m", "min", "mins"), True),
    "second": DatePart("second", ("second", "seconds", "s", "sec", "secs"), True),
    "millisecond": DatePart(
        "milliseconds",
        (
            "millisecond",
            "milliseconds",
            "ms",
            "msec",
            "msecs",
            "msecond",
            "mseconds",
            "millisec",
            "millisecs",
            "millisecon",
        ),
        True,
    ),
    "microsecond": DatePart(
        "microseconds",
        ("microsecond", "microseconds", "microsec", "microsecs", "usecond", "useconds", "us", "usec", "usecs"),
        True,
    ),
    "timezone": DatePart("timezone", ("timezone",), False),
    "timezone_hour": DatePart("timezone_hour", ("timezone_hour",), False),
    "timezone_minute": DatePart("timezone_minute", ("timezone_minute",), False),
}

# Any accepted name → PostgreSQL's name for the part.
POSTGRES_NAME = {name: part.postgres for part in DATE_PARTS.values() for name in part.names}
# Any accepted name of a part DATEADD/DATEDIFF take → the part.
COUNTED_PART = {name: key for key, part in DATE_PARTS.items() if part.counts for name in part.names}


def datepart_function_sql() -> str:
    """`pg_catalog._rs_datepart(text)`: a part's name or abbreviation → the part, else an error."""
    whens = "\n".join(f"    WHEN '{name}' THEN '{part}'" for name, part in COUNTED_PART.items())
    return (
        "CREATE OR REPLACE FUNCTION pg_catalog._rs_datepart(part text) RETURNS text\n"
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$\n"
        "SELECT COALESCE(CASE lower(btrim($1))\n"
        f"{whens}\n"
        "    END, pg_catalog._rs_bad_datepart($1))\n"
        "$$;\n"
    )
