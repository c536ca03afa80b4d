-- A SQL model brought up to date, step 2: its rows in scope, from the model's SELECT (its file in sql/models/,
-- parameters bound as $name), filtered by the same test of its scope as step 1 deleted by. A full build in chunks
-- runs it once per chunk, into <model>_building, with the issuer test of model_rows_issuer.sql.
insert into __model_table__ by name
select * from (__model_select__) as model
where __model_rows__
