-- A new run that loads filings (filing_tables, f345_quarter): forget the previous run's filings (each batch adds
-- its own in insert_filing_rows.sql). model_pending and load_scope_parties stay: what a stopped run left for the
-- model refresh is still to be done.
delete from load_scope;
