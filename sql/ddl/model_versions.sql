-- grain: one row per SQL model table
-- key: model_name
-- Pipeline state: the digest of the SQL and parameters a model table was built with. A model whose digest
-- changed is rebuilt in full; otherwise only the issuers in model_scope are recomputed.
create table if not exists model_versions (
    model_name VARCHAR,
    digest VARCHAR,
    built_at TIMESTAMP
);
