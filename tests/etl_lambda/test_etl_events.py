"""Event parsing: several records, URL-encoded keys (a space as '+', unicode), odd events."""

from __future__ import annotations

import pytest
from etl_utils.s3_utils import S3Object, objects_in_event
from lambda_fakes import BUCKET, s3_event


def test_several_records_in_one_event():
    event = s3_event("mystery_shops_2024-01.csv", "mystery_shops_2024-02.csv", "2024/mystery_shops_2024-03.csv")
    assert objects_in_event(event) == [
        S3Object(BUCKET, "mystery_shops_2024-01.csv"),
        S3Object(BUCKET, "mystery_shops_2024-02.csv"),
        S3Object(BUCKET, "2024/mystery_shops_2024-03.csv"),
    ]


@pytest.mark.parametrize(
    "encoded, key",
    [
        ("march+visits+%282%29.csv", "march visits (2).csv"),
        ("caf%C3%A9%2Fr%C3%A9sum%C3%A9+2024.csv", "café/résumé 2024.csv"),
        ("a%2Bb.csv", "a+b.csv"),
        ("uploads/%E5%BA%97%E8%88%97.csv", "uploads/店舗.csv"),
    ],
)
def test_keys_are_url_decoded(encoded, key):
    event = s3_event(encoded, encoded=False)
    assert objects_in_event(event) == [S3Object(BUCKET, key)]


def test_round_trip_of_any_key():
    keys = ["with space.csv", "plus+sign.csv", "naïve/ünïcode €.csv", "100%.csv"]
    assert [o.key for o in objects_in_event(s3_event(*keys))] == keys


def test_rejects_key_sits_under_rejected_prefix():
    assert S3Object(BUCKET, "2024/march.csv").rejects_key == "rejected/2024/march.csv.rejects.csv"
    assert S3Object(BUCKET, "a b.csv").uri == f"s3://{BUCKET}/a b.csv"


def test_the_test_event_s3_sends_on_setup_is_ignored():
    assert objects_in_event({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": BUCKET}) == []


@pytest.mark.parametrize("event", [{}, {"Records": "nope"}, {"detail": {}}])
def test_something_that_is_not_an_s3_event_is_refused(event):
    with pytest.raises(ValueError, match="not an S3 event"):
        objects_in_event(event)


def test_a_record_without_a_key_is_refused():
    with pytest.raises(ValueError, match="no S3 bucket name or object key"):
        objects_in_event({"Records": [{"s3": {"bucket": {"name": BUCKET}}}]})
