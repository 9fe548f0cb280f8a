-- Title: Leave out stores with too few visits
-- Difficulty: medium
-- Question: A store visited twice with two 5s should not win the prize. For March 2024, list the
-- stores with at least 10 visits, with their visits and average score (two decimals), best first.
-- Hint: WHERE filters rows before grouping; HAVING filters groups after: HAVING COUNT(*) >= 10.
-- Check: fewer rows than question 05 if any store had fewer than 10 visits in March.
-- BEGIN SOLUTION
SELECT store_id,
       store_name,
       COUNT(*) AS visits,
       ROUND(AVG(overall_score::DECIMAL(10, 4)), 2) AS average_score
FROM mystery_shop_visit
WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31'
GROUP BY store_id, store_name
HAVING COUNT(*) >= 10
ORDER BY average_score DESC, store_name;
-- END SOLUTION

-- BEGIN MISTAKE: Stores with fewer than 10 visits are still in: HAVING COUNT(*) >= 10 after GROUP BY keeps only the groups with enough visits.
SELECT store_id, store_name, COUNT(*), ROUND(AVG(overall_score::DECIMAL(10, 4)), 2)
FROM mystery_shop_visit
WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31'
GROUP BY store_id, store_name;
-- END MISTAKE

-- BEGIN MISTAKE: At least 10 includes 10: a store with exactly 10 visits in March qualifies, so HAVING COUNT(*) >= 10, not > 10.
SELECT store_id, store_name, COUNT(*), ROUND(AVG(overall_score::DECIMAL(10, 4)), 2)
FROM mystery_shop_visit
WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31'
GROUP BY store_id, store_name
HAVING COUNT(*) > 10;
-- END MISTAKE

-- BEGIN MISTAKE: On Redshift AVG of a whole-number column is a whole number (AVG of 4 and 5 is 4): cast the score first, AVG(overall_score::DECIMAL(10, 4)).
SELECT store_id, store_name, COUNT(*), ROUND(AVG(overall_score), 2)
FROM mystery_shop_visit
WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31'
GROUP BY store_id, store_name
HAVING COUNT(*) >= 10;
-- END MISTAKE
