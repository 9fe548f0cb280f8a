"""The notebook's query editor: an SQLAlchemy engine (sqlalchemy-redshift's redshift_connector
dialect) whose connections come from the team's settings, and jupysql's %%sql cells on it, with
plain-text results and no password, host or port in any output. On a local Redshift of the
test's own holding the shipped data."""

from __future__ import annotations

import pytest
from warehouse_support import visits_warehouse

from local_cloud.redshift.admin import read_admin_credentials
from redshift_course.sql_editor import load_sql_cells, redshift_engine, saved_query

DATABASE = "editor_check"


class TeamSettings:
    """What the editor needs of `CourseSettings`: the settings JSON, here without Parameter Store."""

    def __init__(self, details: dict) -> None:
        self._details = details

    def redshift_settings(self) -> dict:
        return dict(self._details)


@pytest.fixture(scope="module")
def team():
    with visits_warehouse(DATABASE, "editor-redshift-") as redshift:
        admin = read_admin_credentials(redshift.data_dir)
        details = {
            "host": redshift.host,
            "port": redshift.port,
            "database-name": DATABASE,
            "user": admin["user"],
            "password": admin["password"],
        }
        yield TeamSettings(details), details


def test_the_engine_runs_queries_and_keeps_the_password_out_of_its_url(team):
    import sqlalchemy

    settings, details = team
    engine = redshift_engine(settings)
    try:
        assert engine.url.drivername == "redshift+redshift_connector"
        assert engine.url.password is None
        for shown in (repr(engine), str(engine.url), engine.url.render_as_string(hide_password=False)):
            assert details["password"] not in shown
        with engine.connect() as connection:
            visits = connection.execute(sqlalchemy.text("SELECT COUNT(*) FROM mystery_shop_visit")).scalar()
        assert visits == 2021
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def shell(team):
    from IPython.core.interactiveshell import InteractiveShell
    from sql.connection import ConnectionManager

    settings, _ = team
    ip = InteractiveShell.instance()
    ip.user_ns["engine"] = redshift_engine(settings)
    load_sql_cells(ip)
    ip.run_line_magic("sql", "engine")
    yield ip
    ConnectionManager.close_all()  # before the test's Redshift stops, not at the interpreter's exit
    ip.user_ns.pop("engine").dispose()
    InteractiveShell.clear_instance()


def test_sql_cells_show_plain_text_and_nothing_about_the_connection(shell, team, capsys):
    _, details = team
    result = shell.run_cell("%%sql --save count_visits\nSELECT COUNT(*) AS visits FROM mystery_shop_visit")
    assert result.success, result.error_in_exec
    formatted, _ = shell.display_formatter.format(result.result)
    assert list(formatted) == ["text/plain"]  # no HTML table: committed outputs stay plain text
    assert "visits" in formatted["text/plain"] and "2021" in formatted["text/plain"]
    printed = capsys.readouterr()
    everything = formatted["text/plain"] + printed.out + printed.err
    for secret_or_address in (details["password"], str(details["port"]), details["host"]):
        assert secret_or_address not in everything
    assert saved_query("count_visits") == "SELECT COUNT(*) AS visits FROM mystery_shop_visit"


def test_no_saved_query_is_none(shell):
    assert saved_query("never_saved") is None
