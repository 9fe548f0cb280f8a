-- COPY from S3 and UNLOAD to S3 on the local Redshift (docs/local_redshift_copy.md).
--
-- The gateway turns Redshift's COPY and UNLOAD into CALLs of the procedures below
-- (copy_unload.py). PostgreSQL's own COPY does the work, with ``FROM PROGRAM`` / ``TO PROGRAM``
-- running local_cloud.redshift.s3_stream, which streams the objects from and to the local S3.
-- So the statements run in the client's session and transaction: BEGIN; COPY ...; ROLLBACK
-- leaves the table as it was.
--
-- Installed into template1 after compat.sql and catalog_views.sql (postgres.py); it defines
-- the view stl_load_errors, reading the recorded load errors.
-- Load errors are kept in files under the data directory (rs_load_errors/), not in a table:
-- like Redshift's STL tables they survive the rollback of the COPY that failed.

SET allow_system_table_mods = on;
SET search_path = pg_catalog;


-- A COPY or UNLOAD the local Redshift cannot run: the statement is refused with this message.
CREATE OR REPLACE PROCEDURE pg_catalog._rs_copy_refuse(message text, code text DEFAULT '0A000')
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', message USING ERRCODE = code;
END $$;

CREATE SEQUENCE IF NOT EXISTS pg_catalog._rs_load_query_seq;

DROP VIEW IF EXISTS pg_catalog.stl_load_errors;
DROP FUNCTION IF EXISTS pg_catalog._rs_load_errors();
DROP TYPE IF EXISTS pg_catalog._rs_load_error;
CREATE TYPE pg_catalog._rs_load_error AS (
    userid integer, slice integer, tbl integer, starttime timestamp, session integer, query integer,
    filename char(256), line_number bigint, colname char(127), type char(10), col_length char(12),
    position integer, raw_line char(1024), raw_field_value char(1024), err_code integer, err_reason char(100)
);

-- Every recorded load error; a user who is not a superuser sees their own (as on Redshift).
CREATE FUNCTION pg_catalog._rs_load_errors() RETURNS SETOF pg_catalog._rs_load_error
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f text;
    me oid := (SELECT oid FROM pg_roles WHERE rolname = session_user);
    super boolean := (SELECT rolsuper FROM pg_roles WHERE rolname = session_user);
BEGIN
    FOR f IN SELECT name FROM pg_ls_dir('rs_load_errors', true, false) AS name ORDER BY name LOOP
        RETURN QUERY
        SELECT r.*
        FROM regexp_split_to_table(pg_read_file('rs_load_errors/' || f, true), E'\n') AS line,
             LATERAL json_populate_record(NULL::pg_catalog._rs_load_error, convert_from(decode(line, 'hex'), 'UTF8')::json) AS r
        WHERE line <> '' AND (super OR r.userid = me::integer);
    END LOOP;
END $$;

CREATE VIEW pg_catalog.stl_load_errors AS SELECT * FROM pg_catalog._rs_load_errors();
GRANT SELECT ON pg_catalog.stl_load_errors TO PUBLIC;

-- The shell command COPY ... FROM/TO PROGRAM runs: it asks the local Redshift's S3 stream service
-- (s3_stream.StreamService, in the process that started the local Redshift) for one stream through
-- a named pipe in <data directory>/rs_s3_stream, using only POSIX tools, so PostgreSQL's service
-- user needs no Python of its own. A failure in the service makes the program fail.
-- PG_LAST_COPY_ID(): the query id of this session's latest COPY, -1 if none. A COPY that failed
-- is rolled back with its setting, so the errors it recorded for this session count too.
CREATE OR REPLACE FUNCTION pg_catalog.pg_last_copy_id() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT greatest(coalesce(nullif(current_setting('rs.last_copy_id', true), '')::integer, -1),
                    coalesce((SELECT max(query) FROM pg_catalog.stl_load_errors WHERE session = pg_backend_pid()), -1))
$$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_s3_command(verb text, spec jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $cmd$
    SELECT 'cd rs_s3_stream || exit 3; f=r.$$; mkfifo -m 600 "$f" "$f.done" || exit 3; '
        || 'printf ''%s'' ' || encode(convert_to(spec::text, 'UTF8'), 'hex') || ' > "$f.spec"; '
        || 'printf ''%s %s\n'' "$f" ' || verb || ' > requests; '
        || CASE WHEN verb = 'sink' THEN 'cat > "$f"; ' ELSE 'cat "$f"; ' END
        || 's=$(cat "$f.done"); rm -f "$f" "$f.done" "$f.spec"; '
        || '[ "$s" = ok ] || { printf ''%s\n'' "$s" >&2; exit 1; }'
$cmd$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_check_endpoint(spec jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(spec->>'endpoint', '') !~ '^http://(127\.0\.0\.1|localhost):[0-9]{1,5}$' THEN
        RAISE EXCEPTION 'not available on the local Redshift: S3 outside this machine (endpoint %)', spec->>'endpoint'
            USING ERRCODE = '0A000';
    END IF;
END $$;

-- COPY table [(columns)] FROM 's3://...' ...: spec is what copy_unload.py read from the statement.
CREATE OR REPLACE PROCEDURE pg_catalog._rs_copy(target regclass, spec jsonb)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET datestyle = 'ISO, MDY'
AS $$
DECLARE
    tname text := (SELECT relname FROM pg_class WHERE oid = target);
    cols text[]; types text[]; chars boolean[]; required boolean[];
    col_list text; opts text; listed record; objects jsonb := '[]'::jsonb;
    loaded bigint; bad bigint; maxerror bigint := coalesce((spec->>'maxerror')::bigint, 0);
    careful boolean := coalesce((spec->>'blanksasnull')::boolean, false) OR coalesce((spec->>'truncatecolumns')::boolean, false);
    truncating boolean := coalesce((spec->>'truncatecolumns')::boolean, false);
    query_id bigint; started timestamp := clock_timestamp()::timestamp;
    values_list text; casts text; stage_cols text; check_type text[]; valid_row text;
    problem text;
BEGIN
    PERFORM pg_catalog._rs_check_endpoint(spec);
    query_id := nextval('pg_catalog._rs_load_query_seq');
    IF NOT has_table_privilege(session_user, target, 'INSERT') THEN
        RAISE EXCEPTION 'permission denied for relation %', tname USING ERRCODE = '42501';
    END IF;
    IF spec ? 'columns' THEN
        SELECT array_agg(c.name ORDER BY c.ord), array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY c.ord),
               array_agg(t.typcategory = 'S' ORDER BY c.ord), array_agg(a.attnotnull ORDER BY c.ord),
               count(a.attname) FILTER (WHERE a.attname IS NULL)
          INTO cols, types, chars, required, loaded
          FROM jsonb_array_elements_text(spec->'columns') WITH ORDINALITY AS c(name, ord)
          LEFT JOIN pg_attribute a ON a.attrelid = target AND a.attname = c.name AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_type t ON t.oid = a.atttypid;
        SELECT string_agg(c.name, ', ') INTO problem
          FROM jsonb_array_elements_text(spec->'columns') AS c(name)
         WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = target AND a.attname = c.name
                             AND a.attnum > 0 AND NOT a.attisdropped);
        IF problem IS NOT NULL THEN
            RAISE EXCEPTION 'column "%" of relation "%" does not exist', problem, tname USING ERRCODE = '42703';
        END IF;
    ELSE
        SELECT array_agg(a.attname::text ORDER BY a.attnum), array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum),
               array_agg(t.typcategory = 'S' ORDER BY a.attnum), array_agg(a.attnotnull ORDER BY a.attnum)
          INTO cols, types, chars, required
          FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
         WHERE a.attrelid = target AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
    END IF;
    col_list := (SELECT string_agg(quote_ident(c), ', ' ORDER BY o) FROM unnest(cols) WITH ORDINALITY AS u(c, o));

    -- Which objects: every key under the prefix, or the manifest's entries.
    CREATE TEMP TABLE _rs_copy_list (status text, bucket text, key text);
    EXECUTE format('COPY pg_temp._rs_copy_list FROM PROGRAM %L', pg_catalog._rs_s3_command('list', spec));
    FOR listed IN SELECT * FROM pg_temp._rs_copy_list LOOP
        IF listed.status = 'error' THEN
            RAISE EXCEPTION '%', listed.bucket USING ERRCODE = 'XX000';
        END IF;
        objects := objects || jsonb_build_array(jsonb_build_array(listed.bucket, listed.key));
    END LOOP;
    DROP TABLE pg_temp._rs_copy_list;
    IF jsonb_array_length(objects) = 0 THEN
        RAISE EXCEPTION 'Load into table ''%'' failed: the manifest lists no file that exists.', tname USING ERRCODE = 'XX000';
    END IF;
    spec := spec || jsonb_build_object('objects', objects, 'char_columns', to_jsonb(chars));
    IF spec ? 'datestyle' THEN
        PERFORM set_config('datestyle', spec->>'datestyle', true);
    END IF;

    -- The fast path: PostgreSQL's COPY straight into the table.
    IF NOT careful THEN
        IF coalesce((spec->>'csv')::boolean, false) THEN
            opts := format('FORMAT csv, DELIMITER %L, QUOTE %L', coalesce(spec->>'delimiter', ','), coalesce(spec->>'quote', '"'));
        ELSE
            opts := format('FORMAT text, DELIMITER %L', coalesce(spec->>'delimiter', '|'));
        END IF;
        IF spec ? 'null_as' THEN
            opts := opts || format(', NULL %L', spec->>'null_as');
        ELSIF coalesce((spec->>'csv')::boolean, false) AND true = ANY (chars) THEN
            -- Empty CHAR/VARCHAR fields load as '' unless EMPTYASNULL, which also takes "" as empty.
            opts := opts || CASE WHEN coalesce((spec->>'emptyasnull')::boolean, false) THEN ', FORCE_NULL ('
                                 ELSE ', FORCE_NOT_NULL (' END
                         || (SELECT string_agg(quote_ident(c), ', ') FROM unnest(cols, chars) AS u(c, s) WHERE s) || ')';
        END IF;
        BEGIN
            EXECUTE format('COPY %s (%s) FROM PROGRAM %L WITH (%s)', target, col_list,
                           pg_catalog._rs_s3_command('source', spec), opts);
            GET DIAGNOSTICS loaded = ROW_COUNT;
            RAISE INFO 'Load into table ''%'' completed, % record(s) loaded successfully.', tname, loaded;
            PERFORM set_config('rs.last_copy_id', query_id::text, false);
            RETURN;
        EXCEPTION WHEN data_exception OR not_null_violation OR character_not_in_repertoire THEN
            NULL;  -- a bad row: the careful path below finds and records each one
        END;
    END IF;

    -- The careful path: every row as text, checked column by column with PostgreSQL's input
    -- functions (pg_input_is_valid, pg_input_error_info), bad rows recorded and skipped within MAXERROR.
    check_type := (SELECT array_agg(CASE WHEN truncating AND s THEN 'text' ELSE t END ORDER BY o)
                     FROM unnest(types, chars) WITH ORDINALITY AS u(t, s, o));
    stage_cols := (SELECT string_agg(format('f%s text', o), ', ' ORDER BY o) FROM generate_series(1, cardinality(cols)) AS o);
    EXECUTE 'CREATE TEMP TABLE _rs_copy_stage (filename text, line_number bigint, raw_line text, err_code integer, '
            || 'err_reason text, ' || stage_cols || ')';
    EXECUTE format('COPY pg_temp._rs_copy_stage FROM PROGRAM %L', pg_catalog._rs_s3_command('rows', spec));
    -- A row is good when each field is NULL where allowed or valid input for its column's type:
    -- pg_input_is_valid is cheap; the details (pg_input_error_info) are only asked for bad rows.
    valid_row := coalesce((SELECT string_agg(
            CASE WHEN k = 'text' THEN CASE WHEN n THEN format('s.f%s IS NOT NULL', o) END
                 WHEN n THEN format('(s.f%s IS NOT NULL AND pg_input_is_valid(s.f%s, %L))', o, o, k)
                 ELSE format('(s.f%s IS NULL OR pg_input_is_valid(s.f%s, %L))', o, o, k) END, ' AND ' ORDER BY o)
        FROM unnest(check_type, required) WITH ORDINALITY AS u(k, n, o)), 'true');
    values_list := (SELECT string_agg(format('(%s, %L, s.f%s, %L, %L::boolean)', o, c, o, k, n), ', ' ORDER BY o)
                      FROM unnest(cols, check_type, required) WITH ORDINALITY AS u(c, k, n, o));
    EXECUTE
        'CREATE TEMP TABLE _rs_copy_errors AS '
        'SELECT s.filename, s.line_number, s.raw_line, NULL::text AS colname, NULL::text AS type, NULL::integer AS position, '
        '       NULL::text AS value, s.err_code, s.err_reason FROM pg_temp._rs_copy_stage s WHERE s.err_code IS NOT NULL '
        'UNION ALL '
        'SELECT DISTINCT ON (s.filename, s.line_number) s.filename, s.line_number, s.raw_line, v.colname, v.type, v.position, '
        '       v.value, CASE WHEN v.value IS NULL THEN 1213 WHEN e.sql_error_code = ''22001'' THEN 1204 '
        '                     WHEN v.type = ''date'' THEN 1205 WHEN v.type LIKE ''time%'' THEN 1206 '
        '                     WHEN v.type IN (''smallint'', ''integer'', ''bigint'') OR v.type LIKE ''numeric%'' THEN 1207 '
        '                     WHEN v.type IN (''real'', ''double precision'') THEN 1208 ELSE 1200 END, '
        '       CASE WHEN v.value IS NULL THEN ''Missing data for not-null field'' '
        '            WHEN e.sql_error_code = ''22001'' THEN ''String length exceeds DDL length'' ELSE e.message END '
        'FROM (SELECT * FROM pg_temp._rs_copy_stage s WHERE s.err_code IS NULL AND NOT (' || valid_row || ')) AS s '
        'CROSS JOIN LATERAL (VALUES ' || values_list || ') AS v(position, colname, value, type, required) '
        'LEFT JOIN LATERAL pg_input_error_info(v.value, v.type) AS e ON v.value IS NOT NULL '
        'WHERE s.err_code IS NULL AND (e.message IS NOT NULL OR (v.value IS NULL AND v.required)) '
        'ORDER BY 1, 2, 6';
    SELECT count(*) INTO bad FROM pg_temp._rs_copy_errors;
    IF bad > 0 THEN
        EXECUTE format(
            'COPY (SELECT encode(convert_to(row_to_json(r)::text, ''UTF8''), ''hex'') FROM ('
            '  SELECT %s AS userid, 0 AS slice, %s AS tbl, %L::timestamp AS starttime, pg_backend_pid() AS session, '
            '         %s AS query, e.filename, e.line_number, coalesce(e.colname, '''') AS colname, '
            '         coalesce((SELECT left(typname, 10) FROM pg_type WHERE oid = e.type::regtype), '''') AS type, coalesce(substring(e.type from ''\((.*)\)''), ''0'') AS col_length, '
            '         coalesce(e.position - 1, 0) AS position, e.raw_line, left(coalesce(e.value, ''''), 1024) AS raw_field_value, '
            '         e.err_code, left(e.err_reason, 100) AS err_reason FROM pg_temp._rs_copy_errors e) r) '
            'TO PROGRAM %L',
            (SELECT oid FROM pg_roles WHERE rolname = session_user)::integer, target::oid::integer, started, query_id,
            format('mkdir -p rs_load_errors && cat > rs_load_errors/%s.hex', lpad(query_id::text, 12, '0')));
    END IF;
    PERFORM set_config('rs.last_copy_id', query_id::text, false);
    IF bad > maxerror THEN
        RAISE EXCEPTION 'Load into table ''%'' failed.  Check ''stl_load_errors'' system table for details.', tname
            USING ERRCODE = 'XX000';
    END IF;
    casts := (SELECT string_agg(format('s.f%s::%s', o, t), ', ' ORDER BY o) FROM unnest(types) WITH ORDINALITY AS u(t, o));
    EXECUTE format(
        'INSERT INTO %s (%s) SELECT %s FROM pg_temp._rs_copy_stage s WHERE s.err_code IS NULL AND %s',
        target, col_list, casts, valid_row);
    GET DIAGNOSTICS loaded = ROW_COUNT;
    DROP TABLE pg_temp._rs_copy_stage;
    DROP TABLE pg_temp._rs_copy_errors;
    IF bad > 0 THEN
        RAISE INFO 'Load into table ''%'' completed, % record(s) loaded successfully, % record(s) could not be loaded.  Check ''stl_load_errors'' system table for details.', tname, loaded, bad;
    ELSE
        RAISE INFO 'Load into table ''%'' completed, % record(s) loaded successfully.', tname, loaded;
    END IF;
END $$;

-- UNLOAD ('select ...') TO 's3://...': the query becomes a temporary view of the caller's, so the
-- tables it reads are checked against the caller's privileges; _rs_unload_run then streams it.
CREATE OR REPLACE PROCEDURE pg_catalog._rs_unload(query text, spec jsonb)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'CREATE TEMP VIEW _rs_unload_view AS ' || query;
    CALL pg_catalog._rs_unload_run(spec);
    DROP VIEW pg_temp._rs_unload_view;
END $$;

CREATE OR REPLACE PROCEDURE pg_catalog._rs_unload_run(spec jsonb)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    problem text; opts text; unloaded bigint;
BEGIN
    PERFORM pg_catalog._rs_check_endpoint(spec);
    IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
                    WHERE c.oid = to_regclass('pg_temp._rs_unload_view') AND r.rolname = session_user
                      AND c.relnamespace = pg_my_temp_schema()) THEN
        RAISE EXCEPTION 'UNLOAD runs through pg_catalog._rs_unload' USING ERRCODE = '42501';
    END IF;
    -- Functions in a view run with the rights of whoever runs the query (here, this procedure's
    -- owner): the query may only call functions its user may call. Built-in functions are not in
    -- pg_depend, so they are read from the view's rule itself (funcid/opfuncid of its nodes).
    SELECT string_agg(DISTINCT p.proname::text, ', ') INTO problem
      FROM pg_rewrite r
     CROSS JOIN LATERAL regexp_matches(r.ev_action::text, ':(?:op)?funcid (\d+)', 'g') AS m(ids)
      JOIN pg_proc p ON p.oid = m.ids[1]::oid
     WHERE r.ev_class = to_regclass('pg_temp._rs_unload_view')
       AND NOT has_function_privilege(session_user, p.oid, 'EXECUTE');
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied for function %', problem USING ERRCODE = '42501';
    END IF;
    CREATE TEMP TABLE _rs_unload_check (status text, message text);
    EXECUTE format('COPY pg_temp._rs_unload_check FROM PROGRAM %L', pg_catalog._rs_s3_command('check', spec));
    SELECT message INTO problem FROM pg_temp._rs_unload_check WHERE status = 'error' LIMIT 1;
    DROP TABLE pg_temp._rs_unload_check;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '%', problem USING ERRCODE = 'XX000';
    END IF;
    IF coalesce((spec->>'csv')::boolean, false) THEN
        opts := format('FORMAT csv, DELIMITER %L', coalesce(spec->>'delimiter', ','));
    ELSE
        opts := format('FORMAT text, DELIMITER %L', coalesce(spec->>'delimiter', '|'));
    END IF;
    opts := opts || format(', NULL %L', coalesce(spec->>'null_as', ''));
    IF coalesce((spec->>'header')::boolean, false) THEN
        opts := opts || ', HEADER';
    END IF;
    EXECUTE format('COPY (SELECT * FROM pg_temp._rs_unload_view) TO PROGRAM %L WITH (%s)',
                   pg_catalog._rs_s3_command('sink', spec), opts);
    GET DIAGNOSTICS unloaded = ROW_COUNT;
    RAISE INFO 'UNLOAD completed, % record(s) unloaded successfully.', unloaded;
END $$;

GRANT EXECUTE ON PROCEDURE pg_catalog._rs_copy_refuse(text, text), pg_catalog._rs_copy(regclass, jsonb), pg_catalog._rs_unload(text, jsonb),
    pg_catalog._rs_unload_run(jsonb) TO PUBLIC;

RESET search_path;
RESET allow_system_table_mods;
