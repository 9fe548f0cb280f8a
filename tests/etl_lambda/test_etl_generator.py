"""The data files: the committed generator recreates them byte for byte, and they have the facts
the session relies on."""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter

import generate_mystery_shops as gen
import pytest
from botocore.response import StreamingBody
from etl_utils import s3_utils
from etl_utils.transform_utils import Reject, check_header, read_records, transform
from lambda_fakes import DATA


def checked(data: bytes):
    records = read_records(s3_utils.open_text(StreamingBody(io.BytesIO(data), len(data))))
    check_header(next(records)[1])
    return list(transform(records))


def test_generator_recreates_every_shipped_file_byte_for_byte(tmp_path):
    written = gen.write_handout_files(tmp_path)
    assert [p.name for p in written] == [f"mystery_shops_2024-0{m}.csv" for m in range(1, 7)]
    for path in written:
        assert path.read_bytes() == (DATA / path.name).read_bytes(), f"{path.name} differs: rerun the generator"


def test_generator_runs_as_a_script(tmp_path):
    subprocess.run(
        [sys.executable, str(DATA / "generate_mystery_shops.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "mystery_shops_2024-03.csv").read_bytes() == (DATA / "mystery_shops_2024-03.csv").read_bytes()


@pytest.mark.parametrize("month", gen.HANDOUT_MONTHS)
def test_each_month_is_big_and_varied_enough(month):
    visits = gen.month_visits(month)
    assert len(visits) >= 300
    assert len({v.store.store_id for v in visits}) >= 15
    assert len({v.shopper_id for v in visits}) >= 20
    assert len({v.store.store_type for v in visits}) >= 4
    assert {(v.year, v.month) for v in visits} == {tuple(int(p) for p in month.split("-"))}


@pytest.mark.parametrize("month", gen.HANDOUT_MONTHS)
def test_store_of_the_month_is_clear_except_in_the_tie_month(month):
    (best, _), (second, _) = gen.averages(gen.month_visits(month))[:2]
    if month == gen.TIE_MONTH:
        assert best == second
    else:
        assert best > second


def test_the_store_of_the_month_changes_over_the_half_year():
    winners = {gen.averages(gen.month_visits(m))[0][1] for m in gen.HANDOUT_MONTHS}
    assert len(winners) >= 4


def test_line_endings_and_byte_order_marks():
    for month in gen.HANDOUT_MONTHS:
        data = (DATA / gen.handout_filename(month)).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") == (month == gen.BOM_MONTH)
        crlf, lf = data.count(b"\r\n"), data.count(b"\n")
        assert (crlf == lf) if month == gen.CRLF_MONTH else crlf == 0


@pytest.mark.parametrize("month", sorted(set(gen.HANDOUT_MONTHS) - {gen.HANDOUT_MONTH}))
def test_months_other_than_the_handout_are_clean(month):
    results = checked((DATA / gen.handout_filename(month)).read_bytes())
    assert not [r for r in results if isinstance(r, Reject)]
    assert len(results) == len(gen.month_visits(month))


def test_handout_file_loads_every_generated_visit_and_rejects_only_the_broken_lines():
    results = checked((DATA / "mystery_shops_2024-03.csv").read_bytes())
    loaded = [r for r in results if not isinstance(r, Reject)]
    assert len(loaded) == len(gen.month_visits("2024-03")) >= 300
    assert len(results) - len(loaded) == 5


def test_benchmark_rows_are_clean_and_unique():
    out = io.StringIO()
    gen.write_benchmark_file(out, 5000)
    results = checked(out.getvalue().encode())
    assert len(results) == 5000
    assert not [r for r in results if isinstance(r, Reject)]
    assert Counter(len(line.split('"')) for line in out.getvalue().splitlines()[1:]).keys() <= {3, 5}


def test_benchmark_file_from_the_command_line(tmp_path):
    path = tmp_path / "big.csv"
    subprocess.run(
        [sys.executable, str(DATA / "generate_mystery_shops.py"), "--rows", "1200", "--out", str(path)],
        check=True,
        capture_output=True,
    )
    lines = path.read_text().splitlines()
    assert lines[0] == gen.HEADER and len(lines) == 1201
