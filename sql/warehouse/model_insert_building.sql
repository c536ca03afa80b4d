-- A SQL model built in full in chunks, step 2, once per chunk: the rows of the chunk's issuers (model_chunk).
insert into __model_table___building by name
select * from (__model_select__) as model
where __model_rows__
