-- A SQL model built in full in chunks, step 3, in the chunks' transaction: the built table takes the model's name.
drop table if exists __model_table__;
alter table __model_building__ rename to __model_table__;
