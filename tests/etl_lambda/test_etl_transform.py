"""Transform: every messy row of the handout file, each validation rule, headers, BOM, CRLF, duplicates."""

from __future__ import annotations

import io
from datetime import date, time

import pytest
from botocore.response import StreamingBody
from etl_utils import s3_utils
from etl_utils.transform_utils import (
    EXPECTED_HEADER,
    MAX_INTEGER,
    BadFileError,
    Reject,
    Visit,
    check_header,
    parse_row,
    read_records,
    transform,
    visit_id_for,
)
from lambda_fakes import data_file

HEADER = ",".join(EXPECTED_HEADER)
GOOD = '1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,3'


def records_of(data: bytes):
    return read_records(s3_utils.open_text(StreamingBody(io.BytesIO(data), len(data))))


def checked(data: bytes):
    records = records_of(data)
    check_header(next(records)[1])
    return list(transform(records))


def fields(line: str) -> list[str]:
    return next(records_of(line.encode()))[1]


def test_a_good_row_becomes_a_visit_without_the_shoppers_name():
    visit = parse_row(fields(GOOD))
    assert visit == Visit(
        visit_id_for(1487, 22, date(2024, 3, 13), time(10, 5)),
        1487,
        22,
        "Free Standing",
        "Leeds",
        12,
        date(2024, 3, 13),
        time(10, 5),
        time(10, 30),
        3,
    )
    assert "Rory Gilmore" not in repr(visit)


def test_the_handout_files_messy_rows_and_their_reasons():
    results = checked(data_file("2024-03"))
    rejects = [(r.line, r.reason) for r in results if isinstance(r, Reject)]
    assert rejects == [
        (37, "OverallScore is blank"),
        (90, "OverallScore 7 is not between 1 and 5"),
        (177, "VisitDate 31/02/2024 does not exist"),
        (235, "EndTime 17:47 is before StartTime 18:02"),
        (284, "duplicate of the visit on line 281"),
    ]
    assert len(results) == 349 and len(results) - len(rejects) == 344


def test_the_handout_files_untidy_but_valid_rows_load():
    lines = data_file("2024-03").decode().splitlines()
    unquoted, spaced = parse_row(fields(lines[51])), parse_row(fields(lines[118]))
    assert lines[51].count('"') == 0 and unquoted.number_of_store_employees == 14
    assert lines[118].startswith(" 1444,Swansea ,")
    assert (spaced.store_id, spaced.store_name, spaced.store_type, spaced.end_time) == (
        1444,
        "Swansea",
        "Free Standing",
        time(17, 47),
    )
    manchester = parse_row(fields(lines[1]))
    assert manchester.store_name == "Manchester, Piccadilly"


@pytest.mark.parametrize(
    "line, reason",
    [
        ('1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,', "OverallScore is blank"),
        (
            '1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,7',
            "OverallScore 7 is not between 1 and 5",
        ),
        (
            '1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,0',
            "OverallScore 0 is not between 1 and 5",
        ),
        (
            '1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,3.5',
            "OverallScore '3.5' is not a whole number",
        ),
        (
            '1487,Leeds,22,Rory Gilmore,Free Standing,"12",31/02/2024,10:05,10:30,3',
            "VisitDate 31/02/2024 does not exist",
        ),
        (
            '1487,Leeds,22,Rory Gilmore,Free Standing,"12",2024-03-13,10:05,10:30,3',
            "VisitDate '2024-03-13' is not a dd/mm/yyyy date",
        ),
        (
            '1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:30,10:05,3',
            "EndTime 10:05 is before StartTime 10:30",
        ),
        (
            '1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,25:00,10:30,3',
            "StartTime '25:00' is not an HH:MM time",
        ),
        (
            '1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10.30,3',
            "EndTime '10.30' is not an HH:MM time",
        ),
        (
            '1487,Leeds,22,Rory Gilmore,Free Standing,"-1",13/03/2024,10:05,10:30,3',
            "NumberOfStoreEmployees '-1' is not a whole number",
        ),
        (
            '1487,Leeds,22,Rory Gilmore,Free Standing,"twelve",13/03/2024,10:05,10:30,3',
            "NumberOfStoreEmployees 'twelve' is not a whole number",
        ),
        (
            '14a7,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,3',
            "StoreID '14a7' is not a whole number",
        ),
        ('1487,Leeds,,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,3', "MysteryShopperID is blank"),
        (
            '99999999999,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,3',
            "StoreID 99999999999 is not between 1 and 2147483647",
        ),
        ('1487, ,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,3', "StoreName is blank"),
        (
            "1487," + "X" * 101 + ',22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,3',
            "StoreName is longer than 100 bytes",
        ),
        ('1487,Leeds,22,Rory Gilmore,"12",13/03/2024,10:05,10:30,3', "expected 10 fields, found 9"),
        (
            '1487,Leeds, Kirkstall,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,3',
            "expected 10 fields, found 11",
        ),
    ],
)
def test_each_rule_gives_its_reason(line, reason):
    assert parse_row(fields(line)) == reason


def test_every_problem_of_a_row_is_reported():
    reason = parse_row(fields('x,Leeds,22,Rory Gilmore,Free Standing,"12",31/02/2024,10:05,10:30,9'))
    assert reason == (
        "StoreID 'x' is not a whole number; VisitDate 31/02/2024 does not exist; OverallScore 9 is not between 1 and 5"
    )


@pytest.mark.parametrize(
    "line",
    [
        "1487,Leeds,22,Rory Gilmore,Free Standing,12,13/03/2024,10:05,10:30,3",  # unquoted count
        ' 1487 , Leeds ,22, Rory Gilmore ,Free Standing, "12" ,13/03/2024, 10:05,10:30 , 3 ',  # stray spaces
        '1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/3/2024,10:05,10:30,3',  # one-digit month
    ],
)
def test_untidy_but_valid_rows_give_the_same_visit(line):
    assert parse_row(fields(line)) == parse_row(fields(GOOD))


def test_a_visit_may_end_the_minute_it_starts():
    assert parse_row(fields(GOOD.replace("10:30", "10:05"))).end_time == time(10, 5)


def test_zero_employees_is_allowed():
    assert parse_row(fields(GOOD.replace('"12"', '"0"'))).number_of_store_employees == 0


def test_a_comma_in_a_quoted_store_name_is_kept():
    visit = parse_row(fields(GOOD.replace("Leeds", '"Leeds, Kirkstall Road"')))
    assert visit.store_name == "Leeds, Kirkstall Road"


def test_the_second_copy_of_a_visit_is_rejected_even_if_another_column_differs():
    data = "\n".join([HEADER, GOOD, GOOD.replace(",3", ",3"), GOOD[:-1] + "5", GOOD.replace("10:05", "10:06")])
    results = checked(data.encode())
    assert [getattr(r, "reason", "visit") for r in results] == [
        "visit",
        "duplicate of the visit on line 2",
        "duplicate of the visit on line 2",
        "visit",
    ]


def test_a_bom_and_crlf_line_endings_are_read_like_plain_lf():
    plain = f"{HEADER}\n{GOOD}\n".encode()
    windows = b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n")
    assert checked(windows) == checked(plain)
    assert checked(data_file("2024-02"))[0].store_name  # the CRLF month
    assert len(checked(data_file("2024-04"))) == 322  # the BOM month


def test_line_numbers_count_physical_lines_and_blank_lines_are_skipped():
    data = f'{HEADER}\n\n{GOOD}\n\n1487,Leeds,22,Rory Gilmore,Free Standing,"12",13/03/2024,10:05,10:30,\n\n'
    results = checked(data.encode())
    assert [r.line for r in results if isinstance(r, Reject)] == [5]
    assert len(results) == 2


@pytest.mark.parametrize(
    "header",
    [
        "StoreID;StoreName;MysteryShopperID",
        "store_id,store_name,mystery_shopper_id,name,store_type,employees,visit_date,start,end,score",
        ",".join(EXPECTED_HEADER[:-1]),
        '{"StoreID": 1487}',
    ],
)
def test_a_wrong_header_names_what_was_expected(header):
    with pytest.raises(BadFileError, match=r"has the wrong header: expected 'StoreID,StoreName,.*OverallScore', found"):
        check_header(fields(header))


def test_a_header_with_spaces_is_fine():
    check_header(fields(" StoreID , StoreName," + ",".join(EXPECTED_HEADER[2:])))


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not UTF-8 text"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 20, "is not a text file"),
        (HEADER.encode() + b"\n" + GOOD.encode() + b"\n\xff\xfe broken", "is not UTF-8 text"),
    ],
)
def test_binary_files_are_not_csv(data, message):
    with pytest.raises(BadFileError, match=message):
        checked(data)


def test_a_nul_in_a_text_field_rejects_the_row_not_the_file():
    assert parse_row(fields(GOOD.replace("Leeds", "Le\x00eds"))) == "StoreName holds a NUL character"


def test_visit_ids_are_stable_positive_bigints():
    visit_id = visit_id_for(1487, 22, date(2024, 3, 13), time(10, 5))
    assert visit_id == visit_id_for(1487, 22, date(2024, 3, 13), time(10, 5))
    assert 0 < visit_id < 2**63
    assert visit_id != visit_id_for(1487, 22, date(2024, 3, 13), time(10, 6))


@pytest.mark.parametrize(
    "line",
    [
        GOOD,
        "0001487,Leeds,022,Rory Gilmore,Free Standing,0,13/03/2024,10:05,10:30,05",  # leading zeros
        "1487,Léeds,22,Rory Gilmore,Free Standing,12,13/03/2024,10:05,10:30,3",  # not ASCII
        "1487, Leeds ,22,Rory Gilmore, Free Standing ,12,3/3/2024,7:05,7:05,5",  # spaces, short date and time
        f"2147483647,{'L' * 100},2147483647,R,{'T' * 50},2147483647,29/02/2024,00:00,23:59,1",  # every limit
        f"2147483648,{'L' * 101},0,R,{'T' * 51},99999999999,30/02/2024,24:00,23:60,6",  # just past each
        "1487,Leeds,22,Rory Gilmore,Free Standing,12,13/03/2024,10:30,10:05,3",  # ends before it starts
        "1487,Le\x00eds,22,Rory Gilmore,Free Standing,١٢,13/03/2024,10:05,10:30,²",  # NUL, digits not 0-9
        "1487,Leeds,22,Rory Gilmore,Free Standing,12,2024-03-13,10:05:00,10:30,3",  # other formats
    ],
)
def test_the_fast_path_accepts_only_what_the_full_check_accepts_with_the_same_values(line):
    from etl_utils import transform_utils

    row = fields(line)
    fast = transform_utils._well_formed_visit(row)
    full = transform_utils._checked_row(row)
    assert fast is None or fast == full
    assert parse_row(row) == full
    if line == GOOD:
        assert fast is not None  # the common row takes the fast path


@pytest.mark.parametrize("month", ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"])
def test_the_fast_path_agrees_with_the_full_check_on_every_row_of_the_handout_files(month):
    from etl_utils import transform_utils

    records = records_of(data_file(month))
    next(records)
    for _, row in records:
        if row.__class__ is not transform_utils.UnreadableLine and len(row) == len(EXPECTED_HEADER):
            fast = transform_utils._well_formed_visit(row)
            assert fast is None or fast == transform_utils._checked_row(row), row


def test_visit_ids_are_the_blake2b_of_the_natural_key_as_they_always_were():
    import hashlib

    key = b"1487|22|2024-03-13|10:05"  # store|shopper|ISO date|start to the minute
    expected = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") >> 1
    assert visit_id_for(1487, 22, date(2024, 3, 13), time(10, 5)) == expected
    assert parse_row(fields(GOOD)).visit_id == expected


def test_the_cached_checks_agree_with_the_full_check_past_their_cache_size():
    """The fast path's store and shopper checks are cached per distinct text (4,096 kept): a file of
    more distinct stores and shoppers than that gets the same visits, the cache or not."""
    from etl_utils import transform_utils

    for n in (*range(1, 5001), 0, 2147483647, 2147483648):
        for line in (
            f"{n}" + GOOD[4:],
            GOOD.replace(",22,", f",{n},").replace("Leeds", f"Leeds {n % 7}"),
            f" {n:08d} " + GOOD[4:],
        ):
            row = fields(line)
            fast, full = transform_utils._well_formed_visit(row), transform_utils._checked_row(row)
            assert fast == full if 0 < n <= MAX_INTEGER else fast is None and isinstance(full, str), line


def test_long_fields_never_reach_the_caches_and_are_checked_the_slow_way():
    """A file of 4,096 rows with 100 kB store names must not keep 400 MB of keys in the fast path's
    caches: fields longer than any valid one skip them, and the slow path gives the same result."""
    from etl_utils import transform_utils

    transform_utils._plain_store.cache_clear()
    transform_utils._plain_shopper.cache_clear()
    for line in (
        GOOD.replace("Leeds", "L" * 100_000),
        GOOD.replace(",22,", f",{'2' * 100_000},"),
        GOOD.replace("Leeds", "Leeds" + " " * 200),  # valid once stripped: the slow path loads it
    ):
        row = fields(line)
        assert transform_utils._well_formed_visit(row) is None
        assert parse_row(row) == transform_utils._checked_row(row)
    assert transform_utils._plain_store.cache_info().currsize == 0
    assert transform_utils._plain_shopper.cache_info().currsize == 0
    assert isinstance(parse_row(fields(GOOD.replace("Leeds", "Leeds" + " " * 200))), Visit)
