"""dbt-redshift over the wire to the local Redshift: `dbt run` (table, view, late-binding view,
materialized view), again over what the first run made, and `dbt docs generate` (its catalog macros).

dbt-redshift lives in .venv-dbt/ (`make dbt`, requirements-dbt.txt): it pins redshift-connector<2.2.
The profile is written for this test from the team's settings without the password, which reaches
the `dbt` process only, in an environment variable dbt treats as a secret (DBT_ENV_SECRET_*)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

REPO = Path(__file__).resolve().parents[4]
DBT = REPO / ".venv-dbt" / "bin" / "dbt"
PROJECT = Path(__file__).resolve().parent / "dbt_project"
SCHEMA = "dbt_clients"
PASSWORD_VARIABLE = "DBT_ENV_SECRET_REDSHIFT_PASSWORD"
MODELS = ("cafe_orders", "cafe_totals", "cafe_totals_late", "cafe_totals_mv")

pytestmark = pytest.mark.skipif(
    not DBT.exists(),
    reason="dbt-redshift is not installed: run `make dbt` (it needs its own venv, .venv-dbt/, because it "
    "pins redshift-connector<2.2; see requirements-dbt.txt)",
)


class Dbt:
    def __init__(self, settings: dict, work: Path) -> None:
        self.work = work
        profile = {
            "course_local": {
                "target": "local",
                "outputs": {
                    "local": {
                        "type": "redshift",
                        "host": settings["host"],
                        "port": int(settings["port"]),
                        "dbname": settings["database-name"],
                        "user": settings["user"],
                        "password": "{{ env_var('" + PASSWORD_VARIABLE + "') }}",
                        "schema": SCHEMA,
                        "sslmode": "disable",  # the local gateway listens on loopback only, without TLS
                        "threads": 1,
                        "connect_timeout": 30,
                    }
                },
            }
        }
        (work / "profiles.yml").write_text(yaml.safe_dump(profile))
        self.password = settings["password"]

    def __call__(self, *args: str) -> subprocess.CompletedProcess:
        environment = dict(
            os.environ,
            DBT_PROFILES_DIR=str(self.work),
            DBT_TARGET_PATH=str(self.work / "target"),
            DBT_LOG_PATH=str(self.work / "logs"),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DBT_USE_COLORS="false",
            **{PASSWORD_VARIABLE: self.password},
        )
        return subprocess.run(
            [str(DBT), *args, "--project-dir", str(PROJECT)],
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def artifact(self, name: str) -> dict:
        return json.loads((self.work / "target" / name).read_text())


@pytest.fixture(scope="module")
def dbt(team_settings):
    work = Path(tempfile.mkdtemp(prefix="course-dbt-"))
    yield Dbt(team_settings, work)
    shutil.rmtree(work, ignore_errors=True)


def statuses(dbt: Dbt) -> dict[str, str]:
    return {
        result["unique_id"].rsplit(".", 1)[1]: result["status"]
        for result in dbt.artifact("run_results.json")["results"]
    }


def rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


@pytest.fixture(scope="module")
def first_run(dbt):
    result = dbt("run")
    assert result.returncode == 0, f"dbt run failed:\n{result.stdout}\n{result.stderr}"
    return result


def test_dbt_run_builds_every_materialization(dbt, first_run, engine):
    assert statuses(dbt) == dict.fromkeys(MODELS, "success")
    assert rows(engine, f"select cafe, cups from {SCHEMA}.cafe_totals order by cafe") == [("Latte", 1), ("Mocha", 5)]
    assert rows(engine, f"select cafe, orders from {SCHEMA}.cafe_totals_late order by cafe") == [
        ("Latte", 1),
        ("Mocha", 2),
    ]
    assert [
        cafe for cafe, _ in rows(engine, f"select cafe, last_order from {SCHEMA}.cafe_totals_mv order by cafe")
    ] == [
        "Latte",
        "Mocha",
    ]
    # the table's design, as dbt asked for it
    assert rows(engine, "select diststyle, sortkey1 from svv_table_info where \"table\" = 'cafe_orders'") == [
        ("KEY(cafe)", "ordered_at")
    ]
    # bind=false made a late-binding view, whose columns Redshift lists here
    late = rows(
        engine,
        "select col_name, col_type from pg_get_late_binding_view_cols() "
        "cols(view_schema name, view_name name, col_name name, col_type varchar, col_num int) "
        f"where view_schema = '{SCHEMA}' and view_name = 'cafe_totals_late' order by col_num",
    )
    assert late == [("cafe", "character varying(20)"), ("orders", "bigint")]


def test_dbt_run_again_replaces_what_it_made(dbt, first_run, engine):
    result = dbt("run")
    assert result.returncode == 0, f"the second dbt run failed:\n{result.stdout}\n{result.stderr}"
    assert statuses(dbt) == dict.fromkeys(MODELS, "success")
    assert rows(engine, f"select count(*) from {SCHEMA}.cafe_orders") == [(3,)]


def test_dbt_docs_generate_reads_the_catalog(dbt, first_run):
    result = dbt("docs", "generate")
    assert result.returncode == 0, f"dbt docs generate failed:\n{result.stdout}\n{result.stderr}"
    catalog = dbt.artifact("catalog.json")
    assert not catalog.get("errors"), catalog.get("errors")
    nodes = {node_id.rsplit(".", 1)[1]: node for node_id, node in catalog["nodes"].items()}
    # Not the materialized view: dbt finds Redshift's among the views of pg_class (relkind 'v'), and a
    # local one is PostgreSQL's own kind of relation (relkind 'm'); docs/local_redshift_clients.md.
    assert set(nodes) == set(MODELS) - {"cafe_totals_mv"}
    assert nodes["cafe_orders"]["metadata"]["type"] == "BASE TABLE"
    assert nodes["cafe_totals"]["metadata"]["type"] == "VIEW"
    assert nodes["cafe_totals_late"]["metadata"]["type"] == "LATE BINDING VIEW"
    orders = nodes["cafe_orders"]
    assert list(orders["columns"]) == ["order_id", "cafe", "cups", "ordered_at"]
    assert orders["columns"]["cups"]["comment"] == "Cups ordered."  # persist_docs wrote it
    assert orders["stats"]["diststyle"]["value"] == "KEY(cafe)"
    assert list(nodes["cafe_totals_late"]["columns"]) == ["cafe", "orders"]


def test_the_password_stays_out_of_dbt_files_and_output(dbt, first_run):
    assert dbt.password not in first_run.stdout + first_run.stderr
    for path in dbt.work.rglob("*"):
        if path.is_file():
            assert dbt.password not in path.read_text(errors="replace"), path
