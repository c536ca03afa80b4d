-- A SQL model keyed by filing (`-- scope: filing`), brought up to date, step 1: the rows of the filings in scope go.
-- The table name is the model's file stem (checked to be a plain identifier: a table name cannot be bound).
-- Every filing in scope is one of an issuer in scope (model_scope), so the issuer filter changes no row; it lets
-- DuckDB skip by the integer issuer before probing accessions.
delete from __model_table__
where
    issuer_cik in (select issuer_cik from model_scope)
    and accession_number in (select accession_number from model_scope_filings)
