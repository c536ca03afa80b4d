-- A SQL model keyed by filing (`-- scope: filing`), brought up to date, step 1: the rows of the filings in scope go.
-- The table name is the model's file stem (checked to be a plain identifier: a table name cannot be bound).
delete from __model_table__ where accession_number in (select accession_number from model_scope_filings)
