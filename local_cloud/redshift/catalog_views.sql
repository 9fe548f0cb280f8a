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
