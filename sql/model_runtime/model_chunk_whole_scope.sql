-- An incremental refresh small enough for one chunk (every night): the chunk is the whole scope.
create or replace temp table model_chunk as
select issuer_cik from model_scope;
