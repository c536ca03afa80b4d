-- A SQL model built in full in chunks, step 1: its table replaced by an empty one of its SELECT's columns; each
-- chunk's rows are then inserted by model_insert_scoped.sql.
create or replace table __model_table__ as
select * from (__model_select__) limit 0
