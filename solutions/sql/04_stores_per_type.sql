-- Title: Stores of each type
-- Difficulty: easy
-- Question: How many different stores of each store type were visited, and how many visits did
-- each type get?
-- Hint: COUNT(DISTINCT store_id) counts each store once however often it was visited.
-- Check: one row per store type; the stores add up to the number of rows in question 03.
-- BEGIN SOLUTION
SELECT store_type,
       COUNT(DISTINCT store_id) AS stores,
       COUNT(*) AS visits
FROM mystery_shop_visit
GROUP BY store_type
ORDER BY stores DESC, store_type;
-- END SOLUTION

-- BEGIN MISTAKE: Counted rows, not stores: COUNT(*) counts visits, so a store visited 30 times counts 30 times. Count each store once with COUNT(DISTINCT store_id).
SELECT store_type, COUNT(*), COUNT(*) FROM mystery_shop_visit GROUP BY store_type;
-- END MISTAKE
