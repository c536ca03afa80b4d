-- Rows of a model keyed by filing (`-- scope: filing`) that may have changed: a filing's rows follow from its own
-- lines and its filing_status row, so the filings of the night and those whose status the refresh changed.
-- Every filing in scope is one of an issuer in scope: the issuer test changes no row, and lets DuckDB skip by the
-- integer issuer before probing accessions.
issuer_cik in (select issuer_cik from model_chunk)
and accession_number in (select accession_number from model_scope_filings)
