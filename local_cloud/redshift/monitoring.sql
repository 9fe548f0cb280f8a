-- The local Redshift's query history and load error details: STL_QUERY, SYS_QUERY_HISTORY,
-- SVL_QLOG, STL_QUERYTEXT, SVL_STATEMENTTEXT, PG_LAST_QUERY_ID() and STL_LOADERROR_DETAIL.
-- Installed into template1 after copy_unload.sql (whose load errors STL_LOADERROR_DETAIL details).
--
-- The gateway writes one JSON line per finished statement into rs_query_history/ in the data
-- directory (local_cloud/redshift/query_history.py says why a file and not a table); the views read
-- those files. As on Redshift, a superuser sees every user's queries, any other user their own.
-- Query ids are the gateway's (1, 2, ... since the local Redshift started); COPY's load errors
-- number their queries apart (copy_unload.sql), so their ids do not match STL_QUERY's.
SET allow_system_table_mods = on;
SET search_path = pg_catalog;

CREATE OR REPLACE FUNCTION pg_catalog._rs_query_history()
RETURNS TABLE (query integer, username text, userid integer, database text, pid integer, label text,
               starttime timestamp, endtime timestamp, querytxt text, query_type text, succeeded boolean,
               error_message text, returned_rows bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f text;
    super boolean := (SELECT rolsuper FROM pg_roles WHERE rolname = session_user);
BEGIN
    FOR f IN SELECT name FROM pg_ls_dir('rs_query_history', true, false) AS name WHERE name LIKE '%.jsonl' ORDER BY name LOOP
        RETURN QUERY
        SELECT (j->>'q')::integer, j->>'u', r.oid::integer, j->>'d', (j->>'p')::integer, j->>'l',
               (to_timestamp((j->>'s')::bigint / 1e6) AT TIME ZONE 'UTC')::timestamp,
               (to_timestamp((j->>'e')::bigint / 1e6) AT TIME ZONE 'UTC')::timestamp,
               j->>'t', j->>'k', (j->>'ok')::boolean, j->>'err', (j->>'r')::bigint
        FROM regexp_split_to_table(pg_read_file('rs_query_history/' || f, true), E'\n') AS line
        CROSS JOIN LATERAL (SELECT line::jsonb AS j WHERE pg_input_is_valid(line, 'jsonb')) AS parsed
        LEFT JOIN pg_roles r ON r.rolname = j->>'u'
        WHERE line <> '' AND (super OR j->>'u' = session_user);
    END LOOP;
END $$;

CREATE OR REPLACE VIEW pg_catalog.stl_query AS
SELECT h.userid, h.query, h.label::char(320) AS label, 0::bigint AS xid, h.pid, h.database::char(32) AS database,
       h.querytxt::char(4000) AS querytxt, h.starttime, h.endtime, (NOT h.succeeded)::integer AS aborted,
       0::integer AS insert_pristine, 0::integer AS concurrency_scaling_status
FROM pg_catalog._rs_query_history() h;

CREATE OR REPLACE VIEW pg_catalog.sys_query_history AS
SELECT h.userid AS user_id, h.query::bigint AS query_id, h.label::char(320) AS query_label,
       0::bigint AS transaction_id, h.pid AS session_id, h.database::char(128) AS database_name,
       h.query_type::char(32) AS query_type,
       (CASE WHEN h.succeeded THEN 'success' ELSE 'failed' END)::char(128) AS status,
       false AS result_cache_hit, h.starttime AS start_time, h.endtime AS end_time,
       (extract(epoch FROM h.endtime - h.starttime) * 1000000)::bigint AS elapsed_time, 0::bigint AS queue_time,
       (extract(epoch FROM h.endtime - h.starttime) * 1000000)::bigint AS execution_time,
       h.error_message::char(512) AS error_message, h.returned_rows, NULL::bigint AS returned_bytes,
       h.querytxt::char(4000) AS query_text, version()::char(256) AS redshift_version, NULL::char(128) AS usage_limit,
       'primary'::char(10) AS compute_type, 0::bigint AS compile_time, 0::bigint AS planning_time,
       0::bigint AS lock_wait_time
FROM pg_catalog._rs_query_history() h;

CREATE OR REPLACE VIEW pg_catalog.svl_qlog AS
SELECT h.userid, h.query, 0::bigint AS xid, h.pid, h.starttime, h.endtime,
       (extract(epoch FROM h.endtime - h.starttime) * 1000000)::bigint AS elapsed,
       (NOT h.succeeded)::integer AS aborted, h.label::char(320) AS label, left(h.querytxt, 60)::char(60) AS substring,
       NULL::integer AS source_query, NULL::text AS concurrency_scaling_status_txt, NULL::integer AS from_sp_call
FROM pg_catalog._rs_query_history() h;

-- STL_QUERYTEXT and SVL_STATEMENTTEXT: the text in pieces of 200 characters, numbered from 0.
CREATE OR REPLACE VIEW pg_catalog.stl_querytext AS
SELECT h.userid, 0::bigint AS xid, h.pid, h.query, s.n AS sequence, substr(h.querytxt, s.n * 200 + 1, 200)::char(200) AS text
FROM pg_catalog._rs_query_history() h
CROSS JOIN LATERAL generate_series(0, greatest(0, (length(h.querytxt) - 1) / 200)) AS s(n);

CREATE OR REPLACE VIEW pg_catalog.svl_statementtext AS
SELECT h.userid, 0::bigint AS xid, h.pid, h.label::char(320) AS label, h.starttime, h.endtime, s.n AS sequence,
       (CASE WHEN h.query_type IN ('DDL', 'CTAS') THEN 'DDL' WHEN h.query_type = 'UTILITY' THEN 'UTILITY'
             ELSE 'QUERY' END)::char(10) AS type,
       substr(h.querytxt, s.n * 200 + 1, 200)::char(200) AS text
FROM pg_catalog._rs_query_history() h
CROSS JOIN LATERAL generate_series(0, greatest(0, (length(h.querytxt) - 1) / 200)) AS s(n);

-- The id of this session's latest finished query; -1 before its first (as on Redshift). Kept for
-- the rest of the statement (keyed by its start), since a WHERE clause calls it once per row.
CREATE OR REPLACE FUNCTION pg_catalog.pg_last_query_id() RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    key text := statement_timestamp()::text || '=';
    cached text := current_setting('rs.last_query_id_cache', true);
    id integer;
BEGIN
    IF cached LIKE key || '%' THEN
        RETURN substr(cached, length(key) + 1)::integer;
    END IF;
    SELECT coalesce(max(h.query), -1) INTO id FROM pg_catalog._rs_query_history() h WHERE h.pid = pg_backend_pid();
    PERFORM set_config('rs.last_query_id_cache', key || id, false);
    RETURN id;
END $$;

-- STL_LOADERROR_DETAIL: the field of each row COPY rejected (STL_LOAD_ERRORS, copy_unload.sql).
-- The local COPY checks a row up to its first bad field, so each rejected row has one detail row.
CREATE OR REPLACE VIEW pg_catalog.stl_loaderror_detail AS
SELECT e.userid, e.slice, e.session, e.query, e.filename, e.line_number, (e.position + 1)::integer AS field,
       e.colname::char(1024) AS colname, e.raw_field_value::char(1024) AS value,
       (trim(e.raw_field_value) = '')::integer AS is_null, e.type,
       nullif(substring(e.col_length FROM '^\s*(\d+)'), '')::integer AS col_length
FROM pg_catalog.stl_load_errors e
WHERE trim(e.colname) <> '';

GRANT SELECT ON pg_catalog.stl_query, pg_catalog.sys_query_history, pg_catalog.svl_qlog, pg_catalog.stl_querytext,
    pg_catalog.svl_statementtext, pg_catalog.stl_loaderror_detail TO PUBLIC;

RESET search_path;
RESET allow_system_table_mods;
