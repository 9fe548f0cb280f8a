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
