"""pandas and SQLAlchemy through sqlalchemy-redshift (redshift+redshift_connector), over the wire to
the local Redshift: what learners do with ``to_sql``/``read_sql`` and what reflection asks the
catalog (docs/local_redshift_clients.md)."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from redshift_course.sql_engine import engine_url


@pytest.fixture(scope="module")
def tables(engine):
    """A small schema of Redshift tables (with their design), a view and a late-binding view."""
    with engine.begin() as conn:
        for statement in (
            "drop view if exists shop_names",
            "drop view if exists shop_names_late",
            "drop table if exists visit",
            "drop table if exists shop",
            "create table shop (shop_id int primary key, name varchar(40) not null) diststyle all sortkey (shop_id)",
            "create table visit (visit_id int identity(1, 1), shop_id int references shop (shop_id), "
            "note varchar(max) encode zstd, score decimal(4, 1), visited_at timestamp, primary key (visit_id)) "
            "distkey (shop_id) compound sortkey (visited_at)",
            "create view shop_names as select shop_id, name from shop",
            "create view shop_names_late as select shop_id, name from public.shop with no schema binding",
        ):
            conn.exec_driver_sql(statement)
    return sa.inspect(engine)


def test_the_password_is_in_no_url_or_repr(engine, team_settings):
    assert team_settings["password"] not in repr(engine)
    assert team_settings["password"] not in str(engine.url)
    assert engine.url == engine_url(team_settings)
    assert engine.url.password is None


def test_to_sql_and_read_back(engine):
    frame = pd.DataFrame(
        {
            "city": ["Leeds", "York", "Hull"],
            "visits": [3, 5, 8],
            "score": [4.5, None, 3.25],
            "seen": pd.to_datetime(["2024-01-01", "2024-02-29", "2024-03-31"]),
        }
    )
    assert frame.to_sql("city_visits", engine, index=False, if_exists="replace") == 3
    assert frame.to_sql("city_visits", engine, index=False, if_exists="append", method="multi") == 3
    back = pd.read_sql("select city, visits, score, seen from city_visits order by visits, city", engine)
    assert back["city"].tolist() == ["Leeds", "Leeds", "York", "York", "Hull", "Hull"]
    assert back["seen"].dt.strftime("%Y-%m-%d").tolist()[::2] == ["2024-01-01", "2024-02-29", "2024-03-31"]
    assert back["score"].isna().sum() == 2

    counted = pd.read_sql_query(
        sa.text("select count(*) as n from city_visits where visits > :least"), engine, params={"least": 4}
    )
    assert counted["n"].tolist() == [4]
    whole = pd.read_sql_table("city_visits", engine)
    assert sorted(whole.columns) == ["city", "score", "seen", "visits"] and len(whole) == 6

    # replace drops the table and makes it again from the frame
    assert frame.head(1).to_sql("city_visits", engine, index=False, if_exists="replace") == 1
    assert pd.read_sql("select count(*) as n from city_visits", engine)["n"].tolist() == [1]


def test_names_and_has_table(tables):
    assert {"public", "information_schema"} <= set(tables.get_schema_names())
    assert {"shop", "visit"} <= set(tables.get_table_names())
    assert {"shop_names", "shop_names_late"} <= set(tables.get_view_names())
    assert tables.has_table("visit") and tables.has_table("visit", schema="public")
    assert not tables.has_table("no_such_table")


def test_columns_with_the_types_redshift_reports(tables):
    columns = {column["name"]: column for column in tables.get_columns("visit")}
    assert list(columns) == ["visit_id", "shop_id", "note", "score", "visited_at"]
    types = {name: str(column["type"]) for name, column in columns.items()}
    # VARCHAR(MAX) is VARCHAR(65535), as Redshift stores it
    assert types == {
        "visit_id": "INTEGER",
        "shop_id": "INTEGER",
        "note": "VARCHAR(65535)",
        "score": "NUMERIC(4, 1)",
        "visited_at": "TIMESTAMP",
    }
    assert columns["visit_id"]["nullable"] is False and columns["shop_id"]["nullable"] is True
    assert columns["note"]["info"] == {"encode": "zstd"}


def test_constraints_and_indexes(tables):
    assert tables.get_pk_constraint("visit") == {"constrained_columns": ["visit_id"], "name": "visit_pkey"}
    (foreign_key,) = tables.get_foreign_keys("visit")
    assert foreign_key["constrained_columns"] == ["shop_id"]
    assert (foreign_key["referred_table"], foreign_key["referred_columns"]) == ("shop", ["shop_id"])
    assert tables.get_indexes("visit") == []  # Redshift has no indexes


def test_table_design_and_view_definition(tables):
    assert tables.get_table_options("visit") == {
        "redshift_diststyle": "KEY",
        "redshift_distkey": "shop_id",
        "redshift_sortkey": ("visited_at",),
        "redshift_interleaved_sortkey": None,
    }
    assert tables.get_table_options("shop")["redshift_diststyle"] == "ALL"
    definition = tables.get_view_definition("shop_names").lower()
    assert "select" in definition and "from shop" in definition


def test_late_binding_view_columns(tables):
    # Reflection reads a late-binding view's columns from pg_get_late_binding_view_cols(), each once,
    # in no particular order (sqlalchemy-redshift orders by attnum, which it leaves NULL there)
    columns = tables.get_columns("shop_names_late")
    assert sorted((column["name"], str(column["type"])) for column in columns) == [
        ("name", "VARCHAR(40)"),
        ("shop_id", "INTEGER"),
    ]


def test_autoload(engine, tables):
    visit = sa.Table("visit", sa.MetaData(), autoload_with=engine)
    assert list(visit.c.keys()) == ["visit_id", "shop_id", "note", "score", "visited_at"]
    assert [column.name for column in visit.primary_key] == ["visit_id"]
    shop = sa.Table("shop", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        conn.execute(shop.insert(), [{"shop_id": 1, "name": "Leeds"}, {"shop_id": 2, "name": "York"}])
        conn.execute(sa.text("insert into visit (shop_id, score) values (1, 4.5), (2, 3.0)"))
        rows = conn.execute(sa.select(visit.c.shop_id, visit.c.score).order_by(visit.c.shop_id)).all()
        names = conn.execute(sa.select(shop.c.name).where(shop.c.shop_id == 2)).scalars().all()
    assert [(shop_id, float(score)) for shop_id, score in rows] == [(1, 4.5), (2, 3.0)]
    assert names == ["York"]


def test_materialized_view_as_redshift_lists_it(engine, tables):
    with engine.begin() as conn:
        conn.exec_driver_sql("drop materialized view if exists shop_count")
        conn.exec_driver_sql(
            "create materialized view shop_count backup no diststyle even sortkey (n) auto refresh no "
            "as (select count(*) as n from shop)"
        )
        conn.exec_driver_sql("insert into shop values (10, 'Hull')")
        before = conn.exec_driver_sql("select n from shop_count").scalar()
        conn.exec_driver_sql("refresh materialized view shop_count")
        after = conn.exec_driver_sql("select n from shop_count").scalar()
        conn.exec_driver_sql("comment on view shop_count is 'Shops, counted.'")
        listed = conn.exec_driver_sql(
            "select view_definition from information_schema.views where table_name = 'shop_count'"
        ).scalar()
        info = conn.exec_driver_sql("select is_stale, autorefresh from svv_mv_info where name = 'shop_count'").one()
        comment = conn.exec_driver_sql("select obj_description('shop_count'::regclass)").scalar()
        conn.exec_driver_sql("delete from shop where shop_id = 10")
    assert after == before + 1
    assert listed.startswith("create materialized view shop_count as")
    assert tuple(info) == ("f", "f") and comment == "Shops, counted."
