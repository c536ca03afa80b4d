-- A SQL model brought up to date for the last refresh's issuers, step 2: their rows, from the model's SELECT.
-- The table name is the model's file stem (checked to be a plain identifier: a table name cannot be bound), and
-- the SELECT is its file in sql/models/; the model's parameters stay bound as $name.
insert into __model_table__ by name
select * from (__model_select__) as model
where model.issuer_cik in (select issuer_cik from model_scope)
