-- grain: one row per owner group (issuer and set of reporting owners) whose derived rows the model refreshes since the last publish may change
-- key: issuer_cik, owner_group_key
-- Pipeline state, not an analytics table: the groups the refreshes rebuilt positions and ownership totals for.
-- SQL models keyed by owner group (`-- scope: group`) recompute these groups only, not every insider of the
-- night's issuers.
create table if not exists model_scope_groups (
    issuer_cik BIGINT,
    owner_group_key VARCHAR
);
