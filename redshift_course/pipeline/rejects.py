"""The rows the Lambda rejected: where it writes them, and reading them back from S3."""

from __future__ import annotations

import io

import pandas as pd

from ..handout_code import s3_utils
from ..settings import CourseSettings
from .stacks import pipeline_names

# Where the Lambda writes a file's rejected rows, from the Lambda itself.
REJECTED_PREFIX = s3_utils.REJECTED_PREFIX
rejects_key = s3_utils.rejects_key_for


def rejected_rows(settings: CourseSettings, key: str) -> pd.DataFrame:
    """The rejected rows of one source file, read from its rejects file in S3 (line numbers, reasons).

    An empty DataFrame when the file had no rejected rows (the Lambda then writes no rejects file).
    """
    s3 = settings.client("s3")
    try:
        body = s3.get_object(Bucket=pipeline_names(settings).bucket, Key=rejects_key(key))["Body"].read()
    except s3.exceptions.NoSuchKey:
        return pd.DataFrame()
    return pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False)
