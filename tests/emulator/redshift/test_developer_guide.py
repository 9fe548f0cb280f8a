"""The Developer Guide conformance corpus, end to end through redshift_connector and the gateway.

Every case in tests/emulator/redshift/developer_guide/*.yaml is an example from the *Amazon Redshift
Database Developer Guide* with its documented result (see runner.py for the format). A case listed
in known_gaps.yaml (``id: reason``) is expected to fail today: when it passes, this test says so,
so that it is taken off the list. Every other case must pass. The last test prints the pass rate
per category; test_conformance_doc.py asserts the target, 95 %.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "developer_guide"))
from runner import load_cases, load_known_gaps, run_case  # noqa: E402

CASES = load_cases()
KNOWN_GAPS = load_known_gaps()
RESULTS: dict[str, tuple[str, bool]] = {}


def test_corpus_is_complete():
    assert len(CASES) >= 250
    categories = {c["category"] for c in CASES}
    assert len(categories) >= 8
    stale = sorted(set(KNOWN_GAPS) - {c["id"] for c in CASES})
    assert not stale, f"known_gaps.yaml lists cases that do not exist: {stale}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_guide_case(connection, case):
    outcome = run_case(connection, case)
    RESULTS[case["id"]] = (case["category"], outcome.passed)
    reason = KNOWN_GAPS.get(case["id"])
    if reason is not None:
        if outcome.passed:
            pytest.fail(f"{case['id']} passes now: remove it from known_gaps.yaml (listed as: {reason})")
        pytest.xfail(f"known gap: {reason} | {outcome.detail}")
    assert outcome.passed, f"{case['id']} ({case['page']}): {outcome.detail}"


def test_pass_rate(capsys):
    """Prints the share of cases that pass today, per category (run after the cases)."""
    if not RESULTS:
        pytest.skip("no case ran in this session")
    per_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for category, passed in RESULTS.values():
        per_category[category][0] += passed
        per_category[category][1] += 1
    passed = sum(p for p, _ in per_category.values())
    total = sum(t for _, t in per_category.values())
    lines = [f"Developer Guide conformance: {passed}/{total} cases pass ({100 * passed / total:.1f} %)"]
    lines += [f"  {name:<22} {p:>3}/{t:<3} ({100 * p / t:5.1f} %)" for name, (p, t) in sorted(per_category.items())]
    with capsys.disabled():
        print("\n" + "\n".join(lines))
