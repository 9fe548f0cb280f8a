-- Title: The first ten visits
-- Difficulty: easy
-- Question: Show the ten earliest visits (by date, then start time, then store id and shopper id):
-- their store id and name, shopper id, date, start and end time and overall score.
-- Hint: Redshift lets you write SELECT TOP 10 ... (LIMIT 10 at the end works too). Name the columns
-- you want instead of SELECT *: the table also has lineage columns you do not need here.
-- Check: ten rows, all from the first days of the earliest month you loaded.
-- BEGIN SOLUTION
SELECT TOP 10
       store_id,
       store_name,
       mystery_shopper_id,
       visit_date,
       start_time,
       end_time,
       overall_score
FROM mystery_shop_visit
ORDER BY visit_date, start_time, store_id, mystery_shopper_id;
-- END SOLUTION

-- BEGIN MISTAKE: Those are the ten latest visits: ORDER BY sorts ascending (earliest first) unless you write DESC.
SELECT TOP 10 store_id, store_name, mystery_shopper_id, visit_date, start_time, end_time, overall_score
FROM mystery_shop_visit
ORDER BY visit_date DESC, start_time DESC, store_id DESC, mystery_shopper_id DESC;
-- END MISTAKE

-- BEGIN MISTAKE: Order by the date first, then the start time: ORDER BY start_time alone mixes the visits of every day.
SELECT TOP 10 store_id, store_name, mystery_shopper_id, visit_date, start_time, end_time, overall_score
FROM mystery_shop_visit
ORDER BY start_time, store_id, mystery_shopper_id, visit_date;
-- END MISTAKE
