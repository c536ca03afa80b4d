-- in_model_scope(issuer) for an incremental refresh: only the issuers of the last model refresh.
-- Models call it inside a CTE where DuckDB cannot push the outer issuer filter down by itself (a CTE that joins
-- line-level tables or aggregates before the issuer is known), so a nightly refresh reads the scope, not the table.
create or replace temp macro in_model_scope(issuer) as issuer in (select issuer_cik from model_scope);
-- in_filing_scope(accession): the models keyed by filing (`-- scope: filing`) recompute only these filings.
create or replace temp macro in_filing_scope(accession) as
    accession in (select accession_number from model_scope_filings);
-- in_group_scope(issuer, owner_group): the models keyed by owner group (`-- scope: group`) recompute only these.
create or replace temp macro in_group_scope(issuer, owner_group) as
    (issuer, owner_group) in (select issuer_cik, owner_group_key from model_scope_groups);
