"""Unit tests for redshift_course.notebook: the pieces that need no stack."""
from pathlib import Path

import pytest

from redshift_course import CourseSettings
from redshift_course import notebook as nb


def test_masked_hides_the_password_and_keeps_the_rest():
    original = {"host": "h", "port": 5439, "database-name": "d", "user": "u", "password": "s3cret!"}
    shown = nb.masked(original)
    assert shown["password"] == nb.MASK
    assert {k: v for k, v in shown.items() if k != "password"} == {k: v for k, v in original.items() if k != "password"}
    assert original["password"] == "s3cret!", "masking must not change the caller's dict"
    assert "s3cret" not in repr(shown)


def test_masked_is_case_insensitive_on_the_key():
    assert nb.masked({"Password": "x"})["Password"] == nb.MASK


def test_data_rows_counts_records_not_lines(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b'\xef\xbb\xbfA,B\r\n1,"x\r\ny"\r\n2,z\r\n\r\n')
    assert nb.data_rows(path) == 2


def test_data_rows_of_the_handout_files():
    for path in nb.MONTH_FILES:
        assert nb.data_rows(path) > 300


def test_parse_json_lines_skips_runtime_lines():
    lines = [
        "START RequestId: 1 Version: $LATEST",
        '{"level": "INFO", "key": "a.csv", "rows": 3, "loaded": 2, "rejected": 1, "seconds": 0.1}',
        "not json {",
        "END RequestId: 1",
    ]
    records = list(nb.parse_json_lines(lines))
    assert records == [{"level": "INFO", "key": "a.csv", "rows": 3, "loaded": 2, "rejected": 1, "seconds": 0.1}]
    assert nb.stable_summary(records[0]) == {"key": "a.csv", "rows": 3, "loaded": 2, "rejected": 1}


def test_rejects_key_sits_beside_the_source_under_rejected():
    assert nb.rejects_key("mystery_shops_2024-03.csv") == "rejected/mystery_shops_2024-03.csv.rejects.csv"


@pytest.mark.parametrize(
    "status, allowed",
    [
        (None, True),
        ("CREATE_COMPLETE", True),
        ("UPDATE_COMPLETE", True),
        ("UPDATE_ROLLBACK_COMPLETE", True),
        ("UPDATE_IN_PROGRESS", False),
        ("CREATE_IN_PROGRESS", False),
        ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", False),
        ("ROLLBACK_COMPLETE", False),
    ],
)
def test_can_deploy_now(status, allowed):
    assert nb.can_deploy_now(status) is allowed


def test_deploy_command_uses_the_local_profile_in_local_mode():
    command = nb.deploy_command(CourseSettings(mode="local", team="la-vida-mocha"))
    assert command[-2:] == ["local", "la-vida-mocha"]
    assert Path(command[1]) == nb.DEPLOY_SCRIPT


def test_deploy_command_uses_the_learners_profile_in_aws_mode():
    command = nb.deploy_command(CourseSettings(mode="aws", team="la-vida-mocha", profile="sot-academy"))
    assert command[-2:] == ["sot-academy", "la-vida-mocha"]


def test_template_resources_reads_intrinsics():
    frame = nb.template_resources(nb.HANDOUTS / "etl-stack.yml")
    assert {"RawDataBucket", "EtlFunction"} <= set(frame["LogicalResourceId"])
    assert (frame.loc[frame["LogicalResourceId"] == "EtlFunction", "ResourceType"] == "AWS::Lambda::Function").all()


def test_script_lines_skip_comments(tmp_path):
    script = tmp_path / "s.sh"
    script.write_text("# aws cloudformation deploy in a comment\naws cloudformation deploy --stack-name x\n")
    assert nb.script_lines(script, r"cloudformation deploy") == [(2, "aws cloudformation deploy --stack-name x")]


@pytest.mark.skipif(not nb.DEPLOY_SCRIPT.exists(), reason="handouts/deploy.sh not written yet")
def test_every_deploy_step_is_found_in_deploy_sh():
    for bullet, pattern, _ in nb.DEPLOY_STEPS:
        assert nb.script_lines(nb.DEPLOY_SCRIPT, pattern), f"no line of deploy.sh matches the step {bullet!r}"


def test_live_log_outside_a_kernel_is_print():
    assert nb.live_log() is print
