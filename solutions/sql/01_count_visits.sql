-- Title: How many visits?
-- Difficulty: easy
-- Question: How many mystery-shop visits has the pipeline loaded into mystery_shop_visit?
-- Hint: COUNT(*) counts rows. Rows the Lambda rejected are not in the table: they are in the
-- rejects file under rejected/ in your bucket.
-- Check: one row with one number. If you uploaded only March, that is March's valid visits.
-- BEGIN SOLUTION
SELECT COUNT(*) AS visits
FROM mystery_shop_visit;
-- END SOLUTION

-- BEGIN MISTAKE: That counts stores, each once. The question counts visits: each row of mystery_shop_visit is one visit, COUNT(*).
SELECT COUNT(DISTINCT store_id) FROM mystery_shop_visit;
-- END MISTAKE

-- BEGIN MISTAKE: That counts mystery shoppers, each once. The question counts visits: each row is one visit, COUNT(*).
SELECT COUNT(DISTINCT mystery_shopper_id) FROM mystery_shop_visit;
-- END MISTAKE
