"""Every SQL solution, run through the local Redshift on the shipped data, gives what pandas computes
on its own from the CSV files.

The table is loaded the way the pipeline loads it (the Lambda's own transform and load functions
from handouts/src, into a fresh database of a local Redshift of this test's own, on free ports).
The pandas side reads the CSVs itself and applies the validity rules from the pipeline's spec
(issue 3) independently: a row is kept only if its ids and employee count are whole numbers, its
date is a real dd/mm/yyyy date, its times are HH:MM with the end not before the start, and its
score is 1 to 5; the second copy of a visit (same store, shopper, date and start time) is dropped.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from warehouse_support import MONTH_FILES, visits_warehouse

from redshift_course.sql_solutions import load_exercises

MIN_VISITS = 10  # the threshold questions 10-13 use
STRICTNESS_MIN_VISITS = 50  # question 15
TEST_DATABASE = "exercises_check"


# --- the database side: the pipeline's own load code into a local Redshift of our own --------------
@pytest.fixture(scope="module")
def visits_connection():
    with visits_warehouse(TEST_DATABASE, "exercises-redshift-") as redshift:
        with redshift.admin(TEST_DATABASE) as connection:
            yield connection


def run(connection, sql: str) -> pd.DataFrame:
    cursor = connection.cursor()
    cursor.execute(sql)
    columns = [column[0] for column in cursor.description]
    return normalise(pd.DataFrame([list(row) for row in cursor.fetchall()], columns=columns))


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain comparable values: Decimal → float, date → 'YYYY-MM-DD', time → 'HH:MM'."""

    def plain(value):
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, datetime):
            return value.isoformat(sep=" ")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, time):
            return value.strftime("%H:%M")
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return None
        return value

    return frame.apply(lambda column: column.map(plain)).astype(object)


# --- the pandas side: the CSVs read and checked independently -------------------------------------
WHOLE = r"[0-9]+"


def read_visits(paths: list[Path]) -> pd.DataFrame:
    frames = []
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = [row for row in csv.reader(handle, skipinitialspace=True) if any(f.strip() for f in row)]
        header, body = rows[0], rows[1:]
        frame = pd.DataFrame(body, columns=[h.strip() for h in header]).apply(lambda c: c.str.strip())
        frame["source_file"] = path.name
        frames.append(frame)
    raw = pd.concat(frames, ignore_index=True)

    whole = lambda c: raw[c].str.fullmatch(WHOLE)  # noqa: E731
    parsed_date = pd.to_datetime(raw["VisitDate"], format="%d/%m/%Y", errors="coerce")
    start = pd.to_datetime(raw["StartTime"], format="%H:%M", errors="coerce")
    end = pd.to_datetime(raw["EndTime"], format="%H:%M", errors="coerce")
    score = pd.to_numeric(raw["OverallScore"].where(whole("OverallScore")), errors="coerce")
    valid = (
        whole("StoreID")
        & whole("MysteryShopperID")
        & whole("NumberOfStoreEmployees")
        & (raw["StoreName"] != "")
        & (raw["StoreType"] != "")
        & parsed_date.notna()
        & raw["VisitDate"].str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}")
        & start.notna()
        & end.notna()
        & (end >= start)
        & score.between(1, 5)
    )
    visits = pd.DataFrame(
        {
            "store_id": pd.to_numeric(raw["StoreID"], errors="coerce"),
            "store_name": raw["StoreName"],
            "mystery_shopper_id": pd.to_numeric(raw["MysteryShopperID"], errors="coerce"),
            "store_type": raw["StoreType"],
            "visit_date": parsed_date,
            "start": start,
            "end": end,
            "score": score,
            "source_file": raw["source_file"],
        }
    )[valid]
    visits = visits.drop_duplicates(subset=["store_id", "mystery_shopper_id", "visit_date", "start"], keep="first")
    visits = visits.astype({"store_id": int, "mystery_shopper_id": int, "score": int})
    visits["month"] = visits["visit_date"].dt.strftime("%Y-%m")
    visits["minutes"] = ((visits["end"] - visits["start"]).dt.total_seconds() // 60).astype(int)
    visits["date_text"] = visits["visit_date"].dt.strftime("%Y-%m-%d")
    visits["start_text"] = visits["start"].dt.strftime("%H:%M")
    visits["end_text"] = visits["end"].dt.strftime("%H:%M")
    return visits.reset_index(drop=True)


@pytest.fixture(scope="module")
def visits() -> pd.DataFrame:
    return read_visits(MONTH_FILES)


def per_store(frame: pd.DataFrame, keys=("store_id", "store_name")) -> pd.DataFrame:
    return frame.groupby(list(keys), as_index=False).agg(visits=("score", "size"), exact=("score", "mean"))


def monthly(visits: pd.DataFrame) -> pd.DataFrame:
    return per_store(visits, ("month", "store_id", "store_name"))


def winners(visits: pd.DataFrame) -> pd.DataFrame:
    table = monthly(visits)
    table = table[table["visits"] >= MIN_VISITS]
    best = table.groupby("month")["exact"].transform("max")
    # Equal averages of whole-number scores are equal fractions; compare them as such.
    top = table[(table["exact"] - best).abs() < 1e-9]
    return top.sort_values(["month", "store_name"]).reset_index(drop=True)


def r2(series: pd.Series) -> pd.Series:
    # Redshift's ROUND rounds halves away from zero; so does Decimal's ROUND_HALF_UP on exact values.
    return series.map(
        lambda v: None if pd.isna(v) else float(Decimal(repr(v)).quantize(Decimal("0.01"), "ROUND_HALF_UP"))
    )


def march(visits: pd.DataFrame) -> pd.DataFrame:
    return visits[visits["month"] == "2024-03"]


def expected_frames(visits: pd.DataFrame) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    out["01_count_visits"] = pd.DataFrame({"visits": [len(visits)]})

    first = visits.sort_values(["visit_date", "start", "store_id", "mystery_shopper_id"]).head(10)
    out["02_first_ten_visits"] = pd.DataFrame(
        {
            "store_id": first["store_id"],
            "store_name": first["store_name"],
            "mystery_shopper_id": first["mystery_shopper_id"],
            "visit_date": first["date_text"],
            "start_time": first["start_text"],
            "end_time": first["end_text"],
            "overall_score": first["score"],
        }
    )

    counts = per_store(visits).sort_values(["visits", "store_name"], ascending=[False, True])
    out["03_visits_per_store"] = counts[["store_id", "store_name", "visits"]]

    types = visits.groupby("store_type", as_index=False).agg(stores=("store_id", "nunique"), visits=("score", "size"))
    out["04_stores_per_type"] = types.sort_values(["stores", "store_type"], ascending=[False, True])

    def averaged(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.assign(average_score=r2(frame["exact"]))
        frame = frame.sort_values(["average_score", "store_name"], ascending=[False, True])
        return frame[["store_id", "store_name", "visits", "average_score"]]

    out["05_average_score_march"] = averaged(per_store(march(visits)))

    shoppers = visits.groupby("mystery_shopper_id", as_index=False).agg(
        visits=("score", "size"), stores_visited=("store_id", "nunique")
    )
    out["06_busiest_shoppers"] = shoppers.sort_values(["visits", "mystery_shopper_id"], ascending=[False, True]).head(5)

    durations = visits.groupby("store_type", as_index=False).agg(
        visits=("score", "size"),
        shortest_minutes=("minutes", "min"),
        longest_minutes=("minutes", "max"),
        average=("minutes", "mean"),
    )
    durations["average_minutes"] = durations["average"].map(
        lambda v: float(Decimal(repr(v)).quantize(Decimal("0.1"), "ROUND_HALF_UP"))
    )
    out["07_visit_duration"] = durations.sort_values(["average_minutes", "store_type"], ascending=[False, True])[
        ["store_type", "visits", "shortest_minutes", "longest_minutes", "average_minutes"]
    ]

    medians = visits.groupby("store_type", as_index=False).agg(
        median_score=("score", "median"), exact=("score", "mean")
    )
    medians["average_score"] = r2(medians["exact"])
    out["08_median_score_per_type"] = medians.sort_values("store_type")[["store_type", "median_score", "average_score"]]

    table = monthly(visits).assign(average_score=lambda f: r2(f["exact"]))
    out["09_monthly_average_per_store"] = table.sort_values(
        ["month", "average_score", "store_name"], ascending=[True, False, True]
    )[["month", "store_id", "store_name", "visits", "average_score"]]

    enough = per_store(march(visits))
    out["10_enough_visits"] = averaged(enough[enough["visits"] >= MIN_VISITS])

    won = winners(visits).assign(average_score=lambda f: r2(f["exact"]))
    out["11_store_of_the_month"] = won[["month", "store_id", "store_name", "visits", "average_score"]]
    out["12_store_of_the_month_qualify"] = out["11_store_of_the_month"]

    out["13_winners_listagg"] = won.groupby("month", as_index=False).agg(
        winners=("store_name", "size"), winning_stores=("store_name", lambda names: "; ".join(sorted(names)))
    )

    changes = monthly(visits).sort_values(["store_id", "month"])
    changes["previous"] = changes.groupby("store_id")["exact"].shift()
    changes = changes.assign(
        average_score=r2(changes["exact"]),
        previous_average=r2(changes["previous"]),
        change=r2(changes["exact"] - changes["previous"]),
    )
    out["14_month_over_month"] = changes.sort_values(["store_name", "store_id", "month"])[
        ["store_id", "store_name", "month", "average_score", "previous_average", "change"]
    ]

    compared = visits.assign(difference=visits["score"] - visits.groupby("store_id")["score"].transform("mean"))
    strict = compared.groupby("mystery_shopper_id", as_index=False).agg(
        visits=("score", "size"), exact=("difference", "mean")
    )
    strict = strict[strict["visits"] >= STRICTNESS_MIN_VISITS].copy()
    strict["average_difference"] = r2(strict["exact"])
    strict["strictness_rank"] = strict["exact"].round(9).rank(method="min").astype(int)
    out["15_shopper_strictness"] = strict.sort_values(["strictness_rank", "mystery_shopper_id"])[
        ["mystery_shopper_id", "visits", "average_difference", "strictness_rank"]
    ]
    return {name: normalise(frame.reset_index(drop=True)) for name, frame in out.items()}


QUESTIONS = load_exercises()


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def test_there_are_at_least_ten_questions_from_easy_to_hard():
    assert len(QUESTIONS) >= 10
    difficulties = [q.difficulty for q in QUESTIONS]
    assert difficulties == sorted(difficulties, key=("easy", "medium", "hard").index)


@pytest.fixture(scope="module")
def expected(visits) -> dict[str, pd.DataFrame]:
    return expected_frames(visits)


def test_every_question_has_an_independent_expected_result(expected):
    assert set(expected) == {q.name for q in QUESTIONS}


def test_the_shipped_data_exercises_the_questions(visits):
    """The data must make the interesting questions interesting: a tie, and stores left out."""
    won = winners(visits)
    assert won.groupby("month").size().max() >= 2, "some month should have tied winners"
    assert (per_store(march(visits))["visits"] < MIN_VISITS).any(), "March should have stores with too few visits"
    assert visits["store_name"].str.contains(",").any(), "a store name with a comma (question 13's separator)"
    shoppers = visits.groupby("mystery_shopper_id").size()
    assert (shoppers < STRICTNESS_MIN_VISITS).any(), "question 15 should leave out some shopper"


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.name for q in QUESTIONS])
def test_solution_matches_pandas(question, visits_connection, expected):
    actual = run(visits_connection, question.solution)
    expected = expected[question.name]
    assert list(actual.columns) == list(expected.columns), question.name
    assert len(actual) == len(expected), f"{question.name}: {len(actual)} rows, pandas has {len(expected)}"
    for column in expected.columns:
        for index, (got, want) in enumerate(zip(actual[column], expected[column])):
            if _missing(got) or _missing(want):
                assert _missing(got) and _missing(want), (
                    f"{question.name} row {index} {column}: SQL {got!r}, pandas {want!r}"
                )
            elif isinstance(want, float) or isinstance(got, float):
                assert got is not None and want is not None and abs(float(got) - float(want)) < 1e-6, (
                    f"{question.name} row {index} {column}: SQL {got!r}, pandas {want!r}"
                )
            else:
                assert got == want, f"{question.name} row {index} {column}: SQL {got!r}, pandas {want!r}"
