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

-- BEGIN MISTAKE: That counts shoppers, each once per store. The question counts visits: COUNT(*) counts every row (a shopper who came back twice made two visits).
SELECT store_id, store_name, COUNT(DISTINCT mystery_shopper_id) FROM mystery_shop_visit GROUP BY store_id, store_name;
-- END MISTAKE
