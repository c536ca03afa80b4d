-- in_model_scope(issuer) for an incremental refresh: only the issuers of the last model refresh, of this chunk
-- (model_chunk: the whole scope on a night; a backlog of hundreds of thousands of filings a part of it at a time).
-- Models call it inside a CTE where DuckDB cannot push the outer issuer filter down by itself (a CTE that joins
-- line-level tables or aggregates before the issuer is known), so a nightly refresh reads the scope, not the table.
create or replace temp macro in_model_scope(issuer) as issuer in (select issuer_cik from model_chunk);
-- in_filing_scope(accession): the models keyed by filing (`-- scope: filing`) recompute only these filings.
create or replace temp macro in_filing_scope(accession) as
    accession in (select accession_number from model_scope_filings);
-- in_group_scope(issuer, owner_group): the models keyed by owner group (`-- scope: group`) recompute only these.
create or replace temp macro in_group_scope(issuer, owner_group) as
    (issuer, owner_group) in (select issuer_cik, owner_group_key from model_scope_groups);
-- For the models over windows of days or months (`-- scope: date`): the earliest transaction date the refreshes
-- changed, per issuer of the chunk (model_rows_date.sql recomputes an issuer's rows from there on), and
-- date_scope_start(), the earliest of them, from which those models read lines back by one window. A bound on the
-- date column itself lets DuckDB skip the row groups of older lines by their min/max; a per-issuer test there
-- would cost more than it saves, and the outer
-- test makes it exact.
create or replace temp table model_date_scope as
select issuer_cik as date_scope_issuer, min(changed_from) as date_scope_from
from model_scope_days
where issuer_cik in (select issuer_cik from model_chunk)
group by issuer_cik;
create or replace temp macro date_scope_start() as (select min(date_scope_from) from model_date_scope);
