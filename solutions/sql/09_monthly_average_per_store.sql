-- Title: Monthly average per store
-- Difficulty: medium
-- Question: For every month and store, give the number of visits and the average overall score
-- (two decimals). Order by month, then best average first, then store name.
-- Hint: TO_CHAR(visit_date, 'YYYY-MM') turns a date into its month, e.g. '2024-03'. You can
-- GROUP BY 1, 2, 3 to group by the first three columns of the SELECT list. Upload the files of the
-- other months (mystery_shops_2024-01.csv ... 2024-06.csv) to see more than March.
-- Check: one row per store and month in which it was visited.
-- BEGIN SOLUTION
SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month,
       store_id,
       store_name,
       COUNT(*) AS visits,
       ROUND(AVG(overall_score::DECIMAL(10, 4)), 2) AS average_score
FROM mystery_shop_visit
GROUP BY 1, 2, 3
ORDER BY month, average_score DESC, store_name;
-- END SOLUTION

-- BEGIN MISTAKE: On Redshift AVG of a whole-number column is a whole number (AVG of 4 and 5 is 4): cast the score first, AVG(overall_score::DECIMAL(10, 4)).
SELECT TO_CHAR(visit_date, 'YYYY-MM'), store_id, store_name, COUNT(*), ROUND(AVG(overall_score), 2)
FROM mystery_shop_visit
GROUP BY 1, 2, 3;
-- END MISTAKE

-- BEGIN MISTAKE: Write each month as text, e.g. '2024-03': TO_CHAR(visit_date, 'YYYY-MM'). DATE_TRUNC gives a date, the first of the month.
SELECT DATE_TRUNC('month', visit_date), store_id, store_name, COUNT(*), ROUND(AVG(overall_score::DECIMAL(10, 4)), 2)
FROM mystery_shop_visit
GROUP BY 1, 2, 3;
-- END MISTAKE
