"""Unit tests for redshift_course.pipeline and redshift_course.masking: the pieces that need no stack."""

from pathlib import Path

import pytest

from redshift_course import CourseSettings, live
from redshift_course.masking import MASK, masked
from redshift_course.paths import DEPLOY_SCRIPT, HANDOUTS, MONTH_FILES
from redshift_course.pipeline.deploy import deploy_command, live_log
from redshift_course.pipeline.loads import parse_json_lines, stable_summary
from redshift_course.pipeline.rejects import rejects_key
from redshift_course.pipeline.stacks import can_deploy_now
from redshift_course.pipeline.uploads import data_rows
from redshift_course.pipeline.walkthrough import DEPLOY_STEPS, script_lines, template_resources
from redshift_course.provisioning import generate_password


def test_masked_hides_the_password_and_keeps_the_rest():
    secret = generate_password()
    original = {"host": "h", "port": 5439, "database-name": "d", "user": "u", "password": secret}
    shown = masked(original)
    assert shown["password"] == MASK
    assert {k: v for k, v in shown.items() if k != "password"} == {k: v for k, v in original.items() if k != "password"}
    assert original["password"] == secret, "masking must not change the caller's dict"
    assert secret not in repr(shown)


def test_masked_is_case_insensitive_on_the_key():
    assert masked({"Password": "x"})["Password"] == MASK


def test_data_rows_counts_records_not_lines(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b'\xef\xbb\xbfA,B\r\n1,"x\r\ny"\r\n2,z\r\n\r\n')
    assert data_rows(path) == 2


def test_data_rows_of_the_handout_files():
    for path in MONTH_FILES:
        assert data_rows(path) > 300


def test_parse_json_lines_skips_runtime_lines():
    lines = [
        "START RequestId: 1 Version: $LATEST",
        '{"level": "INFO", "key": "a.csv", "rows": 3, "loaded": 2, "rejected": 1, "seconds": 0.1}',
        "not json {",
        "END RequestId: 1",
    ]
    records = list(parse_json_lines(lines))
    assert records == [{"level": "INFO", "key": "a.csv", "rows": 3, "loaded": 2, "rejected": 1, "seconds": 0.1}]
    assert stable_summary(records[0]) == {"key": "a.csv", "rows": 3, "loaded": 2, "rejected": 1}


def test_rejects_key_sits_beside_the_source_under_rejected():
    assert rejects_key("mystery_shops_2024-03.csv") == "rejected/mystery_shops_2024-03.csv.rejects.csv"


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
    assert can_deploy_now(status) is allowed


def test_deploy_command_uses_the_local_profile_in_local_mode():
    command = deploy_command(CourseSettings(mode="local", team="la-vida-mocha"))
    assert command[-3:] == ["local", "la-vida-mocha", "eu-west-1"]
    assert Path(command[1]) == DEPLOY_SCRIPT


def test_deploy_command_uses_the_learners_profile_in_aws_mode():
    command = deploy_command(
        CourseSettings(mode="aws", team="la-vida-mocha", profile="sot-academy", region="eu-central-1")
    )
    assert command[-3:] == ["sot-academy", "la-vida-mocha", "eu-central-1"]


def test_template_resources_reads_intrinsics():
    frame = template_resources(HANDOUTS / "etl-stack.yml")
    assert {"RawDataBucket", "EtlFunction"} <= set(frame["LogicalResourceId"])
    assert (frame.loc[frame["LogicalResourceId"] == "EtlFunction", "ResourceType"] == "AWS::Lambda::Function").all()


def test_script_lines_skip_comments(tmp_path):
    script = tmp_path / "s.sh"
    script.write_text("# aws cloudformation deploy in a comment\naws cloudformation deploy --stack-name x\n")
    assert script_lines(script, r"cloudformation deploy") == [(2, "aws cloudformation deploy --stack-name x")]


def test_every_deploy_step_is_found_in_deploy_sh():
    for bullet, pattern, _ in DEPLOY_STEPS:
        assert script_lines(DEPLOY_SCRIPT, pattern), f"no line of deploy.sh matches the step {bullet!r}"


def test_live_log_outside_a_kernel_prints_lines_without_colour_codes(capsys):
    live_log()("\x1b[32mSuccessfully created/updated stack\x1b[0m")
    assert capsys.readouterr().out == "Successfully created/updated stack\n"


@pytest.fixture
def shown(monkeypatch):
    """Pretend to be in a notebook: what is displayed is collected, not drawn."""
    import IPython.display

    bundles = []
    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", lambda bundle, raw: bundles.append(bundle))
    return bundles


def test_a_status_saves_its_sentence_and_ends_green_when_every_row_is_accounted_for(shown):
    status = live.Status("file.csv (349 rows): waiting ...", total=349)
    (bundle,) = shown
    assert bundle["text/plain"] == "file.csv (349 rows): waiting ..."
    assert "application/vnd.jupyter.widget-view+json" in bundle
    status.update("waiting ... 3 s")
    assert status._label.value == "waiting ... 3 s" and status._bar.value == 0
    status.finish("349 of 349 rows", done=344 + 5)
    assert (status._bar.value, status._bar.max, status._bar.bar_style) == (349, 349, "success")
    live.Status("x", total=10).finish("failed", ok=False, done=0)


def test_a_status_outside_a_notebook_prints_its_sentence_once(capsys):
    status = live.Status("checking the stacks ...")
    status.update("deploy.sh: line")
    status.finish("done")
    assert capsys.readouterr().out == "checking the stacks ...\n"
