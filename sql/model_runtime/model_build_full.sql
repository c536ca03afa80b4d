-- A SQL model built in full: its table replaced by the rows of its SELECT.
-- The table name is the model's file stem (checked to be a plain identifier: a table name cannot be bound), and
-- the SELECT is its file in sql/models/; the model's parameters stay bound as $name.
create or replace table __model_table__ as __model_select__
