"""The mystery-shopper pipeline on the local stack, driven the way a learner and an instructor drive it:
deploy.sh, uploads to S3, the Lambda deployed by CloudFormation, rows in the local Redshift."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from redshift_course import CourseSettings
from redshift_course.pipeline.loads import LoadFailed, wait_for_load
from redshift_course.provisioning import provision_local_team, teardown

from .conftest import BIN, DATA, HANDOUTS, REPO, Pipeline, log_messages, now_ms, rows_for, run, wait_for
from .expected import expected_visits

pytestmark = pytest.mark.stack
HANDOUT = DATA / "mystery_shops_2024-03.csv"


def loaded_rows(settings: CourseSettings, source_file: str) -> set[tuple]:
    connection = settings.connect()
    try:
        cursor = connection.cursor()
        cursor.execute(
            "select store_id, mystery_shopper_id, visit_date, start_time, end_time, overall_score, "
            "number_of_store_employees, store_name, store_type from mystery_shop_visit where source_file = %s",
            (source_file,),
        )
        return {
            (
                int(r[0]),
                int(r[1]),
                r[2].isoformat(),
                r[3].strftime("%H:%M"),
                r[4].strftime("%H:%M"),
                int(r[5]),
                int(r[6]),
                r[7],
                r[8],
            )
            for r in cursor.fetchall()
        }
    finally:
        connection.close()


def expected_rows(path) -> set[tuple]:
    frame = expected_visits(path)
    return {
        (
            int(r.store_id),
            int(r.mystery_shopper_id),
            r.visit_date.date().isoformat(),
            r.start.strftime("%H:%M"),
            r.end.strftime("%H:%M"),
            int(r.score),
            int(r.employees),
            r.store_name,
            r.store_type,
        )
        for r in frame.itertuples()
    }


def file_logs(pipeline: Pipeline, key: str, since_ms: int) -> list[str]:
    return [m for m in log_messages(pipeline, since_ms) if key in m]


def test_deploy_prints_the_stack_outputs(deployed: Pipeline):
    for name in ("DeploymentBucketName", "RawDataBucketName", "EtlFunctionName"):
        assert name in deployed.deploy_output
    assert (
        deployed.bucket == f"la-vida-mocha-raw-data-{deployed.settings.client('sts').get_caller_identity()['Account']}"
    )


def test_the_log_group_output_survives_a_redeploy(deployed: Pipeline):
    outputs = {
        o["OutputKey"]
        for o in deployed.settings.client("cloudformation")
        .describe_stacks(StackName=deployed.settings.etl_stack)["Stacks"][0]
        .get("Outputs", [])
    }
    assert {"RawDataBucketName", "EtlFunctionName", "EtlLogGroupName"} <= outputs


def test_upload_loads_the_expected_rows(deployed: Pipeline):
    """End to end: the Lambda deployed by CloudFormation runs on upload and writes rows to Redshift."""
    key = HANDOUT.name
    expected = expected_rows(HANDOUT)
    deployed.upload(HANDOUT, key)
    wait_for(lambda: rows_for(deployed.settings, deployed.uri(key)) == len(expected), 90, what=f"{len(expected)} rows")
    assert loaded_rows(deployed.settings, deployed.uri(key)) == expected
    rejects = wait_for(
        lambda: deployed.s3().list_objects_v2(Bucket=deployed.bucket, Prefix="rejected/").get("Contents"),
        30,
        what="a rejects file",
    )
    assert any(HANDOUT.stem in item["Key"] for item in rejects)


def test_a_longest_multibyte_key_loads_and_nothing_staged_is_left(deployed: Pipeline):
    """S3's longest key (1,024 bytes, here two-byte characters) fits source_file; the staged rows go."""
    key = "long/" + "é" * 507 + "x.csv"
    assert len(key.encode()) == 1024
    expected = len(expected_rows(HANDOUT))
    deployed.upload(HANDOUT, key)
    wait_for(lambda: rows_for(deployed.settings, deployed.uri(key)) == expected, 90, what=f"{expected} rows")
    wait_for(
        lambda: deployed.s3().list_objects_v2(Bucket=deployed.bucket, Prefix="staging/")["KeyCount"] == 0,
        30,
        what="the staged rows to be deleted",
    )


def test_the_same_upload_three_more_times_changes_nothing(deployed: Pipeline):
    key = "again/" + HANDOUT.name
    expected = len(expected_rows(HANDOUT))
    deployed.upload(HANDOUT, key)
    wait_for(lambda: rows_for(deployed.settings, deployed.uri(key)) == expected, 90, what="the first load")
    since = now_ms()
    for _ in range(3):
        deployed.upload(HANDOUT, key)
    wait_for(
        lambda: len([m for m in file_logs(deployed, key, since) if '"loaded"' in m]) >= 3,
        120,
        what="three more loads in the logs",
    )
    assert rows_for(deployed.settings, deployed.uri(key)) == expected


def test_eight_concurrent_uploads_load_every_row(deployed: Pipeline):
    files = sorted(DATA.glob("mystery_shops_2024-0*.csv"))
    uploads = [(path, f"concurrent/{path.name}") for path in files]
    uploads += [(HANDOUT, f"concurrent/copy-{n}-{HANDOUT.name}") for n in range(8 - len(uploads))]
    assert len(uploads) == 8
    since = now_ms()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda item: deployed.upload(item[0], item[1]), uploads))
    for path, key in uploads:
        expected = len(expected_rows(path))
        wait_for(
            lambda: rows_for(deployed.settings, deployed.uri(key)) == expected, 180, what=f"{key}: {expected} rows"
        )
    errors = [m for m in log_messages(deployed, since) if "concurrent/" in m and ("ERROR" in m or "Traceback" in m)]
    assert errors == []


def test_a_corrupt_file_logs_a_clear_error_and_loads_nothing(deployed: Pipeline):
    key = "corrupt/not-really-a.csv"
    since = now_ms()
    deployed.upload(b"PK\x03\x04\x00\x00binary spreadsheet bytes\x00\xff\xfe", key)
    messages = wait_for(
        lambda: [m for m in file_logs(deployed, key, since) if "error" in m.lower()],
        60,
        what="an error in the Lambda's logs",
    )
    assert any(key in m for m in messages)
    assert rows_for(deployed.settings, deployed.uri(key)) == 0
    # The notebooks' helper reports the failure rather than taking the failure's log line for a load.
    with pytest.raises(LoadFailed, match="not-really-a.csv"):
        wait_for_load(deployed.settings, key, since=since, timeout=60, progress=False)


def test_database_stopped_during_a_load_then_retry_loads_it_once(deployed: Pipeline):
    import atexit

    from local_cloud import supervisor
    from local_cloud.redshift.postgres import LocalPostgres

    key = "outage/" + HANDOUT.name
    expected = len(expected_rows(HANDOUT))
    postgres = LocalPostgres(supervisor.postgres_dir())
    since = now_ms()
    postgres.stop()
    try:
        deployed.upload(HANDOUT, key)
        wait_for(lambda: file_logs(deployed, key, since), 60, what="the failed attempt in the logs")
    finally:
        postgres.start()
        # The restarted server must outlive this test process, like the one `course up` started.
        atexit.unregister(postgres.stop)
    seen = set()

    def settled() -> bool:
        count = rows_for(deployed.settings, deployed.uri(key))
        seen.add(count)
        return count == expected

    wait_for(settled, 120, what="the retry to load the file")
    assert seen <= {0, expected}, f"a partial load was visible: {sorted(seen)}"
    time.sleep(3)
    assert rows_for(deployed.settings, deployed.uri(key)) == expected


def test_deploy_again_with_nothing_changed_succeeds(deployed: Pipeline):
    result = run(["bash", str(HANDOUTS / "deploy.sh"), "local", "la-vida-mocha"], deployed.settings)
    assert result.returncode == 0, result.stdout + result.stderr
    for stack in (deployed.settings.deployment_bucket_stack, deployed.settings.etl_stack):
        assert f"No changes to deploy. Stack {stack} is up to date" in result.stdout


def test_deploy_refuses_a_bad_team_name():
    result = run(["bash", str(HANDOUTS / "deploy.sh"), "local", "La_Vida"])
    assert result.returncode != 0 and "lowercase letters" in result.stderr
    result = run(["bash", str(HANDOUTS / "deploy.sh")])
    assert result.returncode == 2 and "Usage" in result.stderr


def test_provisioning_is_idempotent(local_stack: CourseSettings):
    before = local_stack.redshift_settings()
    report = provision_local_team(local_stack)
    assert [item.actions for item in report.teams] == [[]]
    assert local_stack.redshift_settings() == before
    connection = local_stack.connect()
    connection.close()


def test_teardown_removes_everything_and_reports_it(local_stack: CourseSettings):
    team = "teardown-check"
    settings = CourseSettings(mode="local", team=team)
    result = run(
        [str(BIN / "python"), str(REPO / "infra" / "provision_teams.py"), "--local", "--teams", team], settings
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "password" not in result.stdout.lower().replace("new password set", "")
    result = run(["bash", str(HANDOUTS / "deploy.sh"), "local", team], settings)
    assert result.returncode == 0, result.stdout + result.stderr
    bucket = f"{team}-raw-data-{settings.client('sts').get_caller_identity()['Account']}"
    settings.client("s3").put_object(Bucket=bucket, Key="notes/readme.txt", Body=b"left by a learner")

    result = run(
        [str(BIN / "python"), str(REPO / "infra" / "teardown.py"), "--local", "--teams", team, "--yes"], settings
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for item in (
        f"stack {team}-shopper-etl-pipeline",
        f"stack {team}-shopper-deployment-bucket",
        f"parameter {settings.parameter_name}",
        "database teardown_check",
        "user teardown_check",
    ):
        assert f"removed: {item}" in result.stdout
    assert "Everything is gone." in result.stdout

    cfn = settings.client("cloudformation")
    names = {s["StackName"] for s in cfn.describe_stacks()["Stacks"] if s["StackStatus"] != "DELETE_COMPLETE"}
    assert not {settings.etl_stack, settings.deployment_bucket_stack} & names
    assert bucket not in {b["Name"] for b in settings.client("s3").list_buckets()["Buckets"]}
    again = teardown([team], cfn=cfn, s3=settings.client("s3"), ssm=settings.client("ssm"), admin_connect=None)
    assert again.removed == [] and again.clean


def test_a_20_second_database_pause_mid_load_still_loads_the_file_once(deployed: Pipeline):
    """A laptop's database can freeze for a while (swap, a suspended VM): PostgreSQL is paused
    (SIGSTOP) for 20 s while a file is uploaded; the load waits, or is retried on AWS's schedule,
    and ends with every row loaded exactly once."""
    import signal

    import psutil

    from local_cloud import supervisor

    key = "paused/" + HANDOUT.name
    expected = len(expected_rows(HANDOUT))
    postmaster_pid = int((supervisor.postgres_dir() / "pgdata" / "postmaster.pid").read_text().split()[0])
    server = psutil.Process(postmaster_pid)
    frozen = [server, *server.children(recursive=True)]
    for process in frozen:
        process.send_signal(signal.SIGSTOP)
    try:
        deployed.upload(HANDOUT, key)
        time.sleep(20)
    finally:
        for process in frozen:
            process.send_signal(signal.SIGCONT)
    wait_for(lambda: rows_for(deployed.settings, deployed.uri(key)) == expected, 240, what="the paused load")
    time.sleep(3)
    assert rows_for(deployed.settings, deployed.uri(key)) == expected
