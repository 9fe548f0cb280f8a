"""A local Redshift of the test's own (free ports, own folder) holding the shipped visits, loaded the
way the pipeline loads them: the Lambda's own transform, staging and load functions from handouts/src,
COPYing through a local S3 of the test's own."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from local_cloud import config
from local_cloud.aws.server import start_local_aws
from local_cloud.redshift.server import LocalRedshiftHandle, start_local_redshift
from redshift_course.handout_code import db_utils, staging_utils, transform_utils  # the Lambda's modules
from redshift_course.paths import REPO_ROOT

DATA_DIR = REPO_ROOT / "handouts" / "data"
MONTH_FILES = sorted(DATA_DIR.glob("mystery_shops_2024-0[1-6].csv"))
STAGING_BUCKET = "exercises-check"


def load_with_pipeline_code(connection, s3, paths: list[Path]) -> None:
    db_utils.ensure_table(connection)
    for path in paths:
        staged = staging_utils.StagedRows(s3, STAGING_BUCKET)
        with open(path, encoding="utf-8-sig", newline="") as handle:
            records = transform_utils.read_records(handle)
            _, header = next(records)
            transform_utils.check_header(header)
            staged.write(item for item in transform_utils.transform(records) if isinstance(item, transform_utils.Visit))
        staged.upload()
        db_utils.replace_file_rows(connection, path.name, staged.uri, staged.count, datetime(2024, 7, 1, 9, 0))
        connection.commit()
        assert staged.close() == {}  # every staged part deleted


@contextmanager
def visits_warehouse(database: str, prefix: str) -> Iterator[LocalRedshiftHandle]:
    """A running local Redshift whose ``database`` holds the six shipped months."""
    # Not pytest's tmp_path: other pytest sessions running at the same time prune its folders.
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(data_dir, 0o755)  # as root, PostgreSQL runs as an unprivileged user who must reach its folder
    saved_state = os.environ.get(config.STATE_VARIABLE)
    os.environ[config.STATE_VARIABLE] = str(data_dir / "state")
    aws = start_local_aws(port=0)
    try:
        s3 = aws.client("s3")
        s3.create_bucket(Bucket=STAGING_BUCKET)
        with start_local_redshift(
            data_dir / "redshift", port=0, postgres_port=0, s3_endpoint_url=aws.endpoint_url
        ) as redshift:
            with redshift.admin() as admin:
                admin.cursor().execute(f"CREATE DATABASE {database}")
            with redshift.admin(database) as loader:
                loader.autocommit = False
                load_with_pipeline_code(loader, s3, MONTH_FILES)
            yield redshift
    finally:
        aws.stop()
        if saved_state is None:
            os.environ.pop(config.STATE_VARIABLE, None)
        else:
            os.environ[config.STATE_VARIABLE] = saved_state
        shutil.rmtree(data_dir, ignore_errors=True)
