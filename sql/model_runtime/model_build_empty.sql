-- A SQL model built in full in chunks, step 1, committed on its own: an empty table of the SELECT's columns under
-- the name <model>_building, which each chunk's rows then go into (model_insert_scoped.sql, into that table) and
-- which replaces the model's table in the chunks' transaction (model_swap_building.sql), so readers see the old
-- rows or the new. Not created in that transaction: DuckDB 2.0.0 then keeps the empty table's column statistics,
-- and a filtered read in the same process skips every row (tests/test_sql_models.py shows it).
create or replace table __model_building__ as
select * from (__model_select__) limit 0
