-- A SQL model brought up to date, step 1: its rows in scope go. The table name is the model's file stem (checked
-- to be a plain identifier: a table name cannot be bound); the test of its scope (`-- scope:`, issuer by default)
-- comes from sql/model_runtime/model_rows_<scope>.sql.
delete from __model_table__ where __model_rows__
