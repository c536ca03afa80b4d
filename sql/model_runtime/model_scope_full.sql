-- in_model_scope(issuer) for a full rebuild: every row is in scope (rows without an issuer included).
create or replace temp macro in_model_scope(issuer) as true;
-- in_filing_scope(accession) likewise, for the models keyed by filing.
create or replace temp macro in_filing_scope(accession) as true;
create or replace temp macro in_group_scope(issuer, owner_group) as true;
create or replace temp macro date_scope_start() as '-infinity'::date;
