"""The handler end to end, with in-process moto for S3 and SSM and a fake Redshift connection."""

from __future__ import annotations

import csv
import io
import json

import boto3
import mystery_shop_etl_lambda as etl
import pytest
import redshift_connector
from botocore.exceptions import ClientError
from lambda_fakes import BUCKET, PASSWORD, TEAM_PARAMETER, data_file, s3_event

LOG_FIELDS = {"time", "level", "message", "bucket", "key", "rows", "loaded", "rejected", "seconds", "rejects_key"}
STARTED = "file load started"


def upload(s3, key: str, data: bytes) -> None:
    s3.put_object(Bucket=BUCKET, Key=key, Body=data)


def summaries(lines: list[str]) -> list[dict]:
    """The one summary line per file (every file's load also logs a line when it starts)."""
    return [record for record in map(json.loads, lines) if record["message"] != STARTED]


def test_the_handout_file_loads_344_visits_and_rejects_5(aws, fake_redshift, logs):
    upload(aws, "mystery_shops_2024-03.csv", data_file("2024-03"))
    result = etl.lambda_handler(s3_event("mystery_shops_2024-03.csv"), None)

    (summary,) = result["files"]
    assert (summary["rows"], summary["loaded"], summary["rejected"]) == (349, 344, 5)
    assert summary["rejects_key"] == "rejected/mystery_shops_2024-03.csv.rejects.csv"
    assert fake_redshift.by_file() == {f"s3://{BUCKET}/mystery_shops_2024-03.csv": 344}
    assert fake_redshift.commits == 2  # the table, then the file: one transaction per file

    rejects = aws.get_object(Bucket=BUCKET, Key=summary["rejects_key"])["Body"].read().decode()
    rows = list(csv.reader(io.StringIO(rejects)))
    assert rows[0][:3] == ["LineNumber", "Reason", "StoreID"] and len(rows) == 6
    assert [(r[0], r[1]) for r in rows[1:]][0] == ("37", "OverallScore is blank")

    started, line = [json.loads(line) for line in logs()]
    assert started == {**started, "level": "INFO", "message": STARTED, "key": "mystery_shops_2024-03.csv"}
    assert set(line) == LOG_FIELDS
    assert (line["level"], line["message"], line["bucket"], line["key"]) == (
        "INFO",
        "file loaded",
        BUCKET,
        "mystery_shops_2024-03.csv",
    )
    assert (line["rows"], line["loaded"], line["rejected"]) == (349, 344, 5) and line["seconds"] >= 0


def test_loaded_rows_hold_no_shopper_name(aws, fake_redshift):
    upload(aws, "march.csv", data_file("2024-03"))
    etl.lambda_handler(s3_event("march.csv"), None)
    everything = repr(fake_redshift.rows) + "".join(fake_redshift.statements)
    assert "Rory Gilmore" not in everything and "Kwame Mensah" not in everything


@pytest.mark.parametrize("month", ["2024-01", "2024-02", "2024-04", "2024-05", "2024-06"])
def test_every_month_loads_completely_crlf_and_bom_included(aws, fake_redshift, month):
    upload(aws, f"{month}.csv", data_file(month))
    (summary,) = etl.lambda_handler(s3_event(f"{month}.csv"), None)["files"]
    assert summary["rejected"] == 0 and summary["loaded"] == summary["rows"] > 300
    assert summary["rejects_key"] is None


def test_several_records_and_url_encoded_keys(aws, fake_redshift, logs):
    keys = ["uploads/march visits.csv", "uploads/café €.csv", "uploads/a+b.csv"]
    for key, month in zip(keys, ["2024-03", "2024-04", "2024-05"]):
        upload(aws, key, data_file(month))
    result = etl.lambda_handler(s3_event(*keys), None)
    assert [f["key"] for f in result["files"]] == keys
    assert set(fake_redshift.by_file()) == {f"s3://{BUCKET}/{key}" for key in keys}
    assert [line["key"] for line in summaries(logs())] == keys
    assert aws.list_objects_v2(Bucket=BUCKET, Prefix="staging/")["KeyCount"] == 0  # every staged object deleted


def test_uploading_the_same_key_again_replaces_its_rows(aws, fake_redshift):
    upload(aws, "march.csv", data_file("2024-03"))
    upload(aws, "april.csv", data_file("2024-04"))
    for _ in range(3):
        etl.lambda_handler(s3_event("march.csv", "april.csv"), None)
    assert fake_redshift.by_file() == {f"s3://{BUCKET}/march.csv": 344, f"s3://{BUCKET}/april.csv": 322}
    upload(aws, "march.csv", data_file("2024-06"))  # a different file under the same key
    etl.lambda_handler(s3_event("march.csv"), None)
    assert fake_redshift.by_file()[f"s3://{BUCKET}/march.csv"] == 340


def test_a_fixed_file_removes_its_old_rejects_file(aws, fake_redshift):
    upload(aws, "march.csv", data_file("2024-03"))
    etl.lambda_handler(s3_event("march.csv"), None)
    aws.head_object(Bucket=BUCKET, Key="rejected/march.csv.rejects.csv")
    upload(aws, "march.csv", data_file("2024-01"))
    etl.lambda_handler(s3_event("march.csv"), None)
    assert aws.list_objects_v2(Bucket=BUCKET, Prefix="rejected/")["KeyCount"] == 0


@pytest.mark.parametrize("key", ["rejected/march.csv.rejects.csv", "staging/0123abcd.rows", "staging/x.csv"])
def test_the_lambdas_own_objects_never_trigger_a_load(aws, fake_redshift, key):
    result = etl.lambda_handler(s3_event(key), None)
    assert result == {"files": []} and fake_redshift.statements == []


BAD_FILES = {
    "empty.csv": (b"", "s3://{b}/empty.csv is empty"),
    "blank.csv": (b"\n\n  \n", "s3://{b}/blank.csv is empty"),
    "header-only.csv": (
        data_file("2024-03").splitlines(keepends=True)[0],
        "header-only.csv has a header but no data rows",
    ),
    "semicolons.csv": (b"StoreID;StoreName\n1487;Leeds\n", "semicolons.csv has the wrong header: expected 'StoreID,"),
    "picture.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "picture.csv is not UTF-8 text"),
    "sheet.xlsx": (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "sheet.xlsx is not a text file"),
    "latin1.csv": (
        data_file("2024-03") + "1487,Bristol,3,Zoë,Drive Thru,1,01/03/2024,10:00,10:10,3\n".encode("latin-1"),
        "latin1.csv is not UTF-8 text",
    ),
}


@pytest.mark.parametrize("key", BAD_FILES)
def test_a_file_that_cannot_be_used_fails_naming_the_file_and_loads_nothing(aws, fake_redshift, logs, key):
    data, message = BAD_FILES[key]
    upload(aws, key, data)
    with pytest.raises(etl.EtlError, match=message.format(b=BUCKET).replace("(", r"\(")) as caught:
        etl.lambda_handler(s3_event(key), None)
    assert "nothing loaded" in str(caught.value)
    assert fake_redshift.rows == []
    assert aws.list_objects_v2(Bucket=BUCKET, Prefix="rejected/")["KeyCount"] == 0
    (line,) = summaries(logs())
    assert (line["level"], line["message"], line["key"]) == ("ERROR", "file not loaded", key)
    assert set(line) == LOG_FIELDS - {"rejects_key"} | {"error"} and line["loaded"] == 0
    assert line["error"] in str(caught.value)


def test_one_bad_file_does_not_stop_the_others_in_the_event(aws, fake_redshift):
    upload(aws, "good.csv", data_file("2024-01"))
    upload(aws, "bad.csv", b"nonsense\n")
    with pytest.raises(
        etl.EtlError, match=r"1 of 2 file\(s\) failed: s3://[^ ]+/bad.csv has the wrong header.*; nothing loaded$"
    ):
        etl.lambda_handler(s3_event("bad.csv", "good.csv"), None)
    assert fake_redshift.by_file() == {f"s3://{BUCKET}/good.csv": 335}


def test_a_missing_object_is_named(aws, fake_redshift):
    with pytest.raises(etl.EtlError, match=r"s3://[^ ]+/gone.csv: cannot read it from S3: .*NoSuchKey"):
        etl.lambda_handler(s3_event("gone.csv"), None)


def test_a_missing_parameter_fails_every_file_by_name(aws, fake_redshift, logs):
    boto3.client("ssm").delete_parameter(Name=TEAM_PARAMETER)
    with pytest.raises(
        etl.EtlError,
        match=rf"Not loaded: s3://{BUCKET}/a.csv, s3://{BUCKET}/b.csv: "
        r"cannot read the Redshift settings: Parameter Store has no parameter",
    ):
        etl.lambda_handler(s3_event("a.csv", "b.csv"), None)
    assert [json.loads(line)["key"] for line in logs()] == ["a.csv", "b.csv"]


def test_no_parameter_name_in_the_environment(aws, fake_redshift, monkeypatch):
    monkeypatch.delenv("SSM_PARAMETER_NAME")
    with pytest.raises(etl.EtlError, match="SSM_PARAMETER_NAME is not set"):
        etl.lambda_handler(s3_event("a.csv"), None)


def test_an_unreachable_database_fails_the_file_and_never_shows_the_password(aws, monkeypatch, logs):
    def refuse(**kwargs):
        raise redshift_connector.InterfaceError(
            "communication error", ConnectionRefusedError(111, "Connection refused")
        )

    monkeypatch.setattr(redshift_connector, "connect", refuse)
    upload(aws, "march.csv", data_file("2024-03"))
    with pytest.raises(
        etl.EtlError, match=rf"s3://{BUCKET}/march.csv: cannot connect to Redshift at 127.0.0.1:5439"
    ) as caught:
        etl.lambda_handler(s3_event("march.csv"), None)
    assert PASSWORD not in str(caught.value) and PASSWORD not in "".join(logs())


def test_the_database_failing_mid_load_commits_nothing(aws, fake_redshift):
    upload(
        aws, "big.csv", data_file("2024-03") + b"".join(data_file(m).split(b"\n", 1)[1] for m in ("2024-01", "2024-05"))
    )

    def die_after_the_copy(sql):
        if sql.startswith("INSERT"):
            return redshift_connector.InterfaceError("BrokenPipe: server closed the connection")

    fake_redshift.fail = die_after_the_copy
    with pytest.raises(etl.EtlError, match="big.csv: Redshift error.*; nothing loaded"):
        etl.lambda_handler(s3_event("big.csv"), None)
    assert fake_redshift.rows == [] and len(fake_redshift.copied) == 1
    assert aws.list_objects_v2(Bucket=BUCKET, Prefix="staging/")["KeyCount"] == 0  # not leaked on failure


def test_a_serialization_error_is_retried_and_the_file_loads_once(aws, fake_redshift, monkeypatch):
    monkeypatch.setattr(etl.db_utils, "RETRY_FIRST_DELAY_SECONDS", 0.001)
    upload(aws, "march.csv", data_file("2024-03"))
    failures = [
        redshift_connector.ProgrammingError({"C": "XX000", "M": "1023", "D": "Serializable isolation violation"})
    ]
    fake_redshift.fail = lambda sql: sql.startswith("DELETE") and failures and failures.pop()
    (summary,) = etl.lambda_handler(s3_event("march.csv"), None)["files"]
    assert summary["loaded"] == 344 and fake_redshift.by_file() == {f"s3://{BUCKET}/march.csv": 344}
    rows = list(
        csv.reader(io.StringIO(aws.get_object(Bucket=BUCKET, Key=summary["rejects_key"])["Body"].read().decode()))
    )
    assert len(rows) == 6  # the rejected rows once, though the transaction ran twice
    # the part COPYed while the file was read, then again from the staged prefix (every part) on the retry
    (part, prefix) = fake_redshift.copied
    assert part.startswith(prefix) and part.endswith("/part-0000.rows") and prefix.endswith("/")


def test_no_password_anywhere_in_the_logs_or_result(aws, fake_redshift, logs):
    upload(aws, "march.csv", data_file("2024-03"))
    result = etl.lambda_handler(s3_event("march.csv"), None)
    assert PASSWORD not in json.dumps(result) and PASSWORD not in "".join(logs())


def test_the_logger_writes_json_lines_and_does_not_propagate():
    from etl_utils.log_utils import JsonFormatter, get_logger

    logger = get_logger()
    ours = [h for h in logger.handlers if isinstance(h.formatter, JsonFormatter)]
    assert len(ours) == 1 and logger.propagate is False
    get_logger()  # a second call (a warm Lambda) adds no second handler
    assert len([h for h in logger.handlers if isinstance(h.formatter, JsonFormatter)]) == 1


# --- never misreport a file ---------------------------------------------------------------------
def test_rejects_that_cannot_be_written_after_the_commit_are_logged_with_the_rows_loaded(
    aws, fake_redshift, logs, monkeypatch
):
    """The rows are committed: the line says so (loaded 344), and the run fails so that Lambda's retry
    (an idempotent reload) writes the rejects file."""
    from etl_utils.s3_utils import RejectsFile

    def refuse(self, s3, source):
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "PutObject")

    monkeypatch.setattr(RejectsFile, "publish", refuse)
    upload(aws, "march.csv", data_file("2024-03"))
    with pytest.raises(etl.EtlError, match=r"march.csv: loaded 344 rows, but could not write its 5 rejected rows"):
        etl.lambda_handler(s3_event("march.csv"), None)
    assert fake_redshift.by_file() == {f"s3://{BUCKET}/march.csv": 344}
    (line,) = summaries(logs())
    assert (line["level"], line["loaded"], line["rejected"], line["rows"]) == ("ERROR", 344, 5, 349)
    assert "nothing loaded" not in json.dumps(line) and "error" not in line  # not a failed load
    assert line["rejects_key"] is None and "AccessDenied" in line["rejects_error"]


class ClockContext:
    """A Lambda context whose remaining time runs down ``per_call_ms`` each time it is asked."""

    def __init__(self, remaining_ms: float, per_call_ms: float = 0.0) -> None:
        self.remaining_ms, self.per_call_ms = remaining_ms, per_call_ms

    def get_remaining_time_in_millis(self) -> int:
        self.remaining_ms -= self.per_call_ms
        return int(self.remaining_ms)


def test_a_load_near_the_deadline_stops_cleanly_and_names_its_file(aws, fake_redshift, logs):
    big = data_file("2024-03") + b"".join(data_file("2024-03").split(b"\n", 1)[1] for _ in range(40))  # 14k rows
    upload(aws, "big.csv", big)
    # 60 s left, then each check costs 50 s of it: the check at row 10,000 finds less than the margin.
    with pytest.raises(etl.EtlError, match=r"big.csv: stopped after reading 10,000 rows, \d+ s before the Lambda"):
        etl.lambda_handler(s3_event("big.csv"), ClockContext(60_000 + 50_000, per_call_ms=50_000))
    started, line = [json.loads(line) for line in logs()]
    assert (started["message"], started["key"]) == (STARTED, "big.csv")  # named before anything could hang
    assert (line["level"], line["key"], line["loaded"]) == ("ERROR", "big.csv", 0)
    assert "timeout" in line["error"] and fake_redshift.rows == [] and fake_redshift.copied == []


def test_no_time_left_for_a_file_is_said_before_it_is_read(aws, fake_redshift, logs):
    upload(aws, "march.csv", data_file("2024-03"))
    with pytest.raises(etl.EtlError, match="march.csv: stopped before reading the file"):
        etl.lambda_handler(s3_event("march.csv"), ClockContext(5_000))
    assert [line["message"] for line in map(json.loads, logs())] == [STARTED, "file not loaded"]


def test_the_statements_are_bounded_by_the_lambdas_remaining_time(aws, fake_redshift):
    upload(aws, "march.csv", data_file("2024-01"))
    etl.lambda_handler(s3_event("march.csv"), ClockContext(30_000))
    bounds = [int(s.split()[-1]) for s in fake_redshift.statements if s.startswith("SET statement_timeout")]
    assert bounds and all(bound <= 20_000 for bound in bounds)  # 30 s less the 10 s margin


def test_a_load_that_waited_too_long_for_the_table_lock_says_so(aws, fake_redshift):
    upload(aws, "march.csv", data_file("2024-01"))
    cancelled = redshift_connector.ProgrammingError({"C": "57014", "M": "canceling statement due to statement timeout"})
    fake_redshift.fail = lambda sql: sql.startswith("LOCK") and cancelled
    with pytest.raises(
        etl.EtlError, match=r"march.csv: waiting for the lock on mystery_shop_visit .*gave up after 45 s"
    ):
        etl.lambda_handler(s3_event("march.csv"), None)
    assert fake_redshift.rows == []


def test_a_key_of_1024_multibyte_bytes_fits_the_source_column(aws, fake_redshift):
    key = "é" * 510 + "x.csv"[:4]  # 1,020 + 4 bytes: S3's longest key
    assert len(key.encode()) == 1024
    upload(aws, key, data_file("2024-01"))
    (summary,) = etl.lambda_handler(s3_event(key), None)["files"]
    uri = f"s3://{BUCKET}/{key}"
    assert summary["loaded"] == 335 and fake_redshift.by_file() == {uri: 335}
    longest = "s3://" + "b" * 63 + "/" + key
    assert len(longest.encode()) == etl.db_utils.sql_utils.SOURCE_FILE_BYTES


def test_clean_rows_that_cannot_be_staged_are_not_called_a_read_failure(aws, fake_redshift, monkeypatch):
    from etl_utils.staging_utils import StagedRows

    def refuse(self, part):
        self.uploaded_keys.append(part.key)
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "PutObject")

    monkeypatch.setattr(StagedRows, "upload_part", refuse)
    upload(aws, "march.csv", data_file("2024-03"))
    with pytest.raises(
        etl.EtlError, match=r"march.csv: cannot stage its clean rows at s3://[^ ]+/staging/\w+/part-0000.rows: .*Access"
    ):
        etl.lambda_handler(s3_event("march.csv"), None)
    assert fake_redshift.rows == [] and fake_redshift.copied == []


# --- the staged rows in parts, uploaded and COPYed while the file is read ----------------------------
def three_months() -> bytes:
    """1,016 rows, 5 of them rejected: eleven parts of 100 visits, the last of 11."""
    return data_file("2024-03") + b"".join(data_file(m).split(b"\n", 1)[1] for m in ("2024-01", "2024-05"))


def part_threads() -> list:
    import threading

    return [thread for thread in threading.enumerate() if thread.name == "etl-staged-parts"]


@pytest.fixture
def small_parts(monkeypatch):
    from etl_utils import staging_utils

    monkeypatch.setattr(staging_utils, "PART_ROWS", 100)


def test_a_file_in_parts_loads_each_part_once_and_leaves_nothing_behind(aws, fake_redshift, small_parts):
    upload(aws, "big.csv", three_months())
    (summary,) = etl.lambda_handler(s3_event("big.csv"), None)["files"]
    assert (summary["rows"], summary["loaded"], summary["rejected"]) == (1016, 1011, 5)
    assert fake_redshift.by_file() == {f"s3://{BUCKET}/big.csv": 1011}
    assert [uri.rsplit("/", 1)[1] for uri in fake_redshift.copied] == [f"part-{n:04d}.rows" for n in range(11)]
    assert len({uri.rsplit("/", 1)[0] for uri in fake_redshift.copied}) == 1  # one prefix per load
    copies = [s for s in fake_redshift.statements if s.startswith(("COPY", "LOCK", "CREATE TEMP"))]
    assert copies[0].startswith("CREATE TEMP") and copies[-1].startswith("LOCK") and len(copies) == 13
    assert aws.list_objects_v2(Bucket=BUCKET, Prefix="staging/")["KeyCount"] == 0
    assert part_threads() == []  # the thread ended with the invocation


def test_a_part_that_cannot_be_staged_stops_the_reading_and_is_named(aws, fake_redshift, small_parts, monkeypatch):
    from etl_utils.staging_utils import StagedRows

    sealed = []
    original = etl.PartLoader.submit

    def counted(self, part):
        sealed.append(part.key)
        original(self, part)

    def refuse(self, part):
        self.uploaded_keys.append(part.key)
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "PutObject")

    monkeypatch.setattr(etl.PartLoader, "submit", counted)
    monkeypatch.setattr(StagedRows, "upload_part", refuse)
    big = data_file("2024-01") + b"".join(data_file("2024-01").split(b"\n", 1)[1] for _ in range(60))  # 20k rows
    upload(aws, "big.csv", big.replace(b"\r\n", b"\n"))
    with pytest.raises(
        etl.EtlError, match=r"big.csv: cannot stage its clean rows at s3://[^ ]+/staging/\w+/part-0000.rows: .*Access"
    ):
        etl.lambda_handler(s3_event("big.csv"), None)
    assert len(sealed) < 200  # not read to the end (its 335 visits, 60 duplicates of each, are 2 parts)
    assert fake_redshift.rows == [] and fake_redshift.copied == [] and part_threads() == []


def test_a_copy_of_a_part_that_fails_fails_the_file_and_rolls_back(aws, fake_redshift, small_parts):
    upload(aws, "big.csv", three_months())

    def refuse_the_second_part(sql):
        if sql.startswith("COPY") and "part-0001" in sql:
            return redshift_connector.ProgrammingError({"C": "XX000", "M": "Load into table failed"})

    fake_redshift.fail = refuse_the_second_part
    with pytest.raises(etl.EtlError, match="big.csv: Redshift error: Load into table failed; nothing loaded"):
        etl.lambda_handler(s3_event("big.csv"), None)
    assert fake_redshift.rows == [] and not any(s.startswith(("LOCK", "DELETE")) for s in fake_redshift.statements)
    assert aws.list_objects_v2(Bucket=BUCKET, Prefix="staging/")["KeyCount"] == 0 and part_threads() == []


def test_a_serialization_error_in_a_parts_copy_is_retried_from_every_staged_part(
    aws, fake_redshift, small_parts, monkeypatch
):
    monkeypatch.setattr(etl.db_utils, "RETRY_FIRST_DELAY_SECONDS", 0.001)
    upload(aws, "big.csv", three_months())
    failures = [
        redshift_connector.ProgrammingError({"C": "XX000", "M": "1023", "D": "Serializable isolation violation"})
    ]
    fake_redshift.fail = lambda sql: sql.startswith("COPY") and "part-0002" in sql and failures and failures.pop()
    (summary,) = etl.lambda_handler(s3_event("big.csv"), None)["files"]
    assert summary["loaded"] == 1011 and fake_redshift.by_file() == {f"s3://{BUCKET}/big.csv": 1011}
    *parts, prefix = fake_redshift.copied
    assert [uri.rsplit("/", 1)[1] for uri in parts] == ["part-0000.rows", "part-0001.rows"]  # none after the error
    assert prefix.endswith("/") and parts[0].startswith(prefix)  # then all eleven from the prefix
    assert aws.list_objects_v2(Bucket=BUCKET, Prefix="staging/")["KeyCount"] == 0 and part_threads() == []


def test_a_bad_byte_after_some_parts_were_staged_loads_nothing(aws, fake_redshift, small_parts):
    upload(
        aws, "big.csv", three_months() + "1487,Bristol,3,Zoë,Drive Thru,1,01/03/2024,10:00,10:10,3\n".encode("latin-1")
    )
    with pytest.raises(etl.EtlError, match="big.csv is not UTF-8 text"):
        etl.lambda_handler(s3_event("big.csv"), None)
    # Parts were sealed before the bad byte; whether the thread had COPYed some (then rolled back) is timing.
    assert fake_redshift.rows == [] and fake_redshift.commits == 1  # only the table's
    assert aws.list_objects_v2(Bucket=BUCKET, Prefix="staging/")["KeyCount"] == 0 and part_threads() == []


def test_a_staged_part_that_cannot_be_deleted_is_logged_with_its_key(
    aws, fake_redshift, small_parts, logs, monkeypatch
):
    from etl_utils.staging_utils import StagedRows

    original = StagedRows.close

    def keep_the_objects(self):
        keys = list(self.uploaded_keys)
        self.uploaded_keys = []
        original(self)
        return {key: "AccessDenied" for key in keys}

    monkeypatch.setattr(StagedRows, "close", keep_the_objects)
    upload(aws, "big.csv", three_months())
    etl.lambda_handler(s3_event("big.csv"), None)
    warnings = [line for line in map(json.loads, logs()) if line["message"] == "staged rows not deleted"]
    assert [line["staged_key"].rsplit("/", 1)[1] for line in warnings] == [f"part-{n:04d}.rows" for n in range(11)]
    assert all(line["error"] == "AccessDenied" and line["bucket"] == BUCKET for line in warnings)
