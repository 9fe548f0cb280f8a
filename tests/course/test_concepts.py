"""Unit tests for the concept notebooks' helpers: columnar measurements, the MPP model, the quiz, the diagrams."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from redshift_course import columnar, diagrams, mpp, quiz


@pytest.fixture(scope="module")
def visits() -> pd.DataFrame:
    return columnar.measurement_visits(400)


# --- columnar -----------------------------------------------------------------------------------------
def test_layouts_hold_the_same_values(visits):
    rows = columnar.row_layout(visits)
    columns = columnar.column_layout(visits)
    assert set(columns) == set(visits.columns)
    # Same values, one separator byte after each value in both: exactly the same number of bytes.
    assert sum(len(c) for c in columns.values()) == len(rows)
    assert rows.count(b"\n") == len(visits)
    assert all(c.count(b"\n") == len(visits) for c in columns.values())


def test_one_column_query_reads_one_column_in_the_column_layout(visits):
    read = columnar.bytes_read(visits, ["overall_score"])
    assert read["column layout"] == len(columnar.column_layout(visits)["overall_score"])
    assert read["row layout"] == len(columnar.row_layout(visits))
    assert read["column layout"] * 5 < read["row layout"]


def test_bytes_read_names_missing_columns(visits):
    with pytest.raises(KeyError, match="no_such_column"):
        columnar.bytes_read(visits, ["no_such_column"])


def test_run_length_and_dictionary_sizes():
    assert columnar.run_length_size(["a", "a", "a", "b"]) == (1 + 4) * 2
    assert columnar.run_length_size([]) == 0
    # 2 distinct values: dictionary "a\0b\0" = 4 bytes + one byte per value
    assert columnar.dictionary_size(["a", "b", "a"]) == 4 + 3
    assert columnar.dictionary_size([str(i) for i in range(300)]) > 2 * 300


def test_low_cardinality_columns_compress_far_better_than_ids(visits):
    table = columnar.compression_table(visits)
    ratio = table["raw"] / table[["zlib", "lzma", "run-length", "dictionary"]].min(axis=1)
    assert ratio["store_type"] > ratio["visit_id"]
    assert table.loc["store_type", "distinct"] == visits["store_type"].nunique()
    assert set(table["best"]) <= {"zlib", "lzma", "run-length", "dictionary"}


def test_compressing_columns_separately_beats_compressing_rows(visits):
    sizes = columnar.whole_table_vs_per_column(visits)
    assert sizes["each column compressed alone"] < sizes["rows compressed together"] < sizes["raw"]


def test_zone_map_and_block_skipping():
    values = pd.Series(range(100))
    zones = columnar.zone_map(values, block_rows=10)
    assert len(zones) == 10
    assert zones.loc[3, "min"] == 30 and zones.loc[3, "max"] == 39
    assert columnar.blocks_to_scan(zones, 35, 44) == 2
    assert columnar.blocks_to_scan(zones, 1000, 2000) == 0


def test_sorting_lets_a_date_range_skip_most_blocks(visits):
    layouts = {
        "shuffled": columnar.shuffled(visits, seed=3),
        "as loaded": visits,
        "sorted": visits.sort_values("visit_date"),
    }
    report = columnar.block_scan_report(
        layouts, "visit_date", pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-31"), block_rows=100
    )
    shuffled, loaded, ordered = report["blocks scanned"]
    assert shuffled == report["blocks"].iloc[0]  # every shuffled block spans Jan..Jun
    assert ordered <= loaded <= report["blocks"].iloc[1] / 4  # March is about a sixth of the rows
    assert report["matching rows"].nunique() == 1


def test_parse_visits_reads_the_academy_format():
    text = (
        "StoreID,StoreName,MysteryShopperID,MysteryShopperName,StoreType,NumberOfStoreEmployees,"
        "VisitDate,StartTime,EndTime,OverallScore\n"
        '1203,"Manchester, Arndale",38,Lucy Tremayne,Shopping Centre,"19",01/03/2024,09:57,10:39,3\n'
    )
    table = columnar.parse_visits(text)
    assert list(table.columns) == list(columnar.VISIT_COLUMNS)
    row = table.iloc[0]
    assert row["store_name"] == "Manchester, Arndale" and row["number_of_store_employees"] == 19
    assert row["visit_date"] == pd.Timestamp("2024-03-01") and row["start_time"] == "09:57"


def test_rows_per_block_rejects_nonsense():
    assert columnar.rows_per_block(8192, 4) == 2048
    with pytest.raises(ValueError):
        columnar.rows_per_block(0, 4)
    with pytest.raises(ValueError):
        columnar.zone_map(pd.Series([1]), 0)


def test_measurement_table_is_reproducible():
    first = columnar.measurement_visits(30, months=("2024-03",))
    assert first.equals(columnar.measurement_visits(30, months=("2024-03",)))
    assert len(first) == 30 and first["visit_id"].tolist() == list(range(1, 31))


# --- mpp ----------------------------------------------------------------------------------------------
CLUSTER = mpp.Cluster(nodes=2, slices_per_node=2)


def test_cluster_shape():
    assert CLUSTER.slices == 4
    assert CLUSTER.node_of(3) == 1
    assert CLUSTER.labels()[2] == "node 1 / slice 2"
    with pytest.raises(ValueError):
        mpp.Cluster(nodes=0)


def test_stable_hash_is_crc32():
    assert mpp.stable_hash("Airport") == mpp.stable_hash("Airport")
    assert mpp.stable_hash(12) == mpp.stable_hash("12")


def test_even_spreads_rows_evenly(visits):
    counts = mpp.rows_per_slice(mpp.distribute(visits, CLUSTER, "EVEN"), CLUSTER)
    assert counts.sum() == len(visits)
    assert counts.max() - counts.min() <= 1
    assert mpp.skew_rows(counts) == pytest.approx(1.0, abs=0.01)


def test_key_puts_equal_values_on_one_slice(visits):
    placed = mpp.distribute(visits, CLUSTER, "KEY", key="store_id")
    assert placed.groupby("store_id")["slice"].nunique().max() == 1
    assert len(placed) == len(visits)


def test_low_cardinality_key_skews(visits):
    good = mpp.rows_per_slice(mpp.distribute(visits, CLUSTER, "KEY", key="visit_id"), CLUSTER)
    bad = mpp.rows_per_slice(mpp.distribute(visits, CLUSTER, "KEY", key="store_type"), CLUSTER)
    assert mpp.skew_rows(bad) > mpp.skew_rows(good)


def test_all_copies_to_every_node(visits):
    placed = mpp.distribute(visits.head(100), CLUSTER, "ALL")
    assert len(placed) == 100 * CLUSTER.nodes
    assert sorted(placed["slice"].unique()) == [0, 2]


def test_auto_resolves_by_size():
    assert mpp.resolve_style("auto", 10, None) == "ALL"
    assert mpp.resolve_style("AUTO", mpp.AUTO_ALL_MAX_ROWS + 1, None) == "EVEN"
    assert mpp.resolve_style("AUTO", mpp.AUTO_ALL_MAX_ROWS + 1, "store_id") == "KEY"
    with pytest.raises(ValueError, match="Unknown distribution style"):
        mpp.resolve_style("ROUND_ROBIN", 1, None)
    with pytest.raises(ValueError, match="needs a key"):
        mpp.distribute(pd.DataFrame({"a": [1]}), CLUSTER, "KEY", key="b")


def test_skew_with_an_empty_slice_is_infinite():
    assert math.isinf(mpp.skew_rows(pd.Series([5, 0, 3])))


def test_leader_merge_equals_a_single_machine_answer(visits):
    for style, key in (("EVEN", None), ("KEY", "store_type"), ("KEY", "store_id")):
        placed = mpp.distribute(visits, CLUSTER, style, key=key)
        merged = mpp.leader_merge(mpp.partial_aggregates(placed, "store_type", "overall_score"), "store_type")
        expected = visits.groupby("store_type")["overall_score"].mean().round(3)
        pd.testing.assert_series_equal(merged["average"], expected, check_names=False)


def test_join_steps():
    assert mpp.join_step(("KEY", "store_id"), ("ALL", None), "store_id") == "DS_DIST_ALL_NONE"
    assert mpp.join_step(("KEY", "store_id"), ("KEY", "store_id"), "store_id") == "DS_DIST_NONE"
    assert mpp.join_step(("KEY", "store_id"), ("EVEN", None), "store_id") == "DS_DIST_INNER"
    assert mpp.join_step(("EVEN", None), ("KEY", "store_id"), "store_id") == "DS_DIST_OUTER"
    assert mpp.join_step(("EVEN", None), ("EVEN", None), "store_id") == "DS_DIST_BOTH"


# --- quiz ---------------------------------------------------------------------------------------------
Q = quiz.Question("2 + 2?", ("3", "4"), 1, "Arithmetic.")


def test_check_by_index_and_text():
    assert quiz.check(Q, 1).correct
    assert quiz.check(Q, "4").correct
    assert not quiz.check(Q, 0).correct
    assert quiz.check(Q, 0).message.startswith("Not quite")
    assert not quiz.check(Q, None).correct
    assert "not one of the options" in quiz.check(Q, "5").message
    assert "does not exist" in quiz.check(Q, 7).message


def test_score_counts_unanswered_as_wrong():
    assert quiz.score([Q, Q, Q], [1, None, "3"]) == (1, 3)
    with pytest.raises(ValueError):
        quiz.score([Q], [])


def test_questions_are_well_formed():
    with pytest.raises(ValueError):
        quiz.Question("?", ("only",), 0, "")
    with pytest.raises(ValueError):
        quiz.Question("?", ("a", "b"), 2, "")
    assert len(quiz.QUESTIONS) >= 10
    assert quiz.score(quiz.QUESTIONS, [q.answer for q in quiz.QUESTIONS]) == (len(quiz.QUESTIONS),) * 2


def test_text_version_lists_every_question_and_hides_answers():
    text = quiz.as_text(quiz.QUESTIONS)
    assert text.count("\nQ") + text.startswith("Q") == len(quiz.QUESTIONS)
    assert "<- answer" not in text
    assert quiz.as_text([Q], with_answers=True).count("<- answer") == 1


def test_widget_reveals_a_question_only_when_it_is_checked():
    box = quiz.widget([Q, Q])
    (first, second), total = box.children[:2], box.children[2]
    prompt, picker, button, feedback = first.children
    picker.value = "4"
    assert feedback.value == "" and second.children[3].value == ""  # nothing shown before a check
    button.click()
    assert "Correct" in feedback.value and second.children[3].value == ""
    assert "1 / 2" in total.value


def test_the_quiz_file_puts_the_right_answer_under_every_letter():
    letters = [q.answer for q in quiz.QUESTIONS]
    assert set(letters) == {0, 1, 2, 3}
    assert max(letters.count(n) for n in range(4)) - min(letters.count(n) for n in range(4)) <= 1


def test_a_quiz_file_with_a_wrong_answer_letter_is_refused(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text("- question: Q?\n  options: [a, b]\n  answer: c\n  why: because\n")
    with pytest.raises(ValueError, match="not one of ab"):
        quiz.load(path)


# --- diagrams -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(diagrams.ALL_DIAGRAMS))
def test_every_diagram_draws(name):
    fig = diagrams.ALL_DIAGRAMS[name]()
    assert fig.get_size_inches()[0] >= 9
    assert fig.axes[0].get_title()
    matplotlib.pyplot.close(fig)


def test_pipeline_rejects_unknown_stage():
    with pytest.raises(ValueError):
        diagrams.pipeline("later")


def test_save_all_writes_reproducible_svgs(tmp_path):
    first = {p.name: p.read_bytes() for p in diagrams.save_all(tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in diagrams.save_all(tmp_path / "b")}
    assert first == second and len(first) == len(diagrams.ALL_DIAGRAMS)


def test_the_quiz_quotes_what_the_notebooks_measured():
    """Each measurement a "why" quotes is in that notebook's committed outputs (the yaml's "measured")."""
    import json
    import re

    import yaml

    from redshift_course.paths import REPO_ROOT

    def outputs(number: str) -> str:
        (path,) = (REPO_ROOT / "notebooks").glob(f"{number}_*.ipynb")
        texts = []
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                texts.append("".join(output.get("text", "")) + "".join(output.get("data", {}).get("text/plain", "")))
        return "\n".join(texts)

    claims = [claim for item in yaml.safe_load(quiz.QUIZ_FILE.read_text()) for claim in item.get("measured", [])]
    assert len(claims) >= 5
    for claim in claims:
        assert re.search(claim["output"], outputs(claim["notebook"])), claim
