-- Title: Visits per store
-- Difficulty: easy
-- Question: How many visits did each store get? Busiest store first; stores with the same number
-- of visits in alphabetical order.
-- Hint: GROUP BY the store's id and name, COUNT(*) the rows, ORDER BY the count DESC, then the name.
-- Check: one row per store; the visits add up to your answer to question 01.
-- BEGIN SOLUTION
SELECT store_id,
       store_name,
       COUNT(*) AS visits
FROM mystery_shop_visit
GROUP BY store_id, store_name
ORDER BY visits DESC, store_name;
-- END SOLUTION
