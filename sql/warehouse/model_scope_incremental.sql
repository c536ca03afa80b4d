-- in_model_scope(issuer) for an incremental refresh: only the issuers of the last model refresh.
-- Models call it inside a CTE where DuckDB cannot push the outer issuer filter down by itself (a CTE that joins
-- line-level tables or aggregates before the issuer is known), so a nightly refresh reads the scope, not the table.
create or replace temp macro in_model_scope(issuer) as issuer in (select issuer_cik from model_scope);
-- in_filing_scope(accession): the models keyed by filing (`-- scope: filing`) recompute only these filings.
create or replace temp macro in_filing_scope(accession) as
    accession in (select accession_number from model_scope_filings);
