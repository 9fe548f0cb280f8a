"""The notebooks' helpers name what the Lambda writes (table, lineage, rejects files) without importing
it (the Lambda's folder is not a package): these tests keep the two in step."""
from __future__ import annotations

import lambda_fakes  # noqa: F401 – puts the Lambda's folder on sys.path
from utils import s3_utils, sql_utils

from redshift_course.pipeline import rejects, warehouse


def test_table_and_lineage_column():
    assert warehouse.VISIT_TABLE == sql_utils.TABLE
    assert warehouse.SOURCE_COLUMN in sql_utils.LINEAGE_COLUMNS
    assert " ".join(warehouse.TABLE_EXISTS_SQL.lower().split()) == " ".join(sql_utils.TABLE_EXISTS.lower().split())


def test_rejects_files():
    assert rejects.REJECTED_PREFIX == s3_utils.REJECTED_PREFIX
    key = "mystery_shops_2024-03.csv"
    assert rejects.rejects_key(key) == s3_utils.S3Object("any-bucket", key).rejects_key
