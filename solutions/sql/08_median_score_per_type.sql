-- Title: Median score per store type
-- Difficulty: medium
-- Question: For each store type, give the median and the average overall score (average to two
-- decimals). Does one bad visit pull the average down more than the median?
-- Hint: Redshift has MEDIAN(expression) as an aggregate function, used like AVG. Cast the score
-- to a decimal first, as for AVG, so that a half is never lost: MEDIAN(overall_score::DECIMAL(5, 1)).
-- Check: one row per store type; medians are whole or half numbers, as scores are whole numbers.
-- BEGIN SOLUTION
SELECT store_type,
       MEDIAN(overall_score::DECIMAL(5, 1)) AS median_score,
       ROUND(AVG(overall_score::DECIMAL(10, 4)), 2) AS average_score
FROM mystery_shop_visit
GROUP BY store_type
ORDER BY store_type;
-- END SOLUTION

-- BEGIN MISTAKE: On Redshift AVG of a whole-number column is a whole number (AVG of 4 and 5 is 4): cast the score first, AVG(overall_score::DECIMAL(10, 4)).
SELECT store_type, MEDIAN(overall_score::DECIMAL(5, 1)), ROUND(AVG(overall_score), 2)
FROM mystery_shop_visit
GROUP BY store_type;
-- END MISTAKE
