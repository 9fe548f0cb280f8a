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
    WHEN 'week' THEN (date_trunc('week', b)::pg_catalog.date - date_trunc('week', a)::pg_catalog.date)::bigint / 7
    WHEN 'day' THEN (b::pg_catalog.date - a::pg_catalog.date)::bigint
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
SELECT pg_catalog.datediff(part, a::pg_catalog.timestamp, b::pg_catalog.timestamp)
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

-- Whole years from February 29 land on March 1 when the year has no February 29 (the guide's
-- example); months keep the month's last day instead (DATEADD(month, 12, ...) gives February 28).
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(part text, n bigint, ts timestamp) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN pg_catalog._rs_datepart(part) IN ('year', 'decade', 'century', 'millennium')
                 AND extract(month FROM ts) = 2 AND extract(day FROM ts) = 29
                 AND extract(day FROM ts + pg_catalog._rs_interval(part, n)) = 28
            THEN ts + pg_catalog._rs_interval(part, n) + interval '1 day'
            ELSE ts + pg_catalog._rs_interval(part, n) END
$$;

-- ---------------------------------------------------------------------------------------------
-- Current time. GETDATE() is the statement's start without fractional seconds; SYSDATE (which the
-- gateway rewrites to LOCALTIMESTAMP) is the transaction's start. Both are in the session's time
-- zone, which on Redshift is UTC unless a user changes it.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog.getdate() RETURNS timestamp
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT date_trunc('second', statement_timestamp())::pg_catalog.timestamp
$$;

-- TRUNC(timestamp) gives the date in Redshift; PostgreSQL's trunc() only takes numbers.
CREATE OR REPLACE FUNCTION pg_catalog.trunc(ts timestamp) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT ts::pg_catalog.date
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
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT pg_catalog.dateadd(part, n, ts::pg_catalog.timestamp) $$;

CREATE OR REPLACE FUNCTION pg_catalog.dateadd(part text, n bigint, d date) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT pg_catalog.dateadd(part, n, d::pg_catalog.timestamp) $$;

-- TIMESTAMPTZ: the result is a TIMESTAMP in the session's time zone (UTC unless changed).
CREATE OR REPLACE FUNCTION pg_catalog.dateadd(part text, n bigint, ts timestamptz) RETURNS timestamp
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT pg_catalog.dateadd(part, n, ts::pg_catalog.timestamp) $$;

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
    WHEN ts::pg_catalog.date = (date_trunc('month', ts) + interval '1 month - 1 day')::pg_catalog.date
        THEN (date_trunc('month', ts) + make_interval(months => (n + 1)::int) - interval '1 day')
             + (ts - date_trunc('day', ts))
    ELSE ts + make_interval(months => n::int)
END
$$;

CREATE OR REPLACE FUNCTION pg_catalog.last_day(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (date_trunc('month', d) + interval '1 month - 1 day')::pg_catalog.date $$;

CREATE OR REPLACE FUNCTION pg_catalog.last_day(ts timestamp) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT pg_catalog.last_day(ts::pg_catalog.date) $$;

CREATE OR REPLACE FUNCTION pg_catalog.last_day(s text) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT pg_catalog.last_day(s::pg_catalog.timestamp::pg_catalog.date) $$;

-- MONTHS_BETWEEN(a, b): whole months when the days of month agree or both are last days,
-- otherwise the rest counted in 31-day months (times included), shown to 2 decimals as the
-- guide's example does.
CREATE OR REPLACE FUNCTION pg_catalog.months_between(a timestamp, b timestamp) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN extract(day FROM a) = extract(day FROM b)
      OR (pg_catalog.last_day(a) = a::pg_catalog.date AND pg_catalog.last_day(b) = b::pg_catalog.date)
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

-- '+' joins strings in Redshift ('a' + 'b'); PostgreSQL only adds numbers with it.
CREATE OR REPLACE FUNCTION pg_catalog._rs_text_plus(a text, b text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT a || b $$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_operator
                   WHERE oprname = '+' AND oprleft = 'text'::regtype AND oprright = 'text'::regtype) THEN
        CREATE OPERATOR pg_catalog.+ (LEFTARG = text, RIGHTARG = text, FUNCTION = pg_catalog._rs_text_plus);
    END IF;
END $$;

-- CONCAT(a, b) (the rewriter calls this for concat): NULL when either is NULL, as in Redshift.
CREATE OR REPLACE FUNCTION pg_catalog._rs_concat(a text, b text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT a || b $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_concat(a text, b anynonarray) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT a || b::text $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_concat(a anynonarray, b text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT a::text || b $$;

-- REGEXP_REPLACE(source, pattern [, replacement [, position [, parameters]]]) (the rewriter calls
-- this for regexp_replace): every match is replaced, from position on; parameters c, i (case),
-- p (PCRE: PostgreSQL's advanced expressions, which have lookahead too) and e.
CREATE OR REPLACE FUNCTION pg_catalog._rs_regexp_replace(source text, pattern text, replacement text DEFAULT '',
                                                         start_at integer DEFAULT 1, parameters text DEFAULT 'c')
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT left(source, start_at - 1)
       || regexp_replace(substr(source, start_at), pattern, replacement,
                         'g' || CASE WHEN strpos(lower(coalesce(parameters, '')), 'i') > 0 THEN 'i' ELSE '' END)
$$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_regexp_substr(source text, pattern text, start_at integer DEFAULT 1,
                                                        occurrence integer DEFAULT 1, parameters text DEFAULT 'c')
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT regexp_substr(source, pattern, start_at, occurrence,
                     CASE WHEN strpos(lower(coalesce(parameters, '')), 'i') > 0 THEN 'i' ELSE '' END,
                     CASE WHEN strpos(lower(coalesce(parameters, '')), 'e') > 0 THEN 1 ELSE 0 END)
$$;

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
SELECT coalesce(json_typeof(pg_catalog._rs_json(s, true)) = 'object', false)
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
-- Table design: Redshift keeps each table's distribution style and key, sort key and column
-- encodings; PostgreSQL has no place for them. The gateway's rewriter drops them from CREATE
-- TABLE / CTAS / ALTER TABLE and leaves them in a comment (/*rs:design {...}*/), which the event
-- trigger below reads from current_query() once the statement has run, and records here (one
-- row per table, by oid; every CREATE TABLE replaces the row, so a reused oid starts afresh).
-- PG_TABLE_DEF, SVV_TABLE_INFO, PG_CLASS_INFO and the pg_class/pg_attribute columns Redshift adds
-- (reldiststyle, attisdistkey, attsortkeyord, attencodingtype) read them back. Nothing is
-- distributed, sorted or compressed locally: only the design is kept.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS pg_catalog._rs_table_design (
    relid oid PRIMARY KEY,
    created timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    diststyle text,
    distkey name,
    sortkind text,
    sortkeys name[],
    encodings jsonb NOT NULL DEFAULT '{}',
    encode_auto boolean NOT NULL DEFAULT false
);
GRANT SELECT ON pg_catalog._rs_table_design TO PUBLIC;

-- A key given by position (CTAS: DISTKEY(1) SORTKEY(1, 3)) or by name, as the column's name.
CREATE OR REPLACE FUNCTION pg_catalog._rs_design_column(rel oid, key jsonb) RETURNS name
LANGUAGE sql STABLE AS $$
SELECT CASE jsonb_typeof(key)
    WHEN 'number' THEN (SELECT a.attname FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = rel AND a.attnum = (key #>> '{}')::integer AND NOT a.attisdropped)
    WHEN 'string' THEN (key #>> '{}')::name
END
$$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_design_apply(rel oid, kind text, spec jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    parent oid;
    source pg_catalog._rs_table_design%ROWTYPE;
BEGIN
    IF kind = 'create' THEN
        DELETE FROM pg_catalog._rs_table_design WHERE relid = rel;
        INSERT INTO pg_catalog._rs_table_design (relid) VALUES (rel);
        -- CREATE TABLE ... (LIKE parent) copies the parent's keys and encodings.
        IF spec ? 'like' THEN
            parent := (spec ->> 'like')::oid;
            UPDATE pg_catalog._rs_table_design d
            SET diststyle = p.diststyle, distkey = p.distkey, sortkind = p.sortkind, sortkeys = p.sortkeys,
                encodings = p.encodings
            FROM pg_catalog._rs_table_design p WHERE p.relid = parent AND d.relid = rel;
        END IF;
        -- CTAS from one table without keys of its own keeps the source's keys (those it selected).
        IF spec ? 'inherit' THEN
            SELECT * INTO source FROM pg_catalog._rs_table_design WHERE relid = (spec ->> 'inherit')::oid;
            IF FOUND THEN
                UPDATE pg_catalog._rs_table_design d
                SET distkey = CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = rel
                                                 AND a.attname = source.distkey AND NOT a.attisdropped)
                                   THEN source.distkey END,
                    sortkind = source.sortkind,
                    sortkeys = (SELECT array_agg(k ORDER BY o) FROM unnest(source.sortkeys) WITH ORDINALITY AS u(k, o)
                                WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = rel
                                              AND a.attname = k AND NOT a.attisdropped))
                WHERE d.relid = rel;
                UPDATE pg_catalog._rs_table_design SET diststyle = 'KEY' WHERE relid = rel AND distkey IS NOT NULL;
            END IF;
        END IF;
    END IF;
    IF spec ? 'diststyle' THEN
        UPDATE pg_catalog._rs_table_design SET diststyle = spec ->> 'diststyle', distkey = NULL WHERE relid = rel;
    END IF;
    IF spec ? 'distkey' AND jsonb_typeof(spec -> 'distkey') <> 'null' THEN
        UPDATE pg_catalog._rs_table_design
        SET distkey = pg_catalog._rs_design_column(rel, spec -> 'distkey'), diststyle = 'KEY'
        WHERE relid = rel;
    END IF;
    IF spec ? 'sortkeys' THEN
        UPDATE pg_catalog._rs_table_design
        SET sortkeys = (SELECT array_agg(pg_catalog._rs_design_column(rel, k) ORDER BY o)
                        FROM jsonb_array_elements(spec -> 'sortkeys') WITH ORDINALITY AS e(k, o)),
            sortkind = spec ->> 'sortkind'
        WHERE relid = rel;
    END IF;
    IF spec ? 'encodings' THEN
        UPDATE pg_catalog._rs_table_design SET encodings = encodings || (spec -> 'encodings') WHERE relid = rel;
    END IF;
    IF spec ? 'encode_auto' THEN
        UPDATE pg_catalog._rs_table_design SET encode_auto = true WHERE relid = rel;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_design_event() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
    cmd record;
    query text := coalesce(current_query(), '');
    found text[];
    spec jsonb;
    table_name name;
BEGIN
    FOR cmd IN SELECT objid, command_tag FROM pg_event_trigger_ddl_commands() WHERE object_type = 'table' LOOP
        BEGIN
            SELECT c.relname INTO table_name FROM pg_catalog.pg_class c WHERE c.oid = cmd.objid;
            spec := NULL;
            IF strpos(query, '/*rs:') > 0 THEN
                FOR found IN SELECT m FROM regexp_matches(query, '/\*rs:(design|alter) (.*?)\*/', 'g') AS m LOOP
                    IF spec IS NULL AND (found[2]::jsonb ->> 'table') = table_name THEN
                        spec := found[2]::jsonb;
                    END IF;
                END LOOP;
            END IF;
            -- Names are resolved here, with the session's search_path.
            IF spec ? 'like' THEN
                spec := spec || jsonb_build_object('like', (spec ->> 'like')::regclass::oid);
            END IF;
            IF spec ? 'inherit' THEN
                spec := spec || jsonb_build_object('inherit', (spec ->> 'inherit')::regclass::oid);
            END IF;
            IF cmd.command_tag IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO') THEN
                PERFORM pg_catalog._rs_design_apply(cmd.objid, 'create', coalesce(spec, '{}'));
            ELSIF spec IS NOT NULL THEN
                PERFORM pg_catalog._rs_design_apply(cmd.objid, 'alter', spec);
            END IF;
        EXCEPTION WHEN others THEN
            -- Bookkeeping must never make a learner's CREATE or ALTER TABLE fail.
            RAISE DEBUG 'table design not recorded: %', SQLERRM;
        END;
    END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS _rs_table_design;
CREATE EVENT TRIGGER _rs_table_design ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE')
    EXECUTE FUNCTION pg_catalog._rs_design_event();

-- Redshift's codes: reldiststyle 0 EVEN, 1 KEY, 8 ALL, 9 AUTO; releffectivediststyle 10 AUTO(ALL).
CREATE OR REPLACE FUNCTION pg_catalog._rs_diststyle_code(diststyle text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE diststyle WHEN 'EVEN' THEN 0 WHEN 'KEY' THEN 1 WHEN 'ALL' THEN 8 ELSE 9 END
$$;

-- attencodingtype: 0 for none/raw, a local number for each encoding otherwise.
CREATE OR REPLACE FUNCTION pg_catalog._rs_encoding_code(encoding text) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT coalesce(array_position(ARRAY['bytedict', 'delta', 'delta32k', 'lzo', 'mostly8', 'mostly16', 'mostly32',
                                     'runlength', 'text255', 'text32k', 'zstd', 'az64'], lower(encoding)), 0)::smallint
$$;

-- The sort key position PG_TABLE_DEF and pg_attribute show: 1, 2, ... for a compound key;
-- alternately positive and negative (1, -2, 3, ...) for an interleaved one.
CREATE OR REPLACE FUNCTION pg_catalog._rs_sortkey_position(keys name[], kind text, column_name name) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT coalesce(CASE WHEN kind = 'interleaved' AND array_position(keys, column_name) % 2 = 0
                     THEN -array_position(keys, column_name)
                     ELSE array_position(keys, column_name) END, 0)
$$;

-- The rows of a table, counted (SVV_TABLE_INFO.tbl_rows; PostgreSQL's statistics lag behind).
CREATE OR REPLACE FUNCTION pg_catalog._rs_count_rows(rel oid) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s', rel::regclass) INTO n;
    RETURN n;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

CREATE OR REPLACE VIEW pg_catalog.pg_class_info AS
SELECT c.oid AS reloid, c.*,
       pg_catalog._rs_diststyle_code(d.diststyle) AS reldiststyle,
       CASE WHEN pg_catalog._rs_diststyle_code(d.diststyle) = 9 THEN 10
            ELSE pg_catalog._rs_diststyle_code(d.diststyle) END AS releffectivediststyle,
       d.created AS relcreationtime
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog._rs_table_design d ON d.relid = c.oid;

-- pg_class and pg_attribute with the columns Redshift adds: the rewriter reads a statement's
-- pg_class / pg_attribute from these when it names one of those columns.
CREATE OR REPLACE VIEW pg_catalog._rs_pg_class AS
SELECT c.*, CASE WHEN c.relkind IN ('r', 'p') THEN pg_catalog._rs_diststyle_code(d.diststyle) END AS reldiststyle
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog._rs_table_design d ON d.relid = c.oid;

-- The late-binding views (CREATE VIEW ... WITH NO SCHEMA BINDING), which catalog_views.sql records:
-- Redshift keeps no pg_attribute rows for them (PG_GET_LATE_BINDING_VIEW_COLS() lists their columns).
CREATE TABLE IF NOT EXISTS pg_catalog._rs_late_binding_view (relid oid PRIMARY KEY);
GRANT SELECT ON pg_catalog._rs_late_binding_view TO PUBLIC;

CREATE OR REPLACE VIEW pg_catalog._rs_pg_attribute AS
SELECT a.*,
       coalesce(d.distkey = a.attname, false) AS attisdistkey,
       pg_catalog._rs_sortkey_position(d.sortkeys, d.sortkind, a.attname) AS attsortkeyord,
       pg_catalog._rs_encoding_code(d.encodings ->> a.attname) AS attencodingtype
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog._rs_table_design d ON d.relid = a.attrelid
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog._rs_late_binding_view l WHERE l.relid = a.attrelid);

-- ---------------------------------------------------------------------------------------------
-- AVG as Redshift computes it (the rewriter calls pg_catalog._rs_avg for avg): of SMALLINT,
-- INTEGER and BIGINT a BIGINT, truncated toward zero (AVG of 10, 10, 30 is 16); of DECIMAL a
-- DECIMAL with the argument's scale (truncated to it); of REAL and DOUBLE PRECISION a DOUBLE
-- PRECISION. (The result's declared precision, NUMERIC(38, s) on Redshift, is NUMERIC locally.)
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog._rs_int_avg_final(state bigint[]) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN state[1] = 0 THEN NULL ELSE state[2] / state[1] END $$;

CREATE OR REPLACE AGGREGATE pg_catalog._rs_avg(smallint) (
    SFUNC = pg_catalog.int2_avg_accum, STYPE = bigint[], INITCOND = '{0,0}',
    FINALFUNC = pg_catalog._rs_int_avg_final, COMBINEFUNC = pg_catalog.int4_avg_combine, PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE pg_catalog._rs_avg(integer) (
    SFUNC = pg_catalog.int4_avg_accum, STYPE = bigint[], INITCOND = '{0,0}',
    FINALFUNC = pg_catalog._rs_int_avg_final, COMBINEFUNC = pg_catalog.int4_avg_combine, PARALLEL = SAFE
);

-- State: {count, sum, largest scale seen}.
CREATE OR REPLACE FUNCTION pg_catalog._rs_numeric_avg_add(state numeric[], v numeric) RETURNS numeric[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT ARRAY[state[1] + 1, state[2] + v, greatest(state[3], scale(v))]
$$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_bigint_avg_add(state numeric[], v bigint) RETURNS numeric[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT ARRAY[state[1] + 1, state[2] + v, 0] $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_bigint_avg_final(state numeric[]) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN state[1] = 0 THEN NULL ELSE trunc(state[2] / state[1])::bigint END
$$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_numeric_avg_final(state numeric[]) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN state[1] = 0 THEN NULL ELSE trunc(state[2] / state[1], state[3]::integer) END
$$;

CREATE OR REPLACE AGGREGATE pg_catalog._rs_avg(bigint) (
    SFUNC = pg_catalog._rs_bigint_avg_add, STYPE = numeric[], INITCOND = '{0,0,0}',
    FINALFUNC = pg_catalog._rs_bigint_avg_final, PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE pg_catalog._rs_avg(numeric) (
    SFUNC = pg_catalog._rs_numeric_avg_add, STYPE = numeric[], INITCOND = '{0,0,0}',
    FINALFUNC = pg_catalog._rs_numeric_avg_final, PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE pg_catalog._rs_avg(real) (
    SFUNC = pg_catalog.float4_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    FINALFUNC = pg_catalog.float8_avg, COMBINEFUNC = pg_catalog.float8_combine, PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE pg_catalog._rs_avg(double precision) (
    SFUNC = pg_catalog.float8_accum, STYPE = float8[], INITCOND = '{0,0,0}',
    FINALFUNC = pg_catalog.float8_avg, COMBINEFUNC = pg_catalog.float8_combine, PARALLEL = SAFE
);

-- SUM as Redshift types it (the rewriter calls pg_catalog._rs_sum for sum): of SMALLINT, INTEGER
-- and BIGINT a BIGINT (PostgreSQL's SUM(bigint) is NUMERIC); otherwise PostgreSQL's own sum, with
-- its transition functions, so sliding windows stay cheap.
CREATE OR REPLACE AGGREGATE pg_catalog._rs_sum(bigint) (
    SFUNC = pg_catalog.int8pl, STYPE = bigint, COMBINEFUNC = pg_catalog.int8pl,
    MSFUNC = pg_catalog.int8pl, MINVFUNC = pg_catalog.int8mi, MSTYPE = bigint, PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE pg_catalog._rs_sum(integer) (
    SFUNC = pg_catalog.int4_sum, STYPE = bigint, COMBINEFUNC = pg_catalog.int8pl,
    MSFUNC = pg_catalog.int4_avg_accum, MINVFUNC = pg_catalog.int4_avg_accum_inv, MSTYPE = bigint[],
    MFINALFUNC = pg_catalog.int2int4_sum, MINITCOND = '{0,0}', PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE pg_catalog._rs_sum(smallint) (
    SFUNC = pg_catalog.int2_sum, STYPE = bigint, COMBINEFUNC = pg_catalog.int8pl,
    MSFUNC = pg_catalog.int2_avg_accum, MINVFUNC = pg_catalog.int2_avg_accum_inv, MSTYPE = bigint[],
    MFINALFUNC = pg_catalog.int2int4_sum, MINITCOND = '{0,0}', PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE pg_catalog._rs_sum(numeric) (
    SFUNC = pg_catalog.numeric_avg_accum, STYPE = internal, FINALFUNC = pg_catalog.numeric_sum,
    COMBINEFUNC = pg_catalog.numeric_avg_combine, SERIALFUNC = pg_catalog.numeric_avg_serialize,
    DESERIALFUNC = pg_catalog.numeric_avg_deserialize, MSFUNC = pg_catalog.numeric_avg_accum,
    MINVFUNC = pg_catalog.numeric_accum_inv, MSTYPE = internal, MFINALFUNC = pg_catalog.numeric_sum, PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE pg_catalog._rs_sum(real) (
    SFUNC = pg_catalog.float4pl, STYPE = real, COMBINEFUNC = pg_catalog.float4pl, PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE pg_catalog._rs_sum(double precision) (
    SFUNC = pg_catalog.float8pl, STYPE = double precision, COMBINEFUNC = pg_catalog.float8pl, PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE pg_catalog._rs_sum(interval) (
    SFUNC = pg_catalog.interval_avg_accum, STYPE = internal, FINALFUNC = pg_catalog.interval_sum,
    COMBINEFUNC = pg_catalog.interval_avg_combine, SERIALFUNC = pg_catalog.interval_avg_serialize,
    DESERIALFUNC = pg_catalog.interval_avg_deserialize, MSFUNC = pg_catalog.interval_avg_accum,
    MINVFUNC = pg_catalog.interval_avg_accum_inv, MSTYPE = internal, MFINALFUNC = pg_catalog.interval_sum,
    PARALLEL = SAFE
);

-- INTERVAL (Redshift has no INTERVAL columns, but an expression may be one): PostgreSQL's average.
CREATE OR REPLACE FUNCTION pg_catalog._rs_interval_avg_add(state interval[], v interval) RETURNS interval[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT ARRAY[state[1] + v, state[2] + interval '1 microsecond'] $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_interval_avg_final(state interval[]) RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN state[2] = interval '0' THEN NULL
            ELSE state[1] / (extract(epoch FROM state[2]) * 1000000) END
$$;

CREATE OR REPLACE AGGREGATE pg_catalog._rs_avg(interval) (
    SFUNC = pg_catalog._rs_interval_avg_add, STYPE = interval[], INITCOND = '{0,0}',
    FINALFUNC = pg_catalog._rs_interval_avg_final, PARALLEL = SAFE
);

-- ---------------------------------------------------------------------------------------------
-- COLLATE case_insensitive: this PostgreSQL has no ICU, so no case-insensitive collation; the
-- rewriter makes such a column (or expression) a citext, whose comparisons ignore case.
-- ---------------------------------------------------------------------------------------------
CREATE EXTENSION IF NOT EXISTS citext SCHEMA pg_catalog;

-- ---------------------------------------------------------------------------------------------
-- TO_DATE / TO_TIMESTAMP (the rewriter calls these for calls with a format): Redshift lets a field
-- out of its range roll over into the next one unless is_strict is true (June 31 is July 1, hour 24
-- the next day's hour 0); PostgreSQL refuses such values. PostgreSQL's own function runs first;
-- only the values it refuses go through _rs_lenient_timestamp, which knows the numeric fields
-- (YYYY, YY, MM, DD, HH24, HH12, HH, MI, SS) and gives NULL for any other format (the error stands).
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_catalog._rs_lenient_timestamp(s text, fmt text) RETURNS timestamp
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    pos integer := 1;
    rx text := '^\s*';
    fields text[] := '{}';
    token text;
    field text;
    width integer;
    rest text;
    found text[];
    v integer[] := ARRAY[1, 1, 1, 0, 0, 0];  -- year, month, day, hour, minute, second
    k integer;
BEGIN
    WHILE pos <= length(fmt) LOOP
        rest := upper(substr(fmt, pos));
        token := NULL;
        FOREACH field IN ARRAY ARRAY['YYYY:y', 'HH24:h', 'HH12:h', 'HH:h', 'YY:Y', 'MM:m', 'DD:d', 'MI:i', 'SS:s'] LOOP
            IF rest LIKE split_part(field, ':', 1) || '%' THEN
                token := field;
                EXIT;
            END IF;
        END LOOP;
        IF token IS NULL THEN
            IF substr(rest, 1, 1) ~ '[A-Z]' THEN
                RETURN NULL;  -- a field this parser does not know (month names, ...)
            END IF;
            rx := rx || regexp_replace(substr(fmt, pos, 1), '([^A-Za-z0-9 ])', '\\\1');
            pos := pos + 1;
        ELSE
            width := length(split_part(token, ':', 1));
            pos := pos + width;
            rx := rx || CASE WHEN token LIKE 'YYYY%' THEN '(\d{4})'
                             WHEN substr(fmt, pos, 1) ~ '[A-Za-z0-9]' THEN '(\d{2})'
                             ELSE '(\d{1,2})' END;
            fields := fields || split_part(token, ':', 2);
        END IF;
    END LOOP;
    found := regexp_match(s, rx || '\s*$');
    IF found IS NULL THEN
        RETURN NULL;
    END IF;
    FOR k IN 1 .. cardinality(fields) LOOP
        CASE fields[k]
            WHEN 'y' THEN v[1] := found[k]::integer;
            WHEN 'Y' THEN v[1] := 2000 + found[k]::integer;
            WHEN 'm' THEN v[2] := found[k]::integer;
            WHEN 'd' THEN v[3] := found[k]::integer;
            WHEN 'h' THEN v[4] := found[k]::integer;
            WHEN 'i' THEN v[5] := found[k]::integer;
            ELSE v[6] := found[k]::integer;
        END CASE;
    END LOOP;
    RETURN make_timestamp(v[1], 1, 1, 0, 0, 0)
        + make_interval(months => v[2] - 1, days => v[3] - 1, hours => v[4], mins => v[5], secs => v[6]);
END $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_to_timestamp(s text, fmt text, is_strict boolean DEFAULT false)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
    lenient timestamp;
BEGIN
    RETURN to_timestamp(s, fmt);
EXCEPTION WHEN data_exception THEN
    lenient := CASE WHEN NOT is_strict THEN pg_catalog._rs_lenient_timestamp(s, fmt) END;
    IF lenient IS NULL THEN
        RAISE;
    END IF;
    RETURN lenient::timestamptz;
END $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_to_date(s text, fmt text, is_strict boolean DEFAULT false)
RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE
    lenient timestamp;
BEGIN
    RETURN to_date(s, fmt);
EXCEPTION WHEN data_exception THEN
    lenient := CASE WHEN NOT is_strict THEN pg_catalog._rs_lenient_timestamp(s, fmt) END;
    IF lenient IS NULL THEN
        RAISE;
    END IF;
    RETURN lenient::date;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Window functions PostgreSQL lacks (the rewriter's "window functions PostgreSQL lacks" section):
-- IGNORE NULLS, PERCENTILE_CONT/DISC ... OVER and LISTAGG ... OVER become array_agg over the same
-- window, and these pick the answer out of the array.
-- ---------------------------------------------------------------------------------------------
-- The element at position pos (1 = first), counted from the end when pos is negative (-1 = last).
CREATE OR REPLACE FUNCTION pg_catalog._rs_array_pick(arr anyarray, pos integer) RETURNS anyelement
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN pos > 0 THEN arr[pos] WHEN pos < 0 THEN arr[cardinality(arr) + pos + 1] END
$$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_percentile_cont(arr anyarray, fraction double precision, descending boolean)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN descending THEN (SELECT percentile_cont(fraction) WITHIN GROUP (ORDER BY v::double precision DESC) FROM unnest(arr) AS v)
            ELSE (SELECT percentile_cont(fraction) WITHIN GROUP (ORDER BY v::double precision) FROM unnest(arr) AS v) END
$$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_percentile_disc(arr anyarray, fraction double precision, descending boolean)
RETURNS anyelement LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN descending THEN (SELECT percentile_disc(fraction) WITHIN GROUP (ORDER BY v DESC) FROM unnest(arr) AS v)
            ELSE (SELECT percentile_disc(fraction) WITHIN GROUP (ORDER BY v) FROM unnest(arr) AS v) END
$$;

-- LISTAGG over a window: the values in the array's order, NULLs left out; with DISTINCT each value
-- once, where it first comes.
CREATE OR REPLACE FUNCTION pg_catalog._rs_listagg(arr text[], separator text, is_distinct boolean) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN is_distinct
            THEN (SELECT string_agg(v, separator ORDER BY n)
                  FROM (SELECT DISTINCT ON (v) v, n FROM unnest(arr) WITH ORDINALITY AS u(v, n)
                        WHERE v IS NOT NULL ORDER BY v, n) AS d)
            ELSE array_to_string(arr, separator) END
$$;

-- ---------------------------------------------------------------------------------------------
-- SUPER: a domain over text holding the value's compact JSON, as Redshift prints a SUPER
-- ('[1,"a"]', no spaces); the rewriter turns navigation (c_orders[0].o_orderkey), ARRAY(...) and
-- unnesting in FROM (FROM t AS c, c.c_orders AS o AT i) into calls of the functions below, which
-- work on jsonb. Objects print with jsonb's key order (shorter keys first), not the input's.
-- ---------------------------------------------------------------------------------------------
DO $do$ BEGIN
    IF to_regtype('pg_catalog.super') IS NULL THEN
        CREATE DOMAIN pg_catalog.super AS text;
    END IF;
END $do$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_super_text(j jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    CASE jsonb_typeof(j)
        WHEN 'object' THEN
            RETURN '{' || coalesce((SELECT string_agg(to_json(k)::text || ':' || pg_catalog._rs_super_text(v), ',')
                                    FROM jsonb_each(j) AS e(k, v)), '') || '}';
        WHEN 'array' THEN
            RETURN '[' || coalesce((SELECT string_agg(pg_catalog._rs_super_text(v), ',' ORDER BY n)
                                    FROM jsonb_array_elements(j) WITH ORDINALITY AS a(v, n)), '') || ']';
        ELSE
            RETURN j::text;
    END CASE;
END $$;

CREATE OR REPLACE FUNCTION pg_catalog._rs_super(j jsonb) RETURNS pg_catalog.super
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog._rs_super_text(j)::pg_catalog.super $$;

CREATE OR REPLACE FUNCTION pg_catalog.json_parse(s text) RETURNS pg_catalog.super
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog._rs_super(s::jsonb) $$;

CREATE OR REPLACE FUNCTION pg_catalog.json_serialize(v pg_catalog.super) RETURNS varchar
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT v::text::varchar $$;

CREATE OR REPLACE FUNCTION pg_catalog.json_typeof(v pg_catalog.super) RETURNS varchar
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT jsonb_typeof(v::text::jsonb)::varchar $$;

CREATE OR REPLACE FUNCTION pg_catalog.json_size(v pg_catalog.super) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT octet_length(v::text) $$;

-- IS_ARRAY, IS_OBJECT, ...: false for any other value, NULL included (r_is_object.html).
CREATE OR REPLACE FUNCTION pg_catalog.is_array(v pg_catalog.super) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(jsonb_typeof(v::text::jsonb) = 'array', false) $$;

CREATE OR REPLACE FUNCTION pg_catalog.is_object(v pg_catalog.super) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(jsonb_typeof(v::text::jsonb) = 'object', false) $$;

CREATE OR REPLACE FUNCTION pg_catalog.is_scalar(v pg_catalog.super) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(jsonb_typeof(v::text::jsonb) NOT IN ('array', 'object'), false) $$;

CREATE OR REPLACE FUNCTION pg_catalog.is_varchar(v pg_catalog.super) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(jsonb_typeof(v::text::jsonb) = 'string', false) $$;

CREATE OR REPLACE FUNCTION pg_catalog.is_boolean(v pg_catalog.super) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(jsonb_typeof(v::text::jsonb) = 'boolean', false) $$;

CREATE OR REPLACE FUNCTION pg_catalog.get_array_length(v pg_catalog.super) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT CASE WHEN jsonb_typeof(v::text::jsonb) = 'array' THEN jsonb_array_length(v::text::jsonb) END
$$;

CREATE OR REPLACE FUNCTION pg_catalog.split_to_array(s text, delimiter text DEFAULT ',') RETURNS pg_catalog.super
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog._rs_super(to_jsonb(string_to_array(s, delimiter))) $$;

-- Navigation: c_orders[0].o_orderkey is _rs_super_get(c_orders, '{0,o_orderkey}'); a missing
-- element is NULL, as in Redshift's lax mode.
CREATE OR REPLACE FUNCTION pg_catalog._rs_super_get(v pg_catalog.super, path text[]) RETURNS pg_catalog.super
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog._rs_super(v::text::jsonb #> path) $$;

-- Unnesting: the elements of the array at path (from 0, as AT counts), none if it is no array.
CREATE OR REPLACE FUNCTION pg_catalog._rs_super_elements(v pg_catalog.super, path text[])
RETURNS TABLE (element pg_catalog.super, _rs_index integer)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT pg_catalog._rs_super(e), (n - 1)::integer
FROM (SELECT v::text::jsonb #> path AS a) AS s
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.a) = 'array' THEN s.a ELSE '[]' END)
    WITH ORDINALITY AS x(e, n)
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
       CASE WHEN EXISTS (SELECT 1 FROM jsonb_each_text(d.encodings) e WHERE lower(e.value) NOT IN ('raw', 'none'))
                THEN 'Y'
            WHEN d.encode_auto THEN 'Y, AUTO(ENCODE)'
            ELSE 'N' END::text AS encoded,
       CASE coalesce(d.diststyle, 'AUTO')
           WHEN 'KEY' THEN 'KEY(' || d.distkey || ')'
           WHEN 'AUTO' THEN 'AUTO(ALL)'
           ELSE d.diststyle END::text AS diststyle,
       d.sortkeys[1]::text AS sortkey1,
       NULL::integer AS max_varchar,
       CASE WHEN d.sortkeys[1] IS NOT NULL
            THEN coalesce(lower(d.encodings ->> d.sortkeys[1]), 'none') END::char(32) AS sortkey1_enc,
       coalesce(array_length(d.sortkeys, 1), 0)::integer AS sortkey_num,
       greatest(1, ceil(pg_catalog.pg_total_relation_size(c.oid) / 1048576.0))::bigint AS size,
       NULL::numeric AS pct_used,
       0::bigint AS empty,
       NULL::numeric AS unsorted,
       NULL::numeric AS stats_off,
       pg_catalog._rs_count_rows(c.oid)::numeric AS tbl_rows,
       NULL::numeric AS skew_sortkey1,
       1.0::numeric AS skew_rows,
       NULL::numeric AS estimated_visible_rows,
       NULL::text AS risk_event,
       NULL::numeric AS vacuum_sort_benefit
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog._rs_table_design d ON d.relid = c.oid
WHERE c.relkind IN ('r', 'p', 'm')  -- 'm': materialized views, which Redshift lists here too
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg_temp%';

-- PG_TABLE_DEF shows the columns of tables in schemas on the search path, as in Redshift.
CREATE OR REPLACE VIEW pg_catalog.pg_table_def AS
SELECT n.nspname AS schemaname,
       c.relname AS tablename,
       a.attname AS "column",
       pg_catalog.format_type(a.atttypid, a.atttypmod)::text AS type,
       coalesce(lower(d.encodings ->> a.attname), 'none')::text AS encoding,
       coalesce(d.distkey = a.attname, false) AS distkey,
       pg_catalog._rs_sortkey_position(d.sortkeys, d.sortkind, a.attname) AS sortkey,
       a.attnotnull AS notnull
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog._rs_table_design d ON d.relid = c.oid
WHERE c.relkind IN ('r', 'p')
  AND n.nspname = ANY (current_schemas(true))
  AND n.nspname NOT IN ('pg_catalog', 'information_schema');

-- ---------------------------------------------------------------------------------------------
-- Monitoring views. Sessions and running queries come from pg_stat_activity; tables from
-- pg_class (one slice). SVL_QUERY_SUMMARY has Redshift's columns and no rows: PostgreSQL runs no
-- steps and segments. The query history (STL_QUERY, SYS_QUERY_HISTORY, SVL_QLOG, STL_QUERYTEXT,
-- PG_LAST_QUERY_ID) is in monitoring.sql.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE VIEW pg_catalog.svl_query_summary AS
SELECT NULL::integer AS userid, NULL::integer AS query, NULL::integer AS stm, NULL::integer AS seg,
       NULL::integer AS step, NULL::bigint AS maxtime, NULL::bigint AS avgtime, NULL::bigint AS rows,
       NULL::bigint AS bytes, NULL::bigint AS rate_row, NULL::bigint AS rate_byte, NULL::text AS label,
       NULL::char(1) AS is_diskbased, NULL::bigint AS workmem, NULL::char(1) AS is_rrscan,
       NULL::char(1) AS is_delayed_scan, NULL::bigint AS rows_pre_filter
WHERE false;

CREATE OR REPLACE VIEW pg_catalog.stv_sessions AS
SELECT a.backend_start::pg_catalog.timestamp AS starttime, a.pid::integer AS process,
       a.usename::char(50) AS user_name, a.datname::char(50) AS db_name, 0::integer AS timeout_sec
FROM pg_catalog.pg_stat_activity a
WHERE a.backend_type = 'client backend';

CREATE OR REPLACE VIEW pg_catalog.stv_recents AS
SELECT a.usesysid::integer AS userid,
       (CASE WHEN a.state = 'active' THEN 'Running' ELSE 'Done' END)::char(20) AS status,
       a.query_start::pg_catalog.timestamp AS starttime,
       (extract(epoch FROM (coalesce(CASE WHEN a.state = 'active' THEN now() END, a.state_change) - a.query_start))
        * 1000000)::integer AS duration,
       a.usename::char(50) AS user_name, a.datname::char(50) AS db_name, a.query::char(600) AS query,
       a.pid::integer AS pid
FROM pg_catalog.pg_stat_activity a
WHERE a.backend_type = 'client backend' AND a.query_start IS NOT NULL;

-- STV_TBL_PERM: one row per table on the one slice; rows counted, blocks as in STV_BLOCKLIST.
CREATE OR REPLACE VIEW pg_catalog.stv_tbl_perm AS
SELECT 0::integer AS slice, c.oid::integer AS id, c.relname::char(72) AS name,
       pg_catalog._rs_count_rows(c.oid) AS rows,
       CASE WHEN coalesce(array_length(d.sortkeys, 1), 0) > 0 THEN pg_catalog._rs_count_rows(c.oid) ELSE 0 END
           AS sorted_rows,
       (c.relpersistence = 't')::integer AS temp,
       (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())::integer AS db_id,
       0::integer AS insert_pristine, 0::integer AS delete_pristine, 1::integer AS backup,
       pg_catalog._rs_diststyle_code(d.diststyle) AS dist_style,
       (greatest(1, ceil(pg_catalog.pg_relation_size(c.oid) / 1048576.0))
        * (SELECT count(*) FROM pg_catalog.pg_attribute a
           WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))::integer AS block_count
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog._rs_table_design d ON d.relid = c.oid
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');

-- SVV_DISKUSAGE: STV_BLOCKLIST's blocks with the table's name and database.
CREATE OR REPLACE VIEW pg_catalog.svv_diskusage AS
SELECT (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())::integer AS db_id,
       c.relname::char(72) AS name, b.slice, b.col, b.tbl, b.blocknum, b.num_values,
       0::integer AS extended_limits, b.minvalue, b.maxvalue, 0::integer AS sb_pos, 0::integer AS pinned,
       1::integer AS on_disk, 0::integer AS modified, 0::integer AS hdr_modified, 0::integer AS unsorted,
       0::integer AS tombstone, 0::integer AS preferred_diskno, 0::integer AS temporary, 0::integer AS newblock
FROM pg_catalog.stv_blocklist b
JOIN pg_catalog.pg_class c ON c.oid = b.tbl;

-- STV_PARTITIONS: one disk; used is the database's size in 1 MB blocks, capacity a nominal 1 TB.
CREATE OR REPLACE VIEW pg_catalog.stv_partitions AS
SELECT 0::integer AS owner, 0::integer AS host, 0::integer AS diskno, 0::bigint AS part_begin,
       1099511627776::bigint AS part_end,
       ceil(pg_catalog.pg_database_size(current_database()) / 1048576.0)::integer AS used,
       0::integer AS tossed, 1048576::integer AS capacity, 0::bigint AS reads, 0::bigint AS writes,
       0::integer AS seek_forward, 0::integer AS seek_back, 0::integer AS is_san, 0::integer AS failed,
       0::integer AS mbps, '/local'::char(256) AS mount;

GRANT SELECT ON pg_catalog.svl_query_summary, pg_catalog.stv_sessions, pg_catalog.stv_recents, pg_catalog.stv_tbl_perm,
    pg_catalog.svv_diskusage, pg_catalog.stv_partitions TO PUBLIC;

-- The catalog views redshift_connector's metadata calls read (svv_tables, svv_columns...) are in
-- catalog_views.sql.

-- STL_LOAD_ERRORS (and pg_last_copy_id) live with COPY itself, in copy_unload.sql.

GRANT SELECT ON pg_catalog.stv_slices, pg_catalog.stv_blocklist, pg_catalog.svv_table_info,
    pg_catalog.pg_table_def, pg_catalog.pg_class_info, pg_catalog._rs_pg_class,
    pg_catalog._rs_pg_attribute TO PUBLIC;

RESET search_path;
RESET allow_system_table_mods;
