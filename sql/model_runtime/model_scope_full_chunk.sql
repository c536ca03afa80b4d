-- The scope macros for one chunk of a SQL model built in full in chunks (a warehouse of hundreds of thousands of
-- filings; a smaller one is built in one statement, model_scope_full.sql): every row of the chunk's issuers
-- (model_chunk), whatever the last refreshes touched.
create or replace temp macro in_model_scope(issuer) as issuer in (select issuer_cik from model_chunk);
create or replace temp macro in_filing_scope(accession) as true;
create or replace temp macro in_group_scope(issuer, owner_group) as true;
create or replace temp macro date_scope_start() as '-infinity'::date;
