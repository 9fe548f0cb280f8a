-- Title: One line per month for the newsletter
-- Difficulty: hard
-- Question: For the staff newsletter, give one row per month: the month, how many stores won, and
-- the winning store names in alphabetical order in one text column, separated by '; '.
-- Hint: Start from question 11 and aggregate its winners with
-- LISTAGG(store_name, '; ') WITHIN GROUP (ORDER BY store_name). Why not ', '? Look at the store
-- names: one of them contains a comma.
-- Check: one row per month; the number of winners matches the rows of question 11.
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
           store_name,
           RANK() OVER (PARTITION BY month ORDER BY exact_average DESC) AS position
    FROM monthly
)
SELECT month,
       COUNT(*) AS winners,
       LISTAGG(store_name, '; ') WITHIN GROUP (ORDER BY store_name) AS winning_stores
FROM ranked
WHERE position = 1
GROUP BY month
ORDER BY month;
-- END SOLUTION

-- BEGIN MISTAKE: Separate the names with '; ': a store name of its own has a comma in it (Manchester, Arndale), so ', ' cannot tell the names apart.
WITH monthly AS (
    SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month, store_id, store_name, COUNT(*) AS visits,
           AVG(overall_score::DECIMAL(10, 4)) AS exact_average
    FROM mystery_shop_visit
    GROUP BY 1, 2, 3
    HAVING COUNT(*) >= 10
),
ranked AS (
    SELECT month, store_name, RANK() OVER (PARTITION BY month ORDER BY exact_average DESC) AS position
    FROM monthly
)
SELECT month, COUNT(*), LISTAGG(store_name, ', ') WITHIN GROUP (ORDER BY store_name)
FROM ranked
WHERE position = 1
GROUP BY month;
-- END MISTAKE

-- BEGIN MISTAKE: Missing tie: in one month two stores have exactly the same average. RANK() gives both rank 1; ROW_NUMBER() keeps one of them.
WITH monthly AS (
    SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month, store_id, store_name, COUNT(*) AS visits,
           AVG(overall_score::DECIMAL(10, 4)) AS exact_average
    FROM mystery_shop_visit
    GROUP BY 1, 2, 3
    HAVING COUNT(*) >= 10
),
ranked AS (
    SELECT month, store_name, ROW_NUMBER() OVER (PARTITION BY month ORDER BY exact_average DESC) AS position
    FROM monthly
)
SELECT month, COUNT(*), LISTAGG(store_name, '; ') WITHIN GROUP (ORDER BY store_name)
FROM ranked
WHERE position = 1
GROUP BY month;
-- END MISTAKE

-- BEGIN MISTAKE: A store needs at least 10 visits that month to win: HAVING COUNT(*) >= 10 in the monthly step. Without it, a store visited a few times with high scores wins.
WITH monthly AS (
    SELECT TO_CHAR(visit_date, 'YYYY-MM') AS month, store_id, store_name, COUNT(*) AS visits,
           AVG(overall_score::DECIMAL(10, 4)) AS exact_average
    FROM mystery_shop_visit
    GROUP BY 1, 2, 3
),
ranked AS (
    SELECT month, store_name, RANK() OVER (PARTITION BY month ORDER BY exact_average DESC) AS position
    FROM monthly
)
SELECT month, COUNT(*), LISTAGG(store_name, '; ') WITHIN GROUP (ORDER BY store_name)
FROM ranked
WHERE position = 1
GROUP BY month;
-- END MISTAKE
