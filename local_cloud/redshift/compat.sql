-- Redshift compatibility objects for the local PostgreSQL that stands in for Amazon Redshift.
--
-- Installed once into template1 (so every database created afterwards has them) by a superuser.
-- Plain PostgreSQL SQL, idempotent: every object is CREATE OR REPLACE, so running it twice is fine.
--
-- Everything lives in pg_catalog because that is where Redshift keeps its own functions and system
-- views: redshift_connector asks for `pg_catalog.svv_all_columns` by that name, and pg_catalog is
-- searched first whatever a user's search_path is. Creating views there needs
-- allow_system_table_mods, which a superuser may switch on for this session only.
--
-- What each object does, and where it differs from Redshift, is in docs/conformance.md; each row
-- there names the test in tests/emulator/redshift/ that checks it.

SET allow_system_table_mods = on;
SET search_path = pg_catalog;

-- ---------------------------------------------------------------------------------------------
-- Date parts: Redshift accepts names and abbreviations (year, yr, y, mon, mins, ...).
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog._rs_bad_datepart(part text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RAISE EXCEPTION 'Invalid date part "%" (Redshift accepts for example year, quarter, month, week, day, hour, minute, second)', part
        USING ERRCODE = '22023';
END $$;

-- pg_catalog._rs_datepart(part) is written from dateparts.py (the one table of date parts) and
-- installed with this file (postgres.py: compat_sql()).

-- ---------------------------------------------------------------------------------------------
-- DATEDIFF: Redshift counts the date-part boundaries crossed between the two values, so
-- DATEDIFF(year, '2023-12-31', '2024-01-01') is 1 although the dates are a day apart.
-- Weeks are counted from Monday, as Redshift's DATE_TRUNC('week', ...) does.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog.datediff(part text, a timestamp, b timestamp) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE pg_catalog._rs_datepart(part)
    WHEN 'millennium' THEN extract(millennium FROM b)::bigint - extract(millennium FROM a)::bigint
    WHEN 'century' THEN extract(century FROM b)::bigint - extract(century FROM a)::bigint
    WHEN 'decade' THEN extract(decade FROM b)::bigint - extract(decade FROM a)::bigint
    WHEN 'year' THEN extract(year FROM b)::bigint - extract(year FROM a)::bigint
    WHEN 'quarter' THEN (extract(year FROM b)::bigint * 4 + extract(quarter FROM b)::bigint)
                      - (extract(year FROM a)::bigint * 4 + extract(quarter FROM a)::bigint)
    WHEN 'month' THEN (extract(year FROM b)::bigint * 12 + extract(month FROM b)::bigint)
                    - (extract(year FROM a)::bigint * 12 + extract(month FROM a)::bigint)
    WHEN 'week' THEN (date_trunc('week', b)::date - date_trunc('week', a)::date)::bigint / 7
    WHEN 'day' THEN (b::date - a::date)::bigint
    WHEN 'hour' THEN (extract(epoch FROM date_trunc('hour', b) - date_trunc('hour', a)) / 3600)::bigint
    WHEN 'minute' THEN (extract(epoch FROM date_trunc('minute', b) - date_trunc('minute', a)) / 60)::bigint
    WHEN 'second' THEN extract(epoch FROM date_trunc('second', b) - date_trunc('second', a))::bigint
    WHEN 'millisecond' THEN (extract(epoch FROM date_trunc('milliseconds', b) - date_trunc('milliseconds', a)) * 1000)::bigint
    WHEN 'microsecond' THEN (extract(epoch FROM b - a) * 1000000)::bigint
    END
$$;

-- Literals such as '2024-01-01' and DATE columns resolve to this overload (timestamptz is
-- PostgreSQL's preferred date/time type); it counts in the session's time zone, like Redshift.
CREATE OR REPLACE FUNCTION pg_catalog.datediff(part text, a timestamptz, b timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT pg_catalog.datediff(part, a::timestamp, b::timestamp)
$$;

CREATE OR REPLACE FUNCTION pg_catalog.datediff(part text, a time, b time) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT pg_catalog.datediff(part, DATE '2000-01-01' + a, DATE '2000-01-01' + b)
$$;

-- ---------------------------------------------------------------------------------------------
-- DATEADD: adds n date parts; month arithmetic keeps the day where it can and otherwise uses the
-- month's last day (Jan 31 + 1 month = Feb 29 in 2024), as Redshift's DATEADD does.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog._rs_interval(part text, n bigint) RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE pg_catalog._rs_datepart(part)
    WHEN 'millennium' THEN make_interval(years => (n * 1000)::int)
    WHEN 'century' THEN make_interval(years => (n * 100)::int)
    WHEN 'decade' THEN make_interval(years => (n * 10)::int)
    WHEN 'year' THEN make_interval(years => n::int)
    WHEN 'quarter' THEN make_interval(months => (n * 3)::int)
    WHEN 'month' THEN make_interval(months => n::int)
    WHEN 'week' THEN make_interval(weeks => n::int)
    WHEN 'day' THEN make_interval(days => n::int)
    WHEN 'hour' THEN n * interval '1 hour'
    WHEN 'minute' THEN n * interval '1 minute'
    WHEN 'second' THEN n * interval '1 second'
    WHEN 'millisecond' THEN n * interval '1 millisecond'
    WHEN 'microsecond' THEN n * interval '1 microsecond'
    END
$$;

CREATE OR REPLACE FUNCTION pg_catalog.dateadd(part text, n bigint, ts timestamp) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT ts + pg_catalog._rs_interval(part, n)
$$;

-- ---------------------------------------------------------------------------------------------
-- Current time. GETDATE() is the statement's start without fractional seconds; SYSDATE (which the
-- gateway rewrites to LOCALTIMESTAMP) is the transaction's start. Both are in the session's time
-- zone, which on Redshift is UTC unless a user changes it.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog.getdate() RETURNS timestamp
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT date_trunc('second', statement_timestamp())::timestamp
$$;

-- TRUNC(timestamp) gives the date in Redshift; PostgreSQL's trunc() only takes numbers.
CREATE OR REPLACE FUNCTION pg_catalog.trunc(ts timestamp) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT ts::date
$$;

-- CONVERT_TIMEZONE([source,] target, timestamp); without a source the timestamp is UTC.
CREATE OR REPLACE FUNCTION pg_catalog.convert_timezone(source_tz text, target_tz text, ts timestamp) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT (ts AT TIME ZONE source_tz) AT TIME ZONE target_tz
$$;

CREATE OR REPLACE FUNCTION pg_catalog.convert_timezone(target_tz text, ts timestamp) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT (ts AT TIME ZONE 'UTC') AT TIME ZONE target_tz
$$;

-- ---------------------------------------------------------------------------------------------
-- NVL / NVL2 / LEN.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog.nvl(a anycompatible, b anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT COALESCE(a, b) $$;

CREATE OR REPLACE FUNCTION pg_catalog.nvl(a anycompatible, b anycompatible, c anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT COALESCE(a, b, c) $$;

CREATE OR REPLACE FUNCTION pg_catalog.nvl2(expr anyelement, not_null anycompatible, if_null anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN expr IS NOT NULL THEN not_null ELSE if_null END $$;

-- NVL2 with a literal first argument ('x' is of unknown type, which anyelement refuses).
CREATE OR REPLACE FUNCTION pg_catalog.nvl2(expr text, not_null anycompatible, if_null anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN expr IS NOT NULL THEN not_null ELSE if_null END $$;

CREATE OR REPLACE FUNCTION pg_catalog.len(s text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT length(s) $$;

-- ---------------------------------------------------------------------------------------------
-- MEDIAN as an ordinary aggregate, so it also works as a window function (MEDIAN(x) OVER (...)),
-- as it does in Redshift. Integers and decimals give a numeric, floats give a double.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog._rs_median_add(state numeric[], v numeric) RETURNS numeric[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT state || v $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_median_add(state numeric[], v bigint) RETURNS numeric[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT state || v::numeric $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_median_add(state numeric[], v integer) RETURNS numeric[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT state || v::numeric $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_median_add(state numeric[], v smallint) RETURNS numeric[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT state || v::numeric $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_median_final(state numeric[]) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN cardinality(state) > 0 THEN (
    SELECT trim_scale(avg(v)) FROM (
        SELECT v FROM unnest(state) AS v ORDER BY v
        OFFSET (cardinality(state) - 1) / 2 LIMIT 2 - cardinality(state) % 2
    ) AS middle)
END
$$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_median_add(state float8[], v float8) RETURNS float8[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT state || v $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_median_final(state float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN cardinality(state) > 0 THEN (
    SELECT avg(v) FROM (
        SELECT v FROM unnest(state) AS v ORDER BY v
        OFFSET (cardinality(state) - 1) / 2 LIMIT 2 - cardinality(state) % 2
    ) AS middle)
END
$$;

CREATE OR REPLACE AGGREGATE pg_catalog.median(numeric) (
    SFUNC = pg_catalog._rs_median_add, STYPE = numeric[], INITCOND = '{}',
    FINALFUNC = pg_catalog._rs_median_final, PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE pg_catalog.median(float8) (
    SFUNC = pg_catalog._rs_median_add, STYPE = float8[], INITCOND = '{}',
    FINALFUNC = pg_catalog._rs_median_final, PARALLEL = SAFE
);
-- Exact integer overloads, so that integer columns choose numeric (as Redshift) over float8.
CREATE OR REPLACE AGGREGATE pg_catalog.median(bigint) (
    SFUNC = pg_catalog._rs_median_add, STYPE = numeric[], INITCOND = '{}',
    FINALFUNC = pg_catalog._rs_median_final, PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE pg_catalog.median(integer) (
    SFUNC = pg_catalog._rs_median_add, STYPE = numeric[], INITCOND = '{}',
    FINALFUNC = pg_catalog._rs_median_final, PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE pg_catalog.median(smallint) (
    SFUNC = pg_catalog._rs_median_add, STYPE = numeric[], INITCOND = '{}',
    FINALFUNC = pg_catalog._rs_median_final, PARALLEL = SAFE
);

-- ---------------------------------------------------------------------------------------------
-- Refusals: what Redshift refuses although PostgreSQL would run it (SERIAL, JSON, UUID, arrays,
-- CREATE INDEX...). The gateway's rewriter replaces such a statement with a call of this function,
-- so a learner meets Redshift's refusal locally too.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog._rs_refuse(message text, hint text DEFAULT '') RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(hint, '') = '' THEN
        RAISE EXCEPTION '%', message USING ERRCODE = '0A000';
    END IF;
    RAISE EXCEPTION '%', message USING ERRCODE = '0A000', HINT = hint;
END $$;

-- ANALYZE COMPRESSION (rewritten to a call of this function): Redshift samples the table and
-- reports the encoding that would shrink each column most. Locally nothing is compressed, so the
-- rows name the encoding Redshift usually suggests for the column's type (AZ64 for numbers, dates
-- and times, LZO for strings, RAW for booleans, floats and the first sort key column) and an
-- estimated reduction of 0.00 %: Redshift's own estimate needs its compressed blocks.
CREATE OR REPLACE FUNCTION pg_catalog._rs_analyze_compression(tbl text, cols text DEFAULT '')
RETURNS TABLE ("Table" text, "Column" text, "Encoding" text, "Est_reduction_pct" numeric(5, 2))
LANGUAGE sql STABLE AS $$
SELECT c.relname::text, a.attname::text,
       CASE
           WHEN a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype,
                               'date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype,
                               'time'::regtype, 'timetz'::regtype) THEN 'az64'
           WHEN a.atttypid IN ('varchar'::regtype, 'bpchar'::regtype, 'text'::regtype) THEN 'lzo'
           ELSE 'raw'
       END,
       0.00::numeric(5, 2)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.oid = tbl::regclass
  AND (coalesce(cols, '') = '' OR a.attname = ANY (string_to_array(lower(replace(cols, ' ', '')), ',')))
ORDER BY a.attnum
$$;

-- ---------------------------------------------------------------------------------------------
-- More date functions: ADD_MONTHS, LAST_DAY, MONTHS_BETWEEN, NEXT_DAY, DATE_PART_YEAR, and DATEADD
-- / DATEDIFF on TIME, TIMETZ and TIMESTAMPTZ.
-- ---------------------------------------------------------------------------------------------
-- DATEADD with a string literal or a DATE: as a TIMESTAMP (without these, PostgreSQL would pick
-- the TIMESTAMPTZ version for them, its preferred date/time type).
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(part text, n bigint, ts text) RETURNS timestamp
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT pg_catalog.dateadd(part, n, ts::timestamp) $$;

CREATE OR REPLACE FUNCTION pg_catalog.dateadd(part text, n bigint, d date) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT pg_catalog.dateadd(part, n, d::timestamp) $$;

-- TIMESTAMPTZ: the result is a TIMESTAMP in the session's time zone (UTC unless changed).
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(part text, n bigint, ts timestamptz) RETURNS timestamp
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT pg_catalog.dateadd(part, n, ts::timestamp) $$;

-- TIME wraps past midnight, as Redshift's does.
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(part text, n bigint, t time) RETURNS time
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT t + pg_catalog._rs_interval(part, n) $$;

-- TIMETZ: the result is in UTC, as Redshift shows it.
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(part text, n bigint, t timetz) RETURNS timetz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (t AT TIME ZONE 'UTC') + pg_catalog._rs_interval(part, n) $$;

CREATE OR REPLACE FUNCTION pg_catalog.datediff(part text, a timetz, b timetz) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT pg_catalog.datediff(part, (a AT TIME ZONE 'UTC')::time, (b AT TIME ZONE 'UTC')::time)
$$;

-- ADD_MONTHS: a TIMESTAMP; the last day of a month stays the last day (Apr 30 + 1 = May 31).
CREATE OR REPLACE FUNCTION pg_catalog.add_months(ts timestamp, n bigint) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN ts::date = (date_trunc('month', ts) + interval '1 month - 1 day')::date
        THEN (date_trunc('month', ts) + make_interval(months => (n + 1)::int) - interval '1 day')
             + (ts - date_trunc('day', ts))
    ELSE ts + make_interval(months => n::int)
END
$$;

CREATE OR REPLACE FUNCTION pg_catalog.last_day(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (date_trunc('month', d) + interval '1 month - 1 day')::date $$;

CREATE OR REPLACE FUNCTION pg_catalog.last_day(ts timestamp) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT pg_catalog.last_day(ts::date) $$;

CREATE OR REPLACE FUNCTION pg_catalog.last_day(s text) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT pg_catalog.last_day(s::timestamp::date) $$;

-- MONTHS_BETWEEN(a, b): whole months when the days of month agree or both are last days,
-- otherwise the rest counted in 31-day months (times included), shown to 2 decimals as the
-- guide's example does.
CREATE OR REPLACE FUNCTION pg_catalog.months_between(a timestamp, b timestamp) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN extract(day FROM a) = extract(day FROM b)
      OR (pg_catalog.last_day(a) = a::date AND pg_catalog.last_day(b) = b::date)
        THEN ((extract(year FROM a) - extract(year FROM b)) * 12 + extract(month FROM a) - extract(month FROM b))::float8
    ELSE round((((extract(year FROM a) - extract(year FROM b)) * 12 + extract(month FROM a) - extract(month FROM b))
               + ((extract(day FROM a) - extract(day FROM b))
                  + extract(epoch FROM (a - date_trunc('day', a)) - (b - date_trunc('day', b))) / 86400) / 31)::numeric, 2)::float8
END
$$;

CREATE OR REPLACE FUNCTION pg_catalog.next_day(d date, day_name text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    names CONSTANT text[] := ARRAY['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
    wanted text := lower(trim(day_name));
    target integer;
BEGIN
    FOR i IN 1 .. 7 LOOP
        IF length(wanted) >= 2 AND names[i] LIKE wanted || '%' THEN
            target := i - 1;
        END IF;
    END LOOP;
    IF target IS NULL THEN
        RAISE EXCEPTION 'Invalid day of week "%" (Redshift accepts for example Monday, Mon, Mo)', day_name
            USING ERRCODE = '22023';
    END IF;
    RETURN d + ((target - extract(dow FROM d)::integer + 6) % 7) + 1;
END $$;

CREATE OR REPLACE FUNCTION pg_catalog.date_part_year(d date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(year FROM d)::integer $$;

-- ---------------------------------------------------------------------------------------------
-- String functions Redshift has or takes other argument types for: CHARINDEX, STRTOL, and the
-- string functions on numbers and timestamps (Redshift converts them to text implicitly).
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog.charindex(sub text, s text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT strpos(s, sub) $$;

CREATE OR REPLACE FUNCTION pg_catalog.charindex(sub text, n numeric) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT strpos(n::text, sub) $$;

CREATE OR REPLACE FUNCTION pg_catalog.strpos(n numeric, sub text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT strpos(n::text, sub) $$;

CREATE OR REPLACE FUNCTION pg_catalog.split_part(ts timestamp, delimiter text, n integer) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT split_part(ts::text, delimiter, n) $$;

CREATE OR REPLACE FUNCTION pg_catalog.substring(ts timestamp, start integer, count integer) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT substring(ts::text, start, count) $$;

CREATE OR REPLACE FUNCTION pg_catalog.ltrim(ts timestamp, characters text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT ltrim(ts::text, characters) $$;

CREATE OR REPLACE FUNCTION pg_catalog.repeat(n bigint, times integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT repeat(n::text, times) $$;

CREATE OR REPLACE FUNCTION pg_catalog.reverse(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT reverse(n::text) $$;

-- STRTOL(string, base): the string as a number in that base (2..36); 0x is allowed in base 16.
CREATE OR REPLACE FUNCTION pg_catalog.strtol(s text, base integer) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    digits text := lower(trim(s));
    negative boolean := false;
    result bigint := 0;
    digit integer;
    ch text;
BEGIN
    IF s IS NULL OR base IS NULL THEN
        RETURN NULL;
    END IF;
    IF base < 2 OR base > 36 THEN
        RAISE EXCEPTION 'STRTOL base must be between 2 and 36, not %', base USING ERRCODE = '22023';
    END IF;
    IF left(digits, 1) IN ('-', '+') THEN
        negative := left(digits, 1) = '-';
        digits := substr(digits, 2);
    END IF;
    IF base = 16 AND left(digits, 2) = '0x' THEN
        digits := substr(digits, 3);
    END IF;
    FOREACH ch IN ARRAY regexp_split_to_array(digits, '') LOOP
        digit := strpos('0123456789abcdefghijklmnopqrstuvwxyz', ch) - 1;
        IF digit < 0 OR digit >= base THEN
            RAISE EXCEPTION 'invalid input for STRTOL in base %: "%"', base, s USING ERRCODE = '22P02';
        END IF;
        result := result * base + digit;
    END LOOP;
    RETURN CASE WHEN negative THEN -result ELSE result END;
END $$;

-- TEXT_TO_INT_ALT / TEXT_TO_NUMERIC_ALT: Teradata-style numbers (a trailing sign is allowed);
-- the numeric form rounds half to even, by default to an integer.
CREATE OR REPLACE FUNCTION pg_catalog._rs_trailing_sign(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN right(trim(s), 1) IN ('-', '+') THEN right(trim(s), 1) || left(trim(s), -1) ELSE trim(s) END
$$;

CREATE OR REPLACE FUNCTION pg_catalog.text_to_int_alt(s text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT pg_catalog._rs_trailing_sign(s)::integer $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_round_half_even(x numeric, places integer) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN abs(x * power(10::numeric, places) - trunc(x * power(10::numeric, places))) = 0.5 AND trunc(x * power(10::numeric, places)) % 2 = 0
        THEN trunc(x, places)
    ELSE round(x, places)
END
$$;

CREATE OR REPLACE FUNCTION pg_catalog.text_to_numeric_alt(s text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT round(pg_catalog._rs_round_half_even(pg_catalog._rs_trailing_sign(s)::numeric, 0), 0)
$$;

CREATE OR REPLACE FUNCTION pg_catalog.text_to_numeric_alt(s text, num_precision integer, num_scale integer) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT round(pg_catalog._rs_round_half_even(pg_catalog._rs_trailing_sign(s)::numeric, num_scale), num_scale)
$$;

-- ROUND(double precision, n): PostgreSQL only rounds NUMERIC to n places. The integer versions
-- keep an integer argument's type (Redshift's ROUND returns its argument's type); without them
-- PostgreSQL would choose the double precision version for integers.
CREATE OR REPLACE FUNCTION pg_catalog.round(x double precision, places integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT round(x::numeric, places)::double precision $$;

CREATE OR REPLACE FUNCTION pg_catalog.round(x bigint, places integer) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT round(x::numeric, places)::bigint $$;

CREATE OR REPLACE FUNCTION pg_catalog.round(x integer, places integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT round(x::numeric, places)::integer $$;

CREATE OR REPLACE FUNCTION pg_catalog.round(x smallint, places integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT round(x::numeric, places)::smallint $$;

-- ---------------------------------------------------------------------------------------------
-- JSON functions on text (Redshift keeps JSON in VARCHAR columns); a final TRUE (null_if_invalid)
-- gives NULL for invalid JSON instead of an error.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog._rs_json(s text, null_if_invalid boolean) RETURNS json
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN s::json;
EXCEPTION WHEN others THEN
    IF null_if_invalid THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'JSON parsing error: invalid JSON "%"', s USING ERRCODE = '22P02';
END $$;

CREATE OR REPLACE FUNCTION pg_catalog.is_valid_json(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT json_typeof(pg_catalog._rs_json(s, true)) = 'object'
$$;

CREATE OR REPLACE FUNCTION pg_catalog.is_valid_json_array(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT coalesce(json_typeof(pg_catalog._rs_json(s, true)) = 'array', false)
$$;

CREATE OR REPLACE FUNCTION pg_catalog.can_json_parse(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT pg_catalog._rs_json(s, true) IS NOT NULL $$;

CREATE OR REPLACE FUNCTION pg_catalog.json_array_length(s text, null_if_invalid boolean) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_array_length(pg_catalog._rs_json(s, null_if_invalid)) $$;

CREATE OR REPLACE FUNCTION pg_catalog.json_extract_array_element_text(s text, pos integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT pg_catalog._rs_json(s, false) ->> pos $$;

CREATE OR REPLACE FUNCTION pg_catalog.json_extract_array_element_text(s text, pos integer, null_if_invalid boolean)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT pg_catalog._rs_json(s, null_if_invalid) ->> pos $$;

CREATE OR REPLACE FUNCTION pg_catalog.json_extract_path_text(s text, VARIADIC path text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_extract_path_text(pg_catalog._rs_json(s, false), VARIADIC path) $$;

CREATE OR REPLACE FUNCTION pg_catalog.json_extract_path_text(s text, p1 text, null_if_invalid boolean) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_extract_path_text(pg_catalog._rs_json(s, null_if_invalid), p1) $$;

CREATE OR REPLACE FUNCTION pg_catalog.json_extract_path_text(s text, p1 text, p2 text, null_if_invalid boolean)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT json_extract_path_text(pg_catalog._rs_json(s, null_if_invalid), p1, p2)
$$;

CREATE OR REPLACE FUNCTION pg_catalog.json_extract_path_text(s text, p1 text, p2 text, p3 text, null_if_invalid boolean)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT json_extract_path_text(pg_catalog._rs_json(s, null_if_invalid), p1, p2, p3)
$$;

-- ---------------------------------------------------------------------------------------------
-- System views, answered honestly for a single-node, single-slice database. Redshift-only
-- properties that PostgreSQL does not keep (distribution style, sort keys, encodings) are NULL
-- or 'none' rather than invented.
-- ---------------------------------------------------------------------------------------------

-- One node, one slice: the local database does not distribute rows.
CREATE OR REPLACE VIEW pg_catalog.stv_slices AS
SELECT 0::integer AS node, 0::integer AS slice, 0::integer AS localslice, 'D'::char(1) AS type;

-- Blocks: Redshift stores each column in 1 MB blocks; PostgreSQL stores rows in 8 kB pages. One
-- row per table, column and 1 MB of the table's size, with the row count spread over them; the
-- min/max values Redshift keeps per block (zone maps) are not kept locally.
CREATE OR REPLACE VIEW pg_catalog.stv_blocklist AS
SELECT 0::integer AS slice,
       (a.attnum - 1)::integer AS col,
       c.oid::integer AS tbl,
       b.blocknum::integer AS blocknum,
       greatest(c.reltuples, pg_catalog.pg_stat_get_live_tuples(c.oid), 0)::bigint / s.blocks AS num_values,
       NULL::bigint AS minvalue,
       NULL::bigint AS maxvalue
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
CROSS JOIN LATERAL (
    SELECT greatest(1, ceil(pg_catalog.pg_relation_size(c.oid) / 1048576.0))::integer AS blocks
) s
CROSS JOIN LATERAL generate_series(0, s.blocks - 1) AS b(blocknum)
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');

CREATE OR REPLACE VIEW pg_catalog.svv_table_info AS
SELECT current_database()::text AS database,
       n.nspname::text AS schema,
       c.oid::integer AS table_id,
       c.relname::text AS "table",
       'N'::text AS encoded,
       NULL::text AS diststyle,
       NULL::text AS sortkey1,
       NULL::integer AS max_varchar,
       0::integer AS sortkey_num,
       greatest(1, ceil(pg_catalog.pg_total_relation_size(c.oid) / 1048576.0))::bigint AS size,
       NULL::numeric AS pct_used,
       0::bigint AS empty,
       NULL::numeric AS unsorted,
       NULL::numeric AS stats_off,
       greatest(c.reltuples, pg_catalog.pg_stat_get_live_tuples(c.oid), 0)::numeric AS tbl_rows,
       NULL::numeric AS skew_sortkey1,
       1.0::numeric AS skew_rows,
       NULL::numeric AS estimated_visible_rows,
       NULL::text AS risk_event,
       NULL::numeric AS vacuum_sort_benefit
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg_temp%';

-- PG_TABLE_DEF shows the columns of tables in schemas on the search path, as in Redshift.
CREATE OR REPLACE VIEW pg_catalog.pg_table_def AS
SELECT n.nspname AS schemaname,
       c.relname AS tablename,
       a.attname AS "column",
       pg_catalog.format_type(a.atttypid, a.atttypmod)::text AS type,
       'none'::text AS encoding,
       false AS distkey,
       0::integer AS sortkey,
       a.attnotnull AS notnull
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind IN ('r', 'p')
  AND n.nspname = ANY (current_schemas(false))
  AND n.nspname NOT IN ('pg_catalog', 'information_schema');

-- The catalog views redshift_connector's metadata calls read (svv_tables, svv_columns...) are in
-- catalog_views.sql.

-- COPY is not available locally (the course's local pipeline loads with INSERT), so no load
-- can fail there: the view exists, with Redshift's main columns, and is always empty.
CREATE OR REPLACE VIEW pg_catalog.stl_load_errors AS
SELECT NULL::integer AS userid, NULL::integer AS slice, NULL::integer AS tbl,
       NULL::timestamp AS starttime, NULL::integer AS session, NULL::integer AS query,
       NULL::char(256) AS filename, NULL::bigint AS line_number, NULL::char(127) AS colname,
       NULL::char(10) AS type, NULL::char(12) AS col_length, NULL::integer AS position,
       NULL::char(1024) AS raw_line, NULL::char(1024) AS raw_field_value,
       NULL::integer AS err_code, NULL::char(100) AS err_reason
WHERE false;

GRANT SELECT ON pg_catalog.stv_slices, pg_catalog.stv_blocklist, pg_catalog.svv_table_info,
    pg_catalog.pg_table_def, pg_catalog.stl_load_errors TO PUBLIC;

RESET search_path;
RESET allow_system_table_mods;
