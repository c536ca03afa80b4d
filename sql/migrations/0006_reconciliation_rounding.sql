-- f345_reconciliation counts, per table and column, the rows whose value the set rounded to two decimals: a category
-- of its own, no longer a disagreement. Existing rows have no such count until their quarter is loaded again.
alter table f345_reconciliation add column if not exists rounded_in_f345 BIGINT;
