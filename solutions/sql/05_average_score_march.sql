-- Title: Average score per store in March
-- Difficulty: easy
-- Question: For March 2024 only, give each store's number of visits and its average overall score
-- rounded to two decimals, best store first.
-- Hint: Filter the dates with WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31'. Careful: on
-- Redshift AVG of a whole-number column returns a whole number (AVG of 4 and 5 is 4), so cast
-- first: AVG(overall_score::DECIMAL(10, 4)), then ROUND(..., 2).
-- Check: one row per store visited in March, scores between 1 and 5.
-- BEGIN SOLUTION
SELECT store_id,
       store_name,
       COUNT(*) AS visits,
       ROUND(AVG(overall_score::DECIMAL(10, 4)), 2) AS average_score
FROM mystery_shop_visit
WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31'
GROUP BY store_id, store_name
ORDER BY average_score DESC, store_name;
-- END SOLUTION

-- BEGIN MISTAKE: On Redshift AVG of a whole-number column is a whole number (AVG of 4 and 5 is 4): cast the score first, AVG(overall_score::DECIMAL(10, 4)).
SELECT store_id, store_name, COUNT(*), ROUND(AVG(overall_score), 2)
FROM mystery_shop_visit
WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31'
GROUP BY store_id, store_name;
-- END MISTAKE

-- BEGIN MISTAKE: March 2024 only: WHERE visit_date BETWEEN '2024-03-01' AND '2024-03-31' before GROUP BY.
SELECT store_id, store_name, COUNT(*), ROUND(AVG(overall_score::DECIMAL(10, 4)), 2)
FROM mystery_shop_visit
GROUP BY store_id, store_name;
-- END MISTAKE
