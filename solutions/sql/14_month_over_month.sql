-- Title: Better or worse than last month?
-- Difficulty: hard
-- Question: For every store and month, give the average overall score, the store's average in the
-- previous month it was visited, and the change between them (all to two decimals). Order by store
-- name, then month. The first month of each store has no previous average.
-- Hint: LAG(value) OVER (PARTITION BY store_id ORDER BY month) reads the value from the previous row
-- of the same store. Compute the monthly averages in a WITH clause first, and take the change from
-- the unrounded averages.
-- Check: one row per store and month, the same rows as question 09; the first month of each store
-- shows NULL (empty) in previous_average and change.
-- BEGIN SOLUTION
WITH monthly AS (
    SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month,
           store_id,
           store_name,
           AVG(overall_score::DECIMAL(10, 4)) AS exact_average
    FROM mystery_shop_visit
    GROUP BY 1, 2, 3
)
SELECT store_id,
       store_name,
       month,
       ROUND(exact_average, 2) AS average_score,
       ROUND(LAG(exact_average) OVER (PARTITION BY store_id ORDER BY month), 2) AS previous_average,
       ROUND(exact_average - LAG(exact_average) OVER (PARTITION BY store_id ORDER BY month), 2) AS change
FROM monthly
ORDER BY store_name, store_id, month;
-- END SOLUTION

-- BEGIN MISTAKE: LAG needs PARTITION BY store_id: without it, the previous row of a store's first month is another store's last month.
WITH monthly AS (
    SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month, store_id, store_name,
           AVG(overall_score::DECIMAL(10, 4)) AS exact_average
    FROM mystery_shop_visit
    GROUP BY 1, 2, 3
)
SELECT store_id, store_name, month, ROUND(exact_average, 2),
       ROUND(LAG(exact_average) OVER (ORDER BY store_name, store_id, month), 2),
       ROUND(exact_average - LAG(exact_average) OVER (ORDER BY store_name, store_id, month), 2)
FROM monthly;
-- END MISTAKE

-- BEGIN MISTAKE: Take the change from the unrounded averages, and round only the result: the difference of two rounded numbers can be 0.01 off.
WITH monthly AS (
    SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month, store_id, store_name,
           AVG(overall_score::DECIMAL(10, 4)) AS exact_average
    FROM mystery_shop_visit
    GROUP BY 1, 2, 3
)
SELECT store_id, store_name, month, ROUND(exact_average, 2),
       ROUND(LAG(exact_average) OVER (PARTITION BY store_id ORDER BY month), 2),
       ROUND(exact_average, 2) - ROUND(LAG(exact_average) OVER (PARTITION BY store_id ORDER BY month), 2)
FROM monthly;
-- END MISTAKE
