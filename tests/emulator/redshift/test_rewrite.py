"""Unit tests of rewrite_sql: pure string in, string out; no database."""

from __future__ import annotations

import inspect
import json
import re

import pytest

from local_cloud.redshift.rewrite import rewrite_sql


def squash(sql: str) -> str:
    """The SQL with spacing normalised and the table-design comment (/*rs:design ...*/) left out."""
    return re.sub(r"\s+", " ", re.sub(r"/\*rs:\w+ .*?\*/", "", sql)).strip()


def unnamed(sql: str) -> str:
    """The SQL without the column names the rewriter gives unaliased DATEADD(...), SYSDATE, ..."""
    return re.sub(r' AS "(?:date_add|date_diff|pgdate_part|date_part|coalesce|dlog10|listagg|timestamp|date)"', "", sql)


def design(sql: str) -> dict:
    """The table design the rewriter left in its /*rs:design|alter {...}*/ comment."""
    match = re.search(r"/\*rs:\w+ (.*?)\*/", sql)
    return json.loads(match.group(1)) if match else {}


# --- pass-through: the same string object's text comes back ------------------------------------

PASS_THROUGH = [
    "select 1",
    "SELECT * FROM mystery_shop_visit WHERE visit_id = $1",
    "insert into t (a, b) values (%s, %s), (%s, %s)",
    "select 1; select 2;",
    "SELECT 'select top 5 a from t qualify rank() over () = 1' AS s",
    "select 'DISTKEY(a) SORTKEY(b) ENCODE zstd' from t",
    "select $q$ datediff(year, a, b) $q$",
    "select E'it\\'s listagg(x)'",
    'select "top", "qualify" from t',
    "select a -- datediff(year, a, b) and top 5\nfrom t",
    "select /* nested /* sysdate */ still comment qualify */ a from t",
    "select x::date, y::varchar(10), z::numeric(10,2) from t",
    "select max(a), decode(b, 'hex'), encode(c, 'base64') from t",
    "select datediff('day', a, b) d, dateadd('month', 1, d) AS m, getdate(), nvl(a, 0) n, median(x) from t",
    "create table t (id int primary key, name varchar(20) not null default 'x')",
    "CREATE TABLE t AS SELECT top_score FROM s JOIN u ON true",
    "select t.top, s.identity from t, s",
    "BEGIN; UPDATE t SET a = a + 1 WHERE b = $2; COMMIT",
    "SELECT extract(year from d) AS y, date_part('year', d) y2 FROM t",
    "",
    "   ",
]


@pytest.mark.parametrize("sql", PASS_THROUGH)
def test_rewrite_passes_through_ordinary_sql(sql):
    assert rewrite_sql(sql) == sql


def _driver_catalog_queries() -> list[str]:
    """The SQL string constants redshift_connector 2.2.0 sends on its own (metadata calls)."""
    import redshift_connector.core as core
    import redshift_connector.cursor as cursor

    found = []
    for module in (core, cursor):
        for literal in re.findall(
            r'"((?:[^"\\\n]|\\.)*\b(?:select|SELECT)\b(?:[^"\\\n]|\\.)*)"', inspect.getsource(module)
        ):
            found.append(literal)
    return found


def test_rewrite_passes_through_driver_catalog_queries():
    queries = _driver_catalog_queries()
    assert len(queries) > 20
    changed = [q for q in queries if rewrite_sql(q) != q]
    assert changed == []


def test_rewrite_is_fast_on_a_large_ordinary_statement():
    import time

    sql = "insert into t values " + ", ".join(f"({i}, 'row {i}', $1)" for i in range(20000))
    started = time.perf_counter()
    assert rewrite_sql(sql) is sql
    assert time.perf_counter() - started < 0.5


# --- CREATE TABLE ----------------------------------------------------------------------------


def test_rewrite_create_table_drops_distribution_sort_and_encoding():
    sql = """CREATE TABLE IF NOT EXISTS mystery_shop_visit (
        visit_id INTEGER NOT NULL ENCODE az64 DISTKEY,
        store_name VARCHAR(100) ENCODE zstd,
        visit_date DATE SORTKEY
    ) DISTSTYLE KEY DISTKEY(visit_id) COMPOUND SORTKEY(visit_date, store_id) ENCODE AUTO BACKUP NO;"""
    out = squash(rewrite_sql(sql))
    assert out == squash("""CREATE TABLE IF NOT EXISTS mystery_shop_visit (
        visit_id INTEGER NOT NULL , store_name VARCHAR(100) , visit_date DATE ) ;""")
    assert design(rewrite_sql(sql)) == {
        "table": "mystery_shop_visit",
        "diststyle": "KEY",
        "distkey": "visit_id",
        "sortkind": "compound",
        "sortkeys": ["visit_date", "store_id"],
        "encodings": {"visit_id": "az64", "store_name": "zstd"},
        "encode_auto": True,
    }


@pytest.mark.parametrize("style", ["AUTO", "EVEN", "KEY", "ALL", "even"])
def test_rewrite_diststyle(style):
    assert squash(rewrite_sql(f"create table t (a int) diststyle {style}")) == "create table t (a int)"


@pytest.mark.parametrize(
    "sortkey", ["SORTKEY(a)", "COMPOUND SORTKEY(a, b)", "INTERLEAVED SORTKEY (a,b)", "SORTKEY AUTO"]
)
def test_rewrite_sortkey_forms(sortkey):
    assert squash(rewrite_sql(f"create table t (a int, b int) {sortkey}")) == "create table t (a int, b int)"


def test_rewrite_ctas_with_attributes():
    out = rewrite_sql("CREATE TEMP TABLE t2 DISTSTYLE ALL SORTKEY(a) AS SELECT a FROM t")
    assert squash(out) == "CREATE TEMP TABLE t2 AS SELECT a FROM t"


def test_rewrite_identity_columns():
    # Redshift's IDENTITY takes no values from INSERT: GENERATED ALWAYS.
    out = rewrite_sql("create table t (id bigint identity(1, 1), b int identity(100,-5), c bigint identity)")
    assert "GENERATED ALWAYS AS IDENTITY (START WITH 1 INCREMENT BY 1)" in out
    assert "GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY - 5 MAXVALUE 100)" in out
    assert out.endswith("c bigint GENERATED ALWAYS AS IDENTITY (START WITH 1 INCREMENT BY 1))")
    out = rewrite_sql("create table t (id bigint generated by default as identity(0, 2))")
    assert squash(out) == (
        "create table t (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 0 INCREMENT BY 2 MINVALUE 0))"
    )


def test_rewrite_varchar_max_and_nvarchar():
    out = rewrite_sql("create table t (a varchar(max), b nvarchar(20), c character varying(MAX))")
    assert squash(out) == "create table t (a varchar(65535), b varchar(20), c character varying(65535))"


def test_rewrite_keeps_columns_named_like_attributes():
    sql = "create table t (encode varchar(5), sortkey int, distkey int)"
    assert rewrite_sql(sql) == sql


# --- functions -------------------------------------------------------------------------------


def test_rewrite_quotes_bare_date_parts():
    out = unnamed(rewrite_sql("select datediff(year, '2023-12-31', '2024-01-01'), DATEADD(mon, 1, d) from t"))
    assert out == "select datediff('year', '2023-12-31', '2024-01-01'), DATEADD('mon', 1, d) from t"


def test_rewrite_date_part_and_extract_abbreviations():
    out = unnamed(
        rewrite_sql("select date_part(dw, d), pgdate_part(yr, d), extract(weekday from d), date_part('dayofyear', d)")
    )
    assert out == "select date_part('dow', d), date_part('year', d), extract(dow from d), date_part('doy', d)"


def test_rewrite_sysdate_only_as_keyword():
    assert unnamed(rewrite_sql("select sysdate")) == "select LOCALTIMESTAMP"
    assert unnamed(rewrite_sql("select t.sysdate from t")) == "select t.sysdate from t"


def test_rewrite_approximate_count():
    assert rewrite_sql("select approximate count(distinct a) from t") == "select count(distinct a) from t"


def test_rewrite_listagg_within_group():
    out = unnamed(rewrite_sql("select listagg(name, ', ') within group (order by name desc) from t"))
    assert out == "select string_agg((name)::text, ', ' order by name desc) from t"


def test_rewrite_listagg_without_within_group_and_distinct():
    assert unnamed(rewrite_sql("select listagg(a) from t")) == "select string_agg((a)::text, '') from t"
    assert (
        unnamed(rewrite_sql("select listagg(distinct a, ',') from t"))
        == "select string_agg(distinct (a)::text, ',') from t"
    )


def test_rewrite_decode_to_case():
    out = rewrite_sql("select decode(t, 'A', 'Alpha', 'B', 'Beta', 'Other'), decode(s, 1, 'one') from x")
    assert squash(out) == squash(
        "select (CASE t WHEN 'A' THEN 'Alpha' WHEN 'B' THEN 'Beta' ELSE 'Other' END), "
        "(CASE s WHEN 1 THEN 'one' END) from x"
    )


def test_rewrite_top_to_limit():
    assert squash(rewrite_sql("SELECT TOP 5 a FROM t ORDER BY a DESC")) == "SELECT a FROM t ORDER BY a DESC LIMIT 5"
    assert squash(rewrite_sql("select distinct top 2 a from t")) == "select distinct a from t LIMIT 2"


def test_rewrite_top_before_a_trailing_comment_and_in_subquery():
    out = rewrite_sql("select top 3 a from t -- the best")
    assert out == "select  a from t LIMIT 3 -- the best"
    out = rewrite_sql("select * from (select top 1 a from t order by a) s where a > 0")
    assert squash(out) == "select * from (select a from t order by a LIMIT 1) s where a > 0"


def test_rewrite_each_statement_of_several():
    out = unnamed(rewrite_sql("select top 1 a from t; select 'top 1'; select datediff(day, a, b) from t;"))
    assert out == "select  a from t LIMIT 1; select 'top 1'; select datediff('day', a, b) from t;"


# --- QUALIFY ---------------------------------------------------------------------------------


def test_rewrite_qualify_wraps_in_subquery():
    out = rewrite_sql(
        "SELECT store_id, month, score FROM t "
        "QUALIFY ROW_NUMBER() OVER (PARTITION BY month ORDER BY score DESC) = 1 ORDER BY month"
    )
    assert squash(out) == squash(
        "SELECT store_id, month, score FROM (SELECT store_id, month, score, "
        "(ROW_NUMBER() OVER (PARTITION BY month ORDER BY score DESC) = 1) AS __qualify FROM t) "
        "AS __qualified WHERE __qualify ORDER BY month"
    )


def test_rewrite_qualify_keeps_default_column_names():
    out = rewrite_sql(
        "select a, count(*), sum(b) total, x.c from t x group by a, x.c "
        "qualify rank() over (order by count(*) desc) <= 3"
    )
    assert out.startswith(
        'SELECT a, "count", total, c FROM (select a, count(*) AS "count", pg_catalog._rs_sum(b) total, x.c, '
    )


def test_rewrite_qualify_with_top_and_cte():
    out = rewrite_sql("with s as (select 1 a) select top 2 a from s qualify row_number() over (order by a) = 1")
    assert squash(out) == squash(
        "with s as (select 1 a) SELECT a FROM (select a, (row_number() over (order by a) = 1) AS __qualify "
        "from s) AS __qualified WHERE __qualify LIMIT 2"
    )


def test_rewrite_nested_qualify():
    out = rewrite_sql(
        "select a from (select a from t qualify rank() over (order by a) = 1) s "
        "qualify row_number() over (order by a) = 1"
    )
    assert out.lower().count("__qualified") == 2 and "qualify " not in out.lower().replace("__qualify", "")


def test_rewrite_gives_up_cleanly_on_broken_sql():
    sql = "select top 5 a from (select b from t"
    assert rewrite_sql(sql) == sql


def test_rewrite_long_insert_with_redshift_words_in_strings_passes_through():
    sql = "insert into t values " + ", ".join(f"({i}, 'Top Shop {i}', 'it''s the max -- qualify')" for i in range(5000))
    assert rewrite_sql(sql) == sql
    tail = sql + "; select top 1 a from t"
    assert rewrite_sql(tail).endswith("; select  a from t LIMIT 1")


# --- table design, ALTER TABLE, VACUUM, ANALYZE, SET, refusals ---------------------------------


def test_rewrite_ctas_keys_by_position_and_inheritance():
    out = rewrite_sql("create table s distkey (1) sortkey (1, 3) as select a, b, c from t")
    assert design(out) == {"table": "s", "distkey": 1, "sortkeys": [1, 3], "sortkind": "compound"}
    assert design(rewrite_sql("create table s as select * from public.t")) == {"table": "s", "inherit": "public.t"}
    assert design(rewrite_sql("create temp table s (like p)")) == {"table": "s", "like": "p"}


@pytest.mark.parametrize(
    "sql, change",
    [
        ("alter table t alter diststyle key distkey c", {"diststyle": "KEY", "distkey": "c"}),
        ("alter table t alter distkey c", {"diststyle": "KEY", "distkey": "c"}),
        ("alter table t alter diststyle all", {"diststyle": "ALL", "distkey": None}),
        ("alter table t alter compound sortkey (a, b)", {"sortkeys": ["a", "b"], "sortkind": "compound"}),
        ("alter table t alter sortkey none", {"sortkeys": [], "sortkind": None}),
        ("alter table t alter encode auto", {"encode_auto": True}),
        ("alter table t alter column c encode az64", {"encodings": {"c": "az64"}}),
    ],
)
def test_rewrite_alter_table_design(sql, change):
    out = rewrite_sql(sql)
    assert squash(out) == "alter table t RESET (fillfactor)"
    assert design(out) == {"table": "t", **change}


def test_rewrite_keeps_postgresql_alter_table():
    sql = "alter table t alter column c set not null"
    assert rewrite_sql(sql) == sql


@pytest.mark.parametrize(
    "sql, out",
    [
        ("vacuum sort only sales to 75 percent", "VACUUM sales"),
        ("vacuum delete only sales", "VACUUM sales"),
        ("vacuum full sales boost", "VACUUM sales"),
        ("vacuum sales to 100 percent", "VACUUM sales"),
        ("vacuum", "vacuum"),
        ("analyze venue predicate columns", "analyze venue"),
        ("analyze venue(a, b) all columns", "analyze venue(a, b)"),
        ("set query_group to 'Monday'", "set rs.query_group to 'Monday'"),
        ("reset query_group", "reset rs.query_group"),
        ("SET enable_result_cache_for_session TO off", "SET rs.enable_result_cache_for_session TO off"),
        ("select a from t minus select a from u", "select a from t EXCEPT select a from u"),
        ("create table #t (a int)", "create TEMP table t (a int)"),
        ("insert into #t select * from #t", "insert into t select * from t"),
        ("select convert(varchar(30), getdate())", "select CAST(getdate() AS varchar(30))"),
    ],
)
def test_rewrite_redshift_statements(sql, out):
    assert squash(rewrite_sql(sql)) == out


def test_rewrite_analyze_compression():
    out = rewrite_sql("analyze compression sales(qtysold, commission)")
    assert out == "SELECT * FROM pg_catalog._rs_analyze_compression('sales', 'qtysold,commission')"


@pytest.mark.parametrize(
    "sql",
    [
        "create table t (id serial)",
        "create table t (doc jsonb, a int)",
        "create table t (tags varchar(10)[])",
        "create table t (a int) partition by range (a)",
        "create index i on t (a)",
        "create type mood as enum ('sad')",
        "select '{}'::json",
        "select cast(x as uuid) from t",
        "select array[1, 2]",
        "select * from (values (1)) v(a)",
        "select 1 intersect all select 1",
        "vacuum reindex t to 50 percent",
    ],
)
def test_rewrite_refuses_what_redshift_refuses(sql):
    assert rewrite_sql(sql).startswith("SELECT pg_catalog._rs_refuse(")


def test_rewrite_refusal_names_the_column_and_type():
    assert 'Column "id" has unsupported type "serial"' in rewrite_sql("create temp table t (id serial)")


def test_rewrite_pg_class_with_redshift_columns():
    out = rewrite_sql("select relname, reldiststyle from pg_class where relname = 'x'")
    assert out == "select relname, reldiststyle from pg_catalog._rs_pg_class AS pg_class where relname = 'x'"
    out = rewrite_sql("select attisdistkey from pg_catalog.pg_attribute a where a.attnum > 0")
    assert out == "select attisdistkey from pg_catalog._rs_pg_attribute a where a.attnum > 0"
    assert rewrite_sql("select relname from pg_class") == "select relname from pg_class"


@pytest.mark.parametrize(
    "sql, name",
    [
        ("select dateadd(day, 1, d) from t", "date_add"),
        ("select datediff(day, a, b) from t", "date_diff"),
        ("select date_part(dow, d) from t", "pgdate_part"),
        ("select extract(dow from d) from t", "date_part"),
        ("select nvl(a, b) from t", "coalesce"),
        ("select log(100)", "dlog10"),
        ("select sysdate", "timestamp"),
        ("select current_date", "date"),
        ("select listagg(a, ',') within group (order by a) from t", "listagg"),
        ("select nullif(listid, salesid) from t", "listid"),
    ],
)
def test_rewrite_names_unaliased_columns_as_redshift_does(sql, name):
    assert rewrite_sql(sql).endswith(f' AS "{name}"') or f' AS "{name}" from' in rewrite_sql(sql)


def test_rewrite_leaves_aliased_and_compound_items_alone():
    assert "AS" not in rewrite_sql("select dateadd(day, 1, d) + 1, nvl(a, b) over_x from t").replace("as", "")


def test_rewrite_folds_quoted_identifiers_to_lower_case():
    assert rewrite_sql('select 1 as "MixedCase" from "T"') == 'select 1 as "mixedcase" from "t"'
    assert rewrite_sql("select 'Keep \"This\"' from t") == "select 'Keep \"This\"' from t"


def test_rewrite_decode_matches_null():
    out = rewrite_sql("select decode(x, null, 0, 1) from t")
    assert squash(out) == "select (CASE WHEN (x) IS NOT DISTINCT FROM null THEN 0 ELSE 1 END) from t"


def test_rewrite_concat_takes_two_arguments():
    assert rewrite_sql("select concat(a, b) from t") == 'select pg_catalog._rs_concat(a, b) AS "concat" from t'
    assert rewrite_sql("select concat(a, b, c) from t").startswith("SELECT pg_catalog._rs_refuse(")


def test_rewrite_backslash_literals_escape_as_in_redshift():
    assert rewrite_sql("select regexp_count(s, '\\\\.') from t") == "select regexp_count(s, E'\\\\.') from t"
    assert rewrite_sql("select E'\\\\.' from t") == "select E'\\\\.' from t"


def test_rewrite_ratio_to_report():
    out = rewrite_sql("select ratio_to_report(qty) over (partition by s) from w")
    assert out == 'select ((qty)::double precision / sum(qty) OVER (partition by s)) AS "ratio_to_report" from w'


def test_rewrite_refuses_sort_based_aggregates_with_different_orderings():
    sql = "select listagg(a) within group (order by b), listagg(b) within group (order by a) from t"
    assert rewrite_sql(sql).startswith("SELECT pg_catalog._rs_refuse(")
    sql = "select median(x), percentile_cont(0.5) within group (order by x) from t"
    assert not rewrite_sql(sql).startswith("SELECT pg_catalog._rs_refuse(")


# --- lateral column aliases ------------------------------------------------------------------------


def test_lateral_alias_becomes_a_subquery_where_a_from_column_would_win():
    out = rewrite_sql("select clicks / impressions as probability, round(100 * probability, 1) as pct from raw_data")
    assert squash(out) == (
        "select clicks / impressions as probability, round(100 * (SELECT (SELECT probability FROM "
        "(SELECT raw_data.*) AS _rs_row) FROM (SELECT clicks / impressions AS probability) AS _rs_lca), 1) "
        "as pct from raw_data"
    )


def test_lateral_alias_without_from_is_the_expression():
    assert rewrite_sql("select 10 as base, base * 2 as doubled") == "select 10 as base, (10) * 2 as doubled"


def test_lateral_alias_chains_and_where_and_every_from_item():
    out = rewrite_sql("select a as x, x + 1 as y from t1 join t2 s on t1.id = s.id, t3 as u where y > 3 order by x")
    assert out.count("(SELECT t1.*, s.*, u.*) AS _rs_row") == 3  # y's use of x, WHERE's use of y (with x inside)
    assert out.endswith("> 3 order by x")


@pytest.mark.parametrize(
    "sql",
    [
        "select count(*) as n, n * 2 from t",  # an aggregate's alias
        "select a as x, x + 1 from t group by a",  # grouped
        "select row_number() over () as rn, rn + 1 from t",  # a window function
        "select a as x from t order by x",  # ORDER BY names output columns in PostgreSQL too
        "select a as x, t.x from t",  # qualified: a column
    ],
)
def test_lateral_alias_left_alone(sql):
    assert rewrite_sql(sql) == sql


# --- window functions PostgreSQL lacks -------------------------------------------------------------


def test_ignore_nulls_becomes_array_agg_over_the_same_window():
    out = rewrite_sql(
        "select first_value(x ignore nulls) over (order by d rows between unbounded preceding and current row) from t"
    )
    assert out == (
        "select pg_catalog._rs_array_pick(array_agg(x) FILTER (WHERE (x) IS NOT NULL) OVER "
        "(order by d rows between unbounded preceding and current row), 1) from t"
    )
    out = rewrite_sql("select lead(x, 2, 0) ignore nulls over (partition by p order by d) from t")
    assert out == (
        "select coalesce(pg_catalog._rs_array_pick(array_agg(x) FILTER (WHERE (x) IS NOT NULL) OVER "
        "(partition by p order by d ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), (2)), 0) from t"
    )
    assert (
        rewrite_sql("select lag(x) respect nulls over (order by d) from t") == "select lag(x)  over (order by d) from t"
    )


def test_percentile_and_listagg_over_a_window():
    assert rewrite_sql("select percentile_disc(0.5) within group (order by q desc) over (partition by s) from t") == (
        "select pg_catalog._rs_percentile_disc(array_agg(q) OVER (partition by s), 0.5, true) from t"
    )
    assert rewrite_sql("select listagg(a, ',') within group (order by b) over (partition by c) from t") == (
        "select pg_catalog._rs_listagg(array_agg((a)::text) OVER (partition by c order by b ROWS BETWEEN "
        "UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), ',', false) from t"
    )


def test_listagg_distinct_ordered_by_itself_keeps_the_values_type():
    assert rewrite_sql("select listagg(distinct n, ', ') within group (order by n desc) as l from t") == (
        "select array_to_string(array_agg(DISTINCT n order by n desc), ', ') as l from t"
    )


# --- SUPER -----------------------------------------------------------------------------------------


def test_super_navigation_and_array():
    assert rewrite_sql("select c.c_orders[0].o_orderkey from t c") == (
        "select pg_catalog._rs_super_get(c.c_orders, ARRAY['0', 'o_orderkey']::text[]) from t c"
    )
    assert rewrite_sql("select array(1, 'a')") == "select pg_catalog._rs_super(jsonb_build_array(1, 'a'))"
    assert rewrite_sql("select array(select 1)") == "select array(select 1)"


def test_super_unnest_in_from_and_navigation_into_the_element():
    assert rewrite_sql("select o.o_orderkey, i from t as c, c.c_orders as o at i") == (
        """select pg_catalog._rs_super_get("o"."o", ARRAY['o_orderkey']::text[]), i from t as c, """
        """pg_catalog._rs_super_elements(c.c_orders, ARRAY[]::text[]) AS "o"("o", "i")"""
    )


@pytest.mark.parametrize("sql", ["select a, t.b as x from t, u", "select * from s.t, s.u as x", "select x.y.z from x"])
def test_super_leaves_qualified_names_alone(sql):
    assert rewrite_sql(sql) == sql


# --- date formats ----------------------------------------------------------------------------------


def test_to_date_and_to_timestamp_with_a_format_roll_over_in_compat_sql():
    assert rewrite_sql("select to_date(s, 'YYYYMMDD', true) as d") == (
        "select pg_catalog._rs_to_date(s, 'YYYYMMDD', true) as d"
    )
    assert rewrite_sql("select to_timestamp(1284352323) as t") == "select to_timestamp(1284352323) as t"


def test_to_char_currency_and_time_zone():
    assert rewrite_sql("select to_char(x, 'L99D99 PL') as c") == """select to_char(x, '"$"99D99 PL') as c"""
    assert rewrite_sql("select to_char(ts, 'HH24 TZ') as c") == (
        "select to_char(((ts)::timestamp AT TIME ZONE current_setting('TimeZone')), 'HH24 TZ') as c"
    )
    assert rewrite_sql("""select to_char(ts, '"TZ" HH24') as c""") == """select to_char(ts, '"TZ" HH24') as c"""


def test_collate_case_insensitive_is_citext():
    assert rewrite_sql("create table t (a varchar(20) collate case_insensitive, b int)") == (
        "create table t (a pg_catalog.citext, b int)"
    )
    assert rewrite_sql("select a from t where a = 'x' collate case_insensitive") == (
        "select a from t where a = 'x' ::pg_catalog.citext"
    )


def test_qualify_select_star_expands_whole_rows():
    assert rewrite_sql("select * from t x qualify rank() over (order by a) = 1") == (
        "SELECT (__qualify_row1).* FROM (select x AS __qualify_row1, (rank() over (order by a) = 1) AS __qualify "
        "from t x) AS __qualified WHERE __qualify"
    )
