-- Redshift catalog views that redshift_connector 2.2.0 queries, over PostgreSQL's own catalog.
-- Loaded into template1 (so every database has them) after compat.sql when the local template is
-- built. Each view is defined here only: compat.sql holds the Redshift system views the course
-- itself queries (stv_slices, svv_table_info...).
-- These list local objects only (Redshift's also list external and datashare objects).
-- They live in pg_catalog because the driver names them with that schema (pg_catalog.svv_all_tables),
-- which PostgreSQL only allows with allow_system_table_mods (superuser, this session only).
SET allow_system_table_mods = on;

DO $do$
DECLARE
    views CONSTANT text[][] := ARRAY[
    -- write_dataframe checks the table exists here
    ['svv_all_tables', $v$
SELECT current_database()::text AS database_name, t.table_schema::text AS schema_name,
       t.table_name::text AS table_name, t.table_type::text AS table_type,
       NULL::text AS table_acl, NULL::text AS remarks
FROM information_schema.tables t
WHERE t.table_schema NOT IN ('pg_catalog', 'information_schema') $v$],
    -- insert_data_bulk checks column names here
    ['svv_all_columns', $v$
SELECT current_database()::text AS database_name, c.table_schema::text AS schema_name,
       c.table_name::text AS table_name, c.column_name::text AS column_name,
       c.ordinal_position::integer AS ordinal_position, c.column_default::text AS column_default,
       c.is_nullable::text AS is_nullable, c.data_type::text AS data_type,
       c.character_maximum_length::integer AS character_maximum_length,
       c.numeric_precision::integer AS numeric_precision, c.numeric_scale::integer AS numeric_scale,
       NULL::text AS remarks
FROM information_schema.columns c
WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') $v$],
    -- get_tables without a schema pattern
    ['svv_tables', $v$
SELECT t.table_catalog::text AS table_catalog, t.table_schema::text AS table_schema,
       t.table_name::text AS table_name, t.table_type::text AS table_type, NULL::text AS remarks
FROM information_schema.tables t $v$],
    -- get_columns without a schema pattern (it reads domain_name and remarks too)
    ['svv_columns', $v$
SELECT c.table_catalog::text AS table_catalog, c.table_schema::text AS table_schema,
       c.table_name::text AS table_name, c.column_name::text AS column_name,
       c.ordinal_position::integer AS ordinal_position, c.column_default::text AS column_default,
       c.is_nullable::text AS is_nullable, c.data_type::text AS data_type,
       c.character_maximum_length::integer AS character_maximum_length,
       c.numeric_precision::integer AS numeric_precision,
       c.numeric_precision_radix::integer AS numeric_precision_radix,
       c.numeric_scale::integer AS numeric_scale, c.datetime_precision::integer AS datetime_precision,
       c.interval_type::text AS interval_type, c.domain_name::text AS domain_name,
       NULL::text AS column_acl, NULL::text AS remarks
FROM information_schema.columns c $v$],
    -- get_schemas
    ['svv_all_schemas', $v$
SELECT current_database()::text AS database_name, n.nspname::text AS schema_name,
       pg_catalog.pg_get_userbyid(n.nspowner)::text AS schema_owner, 'local'::text AS schema_type,
       NULL::text AS schema_acl, NULL::text AS source_database, NULL::text AS schema_option
FROM pg_catalog.pg_namespace n $v$],
    -- get_catalogs
    ['svv_redshift_databases', $v$
SELECT d.datname::text AS database_name, pg_catalog.pg_get_userbyid(d.datdba)::text AS database_owner,
       'local'::text AS database_type, NULL::text AS database_acl, NULL::text AS database_options,
       'Serializable'::text AS database_isolation_level
FROM pg_catalog.pg_database d
WHERE d.datallowconn AND NOT d.datistemplate $v$],
    -- get_tables / get_columns with a schema pattern first ask whether it is an external schema;
    -- the local stand-in has none.
    ['svv_external_schemas', $v$
SELECT NULL::integer AS esoid, NULL::integer AS eskind, NULL::text AS schemaname, NULL::integer AS esowner,
       NULL::text AS databasename, NULL::text AS esoptions
WHERE false $v$]
    ];
    i integer;
BEGIN
    FOR i IN 1 .. array_length(views, 1) LOOP
        EXECUTE format('CREATE OR REPLACE VIEW pg_catalog.%I AS %s', views[i][1], views[i][2]);
        EXECUTE format('GRANT SELECT ON pg_catalog.%I TO PUBLIC', views[i][1]);
    END LOOP;
END
$do$;

-- =============================================================================================
-- The catalog that SQL clients read: sqlalchemy-redshift's reflection (get_columns, has_table,
-- get_table_names...) and dbt-redshift's catalog (dbt docs generate) and relation macros.
-- docs/local_redshift_clients.md says what each client sends and how the answers differ.
-- =============================================================================================

-- External (Spectrum) tables and columns: the local Redshift has no external schemas, so these
-- have Redshift's columns and no rows (sqlalchemy-redshift joins them into every reflection query).
CREATE OR REPLACE VIEW pg_catalog.svv_external_tables AS
SELECT NULL::text AS redshift_database_name, NULL::text AS schemaname, NULL::text AS tablename,
       NULL::text AS tabletype, NULL::text AS location, NULL::text AS input_format, NULL::text AS output_format,
       NULL::text AS serialization_lib, NULL::text AS serde_parameters, NULL::integer AS compressed,
       NULL::text AS parameters
WHERE false;

CREATE OR REPLACE VIEW pg_catalog.svv_external_columns AS
SELECT NULL::text AS redshift_database_name, NULL::text AS schemaname, NULL::text AS tablename,
       NULL::text AS columnname, NULL::text AS external_type, NULL::integer AS columnnum,
       NULL::integer AS part_key, NULL::text AS is_nullable
WHERE false;

-- FORMAT_ENCODING(attencodingtype): the encoding's name, 'none' for RAW or none (as PG_TABLE_DEF
-- shows it). The codes are the local ones pg_attribute.attencodingtype carries (compat.sql:
-- _rs_encoding_code), of which this is the inverse.
CREATE OR REPLACE FUNCTION pg_catalog.format_encoding(code integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT coalesce((ARRAY['bytedict', 'delta', 'delta32k', 'lzo', 'mostly8', 'mostly16', 'mostly32',
                       'runlength', 'text255', 'text32k', 'zstd', 'az64'])[code], 'none')
$$;

-- pg_attrdef with Redshift's adsrc (the default's text), which PostgreSQL 12 removed: the
-- rewriter reads a statement's pg_attrdef from here when it names adsrc.
CREATE OR REPLACE VIEW pg_catalog._rs_pg_attrdef AS
SELECT d.*, pg_catalog.pg_get_expr(d.adbin, d.adrelid)::text AS adsrc
FROM pg_catalog.pg_attrdef d;

-- Late-binding views (CREATE VIEW ... WITH NO SCHEMA BINDING). The rewriter leaves a
-- /*rs:late_binding*/ mark where the clause was; this trigger records the views so marked (a
-- CREATE OR REPLACE VIEW without the clause makes a view ordinary again). Locally the view is a
-- PostgreSQL view, bound to its tables: docs/local_redshift_clients.md says what differs.
-- (The table of those views, _rs_late_binding_view, is in compat.sql, before the pg_attribute
-- that leaves them out.)
-- Its owner's rights (the superuser's), so that any user's CREATE VIEW is recorded.
CREATE OR REPLACE FUNCTION pg_catalog._rs_mark_late_binding(rel oid, late boolean) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
DELETE FROM pg_catalog._rs_late_binding_view WHERE relid = rel;
INSERT INTO pg_catalog._rs_late_binding_view SELECT rel WHERE late;
$$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_late_binding_event() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
    cmd record;
BEGIN
    FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE object_type = 'view' LOOP
        PERFORM pg_catalog._rs_mark_late_binding(
            cmd.objid, strpos(coalesce(current_query(), ''), '/*rs:late_binding*/') > 0);
    END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS _rs_late_binding;
CREATE EVENT TRIGGER _rs_late_binding ON ddl_command_end WHEN TAG IN ('CREATE VIEW')
    EXECUTE FUNCTION pg_catalog._rs_late_binding_event();

-- PG_GET_LATE_BINDING_VIEW_COLS(): the columns of every late-binding view, read with a column
-- definition list as Redshift's documentation shows:
--   ... FROM pg_get_late_binding_view_cols() cols(view_schema name, view_name name, col_name name,
--                                                 col_type varchar, col_num int)
CREATE OR REPLACE FUNCTION pg_catalog.pg_get_late_binding_view_cols() RETURNS SETOF record
LANGUAGE sql STABLE AS $$
SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)::varchar,
       a.attnum::integer
FROM pg_catalog._rs_late_binding_view l
JOIN pg_catalog.pg_class c ON c.oid = l.relid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE pg_catalog.has_table_privilege(c.oid, 'SELECT')
ORDER BY 1, 2, 5
$$;

GRANT SELECT ON pg_catalog.svv_external_tables, pg_catalog.svv_external_columns, pg_catalog._rs_pg_attrdef
    TO PUBLIC;

-- Materialized views. Redshift lists them as views whose definition is the CREATE MATERIALIZED
-- VIEW statement (in information_schema.views and pg_views), in SVV_TABLE_INFO, and in
-- SVV_MV_INFO; a local one is a PostgreSQL materialized view (relkind 'm'), added to those here.
-- Its definition is PostgreSQL's text of the query, after "create materialized view name as".
CREATE OR REPLACE FUNCTION pg_catalog._rs_matview_definition(rel oid) RETURNS text
LANGUAGE sql STABLE AS $$
SELECT 'create materialized view ' || quote_ident(c.relname) || ' as' || pg_catalog.pg_get_viewdef(c.oid)
FROM pg_catalog.pg_class c WHERE c.oid = rel
$$;

DO $do$
BEGIN
    IF strpos(pg_catalog.pg_get_viewdef('information_schema.views'::regclass), '_rs_matview_definition') = 0 THEN
        EXECUTE 'CREATE OR REPLACE VIEW information_schema.views AS '
            || rtrim(pg_catalog.pg_get_viewdef('information_schema.views'::regclass), E'; \n')
            || $sql$
 UNION ALL
 SELECT current_database()::information_schema.sql_identifier, n.nspname::information_schema.sql_identifier,
        c.relname::information_schema.sql_identifier,
        pg_catalog._rs_matview_definition(c.oid)::information_schema.character_data,
        'NONE'::information_schema.character_data, 'NO'::information_schema.yes_or_no,
        'NO'::information_schema.yes_or_no, 'NO'::information_schema.yes_or_no,
        'NO'::information_schema.yes_or_no, 'NO'::information_schema.yes_or_no
 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'm' AND (pg_catalog.pg_has_role(c.relowner, 'USAGE') OR pg_catalog.has_table_privilege(c.oid, 'SELECT'))
$sql$;
    END IF;
END
$do$;

CREATE OR REPLACE VIEW pg_catalog.pg_views AS
SELECT n.nspname AS schemaname, c.relname AS viewname, pg_catalog.pg_get_userbyid(c.relowner) AS viewowner,
       CASE c.relkind WHEN 'm' THEN pg_catalog._rs_matview_definition(c.oid)
                      ELSE pg_catalog.pg_get_viewdef(c.oid) END AS definition
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm');

-- SVV_MV_INFO: every materialized view, never stale locally (REFRESH runs at once); AUTO REFRESH
-- and automatic query rewriting are not kept ('f').
CREATE OR REPLACE VIEW pg_catalog.svv_mv_info AS
SELECT current_database()::char(128) AS database_name, n.nspname::char(128) AS schema_name,
       pg_catalog.pg_get_userbyid(c.relowner)::char(128) AS user_name, c.relname::char(128) AS name,
       (NOT c.relispopulated)::text::char(1) AS is_stale, 1::integer AS state,
       'f'::char(1) AS autorefresh, 'f'::char(1) AS autorewrite
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'm';

-- COMMENT ON VIEW (the rewriter calls this for it): on Redshift a materialized view is a view.
CREATE OR REPLACE FUNCTION pg_catalog._rs_comment_on_view(view_name text, comment text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    rel regclass := view_name::regclass;
BEGIN
    EXECUTE format('COMMENT ON %s %s IS %L',
                   CASE (SELECT relkind FROM pg_catalog.pg_class WHERE oid = rel)
                        WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, rel, comment);
END $$;

GRANT SELECT ON information_schema.views, pg_catalog.pg_views, pg_catalog.svv_mv_info TO PUBLIC;
