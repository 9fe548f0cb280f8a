"""rewrite_sql on what SQL clients send (sqlalchemy-redshift, dbt-redshift, pandas through SQLAlchemy):
docs/local_redshift_clients.md."""

import pytest

from local_cloud.redshift.rewrite import rewrite_sql


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # Redshift takes a bare integer as a condition
        ("select 1 where 1", "select 1 where (1 <> 0)"),
        ("select * from t where 1 and a = 'x'", "select * from t where (1 <> 0) and a = 'x'"),
        ("select * from t where x between 1 and 5", "select * from t where x between 1 and 5"),
        ("select * from t where a = 1 and b = 2", "select * from t where a = 1 and b = 2"),
        # late-binding views keep a mark the event trigger records
        (
            "create view v as (select a from public.t) with no schema binding;",
            "create view v as (select a from public.t) /*rs:late_binding*/;",
        ),
        # materialized views lose the attributes PostgreSQL does not take
        (
            "create materialized view mv backup no diststyle key distkey (a) sortkey (a, b) auto refresh yes as (select a, b from t)",
            "create materialized view mv as (select a, b from t)",
        ),
        ("create materialized view mv as select 1", "create materialized view mv as select 1"),
        # on Redshift a materialized view is a view
        ('comment on view "s"."v" is $c$it\'s$c$', 'SELECT pg_catalog._rs_comment_on_view(\'"s"."v"\', $c$it\'s$c$)'),
        # pg_attrdef.adsrc, which PostgreSQL 12 removed
        ("select ad.adsrc from pg_catalog.pg_attrdef ad", "select ad.adsrc from pg_catalog._rs_pg_attrdef ad"),
        # = ANY (ARRAY[$1]): PostgreSQL finds no type for $1 inside ARRAY[], Redshift's leader node does
        (
            "select relname from pg_catalog.pg_class where relkind = ANY (ARRAY[$1, $2])",
            "select relname from pg_catalog.pg_class where relkind IN ($1, $2)",
        ),
    ],
)
def test_client_statements(sql, expected):
    assert rewrite_sql(sql) == expected


def test_array_constructors_run_in_catalog_only_queries():
    catalog = "select array[1::smallint] as k from svv_external_columns c join svv_external_schemas s on true"
    assert rewrite_sql(catalog) == catalog
    for user_query in (
        "select array[1] from t",
        "select array[1] from pg_class, t",
        "select array[1] from (select * from t) x",
    ):
        assert "_rs_refuse" in rewrite_sql(user_query)
