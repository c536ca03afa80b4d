-- Rows of a model keyed by issuer (the default scope) that the refreshes since the last publish may have changed:
-- every row of their issuers (of this chunk's: model_chunk.sql).
issuer_cik in (select issuer_cik from model_chunk)
