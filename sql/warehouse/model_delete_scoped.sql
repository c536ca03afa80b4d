-- A SQL model brought up to date for the last refresh's issuers, step 1: their rows go.
-- The table name is the model's file stem (checked to be a plain identifier: a table name cannot be bound).
delete from __model_table__ where issuer_cik in (select issuer_cik from model_scope)
