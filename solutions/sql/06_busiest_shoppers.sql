-- Title: The busiest mystery shoppers
-- Difficulty: medium
-- Question: Which five mystery shoppers made the most visits, and how many stores did each of them
-- see? Break ties by the lower shopper id.
-- Hint: The table keeps the shopper's id only (the Lambda drops names: personal data stays out of the
-- warehouse). GROUP BY mystery_shopper_id; SELECT TOP 5 with an ORDER BY that breaks ties.
-- Check: five rows, the most visits first.
-- BEGIN SOLUTION
SELECT TOP 5
       mystery_shopper_id,
       COUNT(*) AS visits,
       COUNT(DISTINCT store_id) AS stores_visited
FROM mystery_shop_visit
GROUP BY mystery_shopper_id
ORDER BY visits DESC, mystery_shopper_id;
-- END SOLUTION

-- BEGIN MISTAKE: stores_visited counts each store once: COUNT(DISTINCT store_id). COUNT(store_id) counts the visits again.
SELECT TOP 5 mystery_shopper_id, COUNT(*) AS visits, COUNT(store_id)
FROM mystery_shop_visit
GROUP BY mystery_shopper_id
ORDER BY visits DESC, mystery_shopper_id;
-- END MISTAKE

-- BEGIN MISTAKE: Two shoppers tie on visits at fifth place: break the tie by the lower shopper id, ORDER BY visits DESC, mystery_shopper_id.
SELECT TOP 5 mystery_shopper_id, COUNT(*) AS visits, COUNT(DISTINCT store_id)
FROM mystery_shop_visit
GROUP BY mystery_shopper_id
ORDER BY visits DESC, mystery_shopper_id DESC;
-- END MISTAKE
