"""A local Redshift of the test's own (free ports, own folder) holding the shipped visits, loaded the
way the pipeline loads them: the Lambda's own transform and load functions from handouts/src."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from local_cloud.redshift.server import LocalRedshiftHandle, start_local_redshift
from redshift_course.handout_code import db_utils, transform_utils  # the Lambda's modules, as deployed
from redshift_course.paths import REPO_ROOT

DATA_DIR = REPO_ROOT / "handouts" / "data"
MONTH_FILES = sorted(DATA_DIR.glob("mystery_shops_2024-0[1-6].csv"))


def load_with_pipeline_code(connection, paths: list[Path]) -> None:
    db_utils.ensure_table(connection)
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            records = transform_utils.read_records(handle)
            _, header = next(records)
            transform_utils.check_header(header)
            visits = [item for item in transform_utils.transform(records) if isinstance(item, transform_utils.Visit)]
        db_utils.replace_file_rows(connection, path.name, visits, datetime(2024, 7, 1, 9, 0))
        connection.commit()


@contextmanager
def visits_warehouse(database: str, prefix: str) -> Iterator[LocalRedshiftHandle]:
    """A running local Redshift whose ``database`` holds the six shipped months."""
    # Not pytest's tmp_path: other pytest sessions running at the same time prune its folders.
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        with start_local_redshift(data_dir, port=0, postgres_port=0) as redshift:
            with redshift.admin() as admin:
                admin.cursor().execute(f"CREATE DATABASE {database}")
            with redshift.admin(database) as loader:
                loader.autocommit = False
                load_with_pipeline_code(loader, MONTH_FILES)
            yield redshift
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
