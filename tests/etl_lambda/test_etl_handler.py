"""The handler end to end, with in-process moto for S3 and SSM and a fake Redshift connection."""

from __future__ import annotations

import csv
import io
import json

import boto3
import mystery_shop_etl_lambda as etl
import pytest
import redshift_connector
from lambda_fakes import BUCKET, PASSWORD, TEAM_PARAMETER, data_file, s3_event

LOG_FIELDS = {"time", "level", "message", "bucket", "key", "rows", "loaded", "rejected", "seconds", "rejects_key"}


def upload(s3, key: str, data: bytes) -> None:
    s3.put_object(Bucket=BUCKET, Key=key, Body=data)


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

    (line,) = [json.loads(line) for line in logs()]
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
    assert [json.loads(line)["key"] for line in logs()] == keys


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


def test_rejects_files_never_trigger_a_load(aws, fake_redshift):
    result = etl.lambda_handler(s3_event("rejected/march.csv.rejects.csv"), None)
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
    (line,) = [json.loads(line) for line in logs()]
    assert (line["level"], line["message"], line["key"]) == ("ERROR", "file not loaded", key)
    assert set(line) == LOG_FIELDS - {"rejects_key"} | {"error"} and line["loaded"] == 0
    assert line["error"] in str(caught.value)


def test_one_bad_file_does_not_stop_the_others_in_the_event(aws, fake_redshift):
    upload(aws, "good.csv", data_file("2024-01"))
    upload(aws, "bad.csv", b"nonsense\n")
    with pytest.raises(etl.EtlError, match=r"1 of 2 file\(s\) not loaded.*s3://[^ ]+/bad.csv has the wrong header"):
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
    inserts = []

    def die_on_second_insert(sql):
        if sql.startswith("INSERT"):
            inserts.append(1)
            if len(inserts) == 2:
                return redshift_connector.InterfaceError("BrokenPipe: server closed the connection")

    fake_redshift.fail = die_on_second_insert
    with pytest.raises(etl.EtlError, match="big.csv: Redshift error"):
        etl.lambda_handler(s3_event("big.csv"), None)
    assert fake_redshift.rows == []


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
    assert len(rows) == 6  # the retry started a fresh rejects file


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
