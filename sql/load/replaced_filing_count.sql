-- How many of the batch's filings are already in the warehouse (find_replaced_filings.sql): none, and the load has
-- nothing to delete.
select count(*) from batch_existing
