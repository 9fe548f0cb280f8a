-- Title: Store of the month, shorter, with QUALIFY
-- Difficulty: hard
-- Question: Give the same answer as question 11 without the second WITH step.
-- Hint: Redshift's QUALIFY filters on a window function the way HAVING filters on an aggregate:
-- ... FROM monthly QUALIFY RANK() OVER (...) = 1.
-- Check: exactly the rows of question 11.
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
)
SELECT month,
       store_id,
       store_name,
       visits,
       ROUND(exact_average, 2) AS average_score
FROM monthly
QUALIFY RANK() OVER (PARTITION BY month ORDER BY exact_average DESC) = 1
ORDER BY month, store_name;
-- END SOLUTION

-- BEGIN MISTAKE: Missing tie: in one month two stores have exactly the same average. RANK() gives both rank 1; ROW_NUMBER() keeps one of them.
WITH monthly AS (
    SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month, store_id, store_name, COUNT(*) AS visits,
           AVG(overall_score::DECIMAL(10, 4)) AS exact_average
    FROM mystery_shop_visit
    GROUP BY 1, 2, 3
    HAVING COUNT(*) >= 10
),
ranked AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY month ORDER BY exact_average DESC) AS position
    FROM monthly
)
SELECT month, store_id, store_name, visits, ROUND(exact_average, 2) AS average_score
FROM ranked
WHERE position = 1;
-- END MISTAKE

-- BEGIN MISTAKE: A store needs at least 10 visits that month to win: HAVING COUNT(*) >= 10 in the monthly step. Without it, a store visited a few times with high scores wins.
WITH monthly AS (
    SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month, store_id, store_name, COUNT(*) AS visits,
           AVG(overall_score::DECIMAL(10, 4)) AS exact_average
    FROM mystery_shop_visit
    GROUP BY 1, 2, 3
),
ranked AS (
    SELECT *, RANK() OVER (PARTITION BY month ORDER BY exact_average DESC) AS position
    FROM monthly
)
SELECT month, store_id, store_name, visits, ROUND(exact_average, 2) AS average_score
FROM ranked
WHERE position = 1;
-- END MISTAKE

-- BEGIN MISTAKE: On Redshift AVG of a whole-number column is a whole number (AVG of 4 and 5 is 4): cast the score first, AVG(overall_score::DECIMAL(10, 4)). Ranked on whole-number averages, many stores tie.
WITH monthly AS (
    SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month, store_id, store_name, COUNT(*) AS visits,
           AVG(overall_score) AS exact_average
    FROM mystery_shop_visit
    GROUP BY 1, 2, 3
    HAVING COUNT(*) >= 10
),
ranked AS (
    SELECT *, RANK() OVER (PARTITION BY month ORDER BY exact_average DESC) AS position
    FROM monthly
)
SELECT month, store_id, store_name, visits, ROUND(exact_average, 2) AS average_score
FROM ranked
WHERE position = 1;
-- END MISTAKE
