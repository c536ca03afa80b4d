-- How many filings a SQL model's refresh recomputes: the scope's for an incremental refresh, every filing's for a
-- full build. Past the chunk size (orchestration/sql_models.py) the refresh goes a chunk of issuers at a time.
select
    case when $full then (select count(*) from filing_status) else (select count(*) from model_scope_filings) end
