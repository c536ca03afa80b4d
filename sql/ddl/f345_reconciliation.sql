-- grain: one row per quarter of the Form 345 data sets, table and column the set carries
-- key: f345_quarter, table_name, column_name
-- How the set agrees with the filings themselves, for the accessions of the quarter the warehouse loaded from
-- their own submission (transforms/f345/reconcile.py): rows compared on the table's key, rows agreeing, rows only
-- one side has, one disagreeing example, and rows whose value the set rounded to two decimals (as the SEC rounds
-- every number of the sets: neither agreeing nor a disagreement). Recomputed each time the quarter is loaded.
create table if not exists f345_reconciliation (
    f345_quarter VARCHAR,
    table_name VARCHAR,
    column_name VARCHAR,
    compared BIGINT,
    agreeing BIGINT,
    rows_only_in_f345 BIGINT,
    rows_only_in_filing BIGINT,
    example_accession_number VARCHAR,
    example_key VARCHAR,
    f345_value VARCHAR,
    filing_value VARCHAR,
    computed_at TIMESTAMP,
    rounded_in_f345 BIGINT
);
