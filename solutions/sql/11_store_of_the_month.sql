-- Title: Store of the month (the user story)
-- Difficulty: hard
-- Question: For every month, which store wins the prize: the highest average overall score among
-- the stores with at least 10 visits that month? If two stores tie, both win. Give the month, the
-- store, its visits and its average score (two decimals).
-- Hint: Compute the monthly averages in a WITH clause (question 09 plus HAVING), then rank them with
-- RANK() OVER (PARTITION BY month ORDER BY average DESC) and keep rank 1. RANK gives tied stores the
-- same rank; ROW_NUMBER would pick one at random. Rank on the unrounded average.
-- Check: at least one row per month; two rows for a month only if their averages are exactly equal.
-- BEGIN SOLUTION
WITH monthly AS (
    SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month,
           store_id,
           store_name,
           COUNT(*) AS visits,
           AVG(overall_score::DECIMAL(10, 4)) AS exact_average
    FROM mystery_shop_visit
    GROUP BY 1, 2, 3
    HAVING COUNT(*) >= 10
),
ranked AS (
    SELECT month,
           store_id,
           store_name,
           visits,
           exact_average,
           RANK() OVER (PARTITION BY month ORDER BY exact_average DESC) AS position
    FROM monthly
)
SELECT month,
       store_id,
       store_name,
       visits,
       ROUND(exact_average, 2) AS average_score
FROM ranked
WHERE position = 1
ORDER BY month, store_name;
-- END SOLUTION
