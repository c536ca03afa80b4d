-- grain: one row per security title an owner group filed in one table of one issuer
-- key: issuer_cik, owner_group_key, table_kind, security_title
-- The security a title names (transforms/security_titles.py): title_key is the title without par-value clauses,
-- amounts, case, spacing, punctuation, plurals and known misspellings; security_key the key it is joined to
-- (rule normalized: itself; truncated or short_form: the one longer title of the group it abbreviates).
create table if not exists security_aliases (
    issuer_cik BIGINT,
    owner_group_key VARCHAR,
    table_kind VARCHAR,
    security_title VARCHAR,
    title_key VARCHAR,
    security_key VARCHAR,
    rule VARCHAR
);
