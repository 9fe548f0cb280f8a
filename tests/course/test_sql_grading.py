"""The SQL grader: a right answer passes, a hard-coded one fails on the hidden variant, each common
mistake gets its own hint, row order, column names and harmless types do not count, the real table
is never changed and nothing printed holds a password. On a local Redshift of the test's own holding
the shipped data, loaded with the pipeline's code."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from warehouse_support import visits_warehouse

from local_cloud.redshift.admin import read_admin_credentials
from redshift_course.paths import REPO_ROOT
from redshift_course.sql_exercises import grade_files
from redshift_course.sql_grading import HARD_CODED_HINT, PLACEHOLDER, Checker, Result, differences
from redshift_course.sql_solutions import exercises_by_slug, load_exercises
from redshift_course.sql_variant import variant_visits

DATABASE = "grading_check"
SQL_EXERCISES_DIR = REPO_ROOT / "handouts" / "exercises" / "sql"  # the learners' files
EXERCISES = load_exercises()
MISTAKES = [(exercise, mistake) for exercise in EXERCISES for mistake in exercise.mistakes]
MISTAKE_IDS = [f"{e.name}-{e.mistakes.index(m) + 1}" for e, m in MISTAKES]


@pytest.fixture(scope="module")
def warehouse():
    with visits_warehouse(DATABASE, "grading-redshift-") as redshift:
        yield redshift


@pytest.fixture(scope="module")
def checker(warehouse):
    return Checker(connect=lambda: warehouse.admin(DATABASE))


def rows_in_real_table(warehouse) -> int:
    with warehouse.admin(DATABASE) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT COUNT(*) FROM mystery_shop_visit")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.name for e in EXERCISES])
def test_the_answer_passes(checker, exercise):
    verdict = checker.grade(exercise, exercise.solution)
    assert verdict.passed, str(verdict)
    assert "right" in str(verdict)


@pytest.mark.parametrize("exercise, mistake", MISTAKES, ids=MISTAKE_IDS)
def test_each_mistake_fails_with_its_own_hint(checker, exercise, mistake):
    verdict = checker.grade(exercise, mistake.sql)
    assert not verdict.passed, f"{exercise.name}: the mistake gives the right answer, so its hint is never shown"
    assert verdict.lines[-1] == f"Hint: {mistake.hint}", str(verdict)


def test_every_exercise_names_a_common_mistake():
    assert all(exercise.mistakes for exercise in EXERCISES)


def test_a_hard_coded_answer_fails_on_the_variant(checker, warehouse):
    visits = rows_in_real_table(warehouse)
    verdict = checker.grade("count_visits", f"SELECT {visits} AS visits")
    assert not verdict.passed
    assert HARD_CODED_HINT in str(verdict)
    assert f"you have {visits} where the answer has {len(variant_visits())}" in str(verdict)


def test_row_order_column_names_and_column_order_do_not_count(checker):
    reordered = """
        SELECT COUNT(*) AS n, store_name AS name, store_id AS id
        FROM mystery_shop_visit GROUP BY store_id, store_name ORDER BY n, name DESC"""
    assert not checker.grade("visits_per_store", reordered).passed  # columns in another order, other names
    renamed = """
        SELECT store_id AS id, store_name AS name, COUNT(*) AS n
        FROM mystery_shop_visit GROUP BY 1, 2 ORDER BY n ASC, name DESC"""
    assert checker.grade("visits_per_store", renamed).passed
    same_names_other_order = """
        SELECT COUNT(*) AS visits, store_name, store_id
        FROM mystery_shop_visit GROUP BY store_id, store_name"""
    assert checker.grade("visits_per_store", same_names_other_order).passed


def test_bigint_and_an_unrounded_float_average_are_the_same_answer(checker):
    sql = """
        SELECT store_id, store_name, COUNT(*)::BIGINT, AVG(overall_score::FLOAT)
        FROM mystery_shop_visit
        WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31'
        GROUP BY store_id, store_name"""
    verdict = checker.grade("average_score_march", sql)
    assert verdict.passed, str(verdict)


def test_rounding_is_to_the_answers_decimals():
    answer = Result(("average",), ((Decimal("3.67"),),))
    assert differences(Result(("a",), ((3.6666667,),)), answer) == []
    assert differences(Result(("a",), ((3.664,),)), answer) != []
    assert differences(Result(("a",), ((4,),)), answer) != []
    whole = Result(("visits",), ((12,),))
    assert differences(Result(("v",), ((12.0,),)), whole) == []
    assert differences(Result(("v",), ((12.4,),)), whole) != []


def test_an_empty_or_comment_only_query_asks_for_one(checker):
    for sql in ("", "-- my query\n", None, PLACEHOLDER, f"-- Your SQL here\n{PLACEHOLDER};"):
        verdict = checker.grade("count_visits", sql)
        assert not verdict.passed and "no query yet" in str(verdict)


def test_a_refused_query_shows_redshifts_message(checker):
    verdict = checker.grade("count_visits", "SELECT COUNT(*) FROM mystery_shop_visits")
    assert not verdict.passed
    assert "Redshift refused the query" in str(verdict) and "mystery_shop_visits" in str(verdict)


def test_the_real_table_is_never_changed(checker, warehouse):
    before = rows_in_real_table(warehouse)
    verdict = checker.grade("count_visits", "DELETE FROM mystery_shop_visit")
    assert not verdict.passed
    assert rows_in_real_table(warehouse) == before
    with warehouse.admin(DATABASE) as connection:  # and no temporary table is left in any session
        cursor = connection.cursor()
        cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'mystery_shop_visit'")
        assert cursor.fetchone()[0] == 1


def test_nothing_printed_holds_the_password(checker, warehouse, capsys):
    password = read_admin_credentials(warehouse.data_dir)["password"]
    for exercise in EXERCISES[:3]:
        checker(exercise.slug, exercise.solution)
        checker(exercise.slug, exercise.mistakes[0].sql)
    checker("count_visits", "SELECT nope FROM mystery_shop_visit")
    out = capsys.readouterr()
    assert password not in out.out + out.err
    assert str(warehouse.port) not in out.out  # nor where the database listens


def test_unknown_exercise_names_the_known_ones(checker):
    with pytest.raises(KeyError, match="count_visits"):
        checker.grade("count_vists", "SELECT 1")
    assert exercises_by_slug()["01_count_visits"] is exercises_by_slug()["count_visits"]


# --- the variant holds the traps the hints name -------------------------------------------------------
def _monthly():
    scores = defaultdict(lambda: defaultdict(list))
    for visit in variant_visits():
        scores[visit.visit_date.strftime("%Y-%m")][visit.store_id].append(visit.overall_score)
    return scores


def test_the_variant_is_other_data_than_the_shipped_files(warehouse):
    assert len(variant_visits()) != rows_in_real_table(warehouse)


def test_the_variant_has_a_tie_for_store_of_the_month():
    def tied(per_store):
        averages = [sum(s) / len(s) for s in per_store.values() if len(s) >= 10]
        return averages.count(max(averages)) >= 2

    assert any(tied(per_store) for per_store in _monthly().values())


def test_the_variant_has_a_month_whose_best_average_has_too_few_visits():
    def best_has_few(per_store):
        best = max(per_store.values(), key=lambda s: sum(s) / len(s))
        return len(best) < 10

    assert any(best_has_few(per_store) for per_store in _monthly().values())


def test_the_variant_has_a_store_with_exactly_ten_visits_in_march():
    assert any(len(scores) == 10 for scores in _monthly()["2024-03"].values())


def test_the_variant_has_a_tie_for_fifth_busiest_shopper():
    counts = sorted(Counter(v.mystery_shopper_id for v in variant_visits()).values(), reverse=True)
    assert counts[4] == counts[5]


def test_the_terminal_grades_the_learners_files(checker, tmp_path, capsys):
    header = (SQL_EXERCISES_DIR / "04_stores_per_type.sql").read_text(encoding="utf-8")
    wrong = tmp_path / "04_stores_per_type.sql"
    wrong.write_text(header + "SELECT store_type, COUNT(*), COUNT(*) FROM mystery_shop_visit GROUP BY 1;\n")
    assert grade_files([wrong], checker) == 1
    assert "Counted rows, not stores" in capsys.readouterr().out
    right = tmp_path / "01_count_visits.sql"
    right.write_text(
        (SQL_EXERCISES_DIR / "01_count_visits.sql").read_text() + "SELECT COUNT(*) FROM mystery_shop_visit;\n"
    )
    assert grade_files([right], checker) == 0
    assert "✓ 01_count_visits" in capsys.readouterr().out
