-- Title: Which mystery shoppers are the strictest?
-- Difficulty: hard
-- Question: A shopper who often visits the best stores looks generous even if strict. Compare each
-- visit's score with the average score of that store (over all its visits), then, for every shopper
-- with at least 50 visits, give the visits, the average of those differences (two decimals) and a
-- rank: 1 for the strictest (the most below the store averages). Tied shoppers share a rank.
-- Hint: A window function keeps every row: AVG(overall_score::DECIMAL(10, 4)) OVER (PARTITION BY
-- store_id) puts the store's average beside each visit. Then GROUP BY the shopper, and rank with
-- RANK() OVER (ORDER BY AVG(difference)) - a window function over an aggregate is allowed.
-- Check: one row per shopper with at least 50 visits; the differences of all visits average to 0.
-- BEGIN SOLUTION
WITH compared AS (
    SELECT mystery_shopper_id,
           overall_score - AVG(overall_score::DECIMAL(10, 4)) OVER (PARTITION BY store_id) AS difference
    FROM mystery_shop_visit
)
SELECT mystery_shopper_id,
       COUNT(*) AS visits,
       ROUND(AVG(difference), 2) AS average_difference,
       RANK() OVER (ORDER BY AVG(difference)) AS strictness_rank
FROM compared
GROUP BY mystery_shopper_id
HAVING COUNT(*) >= 50
ORDER BY strictness_rank, mystery_shopper_id;
-- END SOLUTION

-- BEGIN MISTAKE: Compare each visit with the average of its own store, AVG(...) OVER (PARTITION BY store_id), not with the average of all visits.
WITH compared AS (
    SELECT mystery_shopper_id,
           overall_score - AVG(overall_score::DECIMAL(10, 4)) OVER () AS difference
    FROM mystery_shop_visit
)
SELECT mystery_shopper_id, COUNT(*), ROUND(AVG(difference), 2), RANK() OVER (ORDER BY AVG(difference))
FROM compared
GROUP BY mystery_shopper_id
HAVING COUNT(*) >= 50;
-- END MISTAKE

-- BEGIN MISTAKE: Only shoppers with at least 50 visits: HAVING COUNT(*) >= 50 after GROUP BY.
WITH compared AS (
    SELECT mystery_shopper_id,
           overall_score - AVG(overall_score::DECIMAL(10, 4)) OVER (PARTITION BY store_id) AS difference
    FROM mystery_shop_visit
)
SELECT mystery_shopper_id, COUNT(*), ROUND(AVG(difference), 2), RANK() OVER (ORDER BY AVG(difference))
FROM compared
GROUP BY mystery_shopper_id
;
-- END MISTAKE
