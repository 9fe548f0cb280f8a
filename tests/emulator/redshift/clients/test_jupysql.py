"""jupysql's %sql / %%sql / %sqlcmd in an in-process IPython shell, connected to the local Redshift
through the team's SQLAlchemy engine (redshift_course.sql_engine), as a learner's notebook does."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell
from sql.connection import ConnectionManager


@pytest.fixture(scope="module")
def shell(engine):
    # jupysql's telemetry (ploomber-core) stays off: no network, nothing sent about the learner.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PLOOMBER_STATS_ENABLED", "false")
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "sql")
        shell.run_line_magic("config", "SqlMagic.displaylimit = 50")
        shell.user_ns["team_engine"] = engine
        shell.run_line_magic("sql", "team_engine")
        yield shell
        ConnectionManager.close_all()
        InteractiveShell.clear_instance()


def test_select(shell, team_settings, capsys):
    result = shell.run_line_magic("sql", "select 1 + 1 as two, current_user as who")
    assert result.DataFrame().to_dict("records") == [{"two": 2, "who": team_settings["user"]}]
    shown = capsys.readouterr()
    assert team_settings["password"] not in shown.out + shown.err + repr(result)


def test_create_insert_select_cell(shell):
    result = shell.run_cell_magic(
        "sql",
        "",
        "drop table if exists cafe_sales;\n"
        "create table cafe_sales (cafe varchar(20), cups int) diststyle even sortkey (cafe);\n"
        "insert into cafe_sales values ('Mocha', 12), ('Latte', 7);\n"
        "select cafe, cups from cafe_sales order by cups desc;",
    )
    assert result.DataFrame().to_dict("records") == [{"cafe": "Mocha", "cups": 12}, {"cafe": "Latte", "cups": 7}]
    # a parameter from the notebook's variables, bound by SQLAlchemy
    shell.user_ns["least"] = 10
    bound = shell.run_line_magic("sql", "select cafe from cafe_sales where cups > {{least}}")
    assert bound.DataFrame()["cafe"].tolist() == ["Mocha"]


def test_sqlcmd_tables_and_columns(shell):
    shell.run_line_magic("sql", "create table if not exists cafe_menu (item varchar(30) not null, price decimal(5, 2))")
    tables = str(shell.run_line_magic("sqlcmd", "tables"))
    assert "cafe_menu" in tables
    assert "cafe_menu" in str(shell.run_line_magic("sqlcmd", "tables --schema public"))
    columns = str(shell.run_line_magic("sqlcmd", "columns --table cafe_menu"))
    assert "item" in columns and "VARCHAR(30)" in columns and "NUMERIC(5, 2)" in columns


def test_sqlcmd_profile(shell):
    shell.run_cell_magic(
        "sql", "", "drop table if exists tips;\ncreate table tips (amount int);\ninsert into tips values (1), (2), (3);"
    )
    profile = str(shell.run_line_magic("sqlcmd", "profile --table tips"))
    assert "count" in profile and "mean" in profile
