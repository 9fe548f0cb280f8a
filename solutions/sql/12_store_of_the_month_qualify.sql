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
