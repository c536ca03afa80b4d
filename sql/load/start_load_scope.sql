-- A new filing_tables run: forget the previous run's filings (each batch adds its own in replace_filing_rows.sql).
delete from load_scope;
delete from load_scope_parties;
