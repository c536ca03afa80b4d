-- The issuers one chunk of a SQL model's refresh recomputes (batch_model_chunk, from transforms/refresh_chunks.py):
-- the scope macros and model_rows_*.sql read this table.
create or replace temp table model_chunk as
select issuer_cik from batch_model_chunk;
