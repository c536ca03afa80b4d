-- A SQL model keyed by filing (`-- scope: filing`), brought up to date, step 2: the rows of the filings in scope,
-- from the model's SELECT. A filing's rows follow from its own lines and its filing_status row, so the filings of
-- the night and those whose status the refresh changed are all that can differ.
insert into __model_table__ by name
select * from (__model_select__) as model
-- The issuer filter changes no row (every filing in scope is one of an issuer in scope) and is the cheaper test.
where
    model.issuer_cik in (select issuer_cik from model_scope)
    and model.accession_number in (select accession_number from model_scope_filings)
