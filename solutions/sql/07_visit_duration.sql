-- Title: How long does a visit take?
-- Difficulty: medium
-- Question: For each store type, give the number of visits and the shortest, longest and average
-- visit length in minutes (average to one decimal), longest average first.
-- Hint: Redshift's DATEDIFF(minute, start_time, end_time) counts the minute boundaries between
-- the two times. Cast before averaging, as in question 05.
-- Check: one row per store type; no visit is shorter than 0 minutes (the Lambda rejects an end
-- time before its start time).
-- BEGIN SOLUTION
SELECT store_type,
       COUNT(*) AS visits,
       MIN(DATEDIFF(minute, start_time, end_time)) AS shortest_minutes,
       MAX(DATEDIFF(minute, start_time, end_time)) AS longest_minutes,
       ROUND(AVG(DATEDIFF(minute, start_time, end_time)::DECIMAL(10, 4)), 1) AS average_minutes
FROM mystery_shop_visit
GROUP BY store_type
ORDER BY average_minutes DESC, store_type;
-- END SOLUTION

-- BEGIN MISTAKE: On Redshift AVG of a whole number (DATEDIFF gives one) is a whole number: cast first, AVG(DATEDIFF(minute, start_time, end_time)::DECIMAL(10, 4)).
SELECT store_type, COUNT(*), MIN(DATEDIFF(minute, start_time, end_time)), MAX(DATEDIFF(minute, start_time, end_time)),
       ROUND(AVG(DATEDIFF(minute, start_time, end_time)), 1)
FROM mystery_shop_visit
GROUP BY store_type;
-- END MISTAKE
